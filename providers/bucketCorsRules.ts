// One stack's and integration's rules in a bucket's CORS configuration that others share: a Pulumi dynamic
// resource that adds, updates and removes only the rules whose ID it owns (issue 5).
import * as pulumi from "@pulumi/pulumi";
import type { CorsRule } from "../model/plan";
import {
  assertCorsFits,
  corsDrift,
  mergeCorsRules,
  ownedCorsRules,
  sameCorsRules,
} from "../model/sharedDocuments/merge";
import { createOwnedEntriesProvider } from "./ownedEntriesProvider";
import { bucketCorsStore, defaultWriteOptions, type WriteOptions } from "./s3Documents";
import { corsRulesProblems } from "../model/sharedDocuments/validate";

/** The `resourceKind` prop: dynamic resources all share one type token, so the policy pack tells them apart by this. */
export const bucketCorsRulesKind = "vendor-access:BucketCorsRules";

export interface BucketCorsRulesArgs {
  bucket: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /** Every rule's ID is this or starts with it followed by `--`: `<integration>--<stack>`. */
  ruleIdPrefix: pulumi.Input<string>;
  rules: pulumi.Input<CorsRule[]>;
}

export interface BucketCorsRulesInputs {
  resourceKind: typeof bucketCorsRulesKind;
  bucket: string;
  region: string;
  ruleIdPrefix: string;
  rules: CorsRule[];
}

export interface BucketCorsRulesOutputs extends BucketCorsRulesInputs {
  /** How the live CORS configuration departs from `rules`, one line per rule ID; empty after every write. */
  drift: string[];
}

type Provider = pulumi.dynamic.ResourceProvider<BucketCorsRulesInputs, BucketCorsRulesOutputs>;

/** The provider, with its own one-writer-per-bucket queue: resources of one stack on one bucket run in turn. */
export function createBucketCorsRulesProvider(options: WriteOptions = defaultWriteOptions): Provider {
  return createOwnedEntriesProvider(
    {
      kind: bucketCorsRulesKind,
      ownerKey: "ruleIdPrefix",
      entriesKey: "rules",
      what: "CORS rules",
      problems: (rules, _bucket, ruleIdPrefix) => corsRulesProblems(rules, ruleIdPrefix),
      store: bucketCorsStore,
      merge: (current, ruleIdPrefix, rules: CorsRule[], bucket) => {
        const next = mergeCorsRules(current, ruleIdPrefix, rules);
        assertCorsFits(bucket, next);
        // S3 has no empty CORS configuration: with no rule left, delete it.
        return next.length > 0 ? next : undefined;
      },
      owned: ownedCorsRules,
      same: sameCorsRules,
      drift: corsDrift,
    },
    options,
  ) as Provider;
}

/** The provider every BucketCorsRules uses; serialized into the program's state by closure serialization. */
export const bucketCorsRulesProvider = createBucketCorsRulesProvider();

/**
 * This stack's and integration's rules in one bucket's CORS configuration (type `pulumi-nodejs:dynamic:Resource`,
 * `resourceKind: vendor-access:BucketCorsRules`). Every other rule in the configuration is preserved.
 */
export class BucketCorsRules extends pulumi.dynamic.Resource {
  declare readonly bucket: pulumi.Output<string>;
  declare readonly region: pulumi.Output<string>;
  declare readonly ruleIdPrefix: pulumi.Output<string>;
  declare readonly rules: pulumi.Output<CorsRule[]>;
  declare readonly drift: pulumi.Output<string[]>;

  constructor(name: string, args: BucketCorsRulesArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      resourceKind: bucketCorsRulesKind,
      bucket: args.bucket,
      region: args.region,
      ruleIdPrefix: args.ruleIdPrefix,
      rules: args.rules,
      drift: undefined,
    };
    super(bucketCorsRulesProvider, name, props, opts);
  }
}
