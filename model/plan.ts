// Turns one validated integration into plain policy documents and names: no Pulumi, no I/O, fully testable.
import { createHash } from "node:crypto";
import { accessPointArn, accessPointObjectsArn, bucketArn, bucketObjectsArn, iamArn, partitionOf } from "./arns";
import { VendorAccessError } from "./errors";
import { iamLimits } from "./limits";
import { projectName, type BucketConfig, type IntegrationConfig, type StackConfig } from "./config";
import { entryIdPrefixFor, ownerKeyFor } from "./sharedDocuments/ownership";
import {
  allow,
  assumeRoleWithExternalId,
  kmsViaS3Condition,
  listPrefixCondition,
  policyDocument,
  type PolicyDocument,
  type PolicyStatement,
} from "./policy/document";
import {
  largestCountWhere,
  largestPackableBucketCount,
  packStatements,
  policySize,
  roleCapacities,
  theoreticalBucketBound,
  userCapacities,
  type StatementGroup,
} from "./policy/packing";
import type { ActionSet, VendorProfile } from "./vendors";
import { narrowActions } from "./vendors/actions";
import type { ExternalIdSource } from "./vendors/profile";
import { encryptionContextArns, keyPolicyContributions, type KeyPolicyContribution } from "./keyPolicy";

/** The listing actions that honour the `s3:prefix` condition key (IAM catalog: ListBucket, ListBucketVersions). */
export const prefixScopedListActions: readonly string[] = ["s3:ListBucket", "s3:ListBucketVersions"];

/** Length of a generated ExternalId: 48 alphanumerics, about 285 bits. */
export const generatedExternalIdLength = 48;

export interface CorsRule {
  ID: string;
  AllowedMethods: string[];
  AllowedOrigins: string[];
  AllowedHeaders: string[];
  ExposeHeaders: string[];
  MaxAgeSeconds: number;
}

/** SSE-KMS on one bucket of one integration. */
export interface BucketKmsPlan {
  keyArn: string;
  bucketKeyEnabled: boolean;
  keyPolicy: "manage" | "handoff";
  /** The values of `kms:EncryptionContext:aws:s3:arn` every KMS statement for this bucket allows. */
  encryptionContextArns: string[];
}

export interface AccessPointPlan {
  name: string;
  arn: string;
  policy: PolicyDocument;
}

export interface BucketGrantPlan {
  bucket: BucketConfig;
  /** This integration's bucket-policy statements, every Sid starting with the integration's Sid prefix. */
  statements: PolicyStatement[];
  corsRules: CorsRule[];
  accessPoint?: AccessPointPlan;
  kms?: BucketKmsPlan;
}

export type PrincipalType = "role" | "user" | "account";

export interface IntegrationPlan {
  integration: IntegrationConfig;
  profile: VendorProfile;
  actions: ActionSet;
  principalType: PrincipalType;
  /** IAM name of the role or user we create; undefined for bucket-policy vendors. */
  identityName?: string;
  /** ARN of the principal that receives the permissions: our role or user, or the vendor's account. */
  granteeArn: string;
  vendorPrincipals: string[];
  externalIdSource: ExternalIdSource;
  /** Identity-side documents, packed to IAM quotas: for a role the first is inline, the rest managed. */
  permissionPolicies: PolicyDocument[];
  buckets: BucketGrantPlan[];
  /** Sid prefix of every statement this stack and integration own in a bucket or access point policy. */
  sidPrefix: string;
  /** Statements in key policies (or handed to the key's owner) for principals outside a key's account. */
  keyPolicyStatements: KeyPolicyContribution[];
}

