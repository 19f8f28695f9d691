// The encryption-context check the IAM simulator cannot do: @cloud-copilot/iam-simulate ignores
// `kms:EncryptionContext:*` condition keys, so this module decides those conditions itself, statement by statement,
// and hands the simulator documents in which they are already settled. A statement whose context conditions the
// request meets keeps its other conditions; one whose context conditions it fails is dropped (conditions in one
// statement all must hold: IAM JSON reference, "Condition"). Everything else stays the simulator's to decide.
import type { PolicyCondition, PolicyDocument, PolicyStatement } from "../../model/policy/document";
import { ProofSetupError } from "./simulator";

const contextKeyPrefix = "kms:encryptioncontext:";

/** The S3 encryption context of a request: `{ "aws:s3:arn": "<object or bucket ARN>" }`, or none for a call outside S3. */
export type EncryptionContext = Readonly<Record<string, string>>;

/** `StringLike` matching: `*` any run of characters, `?` any one (IAM JSON reference, "String condition operators"). */
export function stringLikeMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${regex}$`, "s").test(value);
}

/** Whether one operator block's condition on one context key holds for the request. */
function holds(operator: string, values: readonly string[], actual: string | undefined): boolean {
  const base = operator.replace(/IfExists$/, "");
  if (actual === undefined) return operator.endsWith("IfExists");
  switch (base) {
    case "StringEquals":
      return values.includes(actual);
    case "StringEqualsIgnoreCase":
      return values.some((v) => v.toLowerCase() === actual.toLowerCase());
    case "StringLike":
      return values.some((v) => stringLikeMatches(v, actual));
    case "StringNotEquals":
      return !values.includes(actual);
    case "StringNotLike":
      return !values.some((v) => stringLikeMatches(v, actual));
    default:
      throw new ProofSetupError(
        `the encryption-context check does not evaluate ${operator}; extend it before using it`,
      );
  }
}

export interface ContextDecision {
  /** The statement with its context conditions settled, or undefined when they fail and it drops out. */
  statement?: PolicyStatement;
  /** True when the statement had a context condition, so the outcome rests on this check. */
  decided: boolean;
}

/** Settle one statement's `kms:EncryptionContext:*` conditions for a request's encryption context. */
export function settleStatement(statement: PolicyStatement, context: EncryptionContext | undefined): ContextDecision {
  if (!statement.Condition) return { statement, decided: false };
  let decided = false;
  const remaining: PolicyCondition = {};
  for (const [operator, block] of Object.entries(statement.Condition)) {
    const rest: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(block)) {
      if (!key.toLowerCase().startsWith(contextKeyPrefix)) {
        rest[key] = value;
        continue;
      }
      if (operator.startsWith("ForAnyValue:") || operator.startsWith("ForAllValues:"))
        throw new ProofSetupError(`the encryption-context check does not evaluate ${operator}`);
      decided = true;
      const field = Object.keys(context ?? {}).find(
        (name) => name.toLowerCase() === key.slice(contextKeyPrefix.length).toLowerCase(),
      );
      if (!holds(operator, [value].flat(), field === undefined ? undefined : context![field])) return { decided: true };
    }
    if (Object.keys(rest).length > 0) remaining[operator] = rest;
  }
  if (!decided) return { statement, decided: false };
  const { Condition: _settled, ...withoutCondition } = statement;
  return {
    statement: Object.keys(remaining).length > 0 ? { ...withoutCondition, Condition: remaining } : withoutCondition,
    decided: true,
  };
}

/** A document with every statement's context conditions settled, and whether any outcome rests on this check. */
export function settleDocument(
  document: PolicyDocument,
  context: EncryptionContext | undefined,
): { document: PolicyDocument; decided: boolean } {
  const settled = document.Statement.map((statement) => settleStatement(statement, context));
  return {
    document: { ...document, Statement: settled.flatMap((s) => (s.statement ? [s.statement] : [])) },
    decided: settled.some((s) => s.decided),
  };
}
