// Rule 4: no Allow statement is open to everyone. `*` is public unless a condition pins the caller to fixed
// accounts, ARNs, organizations or network endpoints (S3 User Guide, "The meaning of 'public'").
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule } from "../defineRule";
import { hasWildcard, knownStatements, quote, type ConditionClause, type PrincipalView } from "../policyDocuments";
import { classifyAwsPrincipal } from "../principals";

/** Keys that identify the caller or its network path; a fixed value for one of them makes `*` non-public. */
const restrictingKeys = new Set([
  "aws:principalaccount",
  "aws:principalarn",
  "aws:principalorgid",
  "aws:sourceaccount",
  "aws:sourcearn",
  "aws:sourceowner",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:userid",
  "s3:dataaccesspointaccount",
  "s3:dataaccesspointarn",
  // AWS-managed key policies grant "*" only through kms:CallerAccount (AWS KMS: "Default key policy").
  "kms:calleraccount",
]);
const pinningOperators = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);

/** Why this clause on a caller-identifying key does not restrict a public principal, or undefined when it does. */
export function restrictionWeakness(clause: ConditionClause): string | undefined {
  if (clause.ifExists) return `${clause.operator} passes when ${clause.writtenKey} is absent`;
  if (clause.setOperator)
    return `${clause.operator} is a set operator, meant for multivalued keys (ForAllValues passes when the key is absent)`;
  if (clause.negated) return `${clause.operator} is a negation: it admits everyone else`;
  if (!pinningOperators.has(clause.baseOperator)) return `${clause.operator} does not compare with fixed values`;
  const loose = clause.values.find((value) => value === "" || hasWildcard(value) || value.includes("${"));
  if (clause.values.length === 0 || loose !== undefined)
    return `${clause.writtenKey} is matched against ${JSON.stringify(loose ?? "")}, not a fixed value`;
  return undefined;
}

function publicPrincipals(principal: PrincipalView): string[] {
  return [
    ...(principal.wildcard ? ["*"] : []),
    ...principal.aws.filter((value) => classifyAwsPrincipal(value).kind === "public"),
    ...[...principal.service, ...principal.federated, ...principal.canonicalUser].filter((value) => value === "*"),
  ];
}

export const noPublicPrincipals: ResourceValidationPolicy = documentRule({
  name: "no-public-principals",
  summary: "no public principals",
  details:
    "Not public when a fixed-value condition pins the caller: `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID`, " +
    "`aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOwner`, `aws:SourceVpc(e)`, `aws:userid`, `s3:DataAccessPointAccount`/`Arn`, " +
    "`kms:CallerAccount` (S3: \"The meaning of 'public'\"). Negated, `IfExists`, set-operator or wildcard conditions do not rescue it; " +
    "neither does `aws:SourceIp`.",
  description:
    'Allow statements do not name a public principal ("*", {"AWS": "*"}, or an ARN with a wildcard account) unless a fixed-value condition on ' +
    "the caller's account, ARN, organization or VPC endpoint restricts it. Negated, IfExists or wildcard conditions do not count.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: 'Name the vendor\'s account or role ARN as the principal instead of "*".',
  check(_resource, documents, { report }) {
    for (const { source, statement } of knownStatements(documents)) {
      if (!statement.allows || !statement.principal) continue;
      const open = publicPrincipals(statement.principal);
      if (open.length === 0) continue;
      // Conditions are AND'ed: one clause that pins the caller is enough; others (aws:SourceIp, ...) do not identify anyone.
      const weaknesses = statement.conditions
        .filter((clause) => restrictingKeys.has(clause.key))
        .map(restrictionWeakness);
      if (weaknesses.some((weakness) => weakness === undefined)) continue;
      const tried = weaknesses.filter((weakness): weakness is string => weakness !== undefined);
      report(
        `${source.path}: ${statement.label} allows the public principal ${quote(open)}` +
          `${tried.length > 0 ? `; its condition does not restrict it: ${tried.join("; ")}` : ""}. ` +
          "Name the vendor's account or role ARN as the principal, or pin the caller with a StringEquals condition on aws:PrincipalAccount, aws:PrincipalOrgID or aws:SourceArn.",
      );
    }
  },
});
