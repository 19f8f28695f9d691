// Runs the real program under the Pulumi SDK's public mocks (`pulumi.runtime.setMocks`) and records every
// registration: the offline engine behind `npm run synth`, the tests and the benchmark.
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { selfManagedOrganization } from "../model/sharedDocuments/ownership";
import { isSecretWrapper, redact, type SecretValue } from "./redact";

export { isSecretWrapper, redact, selfManagedOrganization, type SecretValue };

export interface RecordedResource {
  type: string;
  name: string;
  /** Logical name of the parent resource, or null at the top of the stack. */
  parent: string | null;
  /** The resources its options say it depends on (`dependsOn`), as `<type>::<name>`. */
  dependsOn: string[];
  urn: string;
  custom: boolean;
  /** Inputs exactly as the engine would receive them; secret values are wrapped (see `isSecretWrapper`). */
  props: Record<string, unknown>;
  /** The state the mock returned: inputs plus the computed outputs a real provider would fill in. */
  state: Record<string, unknown>;
}

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
  /** What else the engine receives, secrets marked: for the tests of secrecy. */
  engine: {
    /** The stack's outputs (the program's result). */
    stackOutputs: Record<string, unknown>;
    componentOutputs: RecordedOutputs[];
    /** Per URN, the state keys the registration asks the engine to keep secret (`additionalSecretOutputs`). */
    additionalSecretOutputs: Map<string, string[]>;
  };
}

const secretValue = (value: unknown): SecretValue => ({ "@secret": true, value });
const plain = (value: unknown) => (isSecretWrapper(value) ? value.value : value);

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

/** A value as the engine receives it: every Output and promise resolved, secrets marked (see `SecretValue`). */
async function engineValue(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const settled = await settle(value as pulumi.Output<unknown>);
    // Unknown during a preview: the engine receives the unknown marker, as `pulumi preview` shows "output<string>".
    if (!settled.known) return pulumi.unknown;
    const resolved = await engineValue(settled.value);
    return settled.secret && !isSecretWrapper(resolved) ? secretValue(resolved) : resolved;
  }
  if (value instanceof Promise) return engineValue(await value);
  if (pulumi.Resource.isInstance(value)) return value;
  if (Array.isArray(value)) {
    const items = await Promise.all(value.map(engineValue));
    // The engine has no secret array items: one secret item makes the whole array secret.
    return items.some(isSecretWrapper) ? secretValue(items.map(plain)) : items;
  }
  if (typeof value === "object" && value !== null) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await engineValue(v)] as const));
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }
  return value;
}

/** An Output's value, whether it is known (a preview leaves some unknown) and whether it is secret. */
async function settle(output: pulumi.Output<unknown>): Promise<{ value: unknown; known: boolean; secret: boolean }> {
  let known = false;
  let value: unknown;
  const applied = output.apply((v) => {
    known = true;
    value = v;
    return v;
  });
  // The applied Output's secrecy settles once the apply has run, or has been skipped for an unknown value.
  const secret = await pulumi.isSecret(applied);
  return { value, known, secret };
}

/** One resource the program constructed, as a stack transformation sees it. */
interface Construction {
  resource: pulumi.Resource;
  type: string;
  name: string;
  parent: pulumi.Resource | undefined;
  dependsOn: pulumi.Resource[];
  /** The inputs as the engine receives them, resolved as soon as their Outputs are. */
  props: Promise<Record<string, unknown>>;
  additionalSecretOutputs: string[];
  /** Set once the mocks have answered its registration. */
  registered?: { custom: boolean; state: Record<string, unknown>; order: number };
}

/** Component and stack outputs, secrets marked: what `registerOutputs` hands the engine. */
export interface RecordedOutputs {
  type: string;
  name: string;
  outputs: Record<string, unknown>;
}

/**
 * Records every resource the program registers through two public hooks: a stack transformation, which sees
 * each resource with its name, inputs and parent, and the mocks, which see each registration and answer it.
 */
class RegistrationRecorder {
  private readonly constructions: Construction[] = [];
  private readonly names = new WeakMap<pulumi.Resource, string>();
  private readonly typeNames = new WeakMap<pulumi.Resource, string>();
  private readonly waiting = new Map<string, Construction[]>();
  private registrations = 0;

