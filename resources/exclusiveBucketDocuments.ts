import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { mergedBucketPolicy, type BucketDocumentsArgs, type PlannedBucket } from "../model/bucketDocuments";
import { toJson, type PolicyDocument, type PolicyStatement } from "../model/policy/document";
import { PlanError, type CorsRule } from "../model/plan";
import { exclusiveBucketDocumentsSpecs, componentTypes } from "../model/resourceSpecs";
import { canonicalStatement, parsePolicy, type LiveStatement } from "../model/sharedDocuments/merge";
import { isUnderOwnerKey, migratedId, type LegacyPrefix } from "../model/sharedDocuments/ownership";
import { registerSpecs } from "./registerSpecs";

export {
  mergedBucketPolicy,
  type BucketContribution,
  type BucketDocumentsArgs,
  type PlannedBucket,
} from "../model/bucketDocuments";

/**
 * One bucket's whole policy and CORS configuration, owned by this stack (`bucketPolicyMode: exclusive`): the
 * baseline statements plus every integration's statements and rules, in one document each, because S3 keeps
 * exactly one of each per bucket. Anything else in them is replaced; shared mode uses BucketGrant's resources.
 */
export class ExclusiveBucketDocuments extends pulumi.ComponentResource {
  readonly policy?: PolicyDocument;
  readonly corsRules: CorsRule[];

  constructor(name: string, args: BucketDocumentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentTypes.exclusiveBucketDocuments, name, {}, opts);
    this.policy = mergedBucketPolicy(args);
    this.corsRules = args.contributions.flatMap((c) => c.corsRules);
    registerSpecs(exclusiveBucketDocumentsSpecs(name, args), this);
    this.registerOutputs({ policy: this.policy && toJson(this.policy), corsRules: this.corsRules });
  }
}

/**
 * The statements of a live policy that an exclusive-mode stack would drop: every statement that is not in the policy
 * it will write, whatever its Sid, except those carrying this stack's owner key (an earlier `up` of this stack wrote
 * them) and this stack's pre-owner-key statements that it now writes, unchanged, under the new Sid.
 */
export function droppedLiveStatements(
  livePolicy: string | undefined,
  bucket: string,
  desired: readonly PolicyStatement[],
  ownerKey: string,
  legacy: readonly LegacyPrefix[],
): LiveStatement[] {
  const live = parsePolicy(bucket, livePolicy);
  const kept = new Set(desired.map(canonicalStatement));
  const migrated = (statement: LiveStatement) => {
    const target = migratedId(typeof statement.Sid === "string" ? statement.Sid : undefined, legacy);
    return target !== undefined && kept.has(canonicalStatement({ ...statement, Sid: target }));
  };
  return (live?.Statement ?? []).filter(
    (statement) =>
      !kept.has(canonicalStatement(statement)) && !isUnderOwnerKey(statement.Sid, ownerKey) && !migrated(statement),
  );
}

/** The live policy of a bucket, or undefined when it has none (S3: NoSuchBucketPolicy). */
async function liveBucketPolicy(bucket: string, region: string): Promise<string | undefined> {
  try {
    return (await aws.s3.getBucketPolicy({ bucket, region })).policy;
  } catch (error) {
    // The data source fails on a bucket without a policy: "couldn't find resource" (pulumi-aws #5683), or S3's NoSuchBucketPolicy.
    if (/NoSuchBucketPolicy|couldn't find resource/i.test(String((error as Error)?.message ?? error))) return undefined;
    throw error;
  }
}

/**
 * Fail, listing them, when an exclusive-mode bucket's live policy holds statements the stack would drop.
 * Runs at preview, before anything is registered: replacing a policy is silent data loss otherwise.
 */
export async function assertExclusiveBucketsKeepLiveStatements(
  buckets: readonly PlannedBucket[],
  ownerKey: string,
  legacy: readonly LegacyPrefix[],
  livePolicyOf: (bucket: string, region: string) => Promise<string | undefined> = liveBucketPolicy,
): Promise<void> {
  const problems: string[] = [];
  for (const bucket of buckets.filter((b) => b.policyMode === "exclusive")) {
    const desired = mergedBucketPolicy(bucket)?.Statement ?? [];
    const dropped = droppedLiveStatements(
      await livePolicyOf(bucket.bucket, bucket.region),
      bucket.bucket,
      desired,
      ownerKey,
      legacy,
    );
    if (dropped.length === 0) continue;
    problems.push(
      `bucket ${bucket.bucket} (bucketPolicyMode: exclusive): its live policy has ${dropped.length} statement${dropped.length === 1 ? "" : "s"} this stack would drop:\n` +
        dropped
          .map(
            (statement) =>
              `    - ${typeof statement.Sid === "string" ? `Sid ${statement.Sid}` : "(no Sid)"}: ${JSON.stringify(statement)}`,
          )
          .join("\n"),
    );
  }
  if (problems.length > 0) {
    throw new PlanError(
      `${problems.join("\n")}\nTo keep them, add them to that bucket's baselineStatements; to leave other statements alone, use bucketPolicyMode: shared (docs/shared-buckets.md).`,
    );
  }
}
