// The benchmark's baseline: a plain Pulumi program that registers the same raw resources (@pulumi/aws, random,
// and the shared-bucket dynamic resources) with the same documents, straight from the StackPlan, with no
// ComponentResources.
// Its cost is what the SDK charges for the resources themselves; ours over it is the components' overhead.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { corsRuleArgs, integrationTags, legacyPrefixes, sharedBucketContextOf } from "../model/resourceSpecs";
import type { StackConfig } from "../model/config";
import { generatedExternalIdLength, trustPolicy, type BucketGrantPlan, type IntegrationPlan } from "../model/plan";
import { toJson } from "../model/policy/document";
import { BucketCorsEntries } from "../providers/bucketCorsEntries";
import { BucketPolicyEntries } from "../providers/bucketPolicyEntries";
import { KeyPolicyEntries } from "../providers/keyPolicyEntries";
import { keyIdSid } from "../model/keyPolicy";
import { planStack, type PlannedBucket } from "../model/stackPlan";

/** The integration's role, which bucket statements naming it wait for (as the program's do); none for a user or account. */
function registerIdentity(plan: IntegrationPlan, stackName: string): pulumi.CustomResource | undefined {
  if (plan.principalType === "account") return undefined;
  const name = plan.integration.name;
  // The same tags and descriptions as the components, so that both programs send the same inputs.
  const tags = integrationTags(plan, stackName);
  const description = `vendor-access: ${plan.profile.displayName} (${name})`;
  let identity: pulumi.Output<string>;
  let principal: pulumi.CustomResource | undefined;
  if (plan.principalType === "role") {
    const configured = plan.integration.externalId;
    const externalId =
      configured.kind === "value"
        ? pulumi.secret(configured.value)
        : pulumi.secret(
            new random.RandomPassword(`${name}-external-id`, { length: generatedExternalIdLength, special: false })
              .result,
          );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: plan.identityName,
        description,
        assumeRolePolicy: externalId.apply((id) => toJson(trustPolicy(plan, id)!)),
        forceDetachPolicies: true,
        tags,
      },
      { additionalSecretOutputs: ["assumeRolePolicy"] },
    );
    identity = role.name;
    principal = role;
  } else {
    const user = new aws.iam.User(`${name}-user`, { name: plan.identityName, tags });
    new aws.iam.AccessKey(`${name}-access-key`, { user: user.name }, { additionalSecretOutputs: ["secret"] });
    identity = user.name;
  }
  plan.permissionPolicies.forEach((document, index) => {
    if (plan.principalType === "role" && index === 0) {
      new aws.iam.RolePolicy(`${name}-inline-policy`, {
        role: identity,
        name: "vendor-access",
        policy: toJson(document),
      });
      return;
    }
    const policy = new aws.iam.Policy(`${name}-policy-${index}`, {
      name: `${plan.identityName}-${index}`,
      description: `vendor-access grant for ${name}, part ${index}`,
      policy: toJson(document),
    });
    if (plan.principalType === "role")
      new aws.iam.RolePolicyAttachment(`${name}-policy-${index}`, { role: identity, policyArn: policy.arn });
    else new aws.iam.UserPolicyAttachment(`${name}-policy-${index}`, { user: identity, policyArn: policy.arn });
  });
  return principal;
}

function registerBucketGrant(plan: IntegrationPlan, grant: BucketGrantPlan): void {
  const name = `${plan.integration.name}-${grant.bucket.name}`;
  if (grant.accessPoint) {
    new aws.s3.AccessPoint(`${name}-access-point`, {
      bucket: grant.bucket.name,
      name: grant.accessPoint.name,
      region: grant.bucket.region,
      policy: toJson(grant.accessPoint.policy),
      publicAccessBlockConfiguration: {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    });
  }
}

function registerExclusiveBucketDocuments(bucket: PlannedBucket): void {
  const name = `bucket-${bucket.bucket}`;
  if (bucket.policy)
    new aws.s3.BucketPolicy(`${name}-policy`, {
      bucket: bucket.bucket,
      region: bucket.region,
      policy: toJson(bucket.policy),
    });
  const rules = bucket.corsRules;
  if (rules.length === 0) return;
  new aws.s3.BucketCorsConfiguration(`${name}-cors`, {
    bucket: bucket.bucket,
    region: bucket.region,
    corsRules: rules.map(corsRuleArgs),
  });
}

/** Register every raw resource of the stack at the top level, as a hand-written program without components would. */
export async function registerRawResources(config: StackConfig, stackName: string): Promise<void> {
  const { plans, buckets, keyPolicies, ownerKey } = planStack(config, stackName);
  const principals = new Map(plans.map((plan) => [plan.integration.name, registerIdentity(plan, stackName)]));
  for (const plan of plans) for (const grant of plan.buckets) registerBucketGrant(plan, grant);
  for (const bucket of buckets.filter((b) => b.policyMode === "exclusive")) registerExclusiveBucketDocuments(bucket);
  // The same writer inputs as the program's: its owner key, legacy ID forms and the stack's AWS settings.
  const context = sharedBucketContextOf(config, ownerKey, legacyPrefixes(plans, stackName, ownerKey));
  const externalIds = context.awsExternalIds ?? [];
  const writer = {
    ownerKey,
    legacy: context.legacy,
    ...(context.coordination ? { coordination: context.coordination } : {}),
    ...(context.aws ? { aws: context.aws } : {}),
    ...(externalIds.some((id) => id !== null) ? { awsExternalIds: pulumi.secret(externalIds) } : {}),
  };
  // Shared mode: the stack writes its own statements and rules, one resource per bucket document.
  for (const bucket of buckets.filter((b) => b.policyMode === "shared")) {
    const where = { ...writer, bucket: bucket.bucket, region: bucket.region };
    const statements = bucket.policy?.Statement ?? [];
    const rules = bucket.corsRules;
    // S3 refuses a principal that does not exist yet: the policy waits for the roles it names, as the program does.
    const named = bucket.contributions.filter((c) => c.statements.length > 0).map((c) => principals.get(c.owner));
    const dependsOn = named.filter((principal) => principal !== undefined);
    if (statements.length > 0)
      new BucketPolicyEntries(`bucket-${bucket.bucket}-policy-entries`, { ...where, statements }, { dependsOn });
    if (rules.length > 0) new BucketCorsEntries(`bucket-${bucket.bucket}-cors-entries`, { ...where, rules });
  }
  // One key policy per key: the stack's statements for a key in one resource.
  for (const keyPolicy of keyPolicies.filter((k) => k.mode === "manage"))
    new KeyPolicyEntries(`key-policy--${keyPolicy.region}--${keyIdSid(keyPolicy.keyArn)}`, {
      ...writer,
      keyArn: keyPolicy.keyArn,
      region: keyPolicy.region,
      statements: keyPolicy.statements,
    });
}
