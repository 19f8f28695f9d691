// What the vendor needs back from the customer, as data: the component fills it with Pulumi outputs, the
// render from the plan with the values it knows. Pure: no Pulumi resources.
import type { IntegrationPlan } from "./plan";

export interface HandoffBucket<V> {
  name: string;
  region: string;
  pathToDrive?: string;
  accessPointArn?: V;
  serverSideEncryption?: "SSE-KMS" | "None or SSE-S3";
  kmsKeyArn?: string;
}

/** Exactly what the vendor needs back from the customer (docs/vendors/, "What we do" of each vendor). Secrets stay Pulumi secrets. */
export interface Handoff<V> {
  vendor: string;
  roleArn?: V;
  externalId?: V;
  accessKeyId?: V;
  secretAccessKey?: V;
  regions?: string[];
  buckets: HandoffBucket<V>[];
  vendorSideStatement?: { addTo: string[]; statement: unknown };
}

/** The values only a deployment knows, as outputs or as the render shows them. */
export interface HandoffValues<V> {
  principalArn: V;
  externalId?: V;
  accessKeyId?: V;
  secretAccessKey?: V;
  /** The access point ARN on a bucket, by bucket name. */
  accessPointArn(bucket: string): V | undefined;
}

export function buildHandoff<V>(plan: IntegrationPlan, values: HandoffValues<V>): Handoff<V> {
  const fields = new Set(plan.profile.handoff);
  const handoff: Handoff<V> = {
    vendor: plan.profile.displayName,
    buckets: plan.buckets.map((bucket) => ({
      name: bucket.bucket.name,
      region: bucket.bucket.region,
      ...(fields.has("pathToDrive") && bucket.bucket.prefix ? { pathToDrive: bucket.bucket.prefix } : {}),
      ...(fields.has("accessPoints") && values.accessPointArn(bucket.bucket.name) !== undefined
        ? { accessPointArn: values.accessPointArn(bucket.bucket.name) }
        : {}),
      ...(fields.has("encryption")
        ? bucket.bucket.kmsKeyArn
          ? { serverSideEncryption: "SSE-KMS" as const, kmsKeyArn: bucket.bucket.kmsKeyArn }
          : { serverSideEncryption: "None or SSE-S3" as const }
        : {}),
    })),
  };
  if (fields.has("regions")) handoff.regions = [...new Set(plan.buckets.map((b) => b.bucket.region))];
  if (fields.has("roleArn") && plan.principalType === "role") handoff.roleArn = values.principalArn;
  // A vendor-issued ExternalId is already the vendor's: hand back only the one we generated.
  if (fields.has("externalId") && plan.externalIdSource === "generated") handoff.externalId = values.externalId;
  if (fields.has("accessKey") && plan.principalType === "user") {
    handoff.accessKeyId = values.accessKeyId;
    handoff.secretAccessKey = values.secretAccessKey;
  }
  if (fields.has("vendorSideStatement")) {
    handoff.vendorSideStatement = {
      // The vendor's deployment owns these policies: we render the statements to add rather than overwrite them.
      addTo: plan.profile.vendorSidePolicies?.(plan.integration.extra) ?? [
        "the IAM policy of every principal in the vendor's account that reads these buckets",
      ],
      statement: plan.permissionPolicies[0].Statement,
    };
  }
  return handoff;
}
