// The pack's configuration. CrossGuard configures each policy on its own (policy-config.json has one key per
// rule, plus `all` for the enforcement level), so every rule declares the typed properties it reads, next to its
// code; the properties several rules share (accountIds) are defined here once.
import type { PolicyConfigSchema } from "@pulumi/policy";

export type PropertySchema = PolicyConfigSchema["properties"][string];

/** One config property: its JSON schema (what the engine validates) and how the rule reads it. */
export interface ConfigProperty<T> {
  schema: PropertySchema;
  /** The value as the rule uses it; `undefined` when the property is not set (the schema's default is applied first). */
  read(value: unknown): T;
}

export type ConfigProperties = Record<string, ConfigProperty<unknown>>;

/** A rule's waiver for one resource, with the reason a reviewer will read next to it. */
export interface Exemption {
  /** A resource name or URN; `*` and `?` are wildcards. Patterns starting with `urn:` match the URN. */
  resource: string;
  reason: string;
}

/** A rule's configuration as its check reads it: its own typed properties plus exemptions. */
export type ConfigOf<P extends ConfigProperties> = { [K in keyof P]: ReturnType<P[K]["read"]> } & {
  exemptions: Exemption[];
};

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];

export const accountIds: ConfigProperty<string[]> = {
  schema: {
    type: "array",
    items: { type: "string", pattern: "^[0-9]{12}$" },
    description:
      "The stack's own 12-digit AWS accounts. Principals in them are not third parties. If unset, every account is treated as external.",
  },
  read: strings,
};

export const vendorAllowlist: ConfigProperty<Record<string, string[]> | undefined> = {
  schema: {
    type: "object",
    description:
      "Vendor id -> the principals (12-digit account, account root ARN or role ARN) that vendor may be trusted as.",
    additionalProperties: {
      type: "array",
      minItems: 1,
      items: { type: "string", pattern: "^([0-9]{12}|arn:aws[a-z-]*:(iam|sts)::[0-9]{12}:[^*?]+)$" },
    },
  },
  read: (value) =>
    typeof value === "object" && value !== null && Object.keys(value).length > 0
      ? Object.fromEntries(Object.entries(value).map(([vendor, principals]) => [vendor, strings(principals)]))
      : undefined,
};

/** An integer property with bounds and a default. */
export function integerProperty(description: string, bounds: { minimum: number; maximum: number; default: number }) {
  const property: ConfigProperty<number> = {
    schema: { type: "integer", ...bounds, description },
    read: (value) => (typeof value === "number" ? value : bounds.default),
  };
  return property;
}

/** A list of strings from a fixed set. */
export function enumListProperty<T extends string>(description: string, values: readonly T[]) {
  const property: ConfigProperty<T[]> = {
    schema: { type: "array", items: { type: "string", enum: [...values] }, uniqueItems: true, description },
    read: (value) => strings(value).filter((item): item is T => (values as readonly string[]).includes(item)),
  };
  return property;
}

export const exemptionsSchema: PropertySchema = {
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

/** Every rule takes exemptions; `properties` are the ones that rule reads. */
export function ruleConfigSchema(properties: ConfigProperties = {}): PolicyConfigSchema {
  return {
    properties: {
      exemptions: exemptionsSchema,
      ...Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, property.schema])),
    },
  };
}

function readExemptions(value: unknown): Exemption[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null)
    .map((item) => ({
      resource: String(item.resource ?? ""),
      reason: typeof item.reason === "string" ? item.reason : "",
    }));
}

/** Read what `args.getConfig()` returns into the rule's typed config, tolerating anything the schema did not catch. */
export function readConfig<P extends ConfigProperties>(properties: P, raw: object): ConfigOf<P> {
  const values = raw as Record<string, unknown>;
  const typed = Object.fromEntries(
    Object.entries(properties).map(([key, property]) => [key, property.read(values[key])]),
  ) as { [K in keyof P]: ReturnType<P[K]["read"]> };
  return { ...typed, exemptions: readExemptions(values.exemptions) };
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
