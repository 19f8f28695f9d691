// The faithful, slow render (`npm run synth -- --engine mocks`): the real program under the SDK's mocks. Its own
// module, so that the plan path never loads the Pulumi SDK or the AWS provider.
import type { StackConfig } from "../model/config";
import type { IntegrationPlan } from "../model/plan";
import { planStack } from "../model/stackPlan";
import type { VendorAccessOutputs } from "../program/vendorAccess";
import { runUnderMocks, type RecordedResource } from "./mockEngine";
import { redact } from "./redact";
import { assembleRender, renderIntegration, type Render, type RenderOptions } from "./render";
import { stackConfigOf, type StackFile } from "./stackFile";

/** The principal ARN the mocked provider returned for the integration's role or user. */
function recordedPrincipalArn(plan: IntegrationPlan, resources: RecordedResource[]): string {
  const identity = resources.find(
    (r) => r.parent === plan.integration.name && (r.type === "aws:iam/role:Role" || r.type === "aws:iam/user:User"),
  );
  return identity ? String(identity.state.arn) : plan.granteeArn;
}

/** Run the program under mocks for a stack file and build the render. Throws ConfigError / PlanError. */
export async function renderUnderMocks(stackFile: StackFile, options: RenderOptions = {}): Promise<Render> {
  const config: StackConfig = stackConfigOf(stackFile);
  const stackPlan = planStack(config, stackFile.stack);
  const program =
    options.program ??
    (() => {
      // The entry point runs once per load: a fresh load for every render, as the engine starts a fresh process.
      delete require.cache[require.resolve("../index")];
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program is loaded lazily, as the engine loads it
      return require("../index") as Promise<VendorAccessOutputs>;
    });
  const run = await runUnderMocks(program, {
    project: stackFile.project,
    stack: stackFile.stack,
    callerAccountId: options.callerAccountId ?? config.accountId,
    region: stackFile.config["aws:region"] ?? "us-east-1",
    config: stackFile.config,
    secretKeys: stackFile.secretKeys,
    liveBucketPolicies: options.liveBucketPolicies,
  });
  return assembleRender(stackFile, config, stackPlan, options, {
    integrations: stackPlan.plans.map((plan) =>
      renderIntegration(plan, recordedPrincipalArn(plan, run.resources), run.result.handoffs[plan.integration.name]),
    ),
    resources: run.resources.map((r) => ({
      type: r.type,
      name: r.name,
      parent: r.parent,
      props: withoutProviderCode(r.props),
    })),
    packResources: run.resources
      .filter((r) => r.custom)
      .map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: unwrapSecrets(r.props) })),
    secrets: run.secretValues,
  });
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
