// The pack, offline: runs every rule (resource rules and the stack rule) over recorded resources with no engine,
// using the very policy objects index.ts hands to `new PolicyPack`. Importing this module never starts the pack.
import { readFileSync } from "node:fs";
import type {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { ExemptionSink } from "./defineRule";
import type { Exemption } from "./packConfig";
import { onlyTrustKnownVendors, packEnforcementLevel, policies } from "./rules";

export interface ResourceUnderValidation {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** The resource's URN when the caller has one; exemptions written as `urn:...` patterns match it. */
  urn?: string;
}

export interface Violation {
  policy: string;
  /** `mandatory` or `advisory`; `exempt` for a finding an exemption waives, listed so that a reviewer sees it. */
  enforcementLevel: string;
  resource: string;
  message: string;
}

/** An exemption in the offline options names its rule; in policy-config.json it sits under the rule's key. */
export interface PackExemption extends Exemption {
  rule: string;
}

/** The content of a policy-config.json, as `pulumi preview --policy-pack-config` takes it. */
export type PolicyConfigFile = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

export interface ValidateOptions {
  /** The stack's own accounts. Empty: every account is external. */
  accountIds: string[];
  /** Vendor id -> principals that vendor may be trusted as. Setting it makes only-trust-known-vendors mandatory. */
  vendorAllowlist?: Record<string, string[]>;
  /** Rule name (or `all`) -> enforcement level. */
  enforcementLevels?: Record<string, EnforcementLevel>;
  exemptions?: PackExemption[];
  trustPolicyMaxChars?: number;
  /** A policy-config.json; its per-rule settings take precedence over the options above. */
  policyConfig?: PolicyConfigFile;
  /** For the URNs of resources given without one. */
  project?: string;
  stack?: string;
}

export class PolicyConfigError extends Error {
  override name = "PolicyConfigError";
}

const enforcementLevels: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];
const ruleNames = policies.map((policy) => policy.name);

/** Read a policy-config.json file. */
export function loadPolicyConfig(path: string): PolicyConfigFile {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as PolicyConfigFile;
  } catch (error) {
    throw new PolicyConfigError(`${path}: ${(error as Error).message}`);
  }
}

function fileEntry(
  options: ValidateOptions,
  rule: string,
): { enforcementLevel?: string; properties: Record<string, unknown> } {
  const entry = options.policyConfig?.[rule];
  if (entry === undefined) return { properties: {} };
  if (typeof entry === "string") return { enforcementLevel: entry, properties: {} };
  const { enforcementLevel, ...properties } = entry;
  return { ...(enforcementLevel ? { enforcementLevel } : {}), properties };
}

