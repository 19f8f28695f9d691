// Every resource the program registers, as data: type token, logical name, parent and inputs, computed from the plan
// alone. The components register exactly these specs (resources/registerSpecs.ts), and `npm run synth` renders them
// without the Pulumi engine, so the render and the program cannot drift apart.
import { tagKeys } from "./naming";
import { toJson } from "./policy/document";
import type { AssumeRoleExternalIds, AwsClientSettings } from "./awsSettings";
import type { StackConfig } from "./config";
import {
  generatedExternalIdLength,
  legacyEntryIdPrefixFor,
  trustPolicy,
  type BucketGrantPlan,
  type CorsRule,
  type IntegrationPlan,
} from "./plan";
import { keyIdSid, type KeyPolicyPlan } from "./keyPolicy";
import { entryIdPrefixFor, type LegacyPrefix } from "./sharedDocuments/ownership";
import type { PlannedBucket, StackPlan } from "./stackPlan";

/** Another resource's output, with the value a real provider returns for it when that is known from the plan. */
export interface SpecRef {
  $ref: string;
  output: string;
  /** Known in advance: a fixed IAM name, an ARN built from it. Absent for provider-generated values. */
  known?: string;
}

/** A value that stays a Pulumi secret in state, outputs and renders. */
export interface SpecSecret {
  $secret: SpecValue;
}

/** A string built from parts at deployment: a trust policy around a generated ExternalId. */
export interface SpecConcat {
  $concat: SpecValue[];
}

export type SpecValue =
  null | string | number | boolean | SpecRef | SpecSecret | SpecConcat | SpecValue[] | { [key: string]: SpecValue };

export interface ResourceSpec {
  type: string;
  name: string;
  /** Logical name of the parent component, or null at the top of the stack. */
  parent: string | null;
  /** Type token of the parent component: names alone are not unique (an integration's two components share one). */
  parentType: string | null;
  /** False for our ComponentResources, which are not AWS resources. */
  custom: boolean;
  inputs: Record<string, SpecValue>;
  additionalSecretOutputs?: string[];
  /** Components this resource must wait for, by type and name (S3 refuses a principal that does not exist yet). */
  dependsOn?: { type: string; name: string }[];
}

/**
 * Component type tokens. VendorIdentity and ExclusiveBucketDocuments keep the tokens of their first names (RoleTrust,
 * BucketDocuments): a token is part of every URN beneath it, so changing it would replace live stacks' resources.
 */
export const componentTypes = {
  vendorIntegration: "vendor-access:index:VendorIntegration",
  vendorIdentity: "vendor-access:index:RoleTrust",
  bucketGrant: "vendor-access:index:BucketGrant",
  exclusiveBucketDocuments: "vendor-access:index:BucketDocuments",
} as const;

/** Every dynamic resource shares this type token; its `resourceKind` input tells them apart. */
export const dynamicResourceType = "pulumi-nodejs:dynamic:Resource";

export function isSpecRef(value: unknown): value is SpecRef {
  return typeof value === "object" && value !== null && "$ref" in value;
}
export function isSpecSecret(value: unknown): value is SpecSecret {
  return typeof value === "object" && value !== null && "$secret" in value;
}
export function isSpecConcat(value: unknown): value is SpecConcat {
  return typeof value === "object" && value !== null && "$concat" in value;
}

/** A child of one of our components: `parent` names it, `parentType` is its type token. */
interface Parent {
  name: string;
  type: string;
}

function custom(
  type: string,
  name: string,
  parent: Parent,
  inputs: Record<string, SpecValue>,
  additionalSecretOutputs?: string[],
): ResourceSpec {
  return {
    type,
    name,
    parent: parent.name,
    parentType: parent.type,
    custom: true,
    inputs,
    ...(additionalSecretOutputs ? { additionalSecretOutputs } : {}),
  };
}

function component(type: string, name: string, parent: Parent | null): ResourceSpec {
  return { type, name, parent: parent?.name ?? null, parentType: parent?.type ?? null, custom: false, inputs: {} };
}

