// Checks our statements and CORS rules against S3's grammar before they are written: S3-compatible test
// servers (moto) accept malformed documents, and a bad write to a shared policy is everyone's outage.
import { s3Limits, sidMaxChars } from "../limits";
import type { CorsRule } from "../plan";
import { namedError } from "./merge";
import { isUnderOwnerKey } from "./ownership";

// Plain arrays, not Sets: closure serialization cannot carry a Set's contents into the provider.
const statementKeys: readonly string[] = [
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
];
// S3 bucket policies accept only S3 actions (Amazon S3 User Guide, "Policy actions for Amazon S3").
const s3Action = /^(\*|s3:[A-Za-z0-9*?]+)$/;
const awsPrincipal = /^(\*|\d{12}|arn:aws[a-z-]*:(iam|sts)::(\d{12}|aws):[\x21-\x7e]+)$/;
const servicePrincipal = /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/;
// Condition operators, with the set and IfExists qualifiers (IAM JSON reference: Condition operators).
const conditionOperator = /^((ForAnyValue|ForAllValues):)?[A-Za-z]+$/;
// Our Sids: letters, digits and hyphens, which every S3 endpoint and console accepts.
const sidPattern = new RegExp(`^[A-Za-z0-9-]{1,${sidMaxChars}}$`);
const corsMethods: readonly string[] = ["GET", "PUT", "POST", "DELETE", "HEAD"];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] | undefined {
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : undefined;
  return list && list.length > 0 && list.every((item) => typeof item === "string" && item.length > 0)
    ? (list as string[])
    : undefined;
}

function exactlyOne(statement: Record<string, unknown>, a: string, b: string, problems: string[], where: string): void {
  const count = (a in statement ? 1 : 0) + (b in statement ? 1 : 0);
  if (count !== 1) problems.push(`${where}: needs exactly one of ${a} and ${b}`);
}

function principalProblems(principal: unknown, where: string): string[] {
  if (principal === "*") return [];
  if (!isPlainObject(principal) || Object.keys(principal).length === 0)
    return [`${where}: must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}`];
  const problems: string[] = [];
  for (const [kind, value] of Object.entries(principal)) {
    const list = stringList(value);
    if (!list) problems.push(`${where}.${kind}: must be a non-empty string or list of strings`);
    else if (kind === "AWS")
      list
        .filter((p) => !awsPrincipal.test(p))
        .forEach((p) => problems.push(`${where}.AWS: ${JSON.stringify(p)} is not an account ID or IAM ARN`));
    else if (kind === "Service")
      list
        .filter((p) => !servicePrincipal.test(p))
        .forEach((p) => problems.push(`${where}.Service: ${JSON.stringify(p)} is not a service principal`));
    else if (kind !== "Federated" && kind !== "CanonicalUser")
      problems.push(`${where}: unknown principal type ${JSON.stringify(kind)}`);
  }
  return problems;
}

function conditionProblems(condition: unknown, where: string): string[] {
  if (!isPlainObject(condition) || Object.keys(condition).length === 0)
    return [`${where}: must be a non-empty object of operators`];
  const problems: string[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!conditionOperator.test(operator))
      problems.push(`${where}: ${JSON.stringify(operator)} is not a condition operator`);
    if (!isPlainObject(block) || Object.keys(block).length === 0) {
      problems.push(`${where}.${operator}: must be a non-empty object of condition keys`);
      continue;
    }
    for (const [key, value] of Object.entries(block)) {
      const values = Array.isArray(value) ? value : [value];
      const scalar = (v: unknown) => typeof v === "string" || typeof v === "boolean" || typeof v === "number";
      if (values.length === 0 || !values.every(scalar))
        problems.push(`${where}.${operator}.${key}: must be a string, number, boolean or a non-empty list of them`);
    }
  }
  return problems;
}

/** The resources a statement in this bucket's policy may name: the bucket and its objects, in any partition. */
function resourceProblems(resources: string[], bucket: string, where: string): string[] {
  const escaped = bucket.replace(/[.]/g, "\\.");
  const own = new RegExp(`^arn:aws[a-z-]*:s3:::${escaped}(/.*)?$`);
  // S3 refuses a bucket policy naming another bucket's resources ("Policy has invalid resource").
  return resources
    .filter((r) => !own.test(r))
    .map((r) => `${where}: ${JSON.stringify(r)} is not bucket ${bucket} or an object in it`);
}

