import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toJson } from "../model/policy/document";
import type { BucketGrantPlan } from "../model/plan";

export interface BucketGrantArgs {
  plan: BucketGrantPlan;
}

/**
 * The bucket side of one integration on one bucket: its access point and KMS grant. Its bucket-policy statements
 * and CORS rules are written per bucket for the whole stack: by the stack's BucketPolicyEntries and
 * BucketCorsEntries in shared mode (resources/sharedBucketEntries.ts), by its BucketDocuments in exclusive mode.
 */
export class BucketGrant extends pulumi.ComponentResource {
  readonly bucketName: string;
  readonly region: string;
  readonly accessPointArn?: pulumi.Output<string>;

  constructor(name: string, args: BucketGrantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vendor-access:index:BucketGrant", name, {}, opts);
    const { plan } = args;
    this.bucketName = plan.bucket.name;
    this.region = plan.bucket.region;

    if (plan.accessPoint) {
      // Isahit seed: "Enable Internet access but block public access".
      const accessPoint = new aws.s3.AccessPoint(
        `${name}-access-point`,
        {
          bucket: plan.bucket.name,
          name: plan.accessPoint.name,
          region: plan.bucket.region,
          policy: toJson(plan.accessPoint.policy),
          publicAccessBlockConfiguration: {
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
          },
        },
        { parent: this },
      );
      this.accessPointArn = accessPoint.arn;
    }

    if (plan.kmsGrant) {
      // A cross-account principal needs the key's consent as well as its own IAM policy (AWS KMS: grants).
      new aws.kms.Grant(
        `${name}-kms-grant`,
        {
          // KMS grant names allow [a-zA-Z0-9:/_-]; bucket names may hold dots.
          name: name.replace(/\./g, "-"),
          keyId: plan.kmsGrant.keyArn,
          granteePrincipal: plan.kmsGrant.granteePrincipal,
          operations: plan.kmsGrant.operations,
          region: plan.bucket.region,
        },
        { parent: this },
      );
    }
    this.registerOutputs({
      bucketName: this.bucketName,
      region: this.region,
      accessPointArn: this.accessPointArn,
    });
  }
}
