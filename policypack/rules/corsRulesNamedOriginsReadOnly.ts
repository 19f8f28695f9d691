// Rule: a CORS rule this project writes lets only the vendor's web app read through the browser. `*` lets every
// site on the internet script requests with the user's credentials, and PUT or DELETE turn reading into
// writing (S3 User Guide, "Using cross-origin resource sharing (CORS)"; CORS rule elements).
import type { StackValidationPolicy } from "@pulumi/policy";
import { stackRule, type ResourceUnderCheck } from "../defineRule";
import { accountIds } from "../packConfig";
import { isRecord, quote, type Snapshot } from "../policyDocuments";
import { vendorCorsMethods } from "../programFacts";
import * as types from "../resourceTypes";
import { stackIdentities, textList } from "../stackIdentities";

const readMethods = ["GET", "HEAD"];

interface CorsRuleView {
  resource: ResourceUnderCheck;
  id?: string;
  origins: string[];
  methods: string[];
  /** Written by this project: a dynamic resource's rule, or a rule whose ID names one of the stack's integrations. */
  ours: boolean;
}

/** Why an AllowedOrigins value admits sites beyond the vendor's, or undefined when it names the vendor's host. */
export function originProblem(origin: string): string | undefined {
  if (!origin.includes("*")) return undefined;
  if (origin === "*") return '"*" is every site on the internet';
  // S3 allows one wildcard; as the leftmost label of a domain it stays inside that domain.
  const match = /^https?:\/\/\*\.([a-z0-9-]+(\.[a-z0-9-]+)+)(:\d+)?$/i.exec(origin);
  if (match && !match[1].includes("*")) return undefined;
  return `${JSON.stringify(origin)} has a wildcard outside the leftmost label of a named domain, so it matches other sites`;
}

function rulesIn(value: Snapshot): { [key: string]: Snapshot }[] {
  return (Array.isArray(value) ? value : []).filter(isRecord);
}

const field = (rule: { [key: string]: Snapshot }, pascal: string) =>
  textList(rule[pascal] ?? rule[pascal.charAt(0).toLowerCase() + pascal.slice(1)]);

/** Every CORS rule a resource writes: the project's dynamic resources (any input holding rules) and S3's own. */
function corsRulesOf(resource: ResourceUnderCheck, integrations: Set<string>): CorsRuleView[] {
  const props = isRecord(resource.props) ? resource.props : {};
  const view = (rule: { [key: string]: Snapshot }, dynamic: boolean): CorsRuleView => {
    const id = typeof (rule.ID ?? rule.id) === "string" ? String(rule.ID ?? rule.id) : undefined;
    return {
      resource,
      ...(id !== undefined ? { id } : {}),
      origins: field(rule, "AllowedOrigins"),
      methods: field(rule, "AllowedMethods").map((m) => m.toUpperCase()),
      ours: dynamic || (id !== undefined && integrations.has(id.split("--")[0])),
    };
  };
  const isCors = (rule: { [key: string]: Snapshot }) =>
    ["AllowedMethods", "allowedMethods", "AllowedOrigins", "allowedOrigins"].some((key) => key in rule);
  if (resource.type === types.dynamicResource) {
    const lists = Object.values(props).flatMap((value) =>
      Array.isArray(value) ? [value] : isRecord(value) ? Object.values(value).filter(Array.isArray) : [],
    );
    return lists.flatMap((list) =>
      rulesIn(list)
        .filter(isCors)
        .map((rule) => view(rule, true)),
    );
  }
  if (
    [types.s3BucketCorsConfiguration, types.s3BucketCorsConfigurationV2, types.s3Bucket, types.s3BucketV2].includes(
      resource.type,
    )
  )
    return rulesIn(props.corsRules).map((rule) => view(rule, false));
  return [];
}

export const corsRulesNamedOriginsReadOnly: StackValidationPolicy = stackRule({
  name: "cors-rules-named-origins-read-only",
  summary: "CORS rules: named origins, read methods unless the vendor asks",
  description:
    "A CORS rule this project writes names its origins (no `*`, no wildcard beyond the leftmost label of a named domain) and allows only " +
    "GET and HEAD unless the vendor's profile asks for more.",
  details:
    "Project rules: every rule of a dynamic resource, and rules of `BucketCorsConfiguration` (exclusive mode) or a `Bucket`'s `corsRules` " +
    "whose ID starts with one of the stack's integrations (`<integration>--<owner key>`); other CORS rules of the stack are not this rule's. The " +
    "vendor is found through the integration's role or user tags; the methods each vendor profile asks for are the pack's copy of the " +
    "program's (Isahit: GET), kept equal by a contract test. A rule whose vendor is unknown gets GET and HEAD only.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'List the vendor\'s web app origins exactly (e.g. "https://lab.isahit.com") and only the methods its profile needs (GET).',
  config: { accountIds },
  check(resources, { config, report }) {
    const { vendorOfIntegration } = stackIdentities(resources, config.accountIds);
    const integrations = new Set(vendorOfIntegration.keys());
    for (const rule of resources.flatMap((resource) => corsRulesOf(resource, integrations))) {
      if (!rule.ours) continue;
      const label = `CORS rule ${rule.id !== undefined ? JSON.stringify(rule.id) : "(no ID)"}`;
      for (const problem of rule.origins.map(originProblem).filter((p): p is string => !!p))
        report(`${label} allows origin ${problem}. Name the vendor's web app origins exactly.`, rule.resource);
      const vendor = rule.id !== undefined ? vendorOfIntegration.get(rule.id.split("--")[0]) : undefined;
      const allowed = new Set([...readMethods, ...((vendor && vendorCorsMethods[vendor]) || [])]);
      const extra = rule.methods.filter((method) => !allowed.has(method));
      if (extra.length > 0)
        report(
          `${label} allows ${quote(extra)}, which ${vendor ? `the ${vendor} profile does not ask for` : "no vendor profile of this rule asks for (its vendor is unknown)"}. ` +
            `Allow only ${quote([...allowed])}: a write method lets any page on the allowed origins change objects with the user's credentials.`,
          rule.resource,
        );
    }
  },
});