/** The tags of one integration's role or user (model/naming.ts tagKeys; the policy pack reads the vendor's). */
export function integrationTags(plan: IntegrationPlan, stack: string): Record<string, string> {
  const known = plan.profile.knownPrincipals;
  return {
    [tagKeys.integration]: plan.integration.name,
    [tagKeys.vendor]: plan.profile.id,
    [tagKeys.stack]: stack,
    // The policy pack checks trusted principals against these when no vendor allowlist is configured.
    ...(known ? { [knownPrincipalsTag]: known.join(" ") } : {}),
  };
}

/** The tag listing the principals the vendor's instructions name, space-separated (policy pack: only-trust-known-vendors). */
export const knownPrincipalsTag = tagKeys.knownPrincipals;

/** The IAM name's ARN as IAM reports it: `arn:<partition>:iam::<account>:<kind>/<name>`. */
function iamArnLike(roleOrUserArn: string, kind: string, name: string): string {
  return roleOrUserArn.replace(/:(role|user)\/.*$/, `:${kind}/${name}`);
}

/** The ExternalId: a configured value, or one generated once and kept (a RandomPassword). */
function externalIdSpecs(name: string, plan: IntegrationPlan): { specs: ResourceSpec[]; value: SpecSecret } {
  const parent: Parent = { name, type: componentTypes.vendorIdentity };
  const configured = plan.integration.externalId;
  if (configured.kind === "value") return { specs: [], value: { $secret: configured.value } };
  const random = custom("random:index/randomPassword:RandomPassword", `${name}-external-id`, parent, {
    length: generatedExternalIdLength,
    special: false,
  });
  return { specs: [random], value: { $secret: { $ref: random.name, output: "result" } } };
}

/** The trust policy as JSON around its ExternalId, so that a generated one is filled in at deployment. */
function trustPolicyValue(plan: IntegrationPlan, externalId: SpecSecret): SpecSecret {
  // A private-use character: JSON.stringify leaves it as it is, and no ARN or Sid holds one.
  const marker = "\uE000external-id\uE000";
  const [before, after] = toJson(trustPolicy(plan, marker)!).split(marker);
  return { $secret: { $concat: [before, externalId.$secret, after] } };
}

/** A role's first document is its inline policy; every further one is a managed policy attached to it. */
function policySpecs(name: string, plan: IntegrationPlan, identity: SpecRef, kind: "role" | "user"): ResourceSpec[] {
  const parent: Parent = { name, type: componentTypes.vendorIdentity };
  return plan.permissionPolicies.flatMap((document, index) => {
    if (kind === "role" && index === 0)
      return [
        custom("aws:iam/rolePolicy:RolePolicy", `${name}-inline-policy`, parent, {
          role: identity,
          name: "vendor-access",
          policy: toJson(document),
        }),
      ];
    const policyName = `${plan.identityName}-${index}`;
    const policy = custom("aws:iam/policy:Policy", `${name}-policy-${index}`, parent, {
      name: policyName,
      description: `vendor-access grant for ${plan.integration.name}, part ${index}`,
      policy: toJson(document),
    });
    const policyArn: SpecRef = {
      $ref: policy.name,
      output: "arn",
      known: iamArnLike(plan.granteeArn, "policy", policyName),
    };
    const attachment =
      kind === "role"
        ? custom("aws:iam/rolePolicyAttachment:RolePolicyAttachment", policy.name, parent, {
            role: identity,
            policyArn,
          })
        : custom("aws:iam/userPolicyAttachment:UserPolicyAttachment", policy.name, parent, {
            user: identity,
            policyArn,
          });
    return [policy, attachment];
  });
}