  readonly transformation: pulumi.ResourceTransformation = ({ resource, type, name, props, opts }) => {
    // A resource read by ID (`.get`) is looked up, not registered.
    if ((opts as pulumi.CustomResourceOptions).id !== undefined) return undefined;
    this.names.set(resource, name);
    this.typeNames.set(resource, `${type}::${name}`);
    // The program passes resources, never Outputs of them: those are all a recording needs.
    const dependsOn = [opts.dependsOn ?? []].flat().filter((d): d is pulumi.Resource => pulumi.Resource.isInstance(d));
    const construction: Construction = {
      resource,
      type,
      name,
      parent: opts.parent,
      dependsOn,
      props: engineValue(props) as Promise<Record<string, unknown>>,
      additionalSecretOutputs: (opts as pulumi.CustomResourceOptions).additionalSecretOutputs ?? [],
    };
    this.constructions.push(construction);
    const key = `${type}::${name}`;
    this.waiting.set(key, [...(this.waiting.get(key) ?? []), construction]);
    return undefined;
  };

  /** The construction a registration belongs to; undefined for the stack itself. */
  claim(type: string, name: string): Construction | undefined {
    return this.waiting.get(`${type}::${name}`)?.shift();
  }

  /** The position of a registration in the engine's order: the order in which the SDK sends them. */
  nextOrder(): number {
    return this.registrations++;
  }

  /** Every registered resource, in the order the engine answered them. Call once every registration is answered. */
  async resources(): Promise<{ construction: Construction; recorded: RecordedResource }[]> {
    const registered = this.constructions.filter((c) => c.registered);
    registered.sort((a, b) => a.registered!.order - b.registered!.order);
    return Promise.all(
      registered.map(async (construction) => {
        const { type, name, parent, resource, registered: answer } = construction;
        return {
          construction,
          recorded: {
            type,
            name,
            parent: parent ? (this.names.get(parent) ?? null) : null,
            dependsOn: construction.dependsOn.map((d) => this.typeNames.get(d) ?? "(unrecorded)"),
            urn: String(await engineValue(resource.urn)),
            custom: answer!.custom,
            props: await construction.props,
            state: answer!.state,
          },
        };
      }),
    );
  }

  /** Each component's outputs: its public fields, other resources aside (they are registered on their own). */
  async componentOutputs(): Promise<RecordedOutputs[]> {
    const components = this.constructions.filter((c) => c.registered && !c.registered.custom);
    return Promise.all(
      components.map(async ({ type, name, resource }) => {
        const fields = Object.entries(resource).filter(
          ([key, value]) => key !== "urn" && !key.startsWith("__") && !holdsResource(value),
        );
        return { type, name, outputs: (await engineValue(Object.fromEntries(fields))) as Record<string, unknown> };
      }),
    );
  }
}

const holdsResource = (value: unknown): boolean =>
  pulumi.Resource.isInstance(value) || (Array.isArray(value) && value.some(holdsResource));

function mocksFor(env: MockEnvironment, recorder: RegistrationRecorder): pulumi.runtime.Mocks {
  return {
    async newResource(args) {
      const construction = recorder.claim(args.type, args.name);
      const order = recorder.nextOrder();
      const props = construction ? await construction.props : {};
      const { id, state } = computedState(args.type, args.name, props, env);
      if (construction)
        construction.registered = { custom: args.custom ?? false, state: { ...props, ...state }, order };
      return { id, state: { ...args.inputs, ...state } };
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
}

/** Run `program` under mocks. The program may register resources and return stack outputs. */
export async function runUnderMocks<T>(program: () => Promise<T>, env: MockEnvironment): Promise<MockRun<T>> {
  const recorder = new RegistrationRecorder();
  await pulumi.runtime.setMocks(
    mocksFor(env, recorder),
    env.project,
    env.stack,
    env.preview ?? false,
    env.organization ?? selfManagedOrganization,
  );
  pulumi.runtime.setAllConfig(env.config, env.secretKeys);

  let outputs: unknown;
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(recorder.transformation);
    outputs = await program();
    return outputs;
  });
  const stackOutputs = await engineValue(outputs);
  // Waits until the engine (the mocks) has answered every registration.
  await pulumi.runtime.disconnect();
  const recorded = await recorder.resources();
  const resources = recorded.map((r) => r.recorded);
  const componentOutputs = await recorder.componentOutputs();

  const secretValues = new Set<string>();
  collectSecrets(stackOutputs, secretValues);
  for (const resource of resources) collectSecrets([resource.props, resource.state], secretValues);
  for (const component of componentOutputs) collectSecrets(component.outputs, secretValues);
  return {
    result: unwrapSecrets(stackOutputs) as T,
    resources,
    secretValues,
    engine: {
      stackOutputs: (stackOutputs ?? {}) as Record<string, unknown>,
      componentOutputs,
      additionalSecretOutputs: new Map(
        recorded.map(({ recorded: r, construction }) => [r.urn, construction.additionalSecretOutputs]),
      ),
    },
  };
}

/** The same value with every secret mark removed (the values themselves stay). */
function unwrapSecrets(value: unknown): unknown {
  if (isSecretWrapper(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null && !pulumi.Resource.isInstance(value) && value !== pulumi.unknown)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}
