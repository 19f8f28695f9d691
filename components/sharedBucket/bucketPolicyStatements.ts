// One stack's and integration's statements in a bucket policy that others share: a Pulumi dynamic resource
// that adds, updates and removes only the statements whose Sid starts with its prefix (issue 5).
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../policy/document";
import { assertPolicyFits, mergeStatements, ownedStatements, sameStatements, statementDrift } from "./merge";
import { bucketPolicyStore, defaultWriteOptions, keyedQueue, readModifyWrite, s3ClientFor, type WriteOptions } from "./s3Documents";
import { containsUnknown, invalidContributionError, statementsProblems } from "./validate";

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
    const queue = keyedQueue();

    // Write `statements` as ours (an empty list removes ours), merged into whatever else the policy holds.
    const writeOurs = async (bucket: string, region: string, sidPrefix: string, statements: PolicyStatement[]): Promise<void> => {
        const problems = statementsProblems(statements, bucket, sidPrefix);
        if (problems.length > 0) throw invalidContributionError(bucket, problems);
        const client = s3ClientFor(region);
        try {
            await queue(bucket, () =>
                readModifyWrite(
                    `bucket ${bucket}: statements ${sidPrefix}*`,
                    bucketPolicyStore(client, bucket, region),
                    (current) => {
                        const next = mergeStatements(current, sidPrefix, statements);
                        assertPolicyFits(bucket, next);
                        return next;
                    },
                    (live) => sameStatements(ownedStatements(live, sidPrefix), statements),
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
            if (news.resourceKind !== bucketPolicyStatementsKind) failures.push({ property: "resourceKind", reason: `must be ${bucketPolicyStatementsKind}` });
            // Values still unknown in a preview are checked once known, at create or update. (Not `__provider`:
            // the provider's own code holds the unknown marker.)
            if (containsUnknown([news.resourceKind, news.bucket, news.region, news.sidPrefix, news.statements])) return { inputs: news, failures };
            for (const key of ["bucket", "region", "sidPrefix"] as const) {
                if (typeof news[key] !== "string" || news[key] === "") failures.push({ property: key, reason: "must be a non-empty string" });
            }
            if (!Array.isArray(news.statements)) failures.push({ property: "statements", reason: "must be a list of policy statements" });
            else if (failures.length === 0) {
                for (const reason of statementsProblems(news.statements, news.bucket, news.sidPrefix)) failures.push({ property: "statements", reason });
            }
            return { inputs: news, failures };
        },

        // Only our statements count; which of them changed is for the engine to show, so this says yes or no.
        diff: async (_id, olds, news) => {
            const replaces = (["bucket", "region", "sidPrefix"] as const).filter((key) => olds[key] !== news[key]);
            const changed = containsUnknown(news.statements) || !sameStatements(olds.statements ?? [], news.statements ?? []) || (olds.drift ?? []).length > 0;
            return {
                changes: replaces.length > 0 || changed,
                replaces,
                // Same bucket and prefix under a new region: a create-before-delete would delete the new statements.
                deleteBeforeReplace: replaces.length > 0 && olds.bucket === news.bucket && olds.sidPrefix === news.sidPrefix,
            };
        },

        create: async (inputs) => {
            await writeOurs(inputs.bucket, inputs.region, inputs.sidPrefix, inputs.statements);
            return { id: `${inputs.bucket}/${inputs.sidPrefix}`, outs: { ...inputs, drift: [] } };
        },

        // State keeps what we wrote; drift says how the live policy departs from it, and makes the next diff rewrite ours.
        read: async (id, props) => {
            if (!props) throw new Error(`reading ${id} needs its state (bucket, region, sidPrefix); import is not supported`);
            const client = s3ClientFor(props.region);
            try {
                const live = await bucketPolicyStore(client, props.bucket, props.region).get();
                return { id, props: { ...props, drift: statementDrift(props.statements, ownedStatements(live, props.sidPrefix)) } };
            } catch (error) {
                // A deleted bucket takes its policy with it: a blank ID tells the engine the resource is gone.
                if ((error as Error).name === "BucketNotFoundError") return { id: "" };
                throw error;
            } finally {
                client.destroy();
            }
        },

        update: async (_id, _olds, news) => {
            await writeOurs(news.bucket, news.region, news.sidPrefix, news.statements);
            return { outs: { ...news, drift: [] } };
        },

        delete: async (_id, props) => {
            try {
                await writeOurs(props.bucket, props.region, props.sidPrefix, []);
            } catch (error) {
                if ((error as Error).name !== "BucketNotFoundError") throw error;
            }
        },
    };
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
        const props = { resourceKind: bucketPolicyStatementsKind, bucket: args.bucket, region: args.region, sidPrefix: args.sidPrefix, statements: args.statements, drift: undefined };
        super(bucketPolicyStatementsProvider, name, props, opts);
    }
}
