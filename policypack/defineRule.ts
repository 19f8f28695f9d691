// Turns a rule's check into a CrossGuard policy object: reads props safely (unknowns skipped, not reported),
// reads the rule's config, and applies its exemptions. The same objects run in the engine and in validate.ts.
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import {
  findExemption,
  hasReason,
  readConfig,
  ruleConfigSchema,
  type ConfigOf,
  type ConfigProperties,
} from "./packConfig";
import { documentsOf, snapshot, type DocumentSource, type Snapshot } from "./policyDocuments";

export interface ResourceUnderCheck {
  type: string;
  name: string;
  urn: string;
  /** The inputs, with every value unknown during preview replaced by `unknown`. */
  props: Snapshot;
}

/**
 * Offline runners (validate.ts) add this to the args to receive exempted findings one by one. The engine has no
 * such channel: there an exempted finding marks the rule not applicable to the resource, with the reason.
 */
export interface ExemptionSink {
  reportExemption?(message: string, urn: string): void;
}

interface Finding {
  message: string;
  urn: string;
  name: string;
}

type Metadata = "name" | "description" | "enforcementLevel" | "severity" | "remediationSteps";

/** What every rule declares: Pulumi's metadata (all required here), its docs, and its typed config. */
export type RuleMetadata<P extends ConfigProperties> = Required<Pick<ResourceValidationPolicy, Metadata>> & {
  /** A short phrase for the pack's description in PulumiPolicy.yaml. */
  summary: string;
  /** Notes for the rules table in policypack/README.md: exceptions, contested cases, weak forms it names. */
  details: string;
  /** Config properties the rule reads besides `exemptions`. */
  config?: P;
};

type Report = (message: string) => void;

export interface DocumentRuleSpec<P extends ConfigProperties> extends RuleMetadata<P> {
  check(
    resource: ResourceUnderCheck,
    documents: DocumentSource[],
    context: { config: ConfigOf<P>; report: Report },
  ): void | Promise<void>;
}

export interface StackRuleSpec<P extends ConfigProperties> extends RuleMetadata<P> {
  check(
    resources: ResourceUnderCheck[],
    context: { config: ConfigOf<P>; report(message: string, resource: ResourceUnderCheck): void },
  ): void | Promise<void>;
}

export type PackRule = ResourceValidationPolicy | StackValidationPolicy;

const docs = new WeakMap<PackRule, { summary: string; details: string }>();

/** The summary and details a rule declared, for the generated README table and PulumiPolicy.yaml. */
export function ruleDocs(rule: PackRule): { summary: string; details: string } {
  const found = docs.get(rule);
  if (!found) throw new Error(`${rule.name} was not made with documentRule or stackRule`);
  return found;
}

function settle(
  findings: Finding[],
  config: { exemptions: ConfigOf<ConfigProperties>["exemptions"] },
  reportViolation: ReportViolation,
  args: { notApplicable(reason?: string): never } & ExemptionSink,
): void {
  const exempted: string[] = [];
  let reported = 0;
  for (const finding of findings) {
    const exemption = findExemption(config.exemptions, finding);
    if (exemption && hasReason(exemption)) {
      const message = `exempted (${exemption.reason}): ${finding.message}`;
      if (args.reportExemption) args.reportExemption(message, finding.urn);
      exempted.push(`${finding.name}: ${message}`);
    } else {
      const note = exemption
        ? ` (exemption "${exemption.resource}" matches but gives no reason, so it does not apply)`
        : "";
      reportViolation(`${finding.message}${note}`, finding.urn);
      reported += 1;
    }
  }
  // A rule with nothing left to report on an exempted resource is "not applicable", and says why.
  if (!args.reportExemption && exempted.length > 0 && reported === 0) args.notApplicable(exempted.join("; "));
}

// Every rule reads the same inputs; offline they are one object for all rules, so read and parse them once.
const readCache = new WeakMap<object, { type: string; props: Snapshot; documents: DocumentSource[] }>();

function readResource(type: string, raw: unknown): { props: Snapshot; documents: DocumentSource[] } {
  const cached = typeof raw === "object" && raw !== null ? readCache.get(raw) : undefined;
  if (cached && cached.type === type) return cached;
  const props: Snapshot = snapshot(raw);
  const read: { type: string; props: Snapshot; documents: DocumentSource[] } = {
    type,
    props,
    documents: documentsOf(type, props),
  };
  if (typeof raw === "object" && raw !== null) readCache.set(raw, read);
  return read;
}

/** A resource rule over the policy documents a resource carries. */
export function documentRule<P extends ConfigProperties = Record<never, never>>(
  spec: DocumentRuleSpec<P>,
): ResourceValidationPolicy {
  const { check, config: properties, summary, details, ...metadata } = spec;
  const policy: ResourceValidationPolicy = {
    ...metadata,
    configSchema: ruleConfigSchema(properties),
    validateResource: async (args: ResourceValidationArgs & ExemptionSink, reportViolation: ReportViolation) => {
      const config = readConfig(properties ?? ({} as P), args.getConfig<object>());
      const { props, documents } = readResource(args.type, args.props);
      const resource: ResourceUnderCheck = { type: args.type, name: args.name, urn: args.urn, props };
      const findings: Finding[] = [];
      await check(resource, documents, {
        config,
        report: (message) => findings.push({ message, urn: args.urn, name: args.name }),
      });
      settle(findings, config, reportViolation, args);
    },
  };
  docs.set(policy, { summary, details });
  return policy;
}

/** A stack rule over every resource at once. */
export function stackRule<P extends ConfigProperties = Record<never, never>>(
  spec: StackRuleSpec<P>,
): StackValidationPolicy {
  const { check, config: properties, summary, details, ...metadata } = spec;
  const policy: StackValidationPolicy = {
    ...metadata,
    configSchema: ruleConfigSchema(properties),
    validateStack: async (args: StackValidationArgs & ExemptionSink, reportViolation: ReportViolation) => {
      const config = readConfig(properties ?? ({} as P), args.getConfig<object>());
      const resources = args.resources.map((resource): ResourceUnderCheck => ({
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: readResource(resource.type, resource.props).props,
      }));
      const findings: Finding[] = [];
      await check(resources, {
        config,
        report: (message, resource) => findings.push({ message, urn: resource.urn, name: resource.name }),
      });
      settle(findings, config, reportViolation, args);
    },
  };
  docs.set(policy, { summary, details });
  return policy;
}
