import type * as pulumi from "@pulumi/pulumi";
import type { LegacyPrefix } from "../model/sharedDocuments/ownership";
import { BucketCorsEntries } from "../providers/bucketCorsEntries";
import { BucketPolicyEntries } from "../providers/bucketPolicyEntries";
import type { CoordinationBucket } from "../providers/s3DocumentStores";
import type { PlannedBucket } from "./bucketDocuments";

export interface SharedBucketEntriesArgs {
  bucket: PlannedBucket;
  ownerKey: string;
  /** Pre-owner-key ID forms of this stack's integrations, moved to the new IDs in the first write. */
  legacy: LegacyPrefix[];
  coordination?: CoordinationBucket;
  /** The roles that the bucket's statements name: S3 refuses a principal that does not exist yet. */
  dependsOn: pulumi.Resource[];
}

export interface SharedBucketEntries {
  policy?: BucketPolicyEntries;
  cors?: BucketCorsEntries;
}

/**
 * A shared bucket's documents as this stack writes them: one BucketPolicyEntries with every integration's
 * statements and one BucketCorsEntries with every integration's rules, so that the stack is one writer per
 * document (docs/shared-buckets.md). No component around them: they are the whole of the stack's bucket side.
 */
export function registerSharedBucketEntries(args: SharedBucketEntriesArgs): SharedBucketEntries {
  const { bucket } = args;
  const statements = args.bucket.contributions.flatMap((c) => c.statements);
  const rules = args.bucket.contributions.flatMap((c) => c.corsRules);
  const common = {
    bucket: bucket.bucket,
    region: bucket.region,
    ownerKey: args.ownerKey,
    legacy: args.legacy,
    ...(args.coordination ? { coordination: args.coordination } : {}),
  };
  return {
    ...(statements.length > 0
      ? {
          policy: new BucketPolicyEntries(
            `bucket-${bucket.bucket}-policy-entries`,
            { ...common, statements },
            { dependsOn: args.dependsOn },
          ),
        }
      : {}),
    ...(rules.length > 0
      ? { cors: new BucketCorsEntries(`bucket-${bucket.bucket}-cors-entries`, { ...common, rules }) }
      : {}),
  };
}
