// One stack's and integration's statements in a bucket policy that others share: a Pulumi dynamic resource
// that adds, updates and removes only the statements whose Sid starts with its prefix (issue 5).
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../model/policy/document";
import {
  assertPolicyFits,
  mergeStatements,
  ownedStatements,
  sameStatements,
  statementDrift,
} from "../model/sharedDocuments/merge";
import { createOwnedEntriesProvider } from "./ownedEntriesProvider";
import { bucketPolicyStore, defaultWriteOptions, type WriteOptions } from "./s3Documents";
import { statementsProblems } from "../model/sharedDocuments/validate";

/** The `resourceKind` prop: dynamic resources all share one type token, so the policy pack tells them apart by this. */
export const bucketPolicyStatementsKind = "vendor-access:BucketPolicyStatements";

export interface BucketPolicyStatementsArgs {
  bucket: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** Every statement's Sid starts with this; it is unique to one stack and integration (`plan.sidPrefix`). */
  sidPrefix: pulumi.Input<string>;
  statements: pulumi.Input<PolicyStatement[]>;
}

export interface BucketPolicyStatementsInputs {
  resourceKind: typeof bucketPolicyStatementsKind;
  bucket: string;
  region: string;
  sidPrefix: string;
  statements: PolicyStatement[];
}

export interface BucketPolicyStatementsOutputs extends BucketPolicyStatementsInputs {
  /** How the live policy departs from `statements`, one line per Sid; empty after every write. */
  drift: string[];
}

type Provider = pulumi.dynamic.ResourceProvider<BucketPolicyStatementsInputs, BucketPolicyStatementsOutputs>;

/** The provider, with its own one-writer-per-bucket queue: resources of one stack on one bucket run in turn. */
export function createBucketPolicyStatementsProvider(options: WriteOptions = defaultWriteOptions): Provider {
  return createOwnedEntriesProvider(
    {
      kind: bucketPolicyStatementsKind,
      ownerKey: "sidPrefix",
      entriesKey: "statements",
      what: "statements",
      problems: statementsProblems,
      store: bucketPolicyStore,
      merge: (current, sidPrefix, statements: PolicyStatement[], bucket) => {
        const next = mergeStatements(current, sidPrefix, statements);
        assertPolicyFits(bucket, next);
        return next;
      },
      owned: ownedStatements,
      same: sameStatements,
      drift: statementDrift,
    },
    options,
  ) as Provider;
}

/** The provider every BucketPolicyStatements uses; serialized into the program's state by closure serialization. */
export const bucketPolicyStatementsProvider = createBucketPolicyStatementsProvider();

/**
 * This stack's and integration's statements in one bucket's policy (type `pulumi-nodejs:dynamic:Resource`,
 * `resourceKind: vendor-access:BucketPolicyStatements`). Every other statement in the policy is preserved.
 */
export class BucketPolicyStatements extends pulumi.dynamic.Resource {
  declare readonly bucket: pulumi.Output<string>;
  declare readonly region: pulumi.Output<string>;
  declare readonly sidPrefix: pulumi.Output<string>;
  declare readonly statements: pulumi.Output<PolicyStatement[]>;
  declare readonly drift: pulumi.Output<string[]>;

  constructor(name: string, args: BucketPolicyStatementsArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      resourceKind: bucketPolicyStatementsKind,
      bucket: args.bucket,
      region: args.region,
      sidPrefix: args.sidPrefix,
      statements: args.statements,
      drift: undefined,
    };
    super(bucketPolicyStatementsProvider, name, props, opts);
  }
}
