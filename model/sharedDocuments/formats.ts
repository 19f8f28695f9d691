// The two S3 bucket documents as DocumentFormats: a bucket policy is a list of statements keyed by Sid, a CORS
// configuration a list of rules keyed by ID. A KMS key policy reuses `policyStatementsFormat` with its own limits.
import type { DocumentFormat } from "./documentStore";
import {
  assertCorsFits,
  assertPolicyFits,
  canonicalCorsRule,
  canonicalStatement,
  type LiveCorsRule,
  type LivePolicy,
  type LiveStatement,
} from "./merge";
import { corsRulesProblems, bucketPolicyStatementsProblems } from "./validate";

/** Keys of a policy document sorted, statements canonical and in order. */
function canonicalPolicy(policy: LivePolicy | undefined): string {
  if (policy === undefined) return "none";
  const rest = Object.keys(policy)
    .filter((key) => key !== "Statement")
    .sort()
    .map((key) => [key, policy[key]]);
  return JSON.stringify({ rest, statements: policy.Statement.map(canonicalStatement) });
}

/** A policy document (bucket policy, key policy) as statements keyed by Sid; `limits` and `problems` are the service's. */
export function policyStatementsFormat(
  assertFits: (policy: LivePolicy | undefined) => void,
  problems: (statements: readonly unknown[], ownerKey: string) => string[],
): DocumentFormat<LivePolicy, LiveStatement> {
  return {
    entryNoun: "statement",
    entries: (policy) => policy?.Statement ?? [],
    idOf: (statement) => (typeof statement.Sid === "string" ? statement.Sid : undefined),
    withId: (statement, id) => ({ ...statement, Sid: id }),
    canonical: canonicalStatement,
    canonicalDocument: canonicalPolicy,
    // A new policy gets the current policy language version (IAM JSON reference: Version); S3 has no empty policy.
    withEntries: (policy, statements) =>
      statements.length === 0 ? undefined : { Version: "2012-10-17", ...(policy ?? {}), Statement: statements },
    assertFits,
    problems,
  };
}

/** One bucket's policy: at most 20 KB, statements in S3's grammar naming only this bucket. */
export function bucketPolicyFormat(bucket: string): DocumentFormat<LivePolicy, LiveStatement> {
  return policyStatementsFormat(
    (policy) => assertPolicyFits(bucket, policy),
    (statements, ownerKey) => bucketPolicyStatementsProblems(statements, bucket, ownerKey),
  );
}

/** One bucket's CORS configuration: at most 100 rules and 64 KB; with no rule left, the configuration is deleted. */
export function bucketCorsFormat(bucket: string): DocumentFormat<LiveCorsRule[], LiveCorsRule> {
  return {
    entryNoun: "CORS rule",
    entries: (rules) => rules ?? [],
    idOf: (rule) => rule.ID,
    withId: (rule, id) => ({ ...rule, ID: id }),
    canonical: canonicalCorsRule,
    canonicalDocument: (rules) => (rules === undefined ? "none" : JSON.stringify(rules.map(canonicalCorsRule))),
    withEntries: (_rules, rules) => (rules.length === 0 ? undefined : rules),
    assertFits: (rules) => assertCorsFits(bucket, rules ?? []),
    problems: (rules, ownerKey) => corsRulesProblems(rules, ownerKey),
  };
}
