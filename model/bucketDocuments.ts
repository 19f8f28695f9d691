// One bucket's documents as the stack plans them: every integration's contribution, and the merged policy an
// exclusive-mode stack writes whole. Pure: no Pulumi resources, no I/O.
import type { BucketPolicyMode } from "./config";
import { policyDocument, type PolicyDocument, type PolicyStatement } from "./policy/document";
import { PlanError, type CorsRule } from "./plan";
import { s3Limits } from "./limits";
import { policyBytes } from "./sharedDocuments/merge";

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

/** One bucket as the stack plans it: its mode decides who writes the documents (BucketGrant or ExclusiveBucketDocuments). */
export interface PlannedBucket extends BucketDocumentsArgs {
  policyMode: BucketPolicyMode;
}

/** The merged policy of one bucket, or undefined if nothing is granted in it. Throws if over S3's size limit. */
export function mergedBucketPolicy(args: BucketDocumentsArgs): PolicyDocument | undefined {
  const statements = [...args.baselineStatements, ...args.contributions.flatMap((c) => c.statements)];
  if (statements.length === 0) return undefined;
  const document = policyDocument(statements);
  const size = policyBytes(document);
  if (size > s3Limits.bucketPolicyBytes) {
    const contributors = [
      { owner: "baselineStatements", size: Buffer.byteLength(JSON.stringify(args.baselineStatements)) },
      ...args.contributions.map((c) => ({ owner: c.owner, size: Buffer.byteLength(JSON.stringify(c.statements)) })),
    ].sort((a, b) => b.size - a.size);
    throw new PlanError(
      `bucket ${args.bucket}: the merged bucket policy would be ${size} bytes; S3 allows ${s3Limits.bucketPolicyBytes}. ` +
        `Largest contributors: ${contributors
          .slice(0, 3)
          .map((c) => `${c.owner} (${c.size} bytes)`)
          .join(", ")}.`,
    );
  }
  return document;
}
