import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BucketGrantPlan } from "../model/plan";
import { bucketGrantSpecs, componentTypes } from "../model/resourceSpecs";
import { registerSpecs } from "./registerSpecs";

export interface BucketGrantArgs {
  plan: BucketGrantPlan;
}

/**
 * The bucket side of one integration on one bucket: its access point, registered only where it has one
 * (model/resourceSpecs.ts, hasBucketSide). KMS is the key's: one KeyPolicyEntries per key and stack. Its bucket-policy statements and CORS rules are written per
 * bucket for the whole stack: by the stack's BucketPolicyEntries and BucketCorsEntries in shared mode
 * (model/resourceSpecs.ts, sharedBucketEntriesSpecs), by its ExclusiveBucketDocuments in exclusive mode.
 */
export class BucketGrant extends pulumi.ComponentResource {
  readonly bucketName: string;
  readonly region: string;
  readonly accessPointArn?: pulumi.Output<string>;

  constructor(name: string, args: BucketGrantArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentTypes.bucketGrant, name, {}, opts);
    const { plan } = args;
    this.bucketName = plan.bucket.name;
    this.region = plan.bucket.region;
    const registered = registerSpecs(bucketGrantSpecs(name, plan), this);
    this.accessPointArn = (registered.get(`${name}-access-point`) as aws.s3.AccessPoint | undefined)?.arn;
    this.registerOutputs({
      bucketName: this.bucketName,
      region: this.region,
      accessPointArn: this.accessPointArn,
    });
  }
}
