// The one way tests run the program: under the mock engine, from a config given as plain data (runProgram) or
// from a stack file through the synth render (renderStackFile).
import { readStackConfig } from "../../program/stackProgram";
import { ownerKeyFor } from "../../model/sharedDocuments/ownership";
import type { VendorProfile } from "../../model/vendors";
import { deployVendorAccess, type VendorAccessOutputs } from "../../program/vendorAccess";
import { runUnderMocks, type MockRun, type RecordedResource } from "../../tools/mockEngine";
import { renderStack, type Render, type RenderOptions } from "../../tools/render";
import { loadStackFile, stackConfigOf, type StackFile } from "../../tools/stackFile";

export const testAccount = "111122223333";
/** The owner key of the test stack as the program computes it under the mocks (organisation, project, stack). */
export const testOwnerKey = ownerKeyFor("organization", "vendor-access", "test");

export interface RawIntegration {
  name: string;
  vendor: string;
  [key: string]: unknown;
}

/** A stack config with sensible defaults, in the shape users write in Pulumi.<stack>.yaml. */
export function stackConfig(
  integrations: RawIntegration[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { accountId: testAccount, integrations, ...extra };
}

export interface RunOptions {
  stack?: string;
  callerAccountId?: string;
  vendors?: readonly VendorProfile[];
  /** More engine config (`aws:*` settings), over the stack config and `aws:region: us-east-1`. */
  config?: Record<string, string>;
  /** Config keys the engine holds as secrets (`pulumi config set --secret`). */
  secretKeys?: string[];
  /** Read the config from the engine, as `index.ts` does, instead of handing `raw` to the program. */
  readConfigFromEngine?: boolean;
  preview?: boolean;
  liveBucketPolicies?: Record<string, string>;
  /** Runs inside the program with its live outputs (for `pulumi.isSecret`), before they are resolved. */
  inspect?: (outputs: VendorAccessOutputs) => Promise<void>;
  /** Catch the program's failure inside the run, so that the test can see what was registered before it. */
  catchFailure?: (error: unknown) => void;
}

/** The one way tests run the program: under the mock engine, with `raw` as the stack's `vendor-access:*` config. */
export async function runProgram(
  raw: Record<string, unknown>,
  options: RunOptions = {},
): Promise<MockRun<VendorAccessOutputs>> {
  const stack = options.stack ?? "test";
  const config: Record<string, string> = {
    "aws:region": "us-east-1",
    ...Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [`vendor-access:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    ),
    ...options.config,
  };
  const deploy = { stack, vendors: options.vendors };
  const program = async (): Promise<VendorAccessOutputs> => {
    try {
      const outputs = await deployVendorAccess(options.readConfigFromEngine ? readStackConfig(deploy) : raw, deploy);
      await options.inspect?.(outputs);
      return outputs;
    } catch (error) {
      if (!options.catchFailure) throw error;
      options.catchFailure(error);
      return { handoffs: {}, keyPolicyHandoffs: {}, trustPolicies: {} };
    }
  };
  return runUnderMocks(program, {
    project: "vendor-access",
    stack,
    callerAccountId: options.callerAccountId ?? String(raw.accountId ?? testAccount),
    region: config["aws:region"],
    config,
    secretKeys: options.secretKeys ?? [],
    preview: options.preview,
    liveBucketPolicies: options.liveBucketPolicies,
  });
}

/**
 * Components used on their own in another project (no stack config, no program), under the same mock engine:
 * `register` creates them and may return the project's outputs; `config` is that project's own (`aws:*`).
 */
export function runComponents<T extends object = Record<string, never>>(
  register: () => T | void,
  where: { project: string; stack: string; config?: Record<string, string>; secretKeys?: string[] },
): Promise<MockRun<T>> {
  const { config = {}, secretKeys = [], ...names } = where;
  return runUnderMocks(async () => (register() ?? {}) as T, {
    ...names,
    callerAccountId: testAccount,
    region: "us-east-1",
    config,
    secretKeys,
  });
}

/**
 * Render a stack file as `npm run synth -- --engine mocks` does, calling the program directly (index.ts runs
 * once per process). Takes a stack name (`dev`) or a loaded stack file.
 */
export function renderStackFile(stack: string | StackFile, options: RenderOptions = {}): Promise<Render> {
  const stackFile = typeof stack === "string" ? loadStackFile({ stack }) : stack;
  return renderStack(stackFile, {
    program: () => deployVendorAccess(stackConfigOf(stackFile), { stack: stackFile.stack }),
    ...options,
  });
}

export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

/** The single resource of a type (fails the test if there is not exactly one). */
export function onlyOfType(resources: RecordedResource[], type: string): RecordedResource {
  const found = ofType(resources, type);
  if (found.length !== 1)
    throw new Error(`expected exactly one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
  return found[0];
}

/** A policy prop as the engine receives it (JSON text, possibly secret-wrapped), parsed. */
export function documentProp(resource: RecordedResource, prop: string): { Statement: Record<string, unknown>[] } {
  const value = resource.props[prop] as unknown;
  const text =
    typeof value === "object" && value !== null && "value" in value
      ? (value as { value: string }).value
      : (value as string);
  return JSON.parse(text);
}
