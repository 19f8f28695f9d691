// Every ARN the program renders is built here, with the AWS SDK's own ARN builder and partition table.
import { build, parse } from "@aws-sdk/util-arn-parser";
import { partition } from "@aws-sdk/core/client";

// The SDK's partition lookup scans its whole table; a grant over thousands of buckets asks for a handful of regions.
const partitionCache = new Map<string, ReturnType<typeof partition> & { description?: string }>();
function partitionInfo(region: string) {
  let info = partitionCache.get(region);
  if (!info) partitionCache.set(region, (info = partition(region)));
  return info;
}

/** True for a region the SDK's partition table lists (e.g. `us-west-2`), false for `us-west-9` or `aws-global`. */
export function isKnownRegion(region: string): boolean {
  return partitionInfo(region).description !== undefined && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region);
}

/** `aws`, `aws-cn`, `aws-us-gov`, ... for a region. */
export function partitionOf(region: string): string {
  return partitionInfo(region).name;
}

export function bucketArn(bucket: string, region: string): string {
  return build({ partition: partitionOf(region), service: "s3", region: "", accountId: "", resource: bucket });
}

/** `arn:aws:s3:::BUCKET/PREFIX*`: the only place a wildcard is allowed, the object-key part. */
export function bucketObjectsArn(bucket: string, region: string, prefix = ""): string {
  return `${bucketArn(bucket, region)}/${prefix}*`;
}

export function accessPointArn(region: string, accountId: string, name: string): string {
  return build({ partition: partitionOf(region), service: "s3", region, accountId, resource: `accesspoint/${name}` });
}

/** Objects through an access point: `.../accesspoint/NAME/object/PREFIX*` (Isahit's instructions write `accesspoint/NAME/*`: docs/vendors/isahit.md). */
export function accessPointObjectsArn(region: string, accountId: string, name: string, prefix = ""): string {
  return `${accessPointArn(region, accountId, name)}/object/${prefix}*`;
}

export function iamArn(partitionName: string, accountId: string, resource: string): string {
  return build({ partition: partitionName, service: "iam", region: "", accountId, resource });
}

/** The root principal of an account: what a bare 12-digit vendor account means in a trust or bucket policy. */
export function accountRootArn(accountId: string, partitionName = "aws"): string {
  return iamArn(partitionName, accountId, "root");
}

export interface ParsedPrincipal {
  accountId: string;
  partition: string;
  kind: "root" | "role" | "user";
}

/** Parse an IAM principal ARN (`:root`, `:role/...`, `:user/...`); undefined for anything else. */
export function parsePrincipalArn(arn: string): ParsedPrincipal | undefined {
  let parsed;
  try {
    parsed = parse(arn);
  } catch {
    return undefined;
  }
  if (parsed.service !== "iam" || parsed.region !== "" || !/^\d{12}$/.test(parsed.accountId)) return undefined;
  const resource = parsed.resource;
  const kind =
    resource === "root"
      ? "root"
      : /^role\/[\w+=,.@/-]+$/.test(resource)
        ? "role"
        : /^user\/[\w+=,.@/-]+$/.test(resource)
          ? "user"
          : undefined;
  return kind === undefined ? undefined : { accountId: parsed.accountId, partition: parsed.partition, kind };
}

export interface ParsedKmsKey {
  region: string;
  accountId: string;
}

/** Parse a KMS key ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`); undefined for aliases and anything else. */
export function parseKmsKeyArn(arn: string): ParsedKmsKey | undefined {
  let parsed;
  try {
    parsed = parse(arn);
  } catch {
    return undefined;
  }
  if (parsed.service !== "kms" || !/^\d{12}$/.test(parsed.accountId) || !/^key\/[A-Za-z0-9-]+$/.test(parsed.resource))
    return undefined;
  return { region: parsed.region, accountId: parsed.accountId };
}