/** Problems with one of our statements for `bucket`'s policy, each naming the statement; empty when valid. */
export function bucketPolicyStatementProblems(statement: unknown, bucket: string, ownerKey: string): string[] {
  if (!isPlainObject(statement)) return ["statement: must be an object"];
  const where = `statement ${typeof statement.Sid === "string" ? statement.Sid : "(no Sid)"}`;
  const problems: string[] = [];
  for (const key of Object.keys(statement))
    if (!statementKeys.includes(key)) problems.push(`${where}: unknown element ${JSON.stringify(key)}`);
  // Ownership is by Sid, so a statement without our owner key could never be updated or removed again.
  if (!isUnderOwnerKey(statement.Sid, ownerKey))
    problems.push(`${where}: Sid must be <integration>--${ownerKey}--<name>`);
  else if (!sidPattern.test(statement.Sid as string))
    problems.push(`${where}: Sid must be 1-${sidMaxChars} letters, digits and hyphens`);
  if (statement.Effect !== "Allow" && statement.Effect !== "Deny")
    problems.push(`${where}: Effect must be "Allow" or "Deny"`);
  // A resource-based policy must say who it applies to (IAM JSON reference: Principal).
  exactlyOne(statement, "Principal", "NotPrincipal", problems, where);
  exactlyOne(statement, "Action", "NotAction", problems, where);
  exactlyOne(statement, "Resource", "NotResource", problems, where);
  for (const key of ["Principal", "NotPrincipal"])
    if (key in statement) problems.push(...principalProblems(statement[key], `${where}.${key}`));
  for (const key of ["Action", "NotAction"]) {
    if (!(key in statement)) continue;
    const actions = stringList(statement[key]);
    if (!actions) problems.push(`${where}.${key}: must be a non-empty string or list of strings`);
    else
      actions
        .filter((a) => !s3Action.test(a))
        .forEach((a) => problems.push(`${where}.${key}: ${JSON.stringify(a)} is not an S3 action`));
  }
  for (const key of ["Resource", "NotResource"]) {
    if (!(key in statement)) continue;
    const resources = stringList(statement[key]);
    if (!resources) problems.push(`${where}.${key}: must be a non-empty string or list of strings`);
    else problems.push(...resourceProblems(resources, bucket, `${where}.${key}`));
  }
  if ("Condition" in statement) problems.push(...conditionProblems(statement.Condition, `${where}.Condition`));
  return problems;
}

/** Problems with a set of our statements, including Sids that repeat; empty when all are valid. */
export function bucketPolicyStatementsProblems(
  statements: readonly unknown[],
  bucket: string,
  ownerKey: string,
): string[] {
  const problems = statements.flatMap((statement) => bucketPolicyStatementProblems(statement, bucket, ownerKey));
  const sids = statements
    .map((s) => (isPlainObject(s) ? s.Sid : undefined))
    .filter((sid): sid is string => typeof sid === "string");
  for (const sid of new Set(sids.filter((sid, index) => sids.indexOf(sid) !== index)))
    problems.push(`statement ${sid}: Sid is used more than once`);
  return problems;
}

/** Problems with one of our CORS rules (Amazon S3 API Reference, CORSRule); empty when valid. */
export function corsRuleProblems(rule: unknown, ownerKey: string): string[] {
  if (!isPlainObject(rule)) return ["CORS rule: must be an object"];
  const typed = rule as Partial<CorsRule>;
  const where = `CORS rule ${typeof typed.ID === "string" ? typed.ID : "(no ID)"}`;
  const problems: string[] = [];
  if (!isUnderOwnerKey(typed.ID, ownerKey))
    problems.push(`${where}: ID must be <integration>--${ownerKey}, optionally followed by --<name>`);
  else if ((typed.ID as string).length > s3Limits.corsRuleIdChars)
    problems.push(`${where}: ID is longer than ${s3Limits.corsRuleIdChars} characters`);
  const methods = stringList(typed.AllowedMethods);
  if (!methods) problems.push(`${where}: AllowedMethods must list at least one method`);
  else
    methods
      .filter((m) => !corsMethods.includes(m))
      .forEach((m) => problems.push(`${where}: ${JSON.stringify(m)} is not one of GET, PUT, POST, DELETE, HEAD`));
  const origins = stringList(typed.AllowedOrigins);
  if (!origins) problems.push(`${where}: AllowedOrigins must list at least one origin`);
  // S3 allows at most one "*" wildcard in an origin or an allowed header.
  for (const value of [...(origins ?? []), ...(stringList(typed.AllowedHeaders) ?? [])]) {
    if ((value.match(/\*/g) ?? []).length > 1)
      problems.push(`${where}: ${JSON.stringify(value)} has more than one "*"`);
  }
  for (const key of ["AllowedHeaders", "ExposeHeaders"] as const) {
    const value = typed[key];
    if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === "string" && v.length > 0)))
      problems.push(`${where}: ${key} must be a list of strings`);
  }
  if (typed.MaxAgeSeconds !== undefined && !(Number.isInteger(typed.MaxAgeSeconds) && typed.MaxAgeSeconds >= 0))
    problems.push(`${where}: MaxAgeSeconds must be a whole number of seconds`);
  return problems;
}

export function corsRulesProblems(rules: readonly unknown[], ownerKey: string): string[] {
  const problems = rules.flatMap((rule) => corsRuleProblems(rule, ownerKey));
  const ids = rules
    .map((r) => (isPlainObject(r) ? r.ID : undefined))
    .filter((id): id is string => typeof id === "string");
  for (const id of new Set(ids.filter((id, index) => ids.indexOf(id) !== index)))
    problems.push(`CORS rule ${id}: ID is used more than once`);
  return problems;
}

/** What the engine passes for a value not yet known during preview (@pulumi/pulumi runtime/rpc `unknownValue`). */
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when any part of an input is still unknown: it is checked again, known, at create or update. */
export function containsPreviewUnknown(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes(unknownValue);
}

/** The error a provider throws instead of writing invalid content (name `InvalidContributionError`). */
export function invalidContributionError(bucket: string, problems: string[]): Error {
  return namedError(
    "InvalidContributionError",
    `bucket ${bucket}: refusing to write invalid content; nothing was written:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    { problems },
  );
}
