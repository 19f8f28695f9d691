// Rule: an AWS service acting on our resource does so only for our source. Without aws:SourceArn or
// aws:SourceAccount, any customer's distribution, trail or bucket can make the service act on ours (IAM User Guide,
// "The confused deputy problem", cross-service confused deputy prevention).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule } from "../defineRule";
import { knownStatements, quote, resourcePolicyKinds } from "../policyDocuments";
import { restrictionWeakness } from "./noPublicPrincipals";

/** The global condition keys AWS documents for cross-service confused deputy prevention. */
const sourceKeys = new Set(["aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths"]);

export const requireSourceOnServicePrincipals: ResourceValidationPolicy = documentRule({
  name: "require-source-on-service-principals",
  summary: "service principals pinned to a source",
  description:
    "An Allow statement in a bucket, access point or key policy whose principal is an AWS service (`cloudfront.amazonaws.com`, …) carries a " +
    "fixed aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths condition.",
  details:
    "The confused deputy in its service form. `IfExists`, negations, set operators, empty values and values that are only wildcards do " +
    "not pin. Trust policies are not checked here: several services that assume roles send no source keys. Known false reject: the " +
    "CloudWatch Logs key-policy form that pins `kms:EncryptionContext:aws:logs:arn` instead; add aws:SourceAccount beside it.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Add "Condition": {"StringEquals": {"aws:SourceArn": "<the distribution, trail or bucket ARN>"}} (or aws:SourceAccount) to the statement.',
  check(_resource, documents, { report }) {
    for (const { source, statement } of knownStatements(documents)) {
      if (!resourcePolicyKinds.includes(source.kind) || !statement.allows || !statement.principal) continue;
      const services = statement.principal.service;
      if (services.length === 0) continue;
      const weaknesses = statement.conditions.filter((clause) => sourceKeys.has(clause.key)).map(restrictionWeakness);
      if (weaknesses.some((weakness) => weakness === undefined)) continue;
      const tried = weaknesses.filter((weakness): weakness is string => weakness !== undefined);
      report(
        `${source.path}: ${statement.label} lets service ${quote(services)} act without a source pin` +
          `${tried.length > 0 ? ` (${tried.join("; ")})` : ""}, so it acts for any AWS customer's resource. ` +
          'Add "Condition": {"StringEquals": {"aws:SourceArn": "<your resource ARN>"}} or aws:SourceAccount.',
      );
    }
  },
});
