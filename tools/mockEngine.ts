// Runs the real program under the Pulumi SDK's mocks and records every registration: the offline engine
// behind `npm run synth`, the tests and the benchmark.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  type: string;
  name: string;
  /** Logical name of the parent resource, or null at the top of the stack. */
  parent: string | null;
  urn: string;
  custom: boolean;
  /** Inputs exactly as the engine would receive them; secret values are wrapped (see `isSecretWrapper`). */
  props: Record<string, unknown>;
  /** The state the mock returned: inputs plus the computed outputs a real provider would fill in. */
  state: Record<string, unknown>;
}

/** The organisation a self-managed backend reports (`pulumi.getOrganization()`). */
export const selfManagedOrganization = "organization";

export interface MockEnvironment {
  project: string;
  /** The organisation (`pulumi.getOrganization()`): a self-managed backend's is "organization". */
  organization?: string;
  stack: string;
  /** The account the mocked credentials belong to (what `aws.getCallerIdentity` returns). */
  callerAccountId: string;
  /** Region of the default provider (`aws:region`). */
  region: string;
  /** Full config map (`namespace:key` -> string value), as the engine passes it. */
  config: Record<string, string>;
  secretKeys: string[];
  /** Live bucket policies by bucket name, for `aws.s3.getBucketPolicy` (absent: the bucket has none). */
  liveBucketPolicies?: Record<string, string>;
  preview?: boolean;
}

export interface MockRun<T> {
  result: T;
  resources: RecordedResource[];
  /** Plain strings that were secret somewhere in the run; a render must not show them. */
  secretValues: Set<string>;
}

const secretSigKey = pulumi.runtime.specialSigKey;
const secretSig = pulumi.runtime.specialSecretSig;

export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[secretSigKey] === secretSig;
}

/** Deterministic stand-in for a provider-generated value, so that renders are stable run to run. */
export function fakeValue(
  seed: string,
  length: number,
  alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
): string {
  let out = "";
  for (let block = 0; out.length < length; block++) {
    for (const byte of createHash("sha512").update(`${seed}/${block}`).digest())
      out += alphabet[byte % alphabet.length];
  }
  return out.slice(0, length);
}

