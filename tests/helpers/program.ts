// Runs the program under mocks for a config given as plain data, the way the tests need it.
import { ownerKeyFor } from "../../model/sharedDocuments/ownership";
import type { VendorProfile } from "../../model/vendors";
import { deployVendorAccess, type VendorAccessOutputs } from "../../program/vendorAccess";
import { runUnderMocks, type MockRun, type RecordedResource } from "../../tools/mockEngine";

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

export async function runProgram(
  raw: Record<string, unknown>,
  options: { stack?: string; callerAccountId?: string; vendors?: readonly VendorProfile[] } = {},
): Promise<MockRun<VendorAccessOutputs>> {
  const stack = options.stack ?? "test";
  const config = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [`vendor-access:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  return runUnderMocks(() => deployVendorAccess(raw, { stack, vendors: options.vendors }), {
    project: "vendor-access",
    stack,
    callerAccountId: options.callerAccountId ?? String(raw.accountId ?? testAccount),
    region: "us-east-1",
    config: { "aws:region": "us-east-1", ...config },
    secretKeys: [],
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
