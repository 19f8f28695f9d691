// The whole stack as one plain value: every integration's plan and every bucket's and key's documents, computed and
// checked once. The program registers resources from it; the render, the proofs and the benchmark read the same value.
// Pure: no Pulumi resources, no I/O.
import type { BucketPolicyMode, StackConfig } from "./config";
import { keyPolicyOverflow, planKeyPolicies, type KeyPolicyPlan } from "./keyPolicy";
import { s3Limits } from "./limits";
import { defaultOwnerKey, planIntegration, PlanError, type CorsRule, type IntegrationPlan } from "./plan";
import { policyDocument, type PolicyDocument, type PolicyStatement } from "./policy/document";
import { policyBytes } from "./sharedDocuments/merge";

/** What one integration puts in one bucket's documents. */
export interface BucketContribution {
  /** Who contributes: the integration name, for error messages. */
  owner: string;
  statements: PolicyStatement[];
  corsRules: CorsRule[];
}

/** What a bucket's documents are made of: every integration's contribution, and the baseline (exclusive mode). */
export interface BucketDocumentsParts {
  bucket: string;
  region: string;
  contributions: BucketContribution[];
  /** Statements the stack keeps in a policy it owns outright (exclusive mode). */
  baselineStatements: PolicyStatement[];
}

/**
 * One bucket as the stack plans it. Its mode decides who writes the documents: ExclusiveBucketDocuments writes them
 * whole; in shared mode the stack's BucketPolicyEntries and BucketCorsEntries write its entries into the live ones.
 */
export interface PlannedBucket extends BucketDocumentsParts {
  policyMode: BucketPolicyMode;
  /** The baseline plus every integration's statements, within S3's size limit; undefined when there are none. */
  policy?: PolicyDocument;
  /** Every integration's CORS rules, in integration order. */
  corsRules: CorsRule[];
}

export interface StackPlan {
  stackName: string;
  /** The owner key of this stack's entries in shared documents (model/sharedDocuments/ownership.ts). */
  ownerKey: string;
  accountId: string;
  /** One plan per integration, in config order. */
  plans: IntegrationPlan[];
  /** One entry per bucket any integration grants, in the order the integrations first name them. */
  buckets: PlannedBucket[];
  /** One entry per KMS key that needs statements for principals outside its account, by key ARN. */
  keyPolicies: KeyPolicyPlan[];
}

/** What a key's owner must add to a key policy this stack may not edit (`kmsKeyPolicy: handoff`). */
export interface KeyPolicyHandoff {
  keyArn: string;
  keyAccount: string;
  /** Add these statements to the key policy as they are; the Sids say which stack and integration they serve. */
  addToKeyPolicy: PolicyDocument["Statement"];
}

/** Per key in handoff mode, the statements its owner adds: never a grant, never written by the stack. */
export function keyPolicyHandoffsOf(keyPolicies: readonly KeyPolicyPlan[]): Record<string, KeyPolicyHandoff> {
  return Object.fromEntries(
    keyPolicies
      .filter((k) => k.mode === "handoff")
      .map((k) => [k.keyArn, { keyArn: k.keyArn, keyAccount: k.keyAccount, addToKeyPolicy: k.statements }]),
  );
}

/** The merged policy of one bucket, or undefined if nothing is granted in it. Throws PlanError over S3's size limit. */
export function mergedBucketPolicy(parts: BucketDocumentsParts): PolicyDocument | undefined {
  const statements = [...parts.baselineStatements, ...parts.contributions.flatMap((c) => c.statements)];
  if (statements.length === 0) return undefined;
  const document = policyDocument(statements);
  const size = policyBytes(document);
  if (size > s3Limits.bucketPolicyBytes) {
    const contributors = [
      { owner: "baselineStatements", size: Buffer.byteLength(JSON.stringify(parts.baselineStatements)) },
      ...parts.contributions.map((c) => ({ owner: c.owner, size: Buffer.byteLength(JSON.stringify(c.statements)) })),
    ].sort((a, b) => b.size - a.size);
    throw new PlanError(
      `bucket ${parts.bucket}: the merged bucket policy would be ${size} bytes; S3 allows ${s3Limits.bucketPolicyBytes}. ` +
        `Largest contributors: ${contributors
          .slice(0, 3)
          .map((c) => `${c.owner} (${c.size} bytes)`)
          .join(", ")}.`,
    );
  }
  return document;
}

/**
 * A bucket's documents from its parts: the merged policy (checked against S3's 20 KB; shared mode checks the live
 * merge again at write time) and the CORS rules. Throws PlanError.
 */
export function plannedBucket(parts: BucketDocumentsParts & { policyMode: BucketPolicyMode }): PlannedBucket {
  const policy = mergedBucketPolicy(parts);
  return { ...parts, ...(policy ? { policy } : {}), corsRules: parts.contributions.flatMap((c) => c.corsRules) };
}

/** Every integration's grants, gathered per bucket in the order the integrations first name the buckets. */
function bucketsOf(plans: readonly IntegrationPlan[]): PlannedBucket[] {
  const byBucket = new Map<string, BucketDocumentsParts & { policyMode: BucketPolicyMode }>();
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
  return [...byBucket.values()].map(plannedBucket);
}

/**
 * Plan every integration and every bucket's and key's documents before anything is registered, so that errors
 * surface at preview. Throws PlanError when a grant does not fit IAM's quotas, or a bucket's or key's statements
 * exceed its policy's size limit.
 */
export function planStack(config: StackConfig, stackName: string, ownerKey = defaultOwnerKey(stackName)): StackPlan {
  const plans = config.integrations.map((integration) => planIntegration(integration, config, stackName, ownerKey));
  const buckets = bucketsOf(plans);
  const keyPolicies = planKeyPolicies(
    plans.flatMap((plan) => plan.keyPolicyStatements),
    ownerKey,
  );
  const overflows = keyPolicies.map(keyPolicyOverflow).filter((problem): problem is string => problem !== undefined);
  if (overflows.length > 0) throw new PlanError(overflows.join("\n"));
  return { stackName, ownerKey, accountId: config.accountId, plans, buckets, keyPolicies };
}
