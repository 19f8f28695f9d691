// The fewest resources AWS needs for a stack's integrations, term by term, derived from the config and the
// vendor profiles (not from what our components happen to register), to compare our count against.
import { parsePrincipalArn } from "../model/arns";
import type { IntegrationConfig, StackConfig } from "../model/config";
import { planIntegration } from "../model/plan";
import { policyDocument, type PolicyDocument } from "../model/policy/document";
import { policySize, roleCapacities, userCapacities } from "../model/policy/packing";
import { bucketCorsEntriesKind } from "../providers/bucketCorsEntries";
import { bucketPolicyEntriesKind } from "../providers/bucketPolicyEntries";
import { keyPolicyEntriesKind } from "../providers/keyPolicyEntries";

/** Each term of the minimum, with the one-line reason AWS needs it. */
export const minimumTermReasons = {
  identities: "the vendor acts as one IAM role or user of ours; a vendor named in the bucket policy needs none",
  accessKeys: "a vendor that only takes keys needs exactly one access key",
  generatedExternalIds:
    "an ExternalId we generate must stay the same across updates, so it lives in state as one resource",
  inlinePolicies: "a role's first 10,240 characters of grant fit its inline policy, which needs no attachment",
  managedPolicies: "only the grant beyond the inline budget needs managed policies, 6,144 characters each",
  policyAttachments: "a managed policy grants nothing until it is attached to the role or user",
  bucketPolicyContributions:
    "S3 keeps one policy per bucket, and a stack can write all its statements for a bucket in one piece",
  corsContributions: "S3 keeps one CORS configuration per bucket, written in one piece per stack likewise",
  accessPoints: "a vendor that reads through an access point needs its own on every bucket",
  keyPolicyContributions:
    "KMS keeps one policy per key: a principal outside the key's account needs its consent, written in one piece per stack and key; this account's roles get KMS through IAM",
} as const;

export type MinimumTerm = keyof typeof minimumTermReasons;
export type TermCounts = Record<MinimumTerm, number>;

/** Which term each registered resource kind (type token, or `resourceKind` for dynamic resources) fills. */
export const termOfResourceKind: Readonly<Record<string, MinimumTerm>> = {
  "aws:iam/role:Role": "identities",
  "aws:iam/user:User": "identities",
  "aws:iam/accessKey:AccessKey": "accessKeys",
  "random:index/randomPassword:RandomPassword": "generatedExternalIds",
  "aws:iam/rolePolicy:RolePolicy": "inlinePolicies",
  "aws:iam/userPolicy:UserPolicy": "inlinePolicies",
  "aws:iam/policy:Policy": "managedPolicies",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyAttachments",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": "policyAttachments",
  "aws:s3/bucketPolicy:BucketPolicy": "bucketPolicyContributions",
  [bucketPolicyEntriesKind]: "bucketPolicyContributions",
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": "corsContributions",
  [bucketCorsEntriesKind]: "corsContributions",
  "aws:s3/accessPoint:AccessPoint": "accessPoints",
  [keyPolicyEntriesKind]: "keyPolicyContributions",
};

export function emptyTermCounts(): TermCounts {
  return Object.fromEntries(Object.keys(minimumTermReasons).map((term) => [term, 0])) as TermCounts;
}

const emptyDocumentSize = policySize(policyDocument([]));

/**
 * The fewest documents of the given capacities that hold `statementChars` characters of statements: a lower
 * bound, since it lets statements split at any character. Infinity when even all of them are too small.
 */
export function minimumDocuments(statementChars: number, capacities: readonly number[]): number {
  if (statementChars <= 0) return 0;
  let held = 0;
  for (let count = 1; count <= capacities.length; count++) {
    held += capacities[count - 1] - emptyDocumentSize;
    if (held >= statementChars) return count;
  }
  return Infinity;
}

/** Characters of statements in a grant, with the comma between each two, as IAM counts them. */
export function statementCharacters(documents: readonly PolicyDocument[]): number {
  const statements = documents.flatMap((document) => document.Statement);
  return statements.reduce((sum, statement) => sum + policySize(statement), 0) + Math.max(0, statements.length - 1);
}

function isOtherAccount(principal: string | undefined, accountId: string): boolean {
  const parsed = principal === undefined ? undefined : parsePrincipalArn(principal);
  return parsed !== undefined && parsed.accountId !== accountId;
}

function identityTerms(
  integration: IntegrationConfig,
  stack: StackConfig,
  stackName: string,
  counts: TermCounts,
): void {
  if (integration.auth === "bucketPolicy") return;
  counts.identities += 1;
  if (integration.auth === "accessKey") counts.accessKeys += 1;
  if (integration.auth === "role" && integration.externalId.kind === "generate") counts.generatedExternalIds += 1;
  // The grant's content is the program's own statements; only how many documents must hold it is minimised.
  const grantChars = statementCharacters(planIntegration(integration, stack, stackName).permissionPolicies);
  if (integration.auth === "role") {
    const documents = minimumDocuments(grantChars, roleCapacities(stack.managedPoliciesPerRole));
    counts.inlinePolicies += Math.min(1, documents);
    counts.managedPolicies += Math.max(0, documents - 1);
    counts.policyAttachments += Math.max(0, documents - 1);
  } else {
    const documents = minimumDocuments(grantChars, userCapacities(stack.managedPoliciesPerRole));
    counts.managedPolicies += documents;
    counts.policyAttachments += documents;
  }
}

/** The minimum resources for every integration of a stack, term by term. */
export function minimumResources(stack: StackConfig, stackName: string): TermCounts {
  const counts = emptyTermCounts();
  const bucketsWithPolicy = new Set<string>();
  const bucketsWithCors = new Set<string>();
  const managedKeys = new Set<string>();
  for (const integration of stack.integrations) {
    const profile = integration.profile;
    const mode = profile.auth.modes[integration.auth]!;
    identityTerms(integration, stack, stackName, counts);
    for (const bucket of integration.buckets) {
      if (mode.bucketPolicyPrincipal !== undefined || bucket.baselineStatements.length > 0)
        bucketsWithPolicy.add(bucket.name);
      if (profile.cors && integration.cors) bucketsWithCors.add(bucket.name);
      if (profile.accessPoint) counts.accessPoints += 1;
      // A key needs statements for a vendor account; a key of another account is handed off, not written.
      if (
        bucket.kmsKeyArn &&
        bucket.kmsKeyPolicy === "manage" &&
        mode.bucketPolicyPrincipal === "vendor" &&
        isOtherAccount(integration.principal, stack.accountId)
      )
        managedKeys.add(bucket.kmsKeyArn);
    }
  }
  counts.bucketPolicyContributions = bucketsWithPolicy.size;
  counts.corsContributions = bucketsWithCors.size;
  counts.keyPolicyContributions = managedKeys.size;
  return counts;
}

export function totalOf(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** Our registered custom resources sorted into the minimum's terms; kinds no term covers are returned apart. */
export function oursByTerm(customByKind: Readonly<Record<string, number>>): {
  terms: TermCounts;
  unaccounted: Record<string, number>;
} {
  const terms = emptyTermCounts();
  const unaccounted: Record<string, number> = {};
  for (const [kind, count] of Object.entries(customByKind)) {
    const term = termOfResourceKind[kind];
    if (term) terms[term] += count;
    else unaccounted[kind] = count;
  }
  return { terms, unaccounted };
}
