// Packing: how many buckets one integration holds within IAM's default quotas, against the bound the quotas
// themselves set, both from the program's own helpers (plan.ts bucketCapacity over packing.ts).
import { bucketArn } from "../model/arns";
import { parseStackConfig } from "../model/config";
import { bucketCapacity } from "../model/plan";
import { iamLimits } from "../model/limits";
import { roleCapacities } from "../model/policy/packing";
import { benchAccountId, benchBucketNames } from "./configGenerator";

/** The integration packing is measured on: Deep Lake read-write, a role, one region, no prefix, no KMS. */
export const packingVendor = "deeplake";
export const packingRegion = "us-east-1";
export const packingSource =
  "model/plan.ts bucketCapacity: packing.ts largestPackableBucketCount (what synth accepts) and theoreticalBucketBound (the quotas' bound)";

export interface PackingResult {
  nameLength: number;
  largestCount: number;
  theoreticalBound: number;
  ratio: number;
}

/** More bucket names than any packing could hold: every bucket costs at least its ARN, quoted, and a comma. */
export function candidateCount(bucketNameLength: number): number {
  const [sample] = benchBucketNames(1, bucketNameLength);
  const available = roleCapacities(iamLimits.managedPoliciesPerRole).reduce((sum, capacity) => sum + capacity, 0);
  return Math.ceil(available / (JSON.stringify(bucketArn(sample, packingRegion)).length + 1)) + 1;
}

export function measurePackingFor(bucketNameLength: number): PackingResult {
  const names = benchBucketNames(candidateCount(bucketNameLength), bucketNameLength);
  const stack = parseStackConfig({
    accountId: benchAccountId,
    integrations: [
      {
        name: "packing",
        vendor: packingVendor,
        access: "read-write",
        buckets: names.map((name) => ({ name, region: packingRegion })),
      },
    ],
  });
  const { packed, bound } = bucketCapacity(stack.integrations[0], stack);
  return { nameLength: bucketNameLength, largestCount: packed, theoreticalBound: bound, ratio: packed / bound };
}

export function measurePacking(nameLengths: readonly number[]): PackingResult[] {
  return nameLengths.map(measurePackingFor);
}
