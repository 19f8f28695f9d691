// A KMS key policy as a shared document: which statements are this stack's, what ours may say, and the check that
// a write keeps every statement that lets the key's administrators change the policy. Pure: the key-policy provider
// captures this module by value; no AWS calls, no Pulumi imports.
import type { DocumentFormat } from "./documentStore";
import { policyStatementsFormat } from "./formats";
import { canonicalStatement, namedError, policyBytes, type LivePolicy, type LiveStatement } from "./merge";
import { isUnderOwnerKey } from "./ownership";

/** KMS key policies are limited to 32 KB (AWS KMS Developer Guide, "Key policies in AWS KMS": quotas). */
export const keyPolicyMaxBytes = 32768;

/** The only actions our key-policy statements grant: what S3 calls for SSE-KMS reads and writes. */
export const s3KmsActions: readonly string[] = ["kms:Decrypt", "kms:GenerateDataKey"];

/** The encryption-context condition key S3 fills with the object's (or, with Bucket Keys, the bucket's) ARN. */
const contextKey = "kms:EncryptionContext:aws:s3:arn";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

const allowedKeys: readonly string[] = ["Sid", "Effect", "Principal", "Action", "Resource", "Condition"];

function conditionProblemsOf(condition: unknown, where: string): string[] {
  if (!isPlainObject(condition))
    return [`${where}: needs a Condition (kms:ViaService, kms:CallerAccount, ${contextKey})`];
  const problems: string[] = [];
  const equals = isPlainObject(condition.StringEquals) ? condition.StringEquals : {};
  const like = isPlainObject(condition.StringLike) ? condition.StringLike : {};
  if (
    typeof equals["kms:ViaService"] !== "string" ||
    !/^s3\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(equals["kms:ViaService"])
  )
    problems.push(`${where}: needs StringEquals kms:ViaService s3.<region>.amazonaws.com (KMS only through S3)`);
  if (typeof equals["kms:CallerAccount"] !== "string" || !/^\d{12}$/.test(equals["kms:CallerAccount"]))
    problems.push(`${where}: needs StringEquals kms:CallerAccount with the principal's 12-digit account`);
  const contexts = asList(like[contextKey]);
  if (
    contexts.length === 0 ||
    !contexts.every((c) => typeof c === "string" && /^arn:aws[a-z-]*:s3:::[a-z0-9.-]+(\/.*)?$/.test(c))
  )
    problems.push(`${where}: needs StringLike ${contextKey} listing only S3 bucket and object ARNs`);
  const operators = Object.keys(condition).filter((op) => op !== "StringEquals" && op !== "StringLike");
  if (operators.length > 0) problems.push(`${where}: unexpected condition operators ${operators.join(", ")}`);
  return problems;
}

/** Problems with one of our key-policy statements, each naming the statement; empty when valid. */
export function keyPolicyStatementProblems(statement: unknown, owner: string): string[] {
  if (!isPlainObject(statement)) return ["statement: must be an object"];
  const where = `statement ${typeof statement.Sid === "string" ? statement.Sid : "(no Sid)"}`;
  const problems: string[] = [];
  for (const key of Object.keys(statement))
    if (!allowedKeys.includes(key)) problems.push(`${where}: unexpected element ${JSON.stringify(key)}`);
  if (!isUnderOwnerKey(statement.Sid, owner))
    problems.push(`${where}: Sid must be <integration>--${owner}--<name>, under this stack's owner key`);
  if (statement.Effect !== "Allow") problems.push(`${where}: Effect must be "Allow"`);
  const principals = isPlainObject(statement.Principal) ? asList(statement.Principal.AWS) : [];
  if (
    principals.length === 0 ||
    Object.keys(statement.Principal as object).length !== 1 ||
    !principals.every((p) => typeof p === "string" && /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$/.test(p))
  )
    problems.push(`${where}: Principal must be {"AWS": <IAM account root, role or user ARN>}`);
  const actions = asList(statement.Action);
  if (actions.length === 0 || !actions.every((a) => typeof a === "string" && s3KmsActions.includes(a)))
    problems.push(`${where}: Action may list only ${s3KmsActions.join(", ")} (what S3 calls for SSE-KMS)`);
  // In a key policy "*" is the key itself (AWS KMS: "Key policies", Resource element).
  const resources = asList(statement.Resource);
  if (resources.length !== 1 || resources[0] !== "*") problems.push(`${where}: Resource must be "*" (this key)`);
  problems.push(...conditionProblemsOf(statement.Condition, where));
  return problems;
}

