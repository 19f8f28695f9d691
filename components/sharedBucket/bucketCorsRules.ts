// One stack's and integration's rules in a bucket's CORS configuration that others share: a Pulumi dynamic
// resource that adds, updates and removes only the rules whose ID it owns (issue 5).
import * as pulumi from "@pulumi/pulumi";
import type { CorsRule } from "../plan";
import { assertCorsFits, corsDrift, mergeCorsRules, ownedCorsRules, sameCorsRules } from "./merge";
import { bucketCorsStore, defaultWriteOptions, keyedQueue, readModifyWrite, s3ClientFor, type WriteOptions } from "./s3Documents";
import { containsUnknown, corsRulesProblems, invalidContributionError } from "./validate";

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
    const queue = keyedQueue();

    // Write `rules` as ours (an empty list removes ours), merged into whatever else the configuration holds.
    const writeOurs = async (bucket: string, region: string, ruleIdPrefix: string, rules: CorsRule[]): Promise<void> => {
        const problems = corsRulesProblems(rules, ruleIdPrefix);
        if (problems.length > 0) throw invalidContributionError(bucket, problems);
        const client = s3ClientFor(region);
        try {
            await queue(bucket, () =>
                readModifyWrite(
                    `bucket ${bucket}: CORS rules ${ruleIdPrefix}`,
                    bucketCorsStore(client, bucket, region),
                    (current) => {
                        const next = mergeCorsRules(current, ruleIdPrefix, rules);
                        assertCorsFits(bucket, next);
                        // S3 has no empty CORS configuration: with no rule left, delete it.
                        return next.length > 0 ? next : undefined;
                    },
                    (live) => sameCorsRules(ownedCorsRules(live, ruleIdPrefix), rules),
                    options,
                ),
            );
        } finally {
            client.destroy();
        }
    };

    return {
        check: async (_olds, news) => {
            const failures: pulumi.dynamic.CheckFailure[] = [];
            if (news.resourceKind !== bucketCorsRulesKind) failures.push({ property: "resourceKind", reason: `must be ${bucketCorsRulesKind}` });
            // Values still unknown in a preview are checked once known, at create or update. (Not `__provider`:
            // the provider's own code holds the unknown marker.)
            if (containsUnknown([news.resourceKind, news.bucket, news.region, news.ruleIdPrefix, news.rules])) return { inputs: news, failures };
            for (const key of ["bucket", "region", "ruleIdPrefix"] as const) {
                if (typeof news[key] !== "string" || news[key] === "") failures.push({ property: key, reason: "must be a non-empty string" });
            }
            if (!Array.isArray(news.rules)) failures.push({ property: "rules", reason: "must be a list of CORS rules" });
            else if (failures.length === 0) for (const reason of corsRulesProblems(news.rules, news.ruleIdPrefix)) failures.push({ property: "rules", reason });
            return { inputs: news, failures };
        },

        // Only our rules count; which of them changed is for the engine to show, so this says yes or no.
        diff: async (_id, olds, news) => {
            const replaces = (["bucket", "region", "ruleIdPrefix"] as const).filter((key) => olds[key] !== news[key]);
            const changed = containsUnknown(news.rules) || !sameCorsRules(olds.rules ?? [], news.rules ?? []) || (olds.drift ?? []).length > 0;
            return {
                changes: replaces.length > 0 || changed,
                replaces,
                // Same bucket and prefix under a new region: a create-before-delete would delete the new rules.
                deleteBeforeReplace: replaces.length > 0 && olds.bucket === news.bucket && olds.ruleIdPrefix === news.ruleIdPrefix,
            };
        },

        create: async (inputs) => {
            await writeOurs(inputs.bucket, inputs.region, inputs.ruleIdPrefix, inputs.rules);
            return { id: `${inputs.bucket}/${inputs.ruleIdPrefix}`, outs: { ...inputs, drift: [] } };
        },

        // State keeps what we wrote; drift says how the live rules depart from it, and makes the next diff rewrite ours.
        read: async (id, props) => {
            if (!props) throw new Error(`reading ${id} needs its state (bucket, region, ruleIdPrefix); import is not supported`);
            const client = s3ClientFor(props.region);
            try {
                const live = await bucketCorsStore(client, props.bucket, props.region).get();
                return { id, props: { ...props, drift: corsDrift(props.rules, ownedCorsRules(live, props.ruleIdPrefix)) } };
            } catch (error) {
                // A deleted bucket takes its CORS configuration with it: a blank ID tells the engine the resource is gone.
                if ((error as Error).name === "BucketNotFoundError") return { id: "" };
                throw error;
            } finally {
                client.destroy();
            }
        },

        update: async (_id, _olds, news) => {
            await writeOurs(news.bucket, news.region, news.ruleIdPrefix, news.rules);
            return { outs: { ...news, drift: [] } };
        },

        delete: async (_id, props) => {
            try {
                await writeOurs(props.bucket, props.region, props.ruleIdPrefix, []);
            } catch (error) {
                if ((error as Error).name !== "BucketNotFoundError") throw error;
            }
        },
    };
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
        const props = { resourceKind: bucketCorsRulesKind, bucket: args.bucket, region: args.region, ruleIdPrefix: args.ruleIdPrefix, rules: args.rules, drift: undefined };
        super(bucketCorsRulesProvider, name, props, opts);
    }
}
