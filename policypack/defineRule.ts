// Turns a rule's check into a CrossGuard policy object: reads props safely (unknowns skipped, not reported),
// reads the rule's config, and applies its exemptions. The same objects run in the engine and in validate.ts.
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { findExemption, hasReason, readRuleConfig, ruleConfigSchema, type RuleConfig } from "./packConfig";
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

type RuleMetadata = Omit<ResourceValidationPolicy, "validateResource" | "remediateResource" | "configSchema"> & {
  /** Config properties the rule reads besides `exemptions`. */
  configProperties?: NonNullable<ResourceValidationPolicy["configSchema"]>["properties"];
};

export interface DocumentRuleSpec extends RuleMetadata {
  check(
    resource: ResourceUnderCheck,
    documents: DocumentSource[],
    context: { config: RuleConfig; report(message: string): void },
  ): void;
}

export interface StackRuleSpec extends RuleMetadata {
  check(
    resources: ResourceUnderCheck[],
    context: { config: RuleConfig; report(message: string, resource: ResourceUnderCheck): void },
  ): void;
}

function settle(
  findings: Finding[],
  config: RuleConfig,
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

/** A resource rule over the policy documents a resource carries. */
export function documentRule(spec: DocumentRuleSpec): ResourceValidationPolicy {
  const { check, configProperties, ...metadata } = spec;
  return {
    ...metadata,
    configSchema: ruleConfigSchema(configProperties),
    validateResource: (args: ResourceValidationArgs & ExemptionSink, reportViolation: ReportViolation) => {
      const config = readRuleConfig(args.getConfig<object>());
      const resource: ResourceUnderCheck = {
        type: args.type,
        name: args.name,
        urn: args.urn,
        props: snapshot(args.props),
      };
      const findings: Finding[] = [];
      check(resource, documentsOf(resource.type, resource.props), {
        config,
        report: (message) => findings.push({ message, urn: args.urn, name: args.name }),
      });
      settle(findings, config, reportViolation, args);
    },
  };
}

/** A stack rule over every resource at once. */
export function stackRule(spec: StackRuleSpec): StackValidationPolicy {
  const { check, configProperties, ...metadata } = spec;
  return {
    ...metadata,
    configSchema: ruleConfigSchema(configProperties),
    validateStack: (args: StackValidationArgs & ExemptionSink, reportViolation: ReportViolation) => {
      const config = readRuleConfig(args.getConfig<object>());
      const resources = args.resources.map((resource): ResourceUnderCheck => ({
        type: resource.type,
        name: resource.name,
        urn: resource.urn,
        props: snapshot(resource.props),
      }));
      const findings: Finding[] = [];
      check(resources, {
        config,
        report: (message, resource) => findings.push({ message, urn: resource.urn, name: resource.name }),
      });
      settle(findings, config, reportViolation, args);
    },
  };
}
