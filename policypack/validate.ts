// The pack, offline: runs every rule (resource rules and the stack rule) over recorded resources with no engine,
// using the very policy objects index.ts hands to `new PolicyPack`. Importing this module never starts the pack.
import { readFileSync } from "node:fs";
import type {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import type { ExemptionSink, PackRule } from "./defineRule";
import { schemaProblems } from "./configSchema";
import { packEnforcementLevel, policies } from "./rules";

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

/** The content of a policy-config.json, exactly as `pulumi preview --policy-pack-config` takes it. */
export type PolicyConfigFile = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

export interface ValidateOptions {
  /** A policy-config.json's content; without it every rule runs at its default level with its defaults. */
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

/**
 * The policy config a stack's own facts imply: its account in every rule that reads `accountIds`, its trust policy
 * quota in every rule that reads `trustPolicyMaxChars`. Synth uses it when given no `--policy-config`; pass the same
 * content to `pulumi preview --policy-pack-config` for the same verdicts.
 */
export function policyConfigForStack(facts: { accountIds: string[]; trustPolicyMaxChars?: number }): PolicyConfigFile {
  const file: PolicyConfigFile = {};
  for (const policy of policies) {
    const declared = policy.configSchema?.properties ?? {};
    const entry: Record<string, unknown> = {};
    if ("accountIds" in declared) entry.accountIds = facts.accountIds;
    if ("trustPolicyMaxChars" in declared && facts.trustPolicyMaxChars !== undefined)
      entry.trustPolicyMaxChars = facts.trustPolicyMaxChars;
    if (Object.keys(entry).length > 0) file[policy.name] = entry;
  }
  return file;
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

/** Fail loudly on settings that would otherwise do nothing or be refused by the engine, naming every bad key path. */
function checkOptions(options: ValidateOptions): void {
  const problems: string[] = [];
  const file = options.policyConfig ?? {};
  if (typeof file !== "object" || file === null || Array.isArray(file))
    throw new PolicyConfigError("Invalid policy pack config: it must be a JSON object with one key per rule");
  for (const [rule, entry] of Object.entries(file)) {
    const policy = policies.find((p) => p.name === rule);
    if (rule !== "all" && !policy) {
      problems.push(`${rule}: unknown rule (rules: ${ruleNames.join(", ")})`);
      continue;
    }
    const level = typeof entry === "string" ? entry : (entry as { enforcementLevel?: unknown })?.enforcementLevel;
    if (level !== undefined && !enforcementLevels.includes(level as string))
      problems.push(`${rule}: ${JSON.stringify(level)} is not one of ${enforcementLevels.join(", ")}`);
    if (rule === "all" || typeof entry === "string") {
      if (rule === "all" && typeof entry !== "string") problems.push(`all: give an enforcement level as a string`);
      continue;
    }
    const { properties } = fileEntry(options, rule);
    problems.push(
      ...schemaProblems(properties, {
        type: "object",
        properties: policy!.configSchema?.properties ?? {},
        additionalProperties: false,
      }).map((problem) => `${rule}${problem}`),
    );
  }
  if (problems.length > 0)
    throw new PolicyConfigError(`Invalid policy pack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}

/** What `args.getConfig()` returns for this rule in the engine: its declared properties, defaults filled in. */
function ruleConfig(policy: PackRule, options: ValidateOptions): Record<string, unknown> {
  const declared = policy.configSchema?.properties ?? {};
  const file = fileEntry(options, policy.name).properties;
  const config: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(declared)) {
    const fallback = typeof schema === "object" ? schema.default : undefined;
    if (file[key] !== undefined) config[key] = file[key];
    else if (fallback !== undefined) config[key] = fallback;
  }
  return config;
}

/** The engine's precedence: the rule's own setting, then `all`, then the rule's default, then the pack's. */
function levelFor(policy: PackRule, options: ValidateOptions): EnforcementLevel {
  const explicit = fileEntry(options, policy.name).enforcementLevel;
  const all = fileEntry(options, "all").enforcementLevel;
  const level = ((explicit ?? all) as EnforcementLevel | undefined) ?? policy.enforcementLevel ?? packEnforcementLevel;
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

interface Setting {
  policy: PackRule;
  config: Record<string, unknown>;
  level: EnforcementLevel;
}

/** What one run shares: the violations so far, and how resources are named by URN. */
interface Run {
  violations: Violation[];
  urnOf(resource: ResourceUnderValidation): string;
  nameOf(urn?: string): string;
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

/** Call a rule; a rule that declares itself not applicable (an exempted resource, in the engine) reports nothing. */
async function call(validation: () => void | Promise<void>): Promise<void> {
  try {
    await validation();
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
}

async function runResourceRule(run: Run, { policy, config, level }: Setting, resource: ResourceUnderValidation) {
  if (level === "disabled" || !("validateResource" in policy) || !policy.validateResource) return;
  const args: ResourceValidationArgs & ExemptionSink = {
    type: resource.type,
    props: resource.props,
    urn: run.urnOf(resource),
    name: resource.name,
    opts: resourceOptions,
    stackTags: new Map(),
    isType: (resourceClass) => typeOf(resourceClass) === resource.type,
    asType: ((resourceClass: unknown) =>
      typeOf(resourceClass) === resource.type ? resource.props : undefined) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => config as T,
    notApplicable,
    reportExemption: (message) =>
      run.violations.push({ policy: policy.name, enforcementLevel: "exempt", resource: resource.name, message }),
  };
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
  for (const validation of validations)
    await call(() =>
      validation(args, (message) =>
        run.violations.push({ policy: policy.name, enforcementLevel: level, resource: resource.name, message }),
      ),
    );
}

async function runStackRule(run: Run, { policy, config, level }: Setting, resources: PolicyResource[]) {
  if (level === "disabled" || !("validateStack" in policy)) return;
  const args: StackValidationArgs & ExemptionSink = {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable,
    reportExemption: (message, urn) =>
      run.violations.push({ policy: policy.name, enforcementLevel: "exempt", resource: run.nameOf(urn), message }),
  };
  await call(() =>
    policy.validateStack(args, (message, urn) =>
      run.violations.push({ policy: policy.name, enforcementLevel: level, resource: run.nameOf(urn), message }),
    ),
  );
}

/** Run every rule of the pack over the resources; returns violations, and exempted findings as `exempt`. */
export async function validateResources(
  resources: ResourceUnderValidation[],
  options: ValidateOptions,
): Promise<Violation[]> {
  checkOptions(options);
  const urnOf = (r: ResourceUnderValidation) =>
    r.urn ?? `urn:pulumi:${options.stack ?? "offline"}::${options.project ?? "vendor-access"}::${r.type}::${r.name}`;
  const nameByUrn = new Map(resources.map((r) => [urnOf(r), r.name]));
  const run: Run = {
    violations: [],
    urnOf,
    nameOf: (urn) => (urn === undefined ? "(stack)" : (nameByUrn.get(urn) ?? urn)),
  };
  const settings: Setting[] = policies.map((policy) => ({
    policy,
    config: ruleConfig(policy, options),
    level: levelFor(policy, options),
  }));
  for (const resource of resources) for (const setting of settings) await runResourceRule(run, setting, resource);
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
  for (const setting of settings) await runStackRule(run, setting, stackResources);
  return run.violations;
}
