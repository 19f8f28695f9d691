// Rule 5: Allow names what it grants. NotAction, NotResource and NotPrincipal with Allow grant everything else,
// including what AWS adds later (IAM JSON reference: "NotAction", "NotResource", "NotPrincipal" elements).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule } from "../defineRule";
import { knownStatements, quote, type PrincipalView } from "../policyDocuments";

const principalValues = (principal: PrincipalView): string[] => [
  ...(principal.wildcard ? ["*"] : []),
  ...principal.aws,
  ...principal.service,
  ...principal.federated,
  ...principal.canonicalUser,
];

export const noNotElementsWithAllow: ResourceValidationPolicy = documentRule({
  name: "no-not-elements-with-allow",
  summary: "no NotAction/NotResource/NotPrincipal with Allow",
  details: "Each grants everything except what it lists, including what AWS adds later. Allowed in Deny.",
  description:
    "Allow statements do not use NotAction, NotResource or NotPrincipal: each grants everything except what it lists.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Rewrite the statement with Action, Resource and Principal listing exactly what is allowed.",
  check(_resource, documents, { report }) {
    for (const { source, statement } of knownStatements(documents)) {
      if (!statement.allows) continue;
      const where = `${source.path}: ${statement.label}`;
      if (statement.notActions) {
        report(
          `${where} combines Allow with NotAction ${quote(statement.notActions)}, which allows every other action of every service. List the allowed actions in Action instead.`,
        );
      }
      if (statement.notResources) {
        report(
          `${where} combines Allow with NotResource ${quote(statement.notResources)}, which allows every other resource. List the allowed resources in Resource instead.`,
        );
      }
      if (statement.notPrincipal) {
        report(
          `${where} combines Allow with NotPrincipal ${quote(principalValues(statement.notPrincipal))}, which allows every other principal, anonymous callers included. Name the allowed principals in Principal instead.`,
        );
      }
    }
  },
});
