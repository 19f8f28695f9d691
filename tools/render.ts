// Builds the synth render: what `pulumi up` would create, with every secret replaced by "[secret]".
import { parseConfigMap, type BucketPolicyMode, type StackConfig } from "../model/config";
import type { PolicyDocument } from "../model/policy/document";
import { trustPolicy, type CorsRule, type IntegrationPlan } from "../model/plan";
import { mergedBucketPolicy, type PlannedBucket } from "../resources/bucketDocuments";
import { planStack, type VendorAccessOutputs } from "../program/vendorAccess";
import { policyConfigForStack, validateResources, type PolicyConfigFile, type Violation } from "../policypack/validate";
import { redact, runUnderMocks, type RecordedResource } from "./mockEngine";
import type { StackFile } from "./stackFile";

export interface RenderedIntegration {
  name: string;
  vendor: string;
  access: string;
  auth: string;
  principal: { type: "role" | "user" | "account"; arn: string };
  vendorPrincipals: string[];
  trustPolicy: PolicyDocument | null;
  permissionPolicies: PolicyDocument[];
  externalId: string | null;
  actions: { bucket: readonly string[]; object: readonly string[]; kms: readonly string[] };
  buckets: { name: string; region: string; prefix: string; kmsKeyArn: string | null }[];
  handoff: unknown;
}

export interface RenderedBucket {
  name: string;
  region: string;
  policyMode: BucketPolicyMode;
  /** Shared: the statements this stack contributes, as a document. Exclusive: the whole policy it writes. */
  policy: PolicyDocument | null;
  /** Shared: the CORS rules this stack contributes. Exclusive: the whole CORS configuration. */
  cors: CorsRule[] | null;
  /** What becomes of statements and CORS rules on the bucket that this stack does not own. */
  foreignContent: "preserved" | "replaced";
  /** Shared: the Sid prefixes and CORS rule IDs by which this stack's integrations own their content. */
  ownedBy: { sidPrefixes: string[]; corsRuleIds: string[] };
  note: string;
  accessPoints: { name: string; arn: string; policy: PolicyDocument }[];
}

export interface Render {
  project: string;
  stack: string;
  accountId: string;
  integrations: RenderedIntegration[];
  buckets: RenderedBucket[];
  resources: { type: string; name: string; parent: string | null; props: Record<string, unknown> }[];
  violations: Violation[];
}

export interface RenderOptions {
  /** The program to run; defaults to the real `index.ts`. */
  program?: () => Promise<VendorAccessOutputs>;
  /** Account the mocked credentials belong to; defaults to the configured one. */
  callerAccountId?: string;
  liveBucketPolicies?: Record<string, string>;
  /** A policy-config.json for the pack (allowlist, enforcement levels, exemptions). */
  policyConfig?: PolicyConfigFile;
}

function renderIntegration(
  plan: IntegrationPlan,
  outputs: VendorAccessOutputs,
  resources: RecordedResource[],
): RenderedIntegration {
  const { integration } = plan;
  const identity = resources.find(
    (r) => r.parent === integration.name && (r.type === "aws:iam/role:Role" || r.type === "aws:iam/user:User"),
  );
  return {
    name: integration.name,
    vendor: integration.vendor,
    access: integration.access,
    auth: integration.auth,
    principal: { type: plan.principalType, arn: identity ? String(identity.state.arn) : plan.identityArn },
    vendorPrincipals: plan.vendorPrincipals,
    trustPolicy: trustPolicy(plan, "[secret]"),
    permissionPolicies: plan.permissionPolicies,
    externalId: plan.externalIdSource === "none" ? null : "[secret]",
    actions: plan.actions,
    buckets: plan.buckets.map(({ bucket }) => ({
      name: bucket.name,
      region: bucket.region,
      prefix: bucket.prefix,
      kmsKeyArn: bucket.kmsKeyArn ?? null,
    })),
    handoff: outputs.handoffs[integration.name],
  };
}

