// The pack keeps its own copies of facts about the program (it checks the program independently, as its own
// package); this contract test, which may import both, keeps the copies equal.
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { iamLimits, kmsLimits, s3Limits } from "../../model/limits";
import { tagKeys as programTagKeys } from "../../model/naming";
import { builtInVendors } from "../../model/vendors";
import { bucketCorsEntriesKind as componentCorsKind } from "../../providers/bucketCorsEntries";
import { bucketPolicyEntriesKind as componentPolicyKind } from "../../providers/bucketPolicyEntries";
import { keyPolicyEntriesKind as componentKeyPolicyKind } from "../../providers/keyPolicyEntries";
import { accessLevelOf, permissionsManagement } from "../../policypack/catalog";
import {
  quotas,
  seedPrincipals,
  tagKeys,
  vendorCorsMethods,
  vendorPermissionsManagementActions,
} from "../../policypack/programFacts";
import * as types from "../../policypack/resourceTypes";
import type { Render } from "../../tools/render";
import { renderStackFile } from "../helpers/program";

describe("policypack program facts: the pack's copies equal the program's", () => {
  let dev: Render;
  before(async () => {
    dev = await renderStackFile("dev");
  });

  it("tag keys: every role and user the program creates carries exactly the pack's tag keys, with its vendor and integration", () => {
    const identities = dev.resources.filter((r) => r.type === types.iamRole || r.type === types.iamUser);
    assert.ok(identities.length >= 4);
    for (const identity of identities) {
      const tags = identity.props.tags as Record<string, string>;
      const integration = dev.integrations.find((i) => i.name === tags[tagKeys.integration]);
      const known = builtInVendors.find((v) => v.id === integration?.vendor)?.knownPrincipals;
      const expected = Object.values(tagKeys).filter((key) => key !== tagKeys.knownPrincipals || known);
      assert.deepEqual(Object.keys(tags).sort(), expected.sort(), identity.name);
      if (known) assert.equal(tags[tagKeys.knownPrincipals], known.join(" "), identity.name);
      assert.equal(tags[tagKeys.vendor], integration?.vendor, identity.name);
      assert.equal(tags[tagKeys.stack], dev.stack);
    }
  });

  it("resource kinds: the shared-document dynamic resources' kinds (bucket policy, CORS, key policy)", () => {
    assert.equal(types.bucketPolicyEntriesKind, componentPolicyKind);
    assert.equal(types.bucketCorsEntriesKind, componentCorsKind);
    assert.equal(types.keyPolicyEntriesKind, componentKeyPolicyKind);
  });

  it("type tokens: every token the pack names is the @pulumi/aws class's own", () => {
    const classes: [string, unknown][] = [
      [types.iamPolicy, aws.iam.Policy],
      [types.iamRolePolicy, aws.iam.RolePolicy],
      [types.iamUserPolicy, aws.iam.UserPolicy],
      [types.iamGroupPolicy, aws.iam.GroupPolicy],
      [types.iamRole, aws.iam.Role],
      [types.iamUser, aws.iam.User],
      [types.iamGroup, aws.iam.Group],
      [types.iamAccessKey, aws.iam.AccessKey],
      [types.iamGroupMembership, aws.iam.GroupMembership],
      [types.iamUserGroupMembership, aws.iam.UserGroupMembership],
      [types.iamRolePolicyAttachment, aws.iam.RolePolicyAttachment],
      [types.iamUserPolicyAttachment, aws.iam.UserPolicyAttachment],
      [types.iamGroupPolicyAttachment, aws.iam.GroupPolicyAttachment],
      [types.iamPolicyAttachment, aws.iam.PolicyAttachment],
      [types.iamRolePolicyAttachmentsExclusive, aws.iam.RolePolicyAttachmentsExclusive],
      [types.iamUserPolicyAttachmentsExclusive, aws.iam.UserPolicyAttachmentsExclusive],
      [types.iamGroupPolicyAttachmentsExclusive, aws.iam.GroupPolicyAttachmentsExclusive],
      [types.s3BucketPolicy, aws.s3.BucketPolicy],
      [types.s3AccessPoint, aws.s3.AccessPoint],
      [types.s3controlAccessPointPolicy, aws.s3control.AccessPointPolicy],
      [types.kmsKey, aws.kms.Key],
      [types.kmsKeyPolicy, aws.kms.KeyPolicy],
      [types.kmsReplicaKey, aws.kms.ReplicaKey],
      [types.kmsExternalKey, aws.kms.ExternalKey],
      [types.kmsReplicaExternalKey, aws.kms.ReplicaExternalKey],
      [types.kmsGrant, aws.kms.Grant],
      [types.s3Bucket, aws.s3.Bucket],
      [types.s3BucketV2, aws.s3.BucketV2],
      [types.s3BucketCorsConfiguration, aws.s3.BucketCorsConfiguration],
      [types.s3BucketCorsConfigurationV2, aws.s3.BucketCorsConfigurationV2],
    ];
    for (const [token, resourceClass] of classes)
      assert.equal(token, (resourceClass as { __pulumiType?: string }).__pulumiType);
  });

  it("type tokens: every AWS and dynamic resource the program registers is one the pack knows", () => {
    const known = new Set<string>(Object.values(types));
    const registered = new Set(dev.resources.map((r) => r.type).filter((t) => /^(aws|pulumi-nodejs):/.test(t)));
    assert.deepEqual(
      [...registered].filter((type) => !known.has(type)),
      [],
    );
  });

  it("tag keys: the ones model/naming.ts defines", () => {
    assert.deepEqual(tagKeys, programTagKeys);
  });

  it("quotas: every one equals model/limits.ts", () => {
    assert.deepEqual(quotas, {
      trustPolicyChars: iamLimits.trustPolicyChars,
      managedPolicyChars: iamLimits.managedPolicyChars,
      inlinePolicyCharsPerRole: iamLimits.inlinePolicyCharsPerRole,
      inlinePolicyCharsPerUser: iamLimits.inlinePolicyCharsPerUser,
      inlinePolicyCharsPerGroup: iamLimits.inlinePolicyCharsPerGroup,
      bucketPolicyBytes: s3Limits.bucketPolicyBytes,
      keyPolicyBytes: kmsLimits.keyPolicyBytes,
    });
  });

  it("seed principals: the pack's copy is each built-in profile's knownPrincipals, and holds every default principal", () => {
    const fromProfiles = Object.fromEntries(
      builtInVendors.filter((v) => v.knownPrincipals).map((v) => [v.id, [...v.knownPrincipals!]]),
    );
    assert.deepEqual(seedPrincipals, fromProfiles);
    for (const profile of builtInVendors.filter((v) => v.defaultPrincipal))
      assert.ok(seedPrincipals[profile.id]?.includes(profile.defaultPrincipal!), profile.id);
  });

  it("CORS methods: the ones each vendor profile asks for", () => {
    const fromProfiles = Object.fromEntries(
      builtInVendors.filter((profile) => profile.cors).map((profile) => [profile.id, [...profile.cors!.methods]]),
    );
    assert.deepEqual(vendorCorsMethods, fromProfiles);
  });

  it("permissions-management actions: the ones each vendor profile asks for, by the IAM catalog's access level", async () => {
    const fromProfiles: Record<string, string[]> = {};
    for (const profile of builtInVendors) {
      const actions = [
        ...new Set(Object.values(profile.access.levels).flatMap((set) => [...set.bucket, ...set.object, ...set.kms])),
      ];
      const levels = await Promise.all(actions.map(accessLevelOf));
      const managing = actions.filter((_, index) => levels[index]?.includes(permissionsManagement)).sort();
      if (managing.length > 0) fromProfiles[profile.id] = managing;
    }
    assert.deepEqual(vendorPermissionsManagementActions, fromProfiles);
  });
});
