// Generates the benchmark's stack configs: V integrations of distinct vendors sharing B buckets, each
// vendor split across as few integrations as IAM's default quotas allow. Pure: no Pulumi engine, no I/O.
import { parseStackConfig, projectName, type IntegrationConfig, type StackConfig } from "../model/config";
import { largestFittingPrefix, planIntegration, PlanError } from "../model/plan";

export const benchAccountId = "111122223333";
export const benchStackName = "bench";
export const benchRegions = ["us-east-1", "us-west-2"] as const;

/** One customer-managed key per region: S3 uses only keys in the bucket's own region. */
export const benchKmsKeys: Readonly<Record<string, string>> = {
  "us-east-1": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  "us-west-2": "arn:aws:kms:us-west-2:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
};

/**
 * Buckets per run of keys: a key policy holds 32 KB and a cross-account vendor's statement names every bucket and
 * prefix under the key, so every 1,000 buckets (250 SSE-KMS ones per region) get keys of their own, as a user with
 * thousands of buckets would have. Up to 1,000 buckets the stack uses just the two keys above.
 */
const bucketsPerKeyRun = 1000;

function benchKmsKey(region: string, index: number): string {
  const run = Math.floor(index / bucketsPerKeyRun);
  return run === 0
    ? benchKmsKeys[region]
    : benchKmsKeys[region].replace(/key\/[0-9a-f]{8}/, `key/${run.toString(16).padStart(8, "0")}`);
}

/**
 * Vendor order for the V axis. V = 1 is Isahit: it has the most bucket-side pieces per bucket (access point,
 * CORS), so it is the hardest single-vendor case for the components.
 */
export const benchVendorOrder = ["isahit", "aihub", "mlspace", "deeplake", "aquarium"] as const;
export type BenchVendor = (typeof benchVendorOrder)[number];

/** What each vendor needs in config beyond buckets: principals and vendor-issued ExternalIds (see Pulumi.dev.yaml). */
const vendorSettings: Readonly<Record<BenchVendor, Record<string, unknown>>> = {
  isahit: { access: "read", principal: "arn:aws:iam::999888496268:root", externalId: "isahit-issued-external-id-0001" },
  aihub: {
    access: "read-write",
    auth: "role",
    principal: "arn:aws:iam::777788889999:role/aihub-connector",
    externalId: "aihub-issued-external-id-0001",
  },
  mlspace: { access: "read-write", principal: "444455556666" },
  deeplake: { access: "read-write" },
  aquarium: { access: "read", principal: "arn:aws:iam::123456789012:root", externalId: "generate" },
};

export interface RawBucket {
  name: string;
  region: string;
  prefix: string;
  kmsKeyArn?: string;
}

/**
 * `count` distinct, valid S3 bucket names of exactly `length` characters (3 to 63): a fixed stem and a
 * zero-padded base-36 counter, which always ends the name with a letter or digit as S3 requires.
 */
export function benchBucketNames(count: number, length = 19): string[] {
  if (length < 3 || length > 63) throw new RangeError(`bucket names are 3 to 63 characters, not ${length}`);
  const digits = Math.max(1, Math.ceil(Math.log(Math.max(count, 2)) / Math.log(36)));
  if (digits > length) throw new RangeError(`${count} distinct names do not fit in ${length} characters`);
  const stem = "vendor-bench-bucket-".repeat(4).slice(0, length - digits);
  return Array.from({ length: count }, (_, index) => `${stem}${index.toString(36).padStart(digits, "0")}`);
}

/** B buckets alternating between two regions; every other bucket is SSE-KMS, so KMS statements and grants appear. */
export function benchBuckets(count: number, nameLength?: number): Omit<RawBucket, "prefix">[] {
  return benchBucketNames(count, nameLength).map((name, index) => {
    const region = benchRegions[index % benchRegions.length];
    return { name, region, ...(index % 4 < 2 ? {} : { kmsKeyArn: benchKmsKey(region, index) }) };
  });
}