/** Computed outputs that a real `pulumi up` would fill in, in the configured account and region. */
function computedState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  env: MockEnvironment,
): { id: string; state: Record<string, unknown> } {
  const account = env.callerAccountId;
  const plain = (value: unknown) => (isSecretWrapper(value) ? value.value : value);
  const physical = String(plain(inputs.name) ?? `${name}-${fakeValue(name, 7, "0123456789abcdef")}`);
  const region = String(plain(inputs.region) ?? env.region);
  switch (type) {
    case "aws:iam/role:Role":
      return {
        id: physical,
        state: {
          name: physical,
          arn: `arn:aws:iam::${account}:role/${physical}`,
          uniqueId: `AROA${fakeValue(name, 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
        },
      };
    case "aws:iam/user:User":
      return {
        id: physical,
        state: {
          name: physical,
          arn: `arn:aws:iam::${account}:user/${physical}`,
          uniqueId: `AIDA${fakeValue(name, 17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
        },
      };
    case "aws:iam/policy:Policy":
      return {
        id: `arn:aws:iam::${account}:policy/${physical}`,
        state: { name: physical, arn: `arn:aws:iam::${account}:policy/${physical}` },
      };
    case "aws:iam/accessKey:AccessKey": {
      const keyId = `AKIA${fakeValue(name, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`;
      return { id: keyId, state: { secret: fakeValue(`${name}/secret`, 40) } };
    }
    case "random:index/randomPassword:RandomPassword":
      return { id: "none", state: { result: fakeValue(`${env.stack}/${name}`, Number(plain(inputs.length) ?? 32)) } };
    case "aws:s3/accessPoint:AccessPoint":
      return {
        id: `${account}:${physical}`,
        state: {
          arn: `arn:aws:s3:${region}:${account}:accesspoint/${physical}`,
          alias: `${physical}-${fakeValue(name, 26, "abcdefghijklmnopqrstuvwxyz")}-s3alias`,
          accountId: account,
          region,
        },
      };
    case "aws:kms/grant:Grant":
      return {
        id: `${String(plain(inputs.keyId))}:${fakeValue(name, 64, "0123456789abcdef")}`,
        state: { grantId: fakeValue(name, 64, "0123456789abcdef") },
      };
    default:
      return { id: `${name}-id`, state: {} };
  }
}

function collectSecrets(value: unknown, into: Set<string>, insideSecret = false): void {
  if (isSecretWrapper(value)) return collectSecrets(value.value, into, true);
  if (typeof value === "string") {
    // A secret JSON document (a trust policy) is not itself the secret: the value inside it is.
    if (insideSecret && value.length > 0 && !/^\s*[{[]/.test(value)) into.add(value);
    return;
  }
  if (Array.isArray(value)) value.forEach((item) => collectSecrets(item, into, insideSecret));
  else if (typeof value === "object" && value !== null)
    Object.values(value).forEach((item) => collectSecrets(item, into, insideSecret));
}

/** Run `program` under mocks. The program may register resources and return stack outputs. */
export async function runUnderMocks<T>(program: () => Promise<T>, env: MockEnvironment): Promise<MockRun<T>> {
  const resources: RecordedResource[] = [];
  const secretValues = new Set<string>();
  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const { id, state } = computedState(args.type, args.name, args.inputs, env);
      const fullState = { ...args.inputs, ...state };
      collectSecrets(args.inputs, secretValues);
      return { id, state: fullState };
    },
    call(args) {
      switch (args.token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return {
            accountId: env.callerAccountId,
            arn: `arn:aws:iam::${env.callerAccountId}:user/synth`,
            userId: "AIDASYNTH",
            id: env.callerAccountId,
          };
        case "aws:s3/getBucketPolicy:getBucketPolicy": {
          const policy = env.liveBucketPolicies?.[String(args.inputs.bucket)];
          if (policy === undefined) {
            const message = `NoSuchBucketPolicy: The bucket policy does not exist (bucket ${String(args.inputs.bucket)})`;
            // The SDK's invoke rethrows only `details`, as the engine's gRPC errors carry the message there.
            throw Object.assign(new Error(message), { details: message });
          }
          return { bucket: args.inputs.bucket, policy, id: args.inputs.bucket };
        }
        default:
          return {};
      }
    },
  };
  await pulumi.runtime.setMocks(
    mocks,
    env.project,
    env.stack,
    env.preview ?? false,
    env.organization ?? selfManagedOrganization,
  );
  pulumi.runtime.setAllConfig(env.config, env.secretKeys);
  recordRegistrations(resources);

  let outputs: unknown;
  await pulumi.runtime.runInPulumiStack(async () => {
    outputs = await program();
    return outputs;
  });
  const result = (await resolveOutputs(outputs, secretValues)) as T;
  await pulumi.runtime.disconnect();
  // Secret outputs the mocks computed (random passwords, access keys) are secrets too.
  for (const resource of resources) collectSecrets(resource.state, secretValues);
  return { result, resources, secretValues };
}

/** Resolve every Output in a value to its plain value, noting which leaves were secret. */
async function resolveOutputs(value: unknown, secrets: Set<string>): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const output = value as pulumi.Output<unknown>;
    const plain = await new Promise<unknown>((resolve) => output.apply((v) => (resolve(v), v)));
    const secret = await pulumi.isSecret(output);
    const resolved = await resolveOutputs(plain, secrets);
    if (secret) collectSecrets({ [secretSigKey]: secretSig, value: resolved }, secrets);
    return resolved;
  }
  if (Array.isArray(value)) return Promise.all(value.map((item) => resolveOutputs(item, secrets)));
  if (typeof value === "object" && value !== null && !pulumi.Resource.isInstance(value)) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await resolveOutputs(v, secrets)] as const),
    );
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }
  return value;
}

/** Wrap the mock monitor so that each registration is recorded with its parent, which mocks do not report. */
function recordRegistrations(into: RecordedResource[]): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(
      req: RegisterRequest,
      callback: (err: unknown, response: RegisterResponse | undefined) => void,
    ): Promise<void>;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    original(req, (err, response) => {
      if (!err && response && req.getType() !== "pulumi:pulumi:Stack") {
        const parentUrn = req.getParent();
        const parentName =
          parentUrn && !parentUrn.includes("::pulumi:pulumi:Stack::") ? parentUrn.split("::").pop()! : null;
        into.push({
          type: req.getType(),
          name: req.getName(),
          parent: parentName,
          urn: response.getUrn(),
          custom: req.getCustom(),
          props: pulumi.runtime.deserializeProperties(req.getObject()) as Record<string, unknown>,
          state: pulumi.runtime.deserializeProperties(response.getObject()) as Record<string, unknown>,
        });
      }
      callback(err, response);
    });
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): never;
}
interface RegisterResponse {
  getUrn(): string;
  getObject(): never;
}

/** Replace every secret, wherever it appears (also inside JSON strings), with "[secret]". */
export function redact<T>(value: T, secrets: Set<string>): T {
  const ordered = [...secrets].filter((s) => s.length >= 2).sort((a, b) => b.length - a.length);
  const scrub = (v: unknown): unknown => {
    if (isSecretWrapper(v)) return scrub(v.value);
    if (typeof v === "string") return ordered.reduce((text, secret) => text.split(secret).join("[secret]"), v);
    if (Array.isArray(v)) return v.map(scrub);
    if (typeof v === "object" && v !== null)
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, scrub(item)]));
    return v;
  };
  return scrub(value) as T;
}