/** Fail loudly on settings that would otherwise do nothing: an unknown rule, a level typo, an exemption without reason. */
function checkOptions(options: ValidateOptions): void {
  const problems: string[] = [];
  const known = (rule: string, where: string) => {
    if (rule !== "all" && !ruleNames.includes(rule))
      problems.push(`${where}: unknown rule ${JSON.stringify(rule)} (rules: ${ruleNames.join(", ")})`);
  };
  for (const [rule, level] of Object.entries(options.enforcementLevels ?? {})) {
    known(rule, "enforcementLevels");
    if (!enforcementLevels.includes(level))
      problems.push(
        `enforcementLevels.${rule}: ${JSON.stringify(level)} is not one of ${enforcementLevels.join(", ")}`,
      );
  }
  for (const rule of Object.keys(options.policyConfig ?? {})) {
    known(rule, "policyConfig");
    const level = fileEntry(options, rule).enforcementLevel;
    if (level !== undefined && !enforcementLevels.includes(level))
      problems.push(`policyConfig.${rule}: ${JSON.stringify(level)} is not one of ${enforcementLevels.join(", ")}`);
  }
  const exemptions = [
    ...(options.exemptions ?? []).map((e, i) => ({ ...e, where: `exemptions[${i}]` })),
    ...ruleNames.flatMap((rule) => {
      const listed = fileEntry(options, rule).properties.exemptions;
      return Array.isArray(listed)
        ? listed.map((e: Partial<Exemption>, i) => ({
            rule,
            resource: e?.resource ?? "",
            reason: e?.reason ?? "",
            where: `policyConfig.${rule}.exemptions[${i}]`,
          }))
        : [];
    }),
  ];
  for (const exemption of exemptions) {
    known(exemption.rule, exemption.where);
    if (typeof exemption.resource !== "string" || exemption.resource === "")
      problems.push(`${exemption.where}: give the resource name or URN pattern it exempts`);
    if (typeof exemption.reason !== "string" || exemption.reason.trim() === "")
      problems.push(`${exemption.where}: an exemption needs a reason`);
  }
  if (problems.length > 0)
    throw new PolicyConfigError(`Invalid policy pack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}

/** What `args.getConfig()` returns for this rule in the engine: its declared properties, defaults filled in. */
function ruleConfig(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  options: ValidateOptions,
): Record<string, unknown> {
  const declared = policy.configSchema?.properties ?? {};
  const file = fileEntry(options, policy.name).properties;
  const fromOptions: Record<string, unknown> = {
    accountIds: options.accountIds,
    vendorAllowlist: options.vendorAllowlist,
    trustPolicyMaxChars: options.trustPolicyMaxChars,
    exemptions: [
      ...(options.exemptions ?? [])
        .filter((e) => e.rule === policy.name)
        .map(({ resource, reason }) => ({ resource, reason })),
      ...((file.exemptions as Exemption[] | undefined) ?? []),
    ],
  };
  const config: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(declared)) {
    const value = key === "exemptions" ? fromOptions.exemptions : (file[key] ?? fromOptions[key]);
    const fallback = typeof schema === "object" ? schema.default : undefined;
    if (value !== undefined) config[key] = value;
    else if (fallback !== undefined) config[key] = fallback;
  }
  return config;
}

/** The engine's precedence: the rule's own setting, then `all`, then the rule's default, then the pack's. */
function levelFor(
  policy: ResourceValidationPolicy | StackValidationPolicy,
  options: ValidateOptions,
  config: Record<string, unknown>,
): EnforcementLevel {
  const explicit = fileEntry(options, policy.name).enforcementLevel ?? options.enforcementLevels?.[policy.name];
  const all = fileEntry(options, "all").enforcementLevel ?? options.enforcementLevels?.all;
  let level = (explicit ?? all) as EnforcementLevel | undefined;
  // Issue 3: the vendor allowlist rule is advisory until an allowlist is set, then mandatory.
  if (level === undefined && policy === onlyTrustKnownVendors && config.vendorAllowlist !== undefined)
    level = "mandatory";
  level = level ?? policy.enforcementLevel ?? packEnforcementLevel;
  // The engine reports a remediate-level rule that still finds something as mandatory.
  return level === "remediate" ? "mandatory" : level;
}

class NotApplicable extends Error {}

const resourceOptions: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

const typeOf = (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType;

/** Run every rule of the pack over the resources; returns violations, and exempted findings as `exempt`. */
export async function validateResources(
  resources: ResourceUnderValidation[],
  options: ValidateOptions,
): Promise<Violation[]> {
  checkOptions(options);
  const urnOf = (r: ResourceUnderValidation) =>
    r.urn ?? `urn:pulumi:${options.stack ?? "offline"}::${options.project ?? "vendor-access"}::${r.type}::${r.name}`;
  const nameByUrn = new Map(resources.map((r) => [urnOf(r), r.name]));
  const violations: Violation[] = [];
  const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
  };
  const run = async (call: () => void | Promise<void>) => {
    try {
      await call();
    } catch (error) {
      if (!(error instanceof NotApplicable)) throw error;
    }
  };

  const settings = policies.map((policy) => {
    const config = ruleConfig(policy, options);
    return { policy, config, level: levelFor(policy, options, config) };
  });
  for (const resource of resources) {
    for (const { policy, config, level } of settings) {
      if (level === "disabled" || !("validateResource" in policy) || !policy.validateResource) continue;
      const urn = urnOf(resource);
      const args: ResourceValidationArgs & ExemptionSink = {
        type: resource.type,
        props: resource.props,
        urn,
        name: resource.name,
        opts: resourceOptions,
        stackTags: new Map(),
        isType: (resourceClass) => typeOf(resourceClass) === resource.type,
        asType: ((resourceClass: unknown) =>
          typeOf(resourceClass) === resource.type ? resource.props : undefined) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => config as T,
        notApplicable,
        reportExemption: (message) =>
          violations.push({ policy: policy.name, enforcementLevel: "exempt", resource: resource.name, message }),
      };
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      for (const validation of validations) {
        await run(() =>
          validation(args, (message) =>
            violations.push({ policy: policy.name, enforcementLevel: level, resource: resource.name, message }),
          ),
        );
      }
    }
  }

  const stackResources: PolicyResource[] = resources.map((resource) => ({
    type: resource.type,
    props: resource.props,
    urn: urnOf(resource),
    name: resource.name,
    opts: resourceOptions,
    dependencies: [],
    propertyDependencies: {},
    isType: (resourceClass) => typeOf(resourceClass) === resource.type,
    asType: ((resourceClass: unknown) =>
      typeOf(resourceClass) === resource.type ? resource.props : undefined) as PolicyResource["asType"],
  }));
  for (const { policy, config, level } of settings) {
    if (level === "disabled" || !("validateStack" in policy)) continue;
    const resourceName = (urn?: string) => (urn === undefined ? "(stack)" : (nameByUrn.get(urn) ?? urn));
    const args: StackValidationArgs & ExemptionSink = {
      resources: stackResources,
      stackTags: new Map(),
      getConfig: <T extends object>() => config as T,
      notApplicable,
      reportExemption: (message, urn) =>
        violations.push({ policy: policy.name, enforcementLevel: "exempt", resource: resourceName(urn), message }),
    };
    await run(() =>
      policy.validateStack(args, (message, urn) =>
        violations.push({ policy: policy.name, enforcementLevel: level, resource: resourceName(urn), message }),
      ),
    );
  }
  return violations;
}