/** The role side of an integration (VendorIdentity): role and ExternalId, or user and access key, and their policies. */
export function vendorIdentitySpecs(name: string, plan: IntegrationPlan, tags: Record<string, string>): ResourceSpec[] {
  const parent: Parent = { name, type: componentTypes.vendorIdentity };
  const description = `vendor-access: ${plan.profile.displayName} (${plan.integration.name})`;
  if (plan.principalType === "role") {
    const externalId = externalIdSpecs(name, plan);
    const role = custom(
      "aws:iam/role:Role",
      `${name}-role`,
      parent,
      {
        name: plan.identityName!,
        description,
        assumeRolePolicy: trustPolicyValue(plan, externalId.value),
        forceDetachPolicies: true,
        tags,
      },
      ["assumeRolePolicy"],
    );
    const roleName: SpecRef = { $ref: role.name, output: "name", known: plan.identityName! };
    return [...externalId.specs, role, ...policySpecs(name, plan, roleName, "role")];
  }
  if (plan.principalType === "user") {
    const user = custom("aws:iam/user:User", `${name}-user`, parent, { name: plan.identityName!, tags });
    const userName: SpecRef = { $ref: user.name, output: "name", known: plan.identityName! };
    const key = custom("aws:iam/accessKey:AccessKey", `${name}-access-key`, parent, { user: userName }, ["secret"]);
    return [user, key, ...policySpecs(name, plan, userName, "user")];
  }
  return [];
}

/** Whether an integration has anything of its own on a bucket's side: its BucketGrant covers only those buckets. */
export function hasBucketSide(grant: BucketGrantPlan): boolean {
  return grant.accessPoint !== undefined;
}

export const bucketPolicyEntriesKind = "vendor-access:BucketPolicyEntries";
export const bucketCorsEntriesKind = "vendor-access:BucketCorsEntries";
export const keyPolicyEntriesKind = "vendor-access:KeyPolicyEntries";
/**
 * The version of the shared-document provider's code. The engine runs the provider serialized into state, even after
 * this project is upgraded; a new version makes every diff an update, and the update stores the new code.
 */
export const sharedDocumentProviderVersion = "2";

/**
 * The bucket side of one integration (its BucketGrant, named after it): an access point per bucket that has one.
 * Each keeps the name it had under the per-bucket BucketGrant of 0.1: a URN holds its parents' type tokens but not
 * their names, so the URN stays the same and live stacks keep their access points.
 */
export function bucketGrantSpecs(name: string, grants: readonly BucketGrantPlan[]): ResourceSpec[] {
  const parent: Parent = { name, type: componentTypes.bucketGrant };
  return grants.flatMap(({ bucket, accessPoint }) =>
    accessPoint
      ? [
          custom("aws:s3/accessPoint:AccessPoint", accessPointResourceName(name, bucket.name), parent, {
            bucket: bucket.name,
            name: accessPoint.name,
            region: bucket.region,
            policy: toJson(accessPoint.policy),
            publicAccessBlockConfiguration: {
              blockPublicAcls: true,
              blockPublicPolicy: true,
              ignorePublicAcls: true,
              restrictPublicBuckets: true,
            },
          }),
        ]
      : [],
  );
}

/** A CORS rule as `aws.s3.BucketCorsConfiguration` takes it. */
export type CorsRuleArgs = {
  id: string;
  allowedMethods: string[];
  allowedOrigins: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds: number;
};

export function corsRuleArgs(rule: CorsRule): CorsRuleArgs {
  return {
    id: rule.ID,
    allowedMethods: rule.AllowedMethods,
    allowedOrigins: rule.AllowedOrigins,
    allowedHeaders: rule.AllowedHeaders,
    exposeHeaders: rule.ExposeHeaders,
    maxAgeSeconds: rule.MaxAgeSeconds,
  };
}

/** One exclusive-mode bucket's whole policy and CORS configuration (ExclusiveBucketDocuments). */
export function exclusiveBucketDocumentsSpecs(name: string, bucket: PlannedBucket): ResourceSpec[] {
  const parent: Parent = { name, type: componentTypes.exclusiveBucketDocuments };
  const { policy, corsRules: rules } = bucket;
  return [
    ...(policy
      ? [
          custom("aws:s3/bucketPolicy:BucketPolicy", `${name}-policy`, parent, {
            bucket: bucket.bucket,
            region: bucket.region,
            policy: toJson(policy),
          }),
        ]
      : []),
    ...(rules.length > 0
      ? [
          custom("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", `${name}-cors`, parent, {
            bucket: bucket.bucket,
            region: bucket.region,
            corsRules: rules.map(corsRuleArgs),
          }),
        ]
      : []),
  ];
}

