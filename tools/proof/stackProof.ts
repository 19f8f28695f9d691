// Prove every integration of a validated stack config on the documents the program would render.
import type { StackConfig } from "../../model/config";
import type { PolicyDocument } from "../../model/policy/document";
import { generatedExternalIdLength, trustPolicy } from "../../model/plan";
import { planStack, type StackPlan } from "../../model/stackPlan";
import {
  assumedKeyPolicy,
  checkPassed,
  proveIntegration,
  type ActionSample,
  type IntegrationProof,
} from "./integrationProof";

export interface StackProofOptions {
  /** The ExternalId to render each trust with, by integration; defaults to the configured value or a stand-in for a generated one. */
  externalIds?: Readonly<Record<string, string>>;
  /** Sweep only a share of the catalog's other actions (the tests split the catalog across cases); all by default. */
  sample?: ActionSample;
}

/** A stand-in for a generated ExternalId: the length RandomPassword produces, mixed case so a case change differs. */
export const sampleGeneratedExternalId = "ProofSampleGeneratedExternalId".padEnd(generatedExternalIdLength, "Xy");

/** Plan the stack, then prove every integration on the StackPlan's documents. */
export function proveStack(
  config: StackConfig,
  stackName: string,
  options: StackProofOptions = {},
): Promise<IntegrationProof[]> {
  return proveStackPlan(planStack(config, stackName), config, options);
}

/** Prove every integration on a StackPlan's documents: its merged bucket policies and its key-policy statements. */
export async function proveStackPlan(
  stackPlan: StackPlan,
  config: StackConfig,
  options: StackProofOptions = {},
): Promise<IntegrationProof[]> {
  const { plans, buckets, keyPolicies } = stackPlan;
  // Keys in handoff mode are proven as if the key's owner added exactly the statements handed off.
  const keys = [...new Set(plans.flatMap((p) => p.buckets.flatMap((b) => (b.kms ? [b.kms.keyArn] : []))))];
  const keyPolicyDocuments = new Map<string, PolicyDocument>(
    keys.map((key) => [key, assumedKeyPolicy(key, keyPolicies.find((k) => k.keyArn === key)?.statements ?? [])]),
  );
  const bucketPolicies = new Map<string, PolicyDocument | undefined>(buckets.map((b) => [b.bucket, b.policy]));
  const proofs: IntegrationProof[] = [];
  for (const plan of plans) {
    const configured = plan.integration.externalId;
    const externalId =
      options.externalIds?.[plan.integration.name] ??
      (configured.kind === "value" ? configured.value : sampleGeneratedExternalId);
    proofs.push(
      await proveIntegration({
        plan,
        config,
        bucketPolicies,
        keyPolicies: keyPolicyDocuments,
        trustPolicy: trustPolicy(plan, externalId),
        externalId,
        sample: options.sample,
      }),
    );
  }
  return proofs;
}

export function failedChecks(
  proofs: readonly IntegrationProof[],
): { integration: string; check: IntegrationProof["checks"][number] }[] {
  return proofs.flatMap((proof) =>
    proof.checks.filter((check) => !checkPassed(check)).map((check) => ({ integration: proof.name, check })),
  );
}