export function keyPolicyStatementsProblems(statements: readonly unknown[], owner: string): string[] {
  const problems = statements.flatMap((statement) => keyPolicyStatementProblems(statement, owner));
  const sids = statements.map((s) => (isPlainObject(s) ? s.Sid : undefined)).filter((s) => typeof s === "string");
  for (const sid of sids.filter((sid, index) => sids.indexOf(sid) !== index))
    problems.push(`statement ${String(sid)}: Sid is used more than once`);
  return problems;
}

/** True when an action pattern (`kms:PutKeyPolicy`, `kms:*`, `kms:Put*`, `*`) covers kms:PutKeyPolicy. */
function coversPutKeyPolicy(pattern: unknown): boolean {
  if (typeof pattern !== "string") return false;
  const regex = new RegExp(
    `^${pattern
      .split("")
      .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("")}$`,
    "i",
  );
  return regex.test("kms:PutKeyPolicy");
}

/** An Allow statement that can let someone replace the key policy: the key's administrators' statements. */
export function grantsPutKeyPolicy(statement: LiveStatement): boolean {
  if (statement.Effect !== "Allow") return false;
  if ("NotAction" in statement) return !asList(statement.NotAction).some(coversPutKeyPolicy);
  return asList(statement.Action).some(coversPutKeyPolicy);
}

/**
 * Why writing `next` over `current` could lock the key's administrators out; empty when it cannot. Every statement
 * not ours that grants kms:PutKeyPolicy must survive unchanged, and at least one such statement must remain
 * (AWS KMS: "Default key policy", and PutKeyPolicy's policy lockout safety check, which KMS applies only to the caller).
 */
export function keyAdministratorProblems(
  current: LivePolicy | undefined,
  next: LivePolicy | undefined,
  owner: string,
): string[] {
  const problems: string[] = [];
  const kept = (next?.Statement ?? []).map(canonicalStatement);
  const administrators = (current?.Statement ?? []).filter(
    (statement) => !isUnderOwnerKey(statement.Sid, owner) && grantsPutKeyPolicy(statement),
  );
  for (const statement of administrators) {
    const at = kept.indexOf(canonicalStatement(statement));
    if (at === -1)
      problems.push(
        `the administrators' statement ${JSON.stringify(statement.Sid ?? "(no Sid)")} would not survive unchanged`,
      );
    else kept.splice(at, 1);
  }
  if (!(next?.Statement ?? []).some((s) => !isUnderOwnerKey(s.Sid, owner) && grantsPutKeyPolicy(s)))
    problems.push(
      "no statement outside this stack's would grant kms:PutKeyPolicy: nobody could change the policy again",
    );
  for (const statement of (next?.Statement ?? []).filter((s) => isUnderOwnerKey(s.Sid, owner)))
    if (grantsPutKeyPolicy(statement)) problems.push(`our statement ${String(statement.Sid)} grants kms:PutKeyPolicy`);
  return problems;
}

/** Throws (name `KeyAdministratorLockoutError`, nothing written) when a write could lock out the key's administrators. */
export function assertKeepsKeyAdministrators(
  keyArn: string,
  current: LivePolicy | undefined,
  next: LivePolicy | undefined,
  owner: string,
): void {
  const problems = keyAdministratorProblems(current, next, owner);
  if (problems.length > 0)
    throw namedError(
      "KeyAdministratorLockoutError",
      `key ${keyArn}: refusing to write a key policy that could lock out the key's administrators; nothing was written:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      { problems },
    );
}

/** Throws (name `PolicyTooLargeError`, nothing written) when a key policy would exceed 32 KB. */
export function assertKeyPolicyFits(keyArn: string, policy: LivePolicy | undefined): void {
  if (!policy) return;
  const bytes = policyBytes(policy);
  if (bytes > keyPolicyMaxBytes)
    throw namedError(
      "PolicyTooLargeError",
      `key ${keyArn}: the merged key policy would be ${bytes} bytes; KMS allows ${keyPolicyMaxBytes} (32 KB). Nothing was written.`,
      { bytes },
    );
}

/**
 * One key's policy as a shared document: statements keyed by Sid under the stack's owner key, at most 32 KB, ours
 * only KMS-via-S3 statements, and no write that could lock out the key's administrators. KMS has no empty key
 * policy and no delete: the store has no `remove`, and a merge that leaves nobody able to change the policy is refused.
 */
export function keyPolicyFormat(keyArn: string, ownerKey: string): DocumentFormat<LivePolicy, LiveStatement> {
  return {
    ...policyStatementsFormat(
      (policy) => assertKeyPolicyFits(keyArn, policy),
      (statements, owner) => keyPolicyStatementsProblems(statements, owner),
    ),
    assertTransition: (current, next) => assertKeepsKeyAdministrators(keyArn, current, next, ownerKey),
  };
}
