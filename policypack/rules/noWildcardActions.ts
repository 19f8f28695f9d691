// Rule 1: an Allow statement lists its actions exactly. A wildcard grants every matching action, including
// the ones AWS adds later: Deep Lake's instructions' `s3:*Object*` already expands to 50 actions.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule } from "../defineRule";
import { accountIds } from "../packConfig";
import { hasWildcard, knownStatements, quote, type DocumentKind, type StatementView } from "../policyDocuments";
import { classifyAwsPrincipal } from "../principals";

/**
 * AWS KMS "Default key policy": the key's own account root gets `kms:*` on `*`, which hands the key to IAM in that
 * account rather than granting anything by itself. Accepted only in a key policy and only for the stack's accounts.
 */
export function isDefaultKeyPolicyStatement(
  kind: DocumentKind,
  statement: StatementView,
  ownAccounts: readonly string[],
): boolean {
  const principal = statement.principal;
  if (kind !== "key" || !principal || principal.wildcard || statement.conditions.length > 0) return false;
  if (principal.service.length + principal.federated.length + principal.canonicalUser.length > 0) return false;
  const ownRoots = principal.aws.every((value) => {
    const parsed = classifyAwsPrincipal(value);
    return (
      parsed.kind === "account" &&
      ownAccounts.includes(parsed.accountId) &&
      (value === parsed.accountId || /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(value))
    );
  });
  return principal.aws.length > 0 && ownRoots && (statement.actions ?? []).every((a) => a.toLowerCase() === "kms:*");
}

export const noWildcardActions: ResourceValidationPolicy = documentRule({
  name: "no-wildcard-actions",
  summary: "no wildcard actions",
  description:
    "Allow statements name every action exactly: no `*` or `?` in an action (`*`, `s3:*`, `s3:Get*`, `*Object*`, `kms:ReEncrypt*`).",
  details:
    "A wildcard grants every matching action, including actions AWS adds later; the `s3:*Object*` in Deep Lake's instructions is 50 actions. " +
    "Contested, accepted: the AWS default key policy statement (a key policy giving `kms:*` to the root of one of `accountIds`, no condition), " +
    "because it delegates the key to IAM in your own account.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Replace each wildcard with the exact actions the vendor needs, e.g. `s3:GetObject` instead of `s3:Get*`.",
  config: { accountIds },
  check(_resource, documents, { config, report }) {
    for (const { source, statement } of knownStatements(documents)) {
      if (!statement.allows || !statement.actions) continue;
      if (isDefaultKeyPolicyStatement(source.kind, statement, config.accountIds)) continue;
      const wildcards = statement.actions.filter(hasWildcard);
      if (wildcards.length === 0) continue;
      report(
        `${source.path}: ${statement.label} allows wildcard action${wildcards.length > 1 ? "s" : ""} ${quote(wildcards)}. ` +
          'A wildcard grants every matching action, including actions AWS adds later. List the exact actions instead (e.g. "s3:GetObject", "kms:ReEncryptFrom").',
      );
    }
  },
});