export interface GeneratedStack {
  vendors: BenchVendor[];
  bucketCount: number;
  /** `namespace:key` -> value, exactly as the engine passes stack config to the program. */
  configMap: Record<string, string>;
  config: StackConfig;
  /** How many integrations each vendor needed to hold all B buckets within the default IAM quotas. */
  integrationsPerVendor: Record<string, number>;
}

function rawIntegration(
  vendor: BenchVendor,
  name: string,
  buckets: readonly Omit<RawBucket, "prefix">[],
): Record<string, unknown> {
  // Each vendor works under its own prefix of the shared bucket, as separate teams' exports would.
  return {
    name,
    vendor,
    ...vendorSettings[vendor],
    buckets: buckets.map((bucket) => ({ ...bucket, prefix: `${vendor}/` })),
  };
}

function integrationName(vendor: BenchVendor, part: number): string {
  return `${vendor}-part-${part}`;
}

function parseOne(raw: Record<string, unknown>): { integration: IntegrationConfig; stack: StackConfig } {
  const stack = parseStackConfig({ accountId: benchAccountId, integrations: [raw] });
  return { integration: stack.integrations[0], stack };
}

function plansWithinQuotas(integration: IntegrationConfig, stack: StackConfig): boolean {
  try {
    planIntegration(integration, stack, benchStackName);
    return true;
  } catch (error) {
    if (error instanceof PlanError) return false;
    throw error;
  }
}

/** Whether one integration holds these buckets within the default quotas: the program's own planner decides. */
export function integrationFits(raw: Record<string, unknown>): boolean {
  const { integration, stack } = parseOne(raw);
  return plansWithinQuotas(integration, stack);
}

/** Split one vendor's buckets into consecutive parts, each the largest that one integration holds. */
export function splitAcrossIntegrations(
  vendor: BenchVendor,
  buckets: readonly Omit<RawBucket, "prefix">[],
): Record<string, unknown>[] {
  const parts: Record<string, unknown>[] = [];
  let remaining = buckets;
  while (remaining.length > 0) {
    const name = integrationName(vendor, parts.length + 1);
    const { integration, stack } = parseOne(rawIntegration(vendor, name, remaining));
    const fitting = largestFittingPrefix(integration.buckets, (subset) =>
      plansWithinQuotas({ ...integration, buckets: [...subset] }, stack),
    );
    if (fitting === 0) throw new Error(`${vendor}: not even one bucket fits an integration within the default quotas`);
    parts.push(rawIntegration(vendor, name, remaining.slice(0, fitting)));
    remaining = remaining.slice(fitting);
  }
  return parts;
}

/** The stack config for V vendors (the first V of `benchVendorOrder`) sharing B buckets. */
export function generateStack(vendorCount: number, bucketCount: number): GeneratedStack {
  if (vendorCount < 1 || vendorCount > benchVendorOrder.length)
    throw new RangeError(`vendors must be 1 to ${benchVendorOrder.length}`);
  const vendors = benchVendorOrder.slice(0, vendorCount);
  const buckets = benchBuckets(bucketCount);
  const integrationsPerVendor: Record<string, number> = {};
  const integrations = vendors.flatMap((vendor) => {
    const parts = splitAcrossIntegrations(vendor, buckets);
    integrationsPerVendor[vendor] = parts.length;
    return parts;
  });
  const configMap: Record<string, string> = {
    "aws:region": benchRegions[0],
    [`${projectName}:accountId`]: benchAccountId,
    [`${projectName}:integrations`]: JSON.stringify(integrations),
    // Placeholder ExternalIds in plain text: marked as an example stack, as the repository's own examples are.
    [`${projectName}:example`]: "true",
  };
  const config = parseStackConfig({ accountId: benchAccountId, integrations });
  return { vendors: [...vendors], bucketCount, configMap, config, integrationsPerVendor };
}
