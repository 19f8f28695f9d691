// The stack's plan: every integration and every bucket and key document, computed and checked once, before any
// resource is registered. The program, the render and the proofs all start from it. Pure: no Pulumi, no I/O.
import type { StackConfig } from "./config";
import { mergedBucketPolicy, type PlannedBucket } from "./bucketDocuments";
import { keyPolicyOverflow, planKeyPolicies, type KeyPolicyPlan } from "./keyPolicy";
import type { PolicyDocument } from "./policy/document";
import { defaultOwnerKey, planIntegration, PlanError, type IntegrationPlan } from "./plan";

/** What a key's owner must add to a key policy this stack may not edit (`kmsKeyPolicy: handoff`). */
export interface KeyPolicyHandoff {
  keyArn: string;
  keyAccount: string;
  /** Add these statements to the key policy as they are; the Sids say which stack and integration they serve. */
  addToKeyPolicy: PolicyDocument["Statement"];
}

export interface StackPlanValue {
  plans: IntegrationPlan[];
  buckets: PlannedBucket[];
  /** One entry per KMS key that needs statements for principals outside its account. */
  keyPolicies: KeyPolicyPlan[];
}

/** Per key in handoff mode, the statements its owner adds: never a grant, never written by the stack. */
export function keyPolicyHandoffsOf(keyPolicies: readonly KeyPolicyPlan[]): Record<string, KeyPolicyHandoff> {
  return Object.fromEntries(
    keyPolicies
      .filter((k) => k.mode === "handoff")
      .map((k) => [k.keyArn, { keyArn: k.keyArn, keyAccount: k.keyAccount, addToKeyPolicy: k.statements }]),
  );
}

/** Plan every integration and every bucket document before registering anything: errors surface at preview. */
export function planStack(
  config: StackConfig,
  stackName: string,
  ownerKey = defaultOwnerKey(stackName),
): StackPlanValue {
  const plans = config.integrations.map((integration) => planIntegration(integration, config, stackName, ownerKey));
  const byBucket = new Map<string, PlannedBucket>();
  for (const plan of plans) {
    for (const grant of plan.buckets) {
      const entry = byBucket.get(grant.bucket.name) ?? {
        bucket: grant.bucket.name,
        region: grant.bucket.region,
        policyMode: grant.bucket.bucketPolicyMode,
        contributions: [],
        baselineStatements: [],
      };
      entry.contributions.push({
        owner: plan.integration.name,
        statements: grant.statements,
        corsRules: grant.corsRules,
      });
      entry.baselineStatements.push(...grant.bucket.baselineStatements);
      byBucket.set(grant.bucket.name, entry);
    }
  }
  const buckets = [...byBucket.values()];
  // Throws when the stack's own statements for a bucket exceed 20 KB; shared mode checks the live merge again at write time.
  buckets.forEach(mergedBucketPolicy);
  const keyPolicies = planKeyPolicies(
    plans.flatMap((plan) => plan.keyPolicyStatements),
    ownerKey,
  );
  const overflows = keyPolicies.map(keyPolicyOverflow).filter((problem): problem is string => problem !== undefined);
  if (overflows.length > 0) throw new PlanError(overflows.join("\n"));
  return { plans, buckets, keyPolicies };
}
