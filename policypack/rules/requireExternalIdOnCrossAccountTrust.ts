// Rule 3: another account may assume a role only with the ExternalId, in the same Allow statement, as a fixed
// value. AWS IAM User Guide, "Access to AWS accounts owned by third parties" (the confused deputy problem).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule } from "../defineRule";
import { accountIds } from "../packConfig";
import {
  knownStatements,
  quote,
  statementGrantsAction,
  type ConditionClause,
  type StatementView,
} from "../policyDocuments";
import { classifyAwsPrincipal, isExternal } from "../principals";

const externalIdKey = "sts:externalid";

/** Why this clause on sts:ExternalId does not pin it, or undefined when it does. */
export function externalIdWeakness(clause: ConditionClause): string | undefined {
  // IfExists passes when the key is absent, and a caller can simply not send an ExternalId (IAM: "...IfExists condition operators").
  if (clause.ifExists) return `${clause.operator} passes when the caller sends no ExternalId`;
  // ForAllValues is true for an empty set: no ExternalId at all passes (IAM: "Single-valued vs. multivalued context keys").
  if (clause.setOperator === "ForAllValues") return `${clause.operator} passes when the caller sends no ExternalId`;
  if (clause.setOperator === "ForAnyValue")
    return `${clause.operator} is a set operator, meant for multivalued keys; sts:ExternalId is single-valued`;
  if (clause.negated) return `${clause.operator} is a negation: it admits every other value, and a missing ExternalId`;
  if (clause.baseOperator !== "stringequals" && clause.baseOperator !== "stringequalsignorecase") {
    return `${clause.operator} is not StringEquals or StringEqualsIgnoreCase, the operators that compare with one fixed value`;
  }
  if (clause.values.length === 0) return `${clause.operator} lists no value`;
  const empty = clause.values.find((value) => value === "");
  if (empty !== undefined) return `${clause.operator} allows an empty ExternalId`;
  const wild = clause.values.find((value) => /[*?]/.test(value) || value.includes("${"));
  if (wild !== undefined)
    return `the value ${JSON.stringify(wild)} is a pattern or a policy variable, not one fixed ExternalId`;
  return undefined;
}

/** The AWS principals outside the stack's accounts that this Allow statement lets call sts:AssumeRole. */
function externalPrincipals(statement: StatementView, accountIds: readonly string[]): string[] {
  if (!statement.principal || !statementGrantsAction(statement, "sts:AssumeRole")) return [];
  return [
    ...(statement.principal.wildcard ? ["*"] : []),
    ...statement.principal.aws.filter((value) => isExternal(classifyAwsPrincipal(value), accountIds)),
  ];
}

function hasStrongExternalId(statement: StatementView): boolean {
  return statement.conditions.some(
    (clause) => clause.key === externalIdKey && externalIdWeakness(clause) === undefined,
  );
}

export const requireExternalIdOnCrossAccountTrust: ResourceValidationPolicy = documentRule({
  name: "require-external-id-on-cross-account-trust",
  summary: "cross-account trust only with a strong sts:ExternalId",
  details:
    "Weak forms are named: `…IfExists`, `ForAllValues:` (true when the key is absent), `ForAnyValue:`, negations (`StringNotEquals`), " +
    "`StringLike`, an empty value or list, `*`/`?`, policy variables. Statements are OR'ed, so a second Allow without the condition is a " +
    "bypass and is reported as one; a condition in a Deny does not count. Service principals and your own accounts are exempt; federated " +
    "principals are `pin-federated-trust`'s.",
  description:
    "An Allow statement that lets another account call sts:AssumeRole (including via `sts:*` or `*`) carries, in that same statement, " +
    "StringEquals or StringEqualsIgnoreCase on sts:ExternalId with a fixed, non-empty value: no IfExists, no ForAllValues:, no negation, no wildcard.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Add "Condition": {"StringEquals": {"sts:ExternalId": "<ExternalId>"}} to every Allow statement that trusts another account.',
  config: { accountIds },
  check(_resource, documents, { config, report }) {
    const statements = knownStatements(documents);
    for (const { source, statement } of statements) {
      if (!statement.allows || !statement.principal) continue;
      const where = `${source.path}: ${statement.label}`;
      const external = externalPrincipals(statement, config.accountIds);
      if (external.length > 0 && !hasStrongExternalId(statement)) {
        const weak = statement.conditions.filter((clause) => clause.key === externalIdKey).map(externalIdWeakness);
        const why =
          weak.length > 0
            ? `its sts:ExternalId condition is weak: ${weak.join("; ")}`
            : "it has no sts:ExternalId condition";
        // Statements are OR'ed: another Allow that requires the ExternalId for the same principal does not protect this one.
        const protectedElsewhere = statements.filter(
          (other) =>
            other.source === source &&
            other.statement !== statement &&
            other.statement.allows &&
            hasStrongExternalId(other.statement) &&
            externalPrincipals(other.statement, config.accountIds).some((value) => external.includes(value)),
        );
        const bypass =
          protectedElsewhere.length > 0
            ? ` ${protectedElsewhere.map((other) => other.statement.label).join(", ")} requires the ExternalId, but statements are OR'ed, so this one bypasses it.`
            : "";
        // A Deny's condition only ever removes access; the Allow must carry the requirement itself.
        const denyWithExternalId = statements.some(
          (other) =>
            other.source === source &&
            !other.statement.allows &&
            other.statement.conditions.some((clause) => clause.key === externalIdKey),
        );
        report(
          `${where} lets ${quote(external)} assume the role, but ${why}.${bypass}${denyWithExternalId ? " A condition in a Deny statement does not count." : ""} ` +
            'Add "Condition": {"StringEquals": {"sts:ExternalId": "<ExternalId>"}} to this statement, with the ExternalId the vendor issued or one you generated.',
        );
      }
    }
  },
});