/** An integration's access point on a bucket: `--` cannot occur in an integration name, so it never collides. */
export function accessPointResourceName(integration: string, bucket: string): string {
  return `${integration}--${bucket}-access-point`;
}

export function exclusiveBucketDocumentsName(bucket: string): string {
  return `bucket-${bucket}`;
}

/** Pre-owner-key ID forms of the stack's integrations, moved to the owner-key IDs in the first write. */
export function legacyPrefixes(plans: readonly IntegrationPlan[], stack: string, ownerKey: string): LegacyPrefix[] {
  return plans.map((plan) => ({
    from: legacyEntryIdPrefixFor(plan.integration.name, stack),
    to: entryIdPrefixFor(plan.integration.name, ownerKey),
  }));
}

export interface SharedBucketContext {
  ownerKey: string;
  legacy: LegacyPrefix[];
  coordination?: StackConfig["coordination"];
  /** The stack's AWS settings: the providers write as the same principal as the AWS provider. */
  aws?: AwsClientSettings;
  /** The assume-role chain's ExternalIds, by hop: a secret input whenever any is set. */
  awsExternalIds?: AssumeRoleExternalIds;
}

/** The shared-bucket context of a stack's config: the program and the plan's render build it the same way. */
export function sharedBucketContextOf(
  config: Pick<StackConfig, "coordination" | "aws" | "awsExternalIds">,
  ownerKey: string,
  legacy: LegacyPrefix[],
): SharedBucketContext {
  return {
    ownerKey,
    legacy,
    ...(config.coordination ? { coordination: config.coordination } : {}),
    aws: config.aws,
    awsExternalIds: config.awsExternalIds,
  };
}

/**
 * The inputs every shared-document resource (bucket policy, CORS, key policy) takes besides its document and its
 * entries: the stack's owner key and coordination, and its AWS settings, with the chain's ExternalIds as a secret.
 */
function sharedDocumentSpecInputs(resourceKind: string, context: SharedBucketContext): Record<string, SpecValue> {
  const externalIds = context.awsExternalIds ?? [];
  return {
    resourceKind,
    providerVersion: sharedDocumentProviderVersion,
    ownerKey: context.ownerKey,
    legacy: context.legacy as unknown as SpecValue[],
    ...(context.coordination ? { coordination: context.coordination } : {}),
    ...(context.aws ? { aws: context.aws as unknown as SpecValue } : {}),
    ...(externalIds.some((id) => id !== null) ? { awsExternalIds: { $secret: externalIds } } : {}),
  };
}

/**
 * A shared bucket's documents as this stack writes them: one BucketPolicyEntries with every integration's
 * statements, one BucketCorsEntries with every integration's rules, at the top of the stack (docs/shared-buckets.md).
 * The policy waits for the roles its statements name.
 */
export function sharedBucketEntriesSpecs(
  bucket: PlannedBucket,
  plans: readonly IntegrationPlan[],
  context: SharedBucketContext,
): ResourceSpec[] {
  // Shared mode has no baseline: the planned policy is exactly this stack's statements.
  const statements = bucket.policy?.Statement ?? [];
  const rules = bucket.corsRules;
  const document = { bucket: bucket.bucket, region: bucket.region };
  const namesRole = plans.filter(
    (plan) =>
      plan.principalType === "role" &&
      bucket.contributions.some((c) => c.owner === plan.integration.name && c.statements.length > 0),
  );
  const top = (name: string, inputs: Record<string, SpecValue>): ResourceSpec => ({
    type: dynamicResourceType,
    name,
    parent: null,
    parentType: null,
    custom: true,
    inputs,
  });
  return [
    ...(statements.length > 0
      ? [
          {
            ...top(`bucket-${bucket.bucket}-policy-entries`, {
              ...sharedDocumentSpecInputs(bucketPolicyEntriesKind, context),
              ...document,
              statements: statements as unknown as SpecValue[],
            }),
            dependsOn: namesRole.map((plan) => ({ type: componentTypes.vendorIdentity, name: plan.integration.name })),
          },
        ]
      : []),
    ...(rules.length > 0
      ? [
          top(`bucket-${bucket.bucket}-cors-entries`, {
            ...sharedDocumentSpecInputs(bucketCorsEntriesKind, context),
            ...document,
            rules: rules as unknown as SpecValue[],
          }),
        ]
      : []),
  ];
}

