// Whose principal is this: everyone, one of the stack's own accounts, or another account.
import type { StatementView } from "./policyDocuments";

export type AwsPrincipal =
  /** `*`, or an ARN with a wildcard in it: anyone (IAM: "You cannot use a wildcard to match part of a principal ARN"). */
  | { kind: "public"; value: string }
  | { kind: "account"; value: string; accountId: string }
  /** A unique ID (AROA..., AIDA...) that IAM writes in place of a deleted principal, or anything unparseable. */
  | { kind: "unidentified"; value: string };

/** Classify one value of `Principal.AWS`: a 12-digit account, an IAM or STS ARN, or `*`. */
export function classifyAwsPrincipal(value: string): AwsPrincipal {
  if (value === "*") return { kind: "public", value };
  if (/^\d{12}$/.test(value)) return { kind: "account", value, accountId: value };
  const parts = value.split(":");
  if (parts[0] === "arn" && parts.length >= 6) {
    if (parts.slice(0, 5).some((part) => /[*?]/.test(part))) return { kind: "public", value };
    if (/^\d{12}$/.test(parts[4])) return { kind: "account", value, accountId: parts[4] };
  }
  return { kind: "unidentified", value };
}

/** External: not provably in one of the stack's accounts. With no accounts configured, every account is external. */
export function isExternal(principal: AwsPrincipal, accountIds: readonly string[]): boolean {
  return principal.kind !== "account" || !accountIds.includes(principal.accountId);
}

/** `arn:aws:iam::ACCOUNT:root` for a bare account, so that both spellings of one account compare equal. */
export function canonicalPrincipal(value: string): string {
  return /^\d{12}$/.test(value) ? `arn:aws:iam::${value}:root` : value;
}

/** True when `entry` names `principal` exactly, or names the account root of the principal's account. */
export function principalMatchesEntry(principal: string, entry: string): boolean {
  const wanted = canonicalPrincipal(entry);
  const actual = canonicalPrincipal(principal);
  if (wanted === actual) return true;
  const root = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(wanted);
  const parsed = classifyAwsPrincipal(actual);
  // Trusting a role inside an allowlisted account is narrower than trusting the account itself.
  return root !== null && parsed.kind === "account" && parsed.accountId === root[1];
}

const callerAccountKeys = new Set(["aws:principalaccount", "kms:calleraccount"]);

/**
 * The principals of an Allow statement that are not provably the stack's own: AWS principals outside `accountIds`,
 * canonical users, federated identities, and `*` unless a fixed aws:PrincipalAccount or kms:CallerAccount
 * condition limits it to the stack's accounts. Service principals are AWS services, not third parties.
 */
export function externalPrincipalsOf(statement: StatementView, accountIds: readonly string[]): string[] {
  const principal = statement.principal;
  if (!principal) return [];
  const everyoneIsOwn = statement.conditions.some(
    (clause) =>
      callerAccountKeys.has(clause.key) &&
      ["stringequals", "stringequalsignorecase"].includes(clause.baseOperator) &&
      !clause.negated &&
      !clause.ifExists &&
      !clause.setOperator &&
      clause.values.length > 0 &&
      clause.values.every((value) => accountIds.includes(value)),
  );
  const wildcard = principal.wildcard || principal.aws.includes("*");
  return [
    ...(wildcard && !everyoneIsOwn ? ["*"] : []),
    ...principal.aws.filter((value) => value !== "*" && isExternal(classifyAwsPrincipal(value), accountIds)),
    ...principal.canonicalUser,
    ...principal.federated,
  ];
}