/** A plan that cannot be deployed (a quota exceeded, a document AWS would reject); the message says why. */
export class PlanError extends VendorAccessError {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

/** Stack names may hold `_` and `.`; Sids and IAM names get only letters, digits and single hyphens. */
export function stackSlug(stack: string): string {
  return stack.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "stack";
}

/**
 * `<integration>--<owner key>--`: the owner key (ownerKeyFor) is unique to organisation, project and stack, and the
 * prefix is unambiguous since integration names hold no `--`.
 */
export function sidPrefixFor(integration: string, ownerKey: string): string {
  return `${entryIdPrefixFor(integration, ownerKey)}--`;
}

/** The entry ID form used before owner keys, `<integration>--<stack slug>`: migrated on the first update. */
export function legacyEntryIdPrefixFor(integration: string, stack: string): string {
  return `${integration}--${stackSlug(stack)}`;
}

/** The owner key the plan uses when none is given: a self-managed backend's organisation and this project. */
export function defaultOwnerKey(stack: string): string {
  return ownerKeyFor("organization", projectName, stack);
}

/** CORS rule IDs of an integration: its Sid prefix without the trailing dashes, `<integration>--<owner key>`. */
export function corsRuleIdPrefixFor(sidPrefix: string): string {
  return sidPrefix.replace(/-+$/, "");
}

/** IAM role and user names: within IAM's length limit, unique per stack so that dev and prod can share an account. */
export function identityNameFor(integration: string, stack: string): string {
  const name = `${integration}-${stackSlug(stack)}`;
  if (name.length <= iamLimits.roleNameChars) return name;
  // Truncated names could collide: keep all but 9 characters and add a hash of the whole name.
  const kept = name.slice(0, iamLimits.roleNameChars - 9).replace(/-+$/, "");
  return `${kept}-${createHash("sha256").update(name).digest("hex").slice(0, 8)}`;
}

/** The trust policy the role carries; null for vendors that do not assume a role. */
export function trustPolicy(plan: IntegrationPlan, externalId: string): PolicyDocument | null {
  if (plan.principalType !== "role") return null;
  return policyDocument([assumeRoleWithExternalId(plan.vendorPrincipals, externalId)]);
}

/** The vendor's actions at the integration's access level, narrowed by its `excludeActions`. */
export function integrationActions(integration: IntegrationConfig): ActionSet {
  const levels = integration.profile.access.levels;
  return narrowActions(levels[integration.access]!, integration.excludeActions);
}

/**
 * What a plan holds in place of an ExternalId known only at deployment (VendorIntegration given an Output): valid
 * for STS, so validation and the trust-size check run on it; VendorIdentity puts the real value in its place.
 */
export const deferredExternalId = "vendor-access-external-id-known-at-deployment";

/** What stands for the ExternalId in the trust shown to reviewers. */
export const redactedExternalId = "<ExternalId: secret>";

/**
 * The trust with its ExternalId value redacted: not a secret, so a preview shows a changed principal, action or
 * condition as a changed value while the trust itself, which embeds the ExternalId, stays a secret.
 */
export function reviewedTrustPolicy(plan: IntegrationPlan): PolicyDocument | null {
  return trustPolicy(plan, redactedExternalId);
}

interface Target {
  bucket: BucketConfig;
  accessPoint?: { name: string; arn: string };
}

/** The grant as statement groups over many buckets: one statement per action set, listing all resources. */
function statementGroups(actions: ActionSet, targets: readonly Target[], accountId: string): StatementGroup[] {
  const groups: StatementGroup[] = [];
  const objectArns = targets.flatMap(({ bucket, accessPoint }) => [
    bucketObjectsArn(bucket.name, bucket.region, bucket.prefix),
    ...(accessPoint ? [accessPointObjectsArn(bucket.region, accountId, accessPoint.name, bucket.prefix)] : []),
  ]);
  if (actions.object.length > 0) groups.push({ sid: "ObjectAccess", actions: actions.object, resources: objectArns });

  const listActions = actions.bucket.filter((action) => prefixScopedListActions.includes(action));
  const otherBucketActions = actions.bucket.filter((action) => !prefixScopedListActions.includes(action));
  // A prefix condition covers every resource in its statement, so buckets are grouped by prefix.
  // Sorted, so that a Sid does not change when buckets are reordered in config.
  const prefixes = [...new Set(targets.map((t) => t.bucket.prefix))].sort();
  let prefixed = 0;
  for (const prefix of listActions.length > 0 ? prefixes : []) {
    const sameprefix = targets.filter((t) => t.bucket.prefix === prefix);
    groups.push({
      sid: prefix === "" ? "ListBuckets" : `ListUnderPrefix${++prefixed}`,
      actions: listActions,
      resources: sameprefix.flatMap(({ bucket, accessPoint }) => [
        bucketArn(bucket.name, bucket.region),
        ...(accessPoint ? [accessPoint.arn] : []),
      ]),
      ...(prefix === "" ? {} : { condition: listPrefixCondition(prefix) }),
    });
  }
  if (otherBucketActions.length > 0) {
    groups.push({
      sid: "BucketAccess",
      actions: otherBucketActions,
      resources: targets.map(({ bucket }) => bucketArn(bucket.name, bucket.region)),
    });
  }
  groups.push(...kmsStatementGroups(actions, targets));
  return groups;
}

/** Context values per KMS statement: small, so that the packer (which cannot split a condition) wastes little of a policy. */
const kmsContextCharsPerStatement = 256;

/**
 * KMS only through S3 in the key's own region (docs/vendors/deeplake.md) and only for the objects of the
 * buckets and prefixes the grant covers (the encryption context S3 sends). One statement per region while its
 * context values fit, listing those buckets' keys; buckets sorted by key then name, so that a key's buckets sit
 * together and Sids survive config reordering. A statement pairs its keys with its contexts freely: that reaches no
 * object beyond the S3 grant, only one encrypted under another granted key.
 */
function kmsStatementGroups(actions: ActionSet, targets: readonly Target[]): StatementGroup[] {
  if (actions.kms.length === 0) return [];
  const encrypted = targets
    .map((t) => t.bucket)
    .filter((b) => b.kmsKeyArn)
    .sort((a, b) => a.kmsKeyArn!.localeCompare(b.kmsKeyArn!) || a.name.localeCompare(b.name));
  const regions = [...new Set(encrypted.map((b) => b.region))];
  return regions.flatMap((region) => {
    const chunks: BucketConfig[][] = [[]];
    let chars = 0;
    for (const bucket of encrypted.filter((b) => b.region === region)) {
      const size = encryptionContextArns(bucket).join("").length;
      if (chars + size > kmsContextCharsPerStatement && chunks[chunks.length - 1].length > 0) {
        chunks.push([]);
        chars = 0;
      }
      chunks[chunks.length - 1].push(bucket);
      chars += size;
    }
    return chunks.map((chunk, index) => ({
      sid: `KmsViaS3${region.replace(/-/g, "")}${index === 0 ? "" : `Part${index + 1}`}`,
      actions: actions.kms,
      resources: [...new Set(chunk.map((b) => b.kmsKeyArn!))],
      condition: kmsViaS3Condition(region, [...new Set(chunk.flatMap(encryptionContextArns))].sort()),
    }));
  });
}

function groupsToStatements(
  groups: readonly StatementGroup[],
  sidPrefix: string,
  principal?: PolicyStatement["Principal"],
): PolicyStatement[] {
  return groups.map((group) =>
    allow({
      sid: `${sidPrefix}${group.sid}`,
      principal,
      actions: group.actions,
      resources: group.resources,
      condition: group.condition,
    }),
  );
}

function corsRulesFor(profile: VendorProfile, integration: IntegrationConfig, sidPrefix: string): CorsRule[] {
  if (!profile.cors || !integration.cors) return [];
  return [
    {
      ID: corsRuleIdPrefixFor(sidPrefix),
      AllowedMethods: [...profile.cors.methods],
      AllowedOrigins: [...integration.cors.origins],
      AllowedHeaders: [...profile.cors.headers],
      ExposeHeaders: [],
      MaxAgeSeconds: 3000,
    },
  ];
}

/**
 * Default access point name: unique per account and region (AWS requires it) because it hashes the stack and the
 * bucket, stable across bucket reordering, and always the same length, so sizing does not depend on the stack.
 */
export function defaultAccessPointName(integration: string, stack: string, bucket: string): string {
  return `${integration}-${createHash("sha256").update(`${stack}/${bucket}`).digest("hex").slice(0, 8)}`;
}

function targetsOf(integration: IntegrationConfig, accountId: string, stackName: string): Target[] {
  const usesAccessPoint = integration.profile.accessPoint === true;
  return integration.buckets.map((bucket) => {
    const name = usesAccessPoint
      ? (bucket.accessPointName ?? defaultAccessPointName(integration.name, stackName, bucket.name))
      : undefined;
    return { bucket, ...(name ? { accessPoint: { name, arn: accessPointArn(bucket.region, accountId, name) } } : {}) };
  });
}

/** Stack name for sizing only (packing bounds): every name derived from it has the same length whatever the stack. */
const sizingStack = "sizing";

/** The identity-side statement groups of an integration, before packing: what the packer and the bucket bound work from. */
export function identityStatementGroups(
  integration: IntegrationConfig,
  stack: StackConfig,
  stackName = sizingStack,
): StatementGroup[] {
  const actions = integrationActions(integration);
  return statementGroups(actions, targetsOf(integration, stack.accountId, stackName), stack.accountId);
}

function principalTypeOf(integration: IntegrationConfig): PrincipalType {
  return integration.auth === "role" ? "role" : integration.auth === "accessKey" ? "user" : "account";
}

/** The packing capacities of our role's or user's identity policies. */
function identityCapacities(principalType: "role" | "user", stack: StackConfig): number[] {
  return principalType === "role"
    ? roleCapacities(stack.managedPoliciesPerRole)
    : userCapacities(stack.managedPoliciesPerRole);
}

/**
 * How many of the integration's buckets (in config order) the packer holds within IAM's quotas, and the
 * theoretical bound for the same bucket names (packing.ts, theoreticalBucketBound). Bucket-policy vendors
 * (MLSpace) carry no identity policy of ours, so only their bucket count is returned.
 */
export function bucketCapacity(integration: IntegrationConfig, stack: StackConfig): { packed: number; bound: number } {
  const count = integration.buckets.length;
  const principalType = principalTypeOf(integration);
  if (principalType === "account") return { packed: count, bound: count };
  const capacities = identityCapacities(principalType, stack);
  const groupsFor = (n: number) =>
    identityStatementGroups({ ...integration, buckets: integration.buckets.slice(0, n) }, stack);
  return {
    packed: largestPackableBucketCount(count, groupsFor, capacities),
    bound: theoreticalBucketBound(count, groupsFor, capacities),
  };
}

function bucketKmsPlan(bucket: BucketConfig): BucketKmsPlan | undefined {
  if (!bucket.kmsKeyArn) return undefined;
  return {
    keyArn: bucket.kmsKeyArn,
    bucketKeyEnabled: bucket.bucketKeyEnabled,
    keyPolicy: bucket.kmsKeyPolicy ?? "manage",
    encryptionContextArns: encryptionContextArns(bucket),
  };
}

/** Who receives the permissions: our role or user (named per stack), or the vendor's account for bucket-policy vendors. */
function granteeOf(
  integration: IntegrationConfig,
  stack: StackConfig,
  stackName: string,
): { principalType: PrincipalType; identityName?: string; granteeArn: string } {
  const principalType = principalTypeOf(integration);
  if (principalType === "account") return { principalType, granteeArn: integration.principal! };
  const identityName = identityNameFor(integration.name, stackName);
  const iamPartition = partitionOf(integration.buckets[0].region);
  return {
    principalType,
    identityName,
    granteeArn: iamArn(iamPartition, stack.accountId, `${principalType}/${identityName}`),
  };
}

/** What every bucket of one integration shares when its bucket grant is planned. */
interface BucketGrantContext {
  integration: IntegrationConfig;
  actions: ActionSet;
  accountId: string;
  sidPrefix: string;
  granteeArn: string;
  /** The principal the bucket policy names, if the vendor's auth mode grants through the bucket policy. */
  bucketPolicyPrincipal: string | undefined;
}

/** One bucket's grant: its bucket-policy statements, CORS rules, access point and SSE-KMS plan. */
function bucketGrantPlan(context: BucketGrantContext, target: Target): BucketGrantPlan {
  const { integration, actions, accountId, sidPrefix, granteeArn, bucketPolicyPrincipal } = context;
  const { bucket, accessPoint } = target;
  // KMS is never granted in a bucket policy: our roles get it in their own policies, other accounts in the key's.
  const bucketGroups = statementGroups(actions, [{ bucket }], accountId).filter((g) => !g.sid.startsWith("Kms"));
  const kms = bucketKmsPlan(bucket);
  // An access point answers only to its own policy plus the bucket's; it names our role and nothing else.
  const accessPointPlan = accessPoint && {
    ...accessPoint,
    policy: policyDocument(
      groupsToStatements(
        statementGroups(actions, [target], accountId)
          .filter((g) => !g.sid.startsWith("Kms") && g.sid !== "BucketAccess")
          .map((g) => ({ ...g, resources: g.resources.filter((r) => r.startsWith(accessPoint.arn)) })),
        sidPrefix,
        { AWS: granteeArn },
      ),
    ),
  };
  return {
    bucket,
    statements: bucketPolicyPrincipal
      ? groupsToStatements(bucketGroups, sidPrefix, { AWS: bucketPolicyPrincipal })
      : [],
    corsRules: corsRulesFor(integration.profile, integration, sidPrefix),
    ...(accessPointPlan ? { accessPoint: accessPointPlan } : {}),
    ...(kms ? { kms } : {}),
  };
}

/** Plan one integration. Throws PlanError when the grant cannot fit IAM's quotas. */
export function planIntegration(
  integration: IntegrationConfig,
  stack: StackConfig,
  stackName: string,
  ownerKey = defaultOwnerKey(stackName),
): IntegrationPlan {
  const profile = integration.profile;
  const actions = integrationActions(integration);
  const mode = profile.auth.modes[integration.auth]!;
  const sidPrefix = sidPrefixFor(integration.name, ownerKey);
  const { principalType, identityName, granteeArn } = granteeOf(integration, stack, stackName);

  const targets = targetsOf(integration, stack.accountId, stackName);
  const groups = statementGroups(actions, targets, stack.accountId);
  const permissionPolicies = packIdentityPolicies(integration, principalType, groups, stack, actions, targets);

  const bucketPolicyPrincipal =
    mode.bucketPolicyPrincipal === "vendor"
      ? integration.principal
      : mode.bucketPolicyPrincipal === "role"
        ? granteeArn
        : undefined;
  const context = { integration, actions, accountId: stack.accountId, sidPrefix, granteeArn, bucketPolicyPrincipal };
  const plan: IntegrationPlan = {
    integration,
    profile,
    actions,
    principalType,
    ...(identityName ? { identityName } : {}),
    granteeArn,
    vendorPrincipals: integration.principal ? [integration.principal] : [],
    externalIdSource: mode.externalId,
    permissionPolicies,
    buckets: targets.map((target) => bucketGrantPlan(context, target)),
    sidPrefix,
    keyPolicyStatements: keyPolicyContributions({
      integration: integration.name,
      principal: principalType === "account" ? integration.principal! : granteeArn,
      kmsActions: actions.kms,
      buckets: integration.buckets,
      sidPrefix,
    }),
  };
  checkTrustPolicySize(plan, stack);
  return plan;
}

function packIdentityPolicies(
  integration: IntegrationConfig,
  principalType: PrincipalType,
  groups: StatementGroup[],
  stack: StackConfig,
  actions: ActionSet,
  targets: Target[],
): PolicyDocument[] {
  // The MLSpace side is rendered for the vendor to add to its own policies: one document, no quotas of ours.
  if (principalType === "account") return [policyDocument(groupsToStatements(groups, ""))];
  const capacities = identityCapacities(principalType, stack);
  const packed = packStatements(groups, capacities);
  if (packed) return packed;
  const fits = largestPackableBucketCount(
    targets.length,
    (count) => statementGroups(actions, targets.slice(0, count), stack.accountId),
    capacities,
  );
  const total = capacities.reduce((a, b) => a + b, 0);
  throw new PlanError(
    `integration ${integration.name}: ${integration.buckets.length} buckets do not fit IAM's identity-policy quotas ` +
      `(${capacities.length} policies, ${total} characters in all for a ${principalType}). The first ${fits} buckets fit. ` +
      `Raise the managed-policies-per-${principalType} quota (config managedPoliciesPerRole, now ${stack.managedPoliciesPerRole}, at most ${iamLimits.managedPoliciesPerRoleRaised}) ` +
      `or split this integration into several.`,
  );
}

/** The largest n such that the first n items fit: binary search, since fitting is monotone in n. */
export function largestFittingPrefix<T>(items: readonly T[], fits: (subset: readonly T[]) => boolean): number {
  return largestCountWhere(items.length, (count) => fits(items.slice(0, count)));
}

function checkTrustPolicySize(plan: IntegrationPlan, stack: StackConfig): void {
  const external = plan.integration.externalId;
  const sample = external.kind === "value" ? external.value : "x".repeat(generatedExternalIdLength);
  const trust = trustPolicy(plan, sample);
  if (trust && policySize(trust) > stack.trustPolicyMaxChars) {
    throw new PlanError(
      `integration ${plan.integration.name}: the trust policy is ${policySize(trust)} characters; IAM allows ${stack.trustPolicyMaxChars} ` +
        `(raise trustPolicyMaxChars after raising the quota, up to ${iamLimits.trustPolicyCharsRaised}).`,
    );
  }
}
