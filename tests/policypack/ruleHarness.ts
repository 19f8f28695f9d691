// Runs one pack rule on hand-built resources, the awsguard way (pulumi-policy-aws src/tests/util.ts): build the
// validation args, call the rule's plain function, assert on what it reported. No engine involved.
import * as assert from "node:assert/strict";
import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { bucketCorsEntriesKind, bucketPolicyEntriesKind, dynamicResource } from "../../policypack/resourceTypes";

export interface RuleRun {
  violations: string[];
  /** The reason, when the rule declared itself not applicable (the engine's exemption channel). */
  notApplicable?: string;
}

export interface ArgsOptions {
  name?: string;
  urn?: string;
  /** What `args.getConfig()` returns: the rule's entry of policy-config.json. */
  config?: Record<string, unknown>;
}

const opts: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

class NotApplicable extends Error {}

export function resourceArgs(
  type: string,
  props: Record<string, unknown>,
  options: ArgsOptions = {},
): ResourceValidationArgs {
  const name = options.name ?? "test-resource";
  return {
    type,
    props,
    name,
    urn: options.urn ?? `urn:pulumi:test::vendor-access::${type}::${name}`,
    opts,
    stackTags: new Map(),
    isType: () => false,
    asType: (() => undefined) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => (options.config ?? {}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

async function capture(run: (report: (message: string) => void) => void | Promise<void>): Promise<RuleRun> {
  const violations: string[] = [];
  try {
    await run((message) => violations.push(message));
  } catch (error) {
    if (error instanceof NotApplicable) return { violations, notApplicable: error.message };
    throw error;
  }
  return { violations };
}

export function runResourceRule(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<RuleRun> {
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  return capture(async (report) => {
    for (const validation of validations) await validation(args, report);
  });
}

/** Props for an assertion message; the engine's props throw on reading an unknown value, so fall back to keys. */
function describeProps(props: Record<string, unknown>): string {
  try {
    const text = JSON.stringify(props);
    return text.length > 400 ? `${text.slice(0, 400)}...` : text;
  } catch {
    return `{${Object.keys(props).join(", ")}}`;
  }
}

const matches = (message: string, expected: string | RegExp) =>
  typeof expected === "string" ? message.includes(expected) : expected.test(message);

/** The rule reports at least one violation, and one of them contains every expected fragment. */
export async function assertHasResourceViolation(
  policy: ResourceValidationPolicy,
  args: ResourceValidationArgs,
  ...expected: (string | RegExp)[]
): Promise<string> {
  const { violations } = await runResourceRule(policy, args);
  if (violations.length === 0) assert.fail(`${policy.name} reported nothing for ${describeProps(args.props)}`);
  const hit = violations.find((message) => expected.every((fragment) => matches(message, fragment)));
  assert.ok(
    hit,
    `${policy.name} reported ${JSON.stringify(violations)}, none containing ${expected.map(String).join(" and ")}`,
  );
  return hit;
}

export async function assertNoResourceViolations(
  policy: ResourceValidationPolicy,
  args: ResourceValidationArgs,
): Promise<void> {
  const { violations } = await runResourceRule(policy, args);
  if (violations.length > 0)
    assert.fail(
      `${policy.name} should accept ${describeProps(args.props)}, but reported ${JSON.stringify(violations)}`,
    );
}

export interface StackResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
}

export function stackArgs(resources: StackResource[], config: Record<string, unknown> = {}): StackValidationArgs {
  return {
    resources: resources.map((resource): PolicyResource => ({
      ...resource,
      urn: `urn:pulumi:test::vendor-access::${resource.type}::${resource.name}`,
      opts,
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: (() => undefined) as PolicyResource["asType"],
    })),
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

/** Stack violations as `resource name: message`. */
export async function runStackRule(
  policy: StackValidationPolicy,
  args: StackValidationArgs,
): Promise<RuleRun & { byResource: string[] }> {
  const byResource: string[] = [];
  const run = await capture((report) =>
    policy.validateStack(args, (message, urn) => {
      report(message);
      byResource.push(`${urn?.split("::").pop() ?? "(stack)"}: ${message}`);
    }),
  );
  return { ...run, byResource };
}

// ---- Resources and documents in every shape IAM and the provider accept ----

export type Statement = Record<string, unknown>;

export interface DocumentShape {
  label: string;
  document: unknown;
}

/** The same statements as a JSON string or an object, with Statement as an array or (for one) a bare object. */
export function documentShapes(statements: Statement | Statement[]): DocumentShape[] {
  const list = Array.isArray(statements) ? statements : [statements];
  const shapes: DocumentShape[] = [
    { label: "JSON string, Statement array", document: JSON.stringify({ Version: "2012-10-17", Statement: list }) },
    { label: "object, Statement array", document: { Version: "2012-10-17", Statement: list } },
  ];
  if (list.length === 1) {
    // Pretty-printed, as hand-written policies are: whitespace must not change any verdict.
    shapes.push({
      label: "JSON string, single Statement object",
      document: JSON.stringify({ Version: "2012-10-17", Statement: list[0] }, null, 2),
    });
    shapes.push({ label: "object, single Statement object", document: { Version: "2012-10-17", Statement: list[0] } });
  }
  return shapes;
}

export interface ResourceOptions extends ArgsOptions {
  /** Further inputs of the resource, e.g. `tags`. */
  props?: Record<string, unknown>;
}

/** A builder of validation args for one resource type that carries one policy document. */
function documentResource(type: string, inputs: (document: unknown) => Record<string, unknown>) {
  return (document: unknown, options: ResourceOptions = {}): ResourceValidationArgs =>
    resourceArgs(type, { ...inputs(document), ...options.props }, options);
}

export const role = documentResource("aws:iam/role:Role", (assumeRolePolicy) => ({
  name: "vendor-role",
  assumeRolePolicy,
}));
export const managedPolicy = documentResource("aws:iam/policy:Policy", (policy) => ({ name: "vendor-grant", policy }));
export const rolePolicy = documentResource("aws:iam/rolePolicy:RolePolicy", (policy) => ({
  role: "vendor-role",
  name: "vendor-access",
  policy,
}));
export const userPolicy = documentResource("aws:iam/userPolicy:UserPolicy", (policy) => ({
  user: "vendor-user",
  name: "vendor-access",
  policy,
}));
export const bucketPolicy = documentResource("aws:s3/bucketPolicy:BucketPolicy", (policy) => ({
  bucket: "data",
  policy,
}));
export const accessPoint = documentResource("aws:s3/accessPoint:AccessPoint", (policy) => ({
  bucket: "data",
  name: "vendor-ap",
  policy,
}));
export const accessPointPolicy = documentResource("aws:s3control/accessPointPolicy:AccessPointPolicy", (policy) => ({
  accessPointArn: "arn:aws:s3:us-west-2:111122223333:accesspoint/vendor-ap",
  policy,
}));
export const keyPolicy = documentResource("aws:kms/keyPolicy:KeyPolicy", (policy) => ({
  keyId: "1234abcd-12ab-34cd-56ef-1234567890ab",
  policy,
}));
export const kmsKey = documentResource("aws:kms/key:Key", (policy) => ({ description: "vendor data key", policy }));

/** The project's statement-level bucket policy resource (the contract of vendor-access:BucketPolicyEntries). */
export function bucketPolicyStatements(
  statements: object[],
  options: { bucket?: string; ownerKey?: string; name?: string } = {},
): StackResource {
  return {
    type: dynamicResource,
    name: options.name ?? `statements-${options.ownerKey ?? "vendor--test--"}`,
    props: {
      resourceKind: bucketPolicyEntriesKind,
      bucket: options.bucket ?? "data",
      region: "us-east-1",
      ownerKey: options.ownerKey ?? "vendor--test--",
      statements,
    },
  };
}

/** The project's rule-level CORS resource (the contract of vendor-access:BucketCorsEntries). */
export function bucketCorsRules(options: { bucket?: string; ownerKey?: string; name?: string } = {}): StackResource {
  const prefix = options.ownerKey ?? "vendor--test";
  return {
    type: dynamicResource,
    name: options.name ?? `cors-${prefix}`,
    props: {
      resourceKind: bucketCorsEntriesKind,
      bucket: options.bucket ?? "data",
      region: "us-east-1",
      ownerKey: prefix,
      rules: [
        {
          ID: prefix,
          AllowedMethods: ["GET"],
          AllowedOrigins: ["https://lab.example.com"],
          AllowedHeaders: ["*"],
          ExposeHeaders: [],
          MaxAgeSeconds: 3000,
        },
      ],
    },
  };
}

export function statementsArgs(statements: object[], options: ArgsOptions = {}): ResourceValidationArgs {
  const resource = bucketPolicyStatements(statements);
  return resourceArgs(resource.type, resource.props, { name: resource.name, ...options });
}
