// defineVendor: one validation for every vendor, whether it ships here, is written in a platform team's code, or
// comes from stack config. Wrong actions, modes or principals fail with their key paths before anything runs.
import type { StandardSchema, StandardSchemaOutput } from "../standardSchema";
import { problemsMessage, VendorAccessError } from "../errors";
import { show } from "../validation";
import type { VendorProfile } from "./profile";
import { integrationKeys, parseVendorData } from "./schema";

/** A vendor definition that failed validation: every bad key path, one per line. */
export class VendorDefinitionError extends VendorAccessError {
  constructor(readonly problems: string[]) {
    super(problemsMessage("vendor definition", problems));
    this.name = "VendorDefinitionError";
  }
}

/** What defineVendor takes: a profile's data, typed vendor-specific config keys, and the hook that reads them. */
export interface VendorDefinition<Extra extends VendorExtraConfig = VendorExtraConfig> extends Omit<
  VendorProfile,
  "extraConfig" | "vendorSidePolicies"
> {
  /** Vendor-specific integration keys, each a Standard Schema (a zod schema is one); validated with the integration. */
  readonly extraConfig?: Extra;
  /** The integration's values of those keys, validated and typed by their schemas. */
  readonly vendorSidePolicies?: (extra: VendorExtraValues<Extra>) => string[];
}

/** Vendor-specific integration keys: key name to the schema of its value. */
export type VendorExtraConfig = Readonly<Record<string, StandardSchema>>;

/** The validated values of a vendor's extra keys (undefined where the key is absent and its schema allows it). */
export type VendorExtraValues<Extra extends VendorExtraConfig> = {
  readonly [Key in keyof Extra]: StandardSchemaOutput<Extra[Key]>;
};

/**
 * A typed vendor profile, validated as strictly as one from stack config: exact actions, consistent auth modes,
 * principals that parse. Its actions are checked against the IAM catalog before any resource is registered.
 */
export function defineVendor<const Extra extends VendorExtraConfig = Record<never, never>>(
  definition: VendorDefinition<Extra>,
): VendorProfile {
  const { extraConfig, vendorSidePolicies, ...data } = definition;
  const problems: string[] = [];
  const where = `defineVendor(${show(definition.id)})`;
  const profile = parseVendorData(data, [where], problems);
  for (const key of Object.keys(extraConfig ?? {}))
    if ((integrationKeys as readonly string[]).includes(key))
      problems.push(`${where}.extraConfig.${key}: every integration has this key; choose another name`);
  if (vendorSidePolicies && !definition.auth.modes.bucketPolicy)
    problems.push(`${where}.vendorSidePolicies: only bucketPolicy vendors have a vendor-side statement`);
  if (!profile || problems.length > 0) throw new VendorDefinitionError(problems);
  return {
    ...profile,
    ...(extraConfig ? { extraConfig } : {}),
    ...(vendorSidePolicies
      ? { vendorSidePolicies: vendorSidePolicies as (extra: Readonly<Record<string, unknown>>) => string[] }
      : {}),
  };
}
