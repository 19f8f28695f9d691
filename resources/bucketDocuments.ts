import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BucketPolicyMode } from "../model/config";
import { policyDocument, toJson, type PolicyDocument, type PolicyStatement } from "../model/policy/document";
import { PlanError, type CorsRule } from "../model/plan";
import {
  bucketPolicyMaxBytes,
  canonicalStatement,
  parsePolicy,
  policyBytes,
  type LiveStatement,
} from "../model/sharedDocuments/merge";
import { isUnderOwnerKey, migratedId, type LegacyPrefix } from "../model/sharedDocuments/ownership";

export interface BucketContribution {
  /** Who contributes: the integration name, for error messages. */
  owner: string;
  statements: PolicyStatement[];
  corsRules: CorsRule[];
}

export interface BucketDocumentsArgs {
  bucket: string;
  region: string;
  contributions: BucketContribution[];
  /** Statements the stack keeps in a policy it owns outright (exclusive mode). */
  baselineStatements: PolicyStatement[];
}

/** One bucket as the stack plans it: its mode decides who writes the documents (BucketGrant or BucketDocuments). */
export interface PlannedBucket extends BucketDocumentsArgs {
  policyMode: BucketPolicyMode;
}

/** The merged policy of one bucket, or undefined if nothing is granted in it. Throws if over 20 KB. */
export function mergedBucketPolicy(args: BucketDocumentsArgs): PolicyDocument | undefined {
  const statements = [...args.baselineStatements, ...args.contributions.flatMap((c) => c.statements)];
  if (statements.length === 0) return undefined;
  const document = policyDocument(statements);
  const size = policyBytes(document);
  if (size > bucketPolicyMaxBytes) {
    const contributors = [
      { owner: "baselineStatements", size: Buffer.byteLength(JSON.stringify(args.baselineStatements)) },
      ...args.contributions.map((c) => ({ owner: c.owner, size: Buffer.byteLength(JSON.stringify(c.statements)) })),
    ].sort((a, b) => b.size - a.size);
    throw new PlanError(
      `bucket ${args.bucket}: the merged bucket policy would be ${size} bytes; S3 allows ${bucketPolicyMaxBytes}. ` +
        `Largest contributors: ${contributors
          .slice(0, 3)
          .map((c) => `${c.owner} (${c.size} bytes)`)
          .join(", ")}.`,
    );
  }
  return document;
}

/** A CORS rule as `aws.s3.BucketCorsConfiguration` takes it. */
export function corsRuleArgs(rule: CorsRule): aws.types.input.s3.BucketCorsConfigurationCorsRule {
  return {
    id: rule.ID,
    allowedMethods: rule.AllowedMethods,
    allowedOrigins: rule.AllowedOrigins,
    allowedHeaders: rule.AllowedHeaders,
    exposeHeaders: rule.ExposeHeaders,
    maxAgeSeconds: rule.MaxAgeSeconds,
  };
}

/**
 * One bucket's whole policy and CORS configuration, owned by this stack (`bucketPolicyMode: exclusive`): the
 * baseline statements plus every integration's statements and rules, in one document each, because S3 keeps
 * exactly one of each per bucket. Anything else in them is replaced; shared mode uses BucketGrant's resources.
 */
export class BucketDocuments extends pulumi.ComponentResource {
  readonly policy?: PolicyDocument;
  readonly corsRules: CorsRule[];

  constructor(name: string, args: BucketDocumentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vendor-access:index:BucketDocuments", name, {}, opts);
    this.policy = mergedBucketPolicy(args);
    this.corsRules = args.contributions.flatMap((c) => c.corsRules);
    if (this.policy) {
      new aws.s3.BucketPolicy(
        `${name}-policy`,
        { bucket: args.bucket, region: args.region, policy: toJson(this.policy) },
        { parent: this },
      );
    }
    if (this.corsRules.length > 0) {
      new aws.s3.BucketCorsConfiguration(
        `${name}-cors`,
        {
          bucket: args.bucket,
          region: args.region,
          corsRules: this.corsRules.map(corsRuleArgs),
        },
        { parent: this },
      );
    }
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
): Promise<void> {
  const problems: string[] = [];
  for (const bucket of buckets.filter((b) => b.policyMode === "exclusive")) {
    const desired = mergedBucketPolicy(bucket)?.Statement ?? [];
    const dropped = droppedLiveStatements(
      await liveBucketPolicy(bucket.bucket, bucket.region),
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