/** The logical name of a key's KeyPolicyEntries: the key ID is unique per region, and a stack writes one per key. */
export function keyPolicyEntriesName(keyPolicy: KeyPolicyPlan): string {
  return `key-policy--${keyPolicy.region}--${keyIdSid(keyPolicy.keyArn)}`;
}

/**
 * One KeyPolicyEntries per key the stack may edit, at the top of the stack, holding every integration's statements
 * for the key as plain key-policy statements (`statements`). Keys in handoff mode get none: their owner adds them.
 */
export function keyPolicyEntriesSpecs(
  keyPolicies: readonly KeyPolicyPlan[],
  context: SharedBucketContext,
): ResourceSpec[] {
  return keyPolicies
    .filter((keyPolicy) => keyPolicy.mode === "manage")
    .map((keyPolicy) => ({
      type: dynamicResourceType,
      name: keyPolicyEntriesName(keyPolicy),
      parent: null,
      parentType: null,
      custom: true,
      inputs: {
        ...sharedDocumentSpecInputs(keyPolicyEntriesKind, context),
        keyArn: keyPolicy.keyArn,
        region: keyPolicy.region,
        statements: keyPolicy.statements as unknown as SpecValue[],
      },
    }));
}

/**
 * The stack's writers of shared documents, at the top of the stack: per shared bucket its BucketPolicyEntries and
 * BucketCorsEntries, per key the stack may edit its KeyPolicyEntries.
 */
export function sharedDocumentSpecs(stackPlan: StackPlan, context: SharedBucketContext): ResourceSpec[] {
  return [
    ...stackPlan.buckets
      .filter((b) => b.policyMode === "shared")
      .flatMap((bucket) => sharedBucketEntriesSpecs(bucket, stackPlan.plans, context)),
    ...keyPolicyEntriesSpecs(stackPlan.keyPolicies, context),
  ];
}

/** Every resource of the stack, components and their children, in the order the program registers them. */
export function stackResourceSpecs(stackPlan: StackPlan, context: SharedBucketContext): ResourceSpec[] {
  const { plans, buckets, stackName: stack } = stackPlan;
  const specs: ResourceSpec[] = [];
  for (const plan of plans) {
    const name = plan.integration.name;
    const integration: Parent = { name, type: componentTypes.vendorIntegration };
    specs.push(component(componentTypes.vendorIntegration, name, null));
    specs.push(component(componentTypes.vendorIdentity, name, integration));
    specs.push(...vendorIdentitySpecs(name, plan, integrationTags(plan, stack)));
    const bucketSide = plan.buckets.filter(hasBucketSide);
    if (bucketSide.length > 0) {
      specs.push(component(componentTypes.bucketGrant, name, integration));
      specs.push(...bucketGrantSpecs(name, bucketSide));
    }
  }
  for (const bucket of buckets.filter((b) => b.policyMode === "exclusive")) {
    const name = exclusiveBucketDocumentsName(bucket.bucket);
    specs.push(component(componentTypes.exclusiveBucketDocuments, name, null));
    specs.push(...exclusiveBucketDocumentsSpecs(name, bucket));
  }
  specs.push(...sharedDocumentSpecs(stackPlan, context));
  return specs;
}
