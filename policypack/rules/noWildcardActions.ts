// Rule 1: an Allow statement lists its actions exactly. A wildcard grants every matching action, including
// the ones AWS adds later: the Deep Lake seed's `s3:*Object*` already expands to 50 actions (VENDORS.md).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule } from "../defineRule";
import { hasWildcard, knownStatements, quote } from "../policyDocuments";

export const noWildcardActions: ResourceValidationPolicy = documentRule({
  name: "no-wildcard-actions",
  description:
    "Allow statements name every action exactly: no `*` or `?` in an action (`*`, `s3:*`, `s3:Get*`, `*Object*`, `kms:ReEncrypt*`).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Replace each wildcard with the exact actions the vendor needs, e.g. `s3:GetObject` instead of `s3:Get*`.",
  check(_resource, documents, { report }) {
    for (const { source, statement } of knownStatements(documents)) {
      if (!statement.allows || !statement.actions) continue;
      const wildcards = statement.actions.filter(hasWildcard);
      if (wildcards.length === 0) continue;
      report(
        `${source.path}: ${statement.label} allows wildcard action${wildcards.length > 1 ? "s" : ""} ${quote(wildcards)}. ` +
          'A wildcard grants every matching action, including actions AWS adds later. List the exact actions instead (e.g. "s3:GetObject", "kms:ReEncryptFrom").',
      );
    }
  },
});
