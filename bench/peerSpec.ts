// The grants of one bench stack as plain data for the CDK peer (bench/cdk/app.ts): what a CDK user would write as
// constants in their app. Identity-side actions come from the vendor profiles; bucket-side documents from the plan,
// so both programs grant exactly the same thing.
import type { StackConfig } from "../model/config";
import type { PolicyDocument, PolicyStatement } from "../model/policy/document";
import type { CorsRule } from "../model/plan";
import { planStack } from "../model/stackPlan";

export interface PeerBucketTarget {
  name: string;
  region: string;
  prefix: string;
  kmsKeyArn?: string;
  accessPointArn?: string;
}

export interface PeerIntegration {
  name: string;
  auth: "role" | "accessKey" | "bucketPolicy";
  /** IAM name of the role or user; absent for vendors named in the bucket policy. */
  identityName?: string;
  /** The vendor principal a role trusts (an account ID or an ARN). */
  trustedPrincipal?: string;
  externalId?: { kind: "value"; value: string } | { kind: "generate"; length: number };
  actions: { bucket: readonly string[]; object: readonly string[]; kms: readonly string[] };
  /** Listing actions that take the `s3:prefix` condition. */
  listActions: readonly string[];
  buckets: PeerBucketTarget[];
}

export interface PeerBucket {
  name: string;
  region: string;
  statements: PolicyStatement[];
  corsRules: CorsRule[];
  accessPoints: { name: string; policy: PolicyDocument }[];
}

export interface PeerKeyPolicy {
  keyArn: string;
  region: string;
  /** The stack's key-policy statements for the key (what our KeyPolicyEntries writes). */
  statements: PolicyStatement[];
}

export interface PeerSpec {
  accountId: string;
  identityRegion: string;
  integrations: PeerIntegration[];
  buckets: PeerBucket[];
  /** One per key the stack writes statements into: a key policy is on the key, whichever bucket uses it. */
  keyPolicies: PeerKeyPolicy[];
}

/** What the CDK app reports back: its templates' resources, and how many stacks it needed to hold them. */
export interface PeerResult {
  stacks: number;
  resources: number;
  largestStack: number;
}

const listActions = ["s3:ListBucket", "s3:ListBucketVersions"];

export function peerSpec(config: StackConfig, stackName: string, identityRegion: string): PeerSpec {
  const { plans, buckets, keyPolicies } = planStack(config, stackName);
  const integrations = plans.map((plan): PeerIntegration => ({
    name: plan.integration.name,
    auth: plan.integration.auth,
    ...(plan.identityName ? { identityName: plan.identityName } : {}),
    ...(plan.principalType === "role" ? { trustedPrincipal: plan.integration.principal } : {}),
    ...(plan.externalIdSource === "none"
      ? {}
      : {
          externalId:
            plan.integration.externalId.kind === "value"
              ? { kind: "value" as const, value: plan.integration.externalId.value }
              : { kind: "generate" as const, length: 48 },
        }),
    actions: plan.actions,
    listActions: plan.actions.bucket.filter((action) => listActions.includes(action)),
    buckets: plan.buckets.map(({ bucket, accessPoint }) => ({
      name: bucket.name,
      region: bucket.region,
      prefix: bucket.prefix,
      ...(bucket.kmsKeyArn ? { kmsKeyArn: bucket.kmsKeyArn } : {}),
      ...(accessPoint ? { accessPointArn: accessPoint.arn } : {}),
    })),
  }));
  const accessPointsByBucket = new Map<string, PeerBucket["accessPoints"]>();
  for (const plan of plans)
    for (const { bucket, accessPoint } of plan.buckets)
      if (accessPoint)
        accessPointsByBucket.set(bucket.name, [
          ...(accessPointsByBucket.get(bucket.name) ?? []),
          { name: accessPoint.name, policy: accessPoint.policy },
        ]);
  return {
    accountId: config.accountId,
    identityRegion,
    integrations,
    buckets: buckets.map((bucket) => ({
      name: bucket.bucket,
      region: bucket.region,
      statements: bucket.policy?.Statement ?? [],
      corsRules: bucket.corsRules,
      accessPoints: accessPointsByBucket.get(bucket.bucket) ?? [],
    })),
    keyPolicies: keyPolicies
      .filter((k) => k.mode === "manage")
      .map((k) => ({ keyArn: k.keyArn, region: k.region, statements: k.statements })),
  };
}