/** Run the program under mocks for a stack file and build the render. Throws ConfigError / PlanError. */
export async function renderStack(stackFile: StackFile, options: RenderOptions = {}): Promise<Render> {
  const config: StackConfig = parseConfigMap(stackFile.config);
  const { plans, buckets } = planStack(config, stackFile.stack);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program is loaded lazily, as the engine loads it
  const program = options.program ?? (() => require("../index") as Promise<VendorAccessOutputs>);
  const run = await runUnderMocks(program, {
    project: stackFile.project,
    stack: stackFile.stack,
    callerAccountId: options.callerAccountId ?? config.accountId,
    region: stackFile.config["aws:region"] ?? "us-east-1",
    config: stackFile.config,
    secretKeys: stackFile.secretKeys,
    liveBucketPolicies: options.liveBucketPolicies,
  });
  // ExternalIds are secrets wherever they came from, even a plain value in a stack file.
  const secrets = new Set([...run.secretValues, ...stackFile.secretPlaceholders]);
  for (const integration of config.integrations)
    if (integration.externalId.kind === "value") secrets.add(integration.externalId.value);

  const violations = await validateResources(
    run.resources
      .filter((r) => r.custom)
      .map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: unwrapSecrets(r.props) })),
    {
      project: stackFile.project,
      stack: stackFile.stack,
      // The same file `pulumi preview --policy-pack-config` takes; without one, the stack's own account and quota.
      policyConfig:
        options.policyConfig ??
        policyConfigForStack({ accountIds: [config.accountId], trustPolicyMaxChars: config.trustPolicyMaxChars }),
    },
  );
  const render: Render = {
    project: stackFile.project,
    stack: stackFile.stack,
    accountId: config.accountId,
    integrations: plans.map((plan) => renderIntegration(plan, run.result, run.resources)),
    buckets: buckets.map((bucket) => renderBucket(bucket, plans)),
    resources: run.resources.map((r) => ({
      type: r.type,
      name: r.name,
      parent: r.parent,
      props: withoutProviderCode(r.props),
    })),
    violations,
  };
  return redact(render, secrets);
}

function renderBucket(bucket: PlannedBucket, plans: IntegrationPlan[]): RenderedBucket {
  const shared = bucket.policyMode === "shared";
  const grants = plans.flatMap((plan) =>
    plan.buckets.filter((b) => b.bucket.name === bucket.bucket).map((grant) => ({ plan, grant })),
  );
  return {
    name: bucket.bucket,
    region: bucket.region,
    policyMode: bucket.policyMode,
    policy: mergedBucketPolicy(bucket) ?? null,
    cors: bucket.contributions.some((c) => c.corsRules.length > 0)
      ? bucket.contributions.flatMap((c) => c.corsRules)
      : null,
    foreignContent: shared ? "preserved" : "replaced",
    ownedBy: {
      sidPrefixes: grants.filter(({ grant }) => grant.statements.length > 0).map(({ plan }) => plan.sidPrefix),
      corsRuleIds: grants.flatMap(({ grant }) => grant.corsRules.map((rule) => rule.ID)),
    },
    note: shared
      ? "shared: this stack adds, updates and removes only the statements and CORS rules listed here (owned by Sid prefix and rule ID); every other statement and rule on the bucket is preserved"
      : "exclusive: this stack writes the whole bucket policy (baselineStatements plus its statements) and the whole CORS configuration; anything else on the bucket is replaced",
    accessPoints: grants.filter(({ grant }) => grant.accessPoint).map(({ grant }) => grant.accessPoint!),
  };
}

/** A dynamic resource's props carry its provider's serialized code, which is noise in a render. */
function withoutProviderCode(props: Record<string, unknown>): Record<string, unknown> {
  if (!("__provider" in props)) return props;
  const { __provider: _code, ...rest } = props;
  return rest;
}

/** The engine hands policies plain values; secrecy is tracked beside them, not inside. */
export function unwrapSecrets<T>(value: T): T {
  return redact(value, new Set());
}
