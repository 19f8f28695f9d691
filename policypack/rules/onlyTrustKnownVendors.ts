// Rule 6: every third-party principal a document trusts is one the platform team approved for that vendor.
// Advisory by default: policy-config.json makes it mandatory, for the engine and offline alike.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule } from "../defineRule";
import { accountIds, vendorAllowlist } from "../packConfig";
import { isRecord, knownStatements, type Snapshot } from "../policyDocuments";
import { classifyAwsPrincipal, isExternal, principalMatchesEntry } from "../principals";
import { seedPrincipals, tagKeys } from "../programFacts";

function tagValue(tags: Snapshot | undefined, key: string): string | undefined {
  return isRecord(tags) && typeof tags[key] === "string" ? (tags[key] as string) : undefined;
}

export const onlyTrustKnownVendors: ResourceValidationPolicy = documentRule({
  name: "only-trust-known-vendors",
  summary: "only allowlisted vendors",
  details:
    'Advisory by default; write `"enforcementLevel": "mandatory"` next to `vendorAllowlist` (the example does), which the engine and ' +
    "offline validation both honour. A resource tagged `vendor-access:vendor` (the program tags every role and user it creates) is held to " +
    "that vendor's list; an untagged document (a bucket policy) to every vendor's. An allowlisted account admits roles inside it; an " +
    "allowlisted role does not admit its account. Without an allowlist, vendor roles are checked against the principals the vendors' own " +
    "instructions name, from the role's `vendor-access:vendor-principals` tag (the program writes it from the vendor profile's " +
    "`knownPrincipals`, for built-in, code- and config-defined vendors alike: Deep Lake's `activeloop_backend` role, Isahit's two " +
    "accounts), or else the pack's own copy for the built-in vendors; vendors that name none are not checked.",
  description:
    "Every principal outside the stack's accounts that a policy trusts is on the vendor allowlist (for a resource tagged vendor-access:vendor, " +
    "that vendor's list). Without a configured allowlist, vendor roles are checked against the principals the vendors' instructions name.",
  enforcementLevel: "advisory",
  severity: "high",
  remediationSteps:
    "If the principal really is the vendor's, add it to vendorAllowlist.<vendor> in the policy config; otherwise fix the principal.",
  config: { accountIds, vendorAllowlist },
  check(resource, documents, { config, report }) {
    const tags = isRecord(resource.props) ? resource.props.tags : undefined;
    const vendor = tagValue(tags, tagKeys.vendor);
    // The program tags each role with the principals its vendor's profile names (code and config vendors too).
    const tagged = tagValue(tags, tagKeys.knownPrincipals)
      ?.split(/\s+/)
      .filter((p) => p !== "");
    const known = tagged ?? (vendor !== undefined ? seedPrincipals[vendor] : undefined) ?? [];
    const configured = config.vendorAllowlist;
    let allowed: readonly string[];
    let listName: string;
    if (configured) {
      allowed = vendor === undefined ? Object.values(configured).flat() : (configured[vendor] ?? []);
      listName = vendor === undefined ? "the vendor allowlist (any vendor)" : `vendorAllowlist.${vendor}`;
    } else {
      // Documents not attributed to a vendor cannot be checked against its instructions: nothing says whose they are.
      if (vendor === undefined || known.length === 0) return;
      allowed = known;
      listName = `the principals ${vendor}'s own instructions name (no vendorAllowlist is configured)`;
    }
    for (const { source, statement } of knownStatements(documents)) {
      if (!statement.allows || !statement.principal) continue;
      for (const value of statement.principal.aws) {
        const principal = classifyAwsPrincipal(value);
        // Public principals are no-public-principals' to report; the stack's own accounts are not vendors.
        if (principal.kind === "public" || !isExternal(principal, config.accountIds)) continue;
        if (allowed.some((entry) => principalMatchesEntry(value, entry))) continue;
        const missingVendor =
          configured && vendor !== undefined && !configured[vendor]
            ? ` (vendorAllowlist has no entry for "${vendor}")`
            : "";
        report(
          `${source.path}: ${statement.label} trusts ${JSON.stringify(value)}, which is not in ${listName}${missingVendor}` +
            `${allowed.length > 0 ? `: allowed are ${allowed.map((a) => JSON.stringify(a)).join(", ")}` : ""}. ` +
            `If it is the vendor's principal, add it to vendorAllowlist${vendor ? `.${vendor}` : ".<vendor>"} in the policy config; otherwise correct the principal.`,
        );
      }
    }
  },
});
