import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toJson } from "../model/policy/document";
import { corsRuleIdPrefixFor, type BucketGrantPlan } from "../model/plan";
import { BucketCorsRules } from "../providers/bucketCorsRules";
import { BucketPolicyStatements } from "../providers/bucketPolicyStatements";

export interface BucketGrantArgs {
  plan: BucketGrantPlan;
  /** The integration's Sid prefix (`plan.sidPrefix`): it owns the statements and, without the dashes, the CORS rule IDs. */
  sidPrefix: string;
}

/**
 * The bucket side of one integration on one bucket: its access point and KMS grant, and the bucket-policy
 * statements and CORS rules it contributes. In shared mode (the default) it writes those itself, statement by
 * statement and rule by rule, so that integrations and stacks sharing a bucket never take the whole document
 * from each other; in exclusive mode the stack's BucketDocuments writes them.
 */
export class BucketGrant extends pulumi.ComponentResource {
  readonly bucketName: string;
  readonly region: string;
  readonly accessPointArn?: pulumi.Output<string>;
  /** Shared mode: this integration's statements in the bucket policy, when it has any. */
  readonly policyStatements?: BucketPolicyStatements;
  /** Shared mode: this integration's rules in the bucket's CORS configuration, when it has any. */
  readonly corsRules?: BucketCorsRules;

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
    if (plan.bucket.bucketPolicyMode === "shared") {
      if (plan.statements.length > 0) {
        this.policyStatements = new BucketPolicyStatements(
          `${name}-policy-statements`,
          {
            bucket: plan.bucket.name,
            region: plan.bucket.region,
            sidPrefix: args.sidPrefix,
            statements: plan.statements,
          },
          { parent: this },
        );
      }
      if (plan.corsRules.length > 0) {
        this.corsRules = new BucketCorsRules(
          `${name}-cors-rules`,
          {
            bucket: plan.bucket.name,
            region: plan.bucket.region,
            ruleIdPrefix: corsRuleIdPrefixFor(args.sidPrefix),
            rules: plan.corsRules,
          },
          { parent: this },
        );
      }
    }
    this.registerOutputs({
      bucketName: this.bucketName,
      region: this.region,
      accessPointArn: this.accessPointArn,
      policyDrift: this.policyStatements?.drift,
      corsDrift: this.corsRules?.drift,
    });
  }
}
