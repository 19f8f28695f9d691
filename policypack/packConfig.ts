// The pack's configuration. CrossGuard configures each policy on its own (policy-config.json has one key per
// rule, plus `all` for the enforcement level), so every rule declares the properties it reads from here.
import type { PolicyConfigSchema } from "@pulumi/policy";

type PropertySchema = PolicyConfigSchema["properties"][string];

/** A rule's waiver for one resource, with the reason a reviewer will read next to it. */
export interface Exemption {
  /** A resource name or URN; `*` and `?` are wildcards. Patterns starting with `urn:` match the URN. */
  resource: string;
  reason: string;
}

/** A rule's configuration, as the rule reads it, with defaults filled in. */
export interface RuleConfig {
  /** The stack's own accounts; principals in them are not third parties. Empty: every account is external. */
  accountIds: string[];
  exemptions: Exemption[];
  /** Principals each vendor may be trusted as, by vendor id (`aquarium`, `deeplake`, ...). */
  vendorAllowlist?: Record<string, string[]>;
  /** IAM's role trust policy length quota: 2,048 by default, more once raised (IAM and AWS STS quotas). */
  trustPolicyMaxChars: number;
}

export const defaultTrustPolicyMaxChars = 2048;

export const accountIdsProperty: PropertySchema = {
  type: "array",
  items: { type: "string", pattern: "^[0-9]{12}$" },
  description:
    "The stack's own 12-digit AWS accounts. Principals in them are not third parties. If unset, every account is treated as external.",
};

export const exemptionsProperty: PropertySchema = {
  type: "array",
  description: "Resources this rule does not block, each with the reason. Exempted findings are listed, not hidden.",
  items: {
    type: "object",
    properties: {
      resource: {
        type: "string",
        minLength: 1,
        description: "Resource name or URN (`urn:...`); `*` and `?` are wildcards.",
      },
      reason: {
        type: "string",
        minLength: 1,
        pattern: "\\S",
        description: "Why this resource may break the rule; required.",
      },
    },
    required: ["resource", "reason"],
    additionalProperties: false,
  },
};

export const vendorAllowlistProperty: PropertySchema = {
  type: "object",
  description:
    "Vendor id -> the principals (12-digit account, account root ARN or role ARN) that vendor may be trusted as.",
  additionalProperties: {
    type: "array",
    minItems: 1,
    items: { type: "string", pattern: "^([0-9]{12}|arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:[^*?]+)$" },
  },
};

export const trustPolicyMaxCharsProperty: PropertySchema = {
  type: "integer",
  minimum: 2048,
  maximum: 8192,
  default: defaultTrustPolicyMaxChars,
  description: "IAM's role trust policy length quota in characters (2,048 unless you had it raised).",
};

/** Every rule takes exemptions; `extra` adds the properties that rule reads. */
export function ruleConfigSchema(extra: Record<string, PropertySchema> = {}): PolicyConfigSchema {
  return { properties: { exemptions: exemptionsProperty, ...extra } };
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];

/** Read what `args.getConfig()` returns into a RuleConfig, tolerating anything the schema did not catch. */
export function readRuleConfig(raw: object): RuleConfig {
  const config = raw as Record<string, unknown>;
  const exemptions = Array.isArray(config.exemptions)
    ? config.exemptions
        .filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null)
        .map((item) => ({
          resource: String(item.resource ?? ""),
          reason: typeof item.reason === "string" ? item.reason : "",
        }))
    : [];
  const allowlist = config.vendorAllowlist;
  const vendorAllowlist =
    typeof allowlist === "object" && allowlist !== null && Object.keys(allowlist).length > 0
      ? Object.fromEntries(Object.entries(allowlist).map(([vendor, principals]) => [vendor, strings(principals)]))
      : undefined;
  return {
    accountIds: strings(config.accountIds),
    exemptions,
    ...(vendorAllowlist ? { vendorAllowlist } : {}),
    trustPolicyMaxChars:
      typeof config.trustPolicyMaxChars === "number" ? config.trustPolicyMaxChars : defaultTrustPolicyMaxChars,
  };
}

function globMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`).test(value);
}

/** The first exemption that names this resource, by name, or by URN for patterns that start with `urn:`. */
export function findExemption(
  exemptions: readonly Exemption[],
  resource: { name: string; urn: string },
): Exemption | undefined {
  return exemptions.find((exemption) =>
    globMatches(exemption.resource, exemption.resource.startsWith("urn:") ? resource.urn : resource.name),
  );
}

export function hasReason(exemption: Exemption): boolean {
  return exemption.reason.trim() !== "";
}
