// The checks that run before anything is registered, shared by the program and the offline render. They load no
// Pulumi SDK, so that `npm run synth` from the plan starts fast; the live reads are passed in.
import { ConfigError } from "../model/config";
import { arnProblems } from "../model/policy/arnCatalog";
import { actionsOf, unknownActions } from "../model/policy/catalog";
import { policyDocument, type PolicyDocument, type PolicyStatement } from "../model/policy/document";
import { PlanError, trustPolicy, type IntegrationPlan } from "../model/plan";
import { canonicalStatement, parsePolicy, type LiveStatement } from "../model/sharedDocuments/merge";
import { isUnderOwnerKey, migratedId, type LegacyPrefix } from "../model/sharedDocuments/ownership";
import type { PlannedBucket } from "../model/stackPlan";
import { vendorCatalogProblems } from "../model/vendors/catalogCheck";
import type { VendorRegistry } from "../model/vendors/registry";

/** Every rendered document: identity policies, bucket statements, access point policies, trust (its ExternalId is irrelevant here). */
function renderedDocuments(plan: IntegrationPlan): PolicyDocument[] {
  const trust = trustPolicy(plan, "catalog-check");
  return [
    ...plan.permissionPolicies,
    ...plan.buckets.flatMap((b) => [policyDocument(b.statements), ...(b.accessPoint ? [b.accessPoint.policy] : [])]),
    // In a key policy "*" is the key itself: the catalog checks the ARN it stands for.
    ...(plan.keyPolicyStatements.length > 0
      ? [policyDocument(plan.keyPolicyStatements.map((c) => ({ ...c.statement, Resource: [c.keyArn] })))]
      : []),
    ...(trust ? [trust] : []),
  ];
}

/** Fail synth on an action the IAM catalog does not know, or an ARN that is not a resource type its actions take. */
export async function assertDocumentsMatchCatalog(plans: IntegrationPlan[]): Promise<void> {
  const documents = plans.flatMap(renderedDocuments);
  const unknown = await unknownActions(actionsOf(documents));
  if (unknown.length > 0)
    throw new PlanError(`not IAM actions (checked against the IAM catalog): ${unknown.join(", ")}`);
  const badArns = await arnProblems(documents);
  if (badArns.length > 0)
    throw new PlanError(`ARNs that do not match the IAM catalog's resource types:\n  - ${badArns.join("\n  - ")}`);
}

/** Fail before anything is created when the credentials belong to another account than the config names. */
export function assertSameAccount(callerAccountId: string, accountId: string): void {
  if (callerAccountId !== accountId) {
    throw new PlanError(
      `the AWS credentials are for account ${callerAccountId}, but config vendor-access:accountId is ${accountId}: wrong credentials or wrong stack`,
    );
  }
}

/** The warning synth and preview print once per stack when shared buckets are written without coordination. */
export const uncoordinatedWarning =
  "shared buckets: writes to a bucket policy or CORS configuration that other stacks also write are best effort " +
  "without a coordination bucket. Set vendor-access:coordination to {bucket, region} (docs/shared-buckets.md, " +
  "\"Coordination\") so that this stack's writers and other stacks' are linearised per document.";

/** Every registered vendor's actions are IAM actions on the right resource type; ConfigError with key paths if not. */
export async function assertVendorsMatchCatalog(vendors: VendorRegistry): Promise<void> {
  const problems = await vendorCatalogProblems(vendors);
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * The statements of a live policy that an exclusive-mode stack would drop: every statement that is not in the policy
 * it will write, whatever its Sid, except those carrying this stack's owner key (an earlier `up` of this stack wrote
 * them) and this stack's pre-owner-key statements that it now writes, unchanged, under the new Sid.
 */
export function droppedLiveStatements(
  livePolicy: string | undefined,
  bucket: string,
  desired: readonly PolicyStatement[],
  ownerKey: string,
  legacy: readonly LegacyPrefix[],
): LiveStatement[] {
  const live = parsePolicy(bucket, livePolicy);
  const kept = new Set(desired.map(canonicalStatement));
  const migrated = (statement: LiveStatement) => {
    const target = migratedId(typeof statement.Sid === "string" ? statement.Sid : undefined, legacy);
    return target !== undefined && kept.has(canonicalStatement({ ...statement, Sid: target }));
  };
  return (live?.Statement ?? []).filter(
    (statement) =>
      !kept.has(canonicalStatement(statement)) && !isUnderOwnerKey(statement.Sid, ownerKey) && !migrated(statement),
  );
}

/**
 * Fail, listing them, when an exclusive-mode bucket's live policy holds statements the stack would drop.
 * Runs at preview, before anything is registered: replacing a policy is silent data loss otherwise.
 */
export async function assertExclusiveBucketsKeepLiveStatements(
  buckets: readonly PlannedBucket[],
  ownerKey: string,
  legacy: readonly LegacyPrefix[],
  livePolicyOf: (bucket: string, region: string) => Promise<string | undefined>,
): Promise<void> {
  const problems: string[] = [];
  for (const bucket of buckets.filter((b) => b.policyMode === "exclusive")) {
    const desired = bucket.policy?.Statement ?? [];
    const dropped = droppedLiveStatements(
      await livePolicyOf(bucket.bucket, bucket.region),
      bucket.bucket,
      desired,
      ownerKey,
      legacy,
    );
    if (dropped.length === 0) continue;
    problems.push(
      `bucket ${bucket.bucket} (bucketPolicyMode: exclusive): its live policy has ${dropped.length} statement${dropped.length === 1 ? "" : "s"} this stack would drop:\n` +
        dropped
          .map(
            (statement) =>
              `    - ${typeof statement.Sid === "string" ? `Sid ${statement.Sid}` : "(no Sid)"}: ${JSON.stringify(statement)}`,
          )
          .join("\n"),
    );
  }
  if (problems.length > 0) {
    throw new PlanError(
      `${problems.join("\n")}\nTo keep them, add them to that bucket's baselineStatements; to leave other statements alone, use bucketPolicyMode: shared (docs/shared-buckets.md).`,
    );
  }
}
