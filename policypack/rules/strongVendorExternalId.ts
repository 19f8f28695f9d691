// Rule (advisory): an ExternalId is a secret only if it cannot be guessed. A two-character value, or the vendor's
// own account number, is one any other customer of the vendor can type (IAM User Guide, "Access to AWS accounts
// owned by third parties": the ExternalId must be unique per customer).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule } from "../defineRule";
import { integerProperty } from "../packConfig";
import { knownStatements, type ReadDocument } from "../policyDocuments";
import { classifyAwsPrincipal } from "../principals";

const minLength = integerProperty("ExternalIds shorter than this are reported (STS accepts 2 to 1,224 characters).", {
  minimum: 2,
  maximum: 1224,
  default: 8,
});

/** Every account ID a trust document names in its principals. */
function accountsIn(document: ReadDocument): Set<string> {
  const accounts = new Set<string>();
  for (const statement of document.statements)
    for (const value of statement.principal?.aws ?? []) {
      const parsed = classifyAwsPrincipal(value);
      if (parsed.kind === "account") accounts.add(parsed.accountId);
    }
  return accounts;
}

export const strongVendorExternalId: ResourceValidationPolicy = documentRule({
  name: "strong-vendor-external-id",
  summary: "ExternalIds that cannot be guessed (advisory)",
  description:
    "An sts:ExternalId in a trust policy is at least `minLength` characters (8 by default) and is not an account ID named in the same trust.",
  details:
    "Messages never print the value (it is a secret). Advisory: a vendor-issued value is the vendor's to change, so this asks you to ask for a better one rather than blocking. Values the " +
    "program generates are 48 characters. Reads the values of every ExternalId condition, whatever its operator; " +
    "`require-external-id-on-cross-account-trust` judges the operator.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Ask the vendor for a unique ExternalId of at least 8 characters per customer (a UUID), or use `externalId: generate` where the vendor accepts one.",
  config: { minLength },
  check(_resource, documents, { config, report }) {
    for (const source of documents) {
      if (source.kind !== "trust" || source.status !== "read") continue;
      const accounts = accountsIn(source.document);
      for (const { statement } of knownStatements([source])) {
        for (const clause of statement.conditions.filter((c) => c.key === "sts:externalid")) {
          for (const value of clause.values) {
            const where = `${source.path}: ${statement.label}`;
            if (value.length < config.minLength)
              report(
                `${where} accepts an ExternalId of ${value.length} characters: short enough to guess (fewer than ${config.minLength}). ` +
                  "Ask the vendor for a unique value of at least 8 characters, such as a UUID.",
              );
            else if (accounts.has(value))
              report(
                `${where} accepts an ExternalId equal to account ${value}, which the same trust names: an account ID is public, so it ` +
                  "protects nothing. Ask the vendor for a unique secret value per customer.",
              );
          }
        }
      }
    }
  },
});
