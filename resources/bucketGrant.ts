import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BucketGrantPlan } from "../model/plan";
import { accessPointResourceName, bucketGrantSpecs, componentTypes } from "../model/resourceSpecs";
import { registerSpecs } from "./registerSpecs";

export interface BucketGrantArgs {
  /** The integration's buckets that have something on the bucket's side (model/resourceSpecs.ts, hasBucketSide). */
  buckets: BucketGrantPlan[];
}

/**
 * The bucket side of one integration, named after it: its access point on each bucket that has one. KMS is the key's:
 * one KeyPolicyEntries per key and stack. Its bucket-policy statements and CORS rules are written per bucket for the
 * whole stack: by the stack's BucketPolicyEntries and BucketCorsEntries in shared mode
 * (model/resourceSpecs.ts, sharedBucketEntriesSpecs), by its ExclusiveBucketDocuments in exclusive mode.
 */
export class BucketGrant extends pulumi.ComponentResource {
  /** The buckets it covers, by name, with their regions. */
  readonly buckets: { name: string; region: string }[];
  /** The ARN of its access point on each bucket that has one, by bucket name. */
  readonly accessPointArns: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: BucketGrantArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentTypes.bucketGrant, name, {}, opts);
    this.buckets = args.buckets.map(({ bucket }) => ({ name: bucket.name, region: bucket.region }));
    const registered = registerSpecs(bucketGrantSpecs(name, args.buckets), this);
    this.accessPointArns = {};
    for (const { name: bucket } of this.buckets) {
      const accessPoint = registered.get(accessPointResourceName(name, bucket)) as aws.s3.AccessPoint | undefined;
      if (accessPoint) this.accessPointArns[bucket] = accessPoint.arn;
    }
    this.registerOutputs({ buckets: this.buckets, accessPointArns: this.accessPointArns });
  }
}
