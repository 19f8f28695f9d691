// Registers resource specs (model/resourceSpecs.ts) with the Pulumi engine: the only place a component creates
// its children, so what the program registers is exactly what `npm run synth` renders from the plan.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  bucketCorsEntriesKind,
  bucketPolicyEntriesKind,
  keyPolicyEntriesKind,
  dynamicResourceType,
  isSpecConcat,
  isSpecRef,
  isSpecSecret,
  type ResourceSpec,
  type SpecValue,
} from "../model/resourceSpecs";
import { BucketCorsEntries } from "../providers/bucketCorsEntries";
import { BucketPolicyEntries } from "../providers/bucketPolicyEntries";
import { KeyPolicyEntries } from "../providers/keyPolicyEntries";

type Inputs = Record<string, pulumi.Input<unknown>>;
/** A resource class; `never` because each takes its own Args type, which a spec's inputs are checked against in tests. */
type ResourceClass = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The class of every type token a spec may name. */
const resourceClasses: Record<string, ResourceClass> = {
  "aws:iam/role:Role": aws.iam.Role,
  "aws:iam/user:User": aws.iam.User,
  "aws:iam/accessKey:AccessKey": aws.iam.AccessKey,
  "aws:iam/rolePolicy:RolePolicy": aws.iam.RolePolicy,
  "aws:iam/policy:Policy": aws.iam.Policy,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": aws.iam.RolePolicyAttachment,
  "aws:iam/userPolicyAttachment:UserPolicyAttachment": aws.iam.UserPolicyAttachment,
  "random:index/randomPassword:RandomPassword": random.RandomPassword,
  "aws:s3/accessPoint:AccessPoint": aws.s3.AccessPoint,
  "aws:kms/grant:Grant": aws.kms.Grant,
  "aws:s3/bucketPolicy:BucketPolicy": aws.s3.BucketPolicy,
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": aws.s3.BucketCorsConfiguration,
};

/** Dynamic resources by `resourceKind`: their classes add the kind (and the provider) themselves. */
const dynamicClasses: Record<string, ResourceClass> = {
  [bucketPolicyEntriesKind]: BucketPolicyEntries,
  [bucketCorsEntriesKind]: BucketCorsEntries,
  [keyPolicyEntriesKind]: KeyPolicyEntries,
};

function construct(spec: ResourceSpec, inputs: Inputs, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  if (spec.type === dynamicResourceType) {
    // The class adds the kind and its provider's version itself.
    const { resourceKind, providerVersion: _version, ...args } = inputs;
    const DynamicClass = dynamicClasses[String(resourceKind)];
    if (!DynamicClass) throw new Error(`no class for dynamic resource kind ${String(resourceKind)}`);
    return new DynamicClass(spec.name, args as never, opts);
  }
  const ResourceClass = resourceClasses[spec.type];
  if (!ResourceClass) throw new Error(`no class for resource spec type ${spec.type}`);
  return new ResourceClass(spec.name, inputs as never, opts);
}

/** A spec value as a Pulumi input: references become the other resource's output, secrets Pulumi secrets. */
function toInput(
  value: SpecValue,
  registered: ReadonlyMap<string, pulumi.CustomResource>,
  values: ReadonlyMap<string, pulumi.Input<unknown>> = new Map(),
): pulumi.Input<unknown> {
  if (value === null) return null;
  if (isSpecRef(value) && values.has(value.$ref)) return values.get(value.$ref);
  if (isSpecRef(value)) {
    const resource = registered.get(value.$ref);
    if (!resource) throw new Error(`resource spec refers to ${value.$ref}, which is not registered before it`);
    return (resource as unknown as Record<string, pulumi.Output<unknown>>)[value.output];
  }
  if (isSpecSecret(value)) return pulumi.secret(toInput(value.$secret, registered, values));
  if (isSpecConcat(value))
    return pulumi.all(value.$concat.map((part) => toInput(part, registered, values))).apply((parts) => parts.join(""));
  if (Array.isArray(value)) return value.map((item) => toInput(item, registered, values));
  if (typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toInput(item, registered, values)]));
  return value;
}

/** The specs with every string `placeholder` turned into a reference to the value `registerSpecs` is given for it. */
export function withDeferredValue(specs: readonly ResourceSpec[], placeholder: string): ResourceSpec[] {
  const replace = (value: SpecValue): SpecValue => {
    if (value === placeholder) return { $ref: placeholder, output: "value" };
    if (isSpecRef(value) || value === null || typeof value !== "object") return value;
    if (isSpecSecret(value)) return { $secret: replace(value.$secret) };
    if (isSpecConcat(value)) return { $concat: value.$concat.map(replace) };
    if (Array.isArray(value)) return value.map(replace);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replace(item)]));
  };
  return specs.map((spec) => ({
    ...spec,
    inputs: Object.fromEntries(Object.entries(spec.inputs).map(([key, value]) => [key, replace(value)])),
  }));
}

/**
 * Register every spec under `parent` (the stack when undefined), in order; returns the resources by logical name.
 * `components` holds the components a spec's `dependsOn` may name, by `<type>::<name>`; `values` the inputs a
 * reference may name instead of a resource (a value known only at deployment, such as an Output ExternalId).
 */
export function registerSpecs(
  specs: readonly ResourceSpec[],
  parent: pulumi.Resource | undefined,
  components: ReadonlyMap<string, pulumi.Resource> = new Map(),
  values: ReadonlyMap<string, pulumi.Input<unknown>> = new Map(),
): Map<string, pulumi.CustomResource> {
  const registered = new Map<string, pulumi.CustomResource>();
  for (const spec of specs) {
    const inputs = Object.fromEntries(
      Object.entries(spec.inputs).map(([key, value]) => [key, toInput(value, registered, values)]),
    );
    const dependsOn = (spec.dependsOn ?? []).map(({ type, name }) => {
      const component = components.get(`${type}::${name}`);
      if (!component) throw new Error(`resource spec ${spec.name} depends on ${type} ${name}, which is not registered`);
      return component;
    });
    const opts: pulumi.CustomResourceOptions = {
      ...(parent ? { parent } : {}),
      ...(spec.additionalSecretOutputs ? { additionalSecretOutputs: spec.additionalSecretOutputs } : {}),
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
    };
    registered.set(spec.name, construct(spec, inputs, opts));
  }
  return registered;
}
