import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PlannedBucket } from "../model/stackPlan";
import { toJson, type PolicyDocument } from "../model/policy/document";
import type { CorsRule } from "../model/plan";
import { componentTypes, exclusiveBucketDocumentsSpecs } from "../model/resourceSpecs";
import { registerSpecs } from "./registerSpecs";

/**
 * One bucket's whole policy and CORS configuration, owned by this stack (`bucketPolicyMode: exclusive`): the
 * baseline statements plus every integration's statements and rules, in one document each, because S3 keeps
 * exactly one of each per bucket. Anything else in them is replaced; shared mode uses BucketGrant's resources.
 */
export class ExclusiveBucketDocuments extends pulumi.ComponentResource {
  readonly policy?: PolicyDocument;
  readonly corsRules: CorsRule[];

  constructor(name: string, args: PlannedBucket, opts?: pulumi.ComponentResourceOptions) {
    super(componentTypes.exclusiveBucketDocuments, name, {}, opts);
    this.policy = args.policy;
    this.corsRules = args.corsRules;
    registerSpecs(exclusiveBucketDocumentsSpecs(name, args), this);
    this.registerOutputs({ policy: this.policy && toJson(this.policy), corsRules: this.corsRules });
  }
}

/** The live policy of a bucket, or undefined when it has none (S3: NoSuchBucketPolicy). */
export async function liveBucketPolicy(bucket: string, region: string): Promise<string | undefined> {
  try {
    return (await aws.s3.getBucketPolicy({ bucket, region })).policy;
  } catch (error) {
    // The data source fails on a bucket without a policy: "couldn't find resource" (pulumi-aws #5683), or S3's NoSuchBucketPolicy.
    if (/NoSuchBucketPolicy|couldn't find resource/i.test(String((error as Error)?.message ?? error))) return undefined;
    throw error;
  }
}
