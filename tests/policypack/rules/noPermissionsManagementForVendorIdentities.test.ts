import * as assert from "node:assert/strict";
import { tagKeys } from "../../../policypack/programFacts";
import { noPermissionsManagementForVendorIdentities as rule } from "../../../policypack/rules/noPermissionsManagementForVendorIdentities";
import { runStackRule, stackArgs, type StackResource } from "../ruleHarness";

const config = { accountIds: ["111122223333"] };
const doc = (actions: string[]) =>
  JSON.stringify({ Statement: { Sid: "Grant", Effect: "Allow", Action: actions, Resource: "arn:aws:s3:::data/*" } });
const role = (vendor?: string, trusted = "111122223333"): StackResource => ({
  type: "aws:iam/role:Role",
  name: "vendor-role",
  props: {
    name: "vendor-dev",
    assumeRolePolicy: JSON.stringify({
      Statement: {
        Effect: "Allow",
        Principal: { AWS: trusted },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": "a6fa9c7f-7f53-4a41-812d-a29f48288a94" } },
      },
    }),
    ...(vendor ? { tags: { [tagKeys.vendor]: vendor, [tagKeys.integration]: `${vendor}-drive` } } : {}),
  },
});
const rolePolicy = (actions: string[]): StackResource => ({
  type: "aws:iam/rolePolicy:RolePolicy",
  name: "inline",
  props: { role: "vendor-dev", name: "vendor-access", policy: doc(actions) },
});
const violations = async (resources: StackResource[]) =>
  (await runStackRule(rule, stackArgs(resources, config))).byResource;

describe("policypack rule no-permissions-management-for-vendor-identities", () => {
  it("accepts AI Hub's role with s3:PutObjectAcl, which its profile asks for", async () =>
    assert.deepEqual(await violations([role("aihub"), rolePolicy(["s3:GetObject", "s3:PutObjectAcl"])]), []));

  it("rejects s3:PutBucketPolicy in a vendor role's inline policy, even for AI Hub", async () => {
    const found = await violations([role("aihub"), rolePolicy(["s3:PutObjectAcl", "s3:PutBucketPolicy"])]);
    assert.deepEqual(found, [
      'inline: policy: statement "Grant" lets role "vendor-dev" manage permissions: "s3:PutBucketPolicy", and a vendor can assume it because it is tagged vendor-access:vendor=aihub. The aihub profile does not ask for them; remove them.',
    ]);
  });

  it("rejects s3:PutObjectAcl for a vendor whose profile does not ask for it, and for a role trusting an outside account", async () => {
    assert.equal((await violations([role("deeplake"), rolePolicy(["s3:PutObjectAcl"])])).length, 1);
    const found = await violations([role(undefined, "arn:aws:iam::123456789012:root"), rolePolicy(["s3:Put*"])]);
    assert.match(
      found[0],
      /"s3:PutAccessPointPolicy".* and \d+ more, and a vendor can assume it because its trust admits arn:aws:iam::123456789012:root\. No vendor profile asks/,
    );
  });

  it("reads a vendor role's own inline policies, and the stack's managed policies attached to it", async () => {
    const withInline = {
      ...role("isahit"),
      props: { ...role("isahit").props, inlinePolicies: [{ name: "x", policy: doc(["s3:PutBucketAcl"]) }] },
    };
    assert.match(
      (await violations([withInline]))[0],
      /^vendor-role: inlinePolicies\[0\]\.policy: statement "Grant" lets role "vendor-dev" manage permissions: "s3:PutBucketAcl"/,
    );
    const managed: StackResource = {
      type: "aws:iam/policy:Policy",
      name: "part-1",
      props: { name: "vendor-dev-1", policy: doc(["s3:DeleteBucketPolicy"]) },
    };
    const attachment: StackResource = {
      type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      name: "attach-1",
      props: { role: "vendor-dev", policyArn: "arn:aws:iam::111122223333:policy/vendor-dev-1" },
    };
    assert.match(
      (await violations([role("isahit"), managed, attachment]))[0],
      /^part-1: policy: statement "Grant" .*"s3:DeleteBucketPolicy"/,
    );
  });

  it("leaves roles no vendor can assume alone", async () =>
    assert.deepEqual(await violations([role(), rolePolicy(["s3:PutBucketPolicy"])]), []));
});
