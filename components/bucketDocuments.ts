import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, toJson, type PolicyDocument, type PolicyStatement } from "./policy/document";
import { iamQuotas } from "./policy/packing";
import { PlanError, type CorsRule } from "./plan";

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

/** The merged policy of one bucket, or undefined if nothing is granted in it. Throws if over 20 KB. */
export function mergedBucketPolicy(args: BucketDocumentsArgs): PolicyDocument | undefined {
    const statements = [...args.baselineStatements, ...args.contributions.flatMap((c) => c.statements)];
    if (statements.length === 0) return undefined;
    const document = policyDocument(statements);
    const size = Buffer.byteLength(toJson(document));
    if (size > iamQuotas.bucketPolicyBytes) {
        const contributors = [
            { owner: "baselineStatements", size: Buffer.byteLength(JSON.stringify(args.baselineStatements)) },
            ...args.contributions.map((c) => ({ owner: c.owner, size: Buffer.byteLength(JSON.stringify(c.statements)) })),
        ].sort((a, b) => b.size - a.size);
        throw new PlanError(
            `bucket ${args.bucket}: the merged bucket policy would be ${size} bytes; S3 allows ${iamQuotas.bucketPolicyBytes}. ` +
                `Largest contributors: ${contributors.slice(0, 3).map((c) => `${c.owner} (${c.size} bytes)`).join(", ")}.`,
        );
    }
    return document;
}

/**
 * One bucket's whole policy and CORS configuration, owned by this stack: every integration's statements
 * and rules in one document each, because S3 keeps exactly one of each per bucket.
 */
export class BucketDocuments extends pulumi.ComponentResource {
    readonly policy?: PolicyDocument;
    readonly corsRules: CorsRule[];

    constructor(name: string, args: BucketDocumentsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("vendor-access:index:BucketDocuments", name, {}, opts);
        this.policy = mergedBucketPolicy(args);
        this.corsRules = args.contributions.flatMap((c) => c.corsRules);
        if (this.policy) {
            new aws.s3.BucketPolicy(`${name}-policy`, { bucket: args.bucket, region: args.region, policy: toJson(this.policy) }, { parent: this });
        }
        if (this.corsRules.length > 0) {
            new aws.s3.BucketCorsConfiguration(
                `${name}-cors`,
                {
                    bucket: args.bucket,
                    region: args.region,
                    corsRules: this.corsRules.map((rule) => ({
                        id: rule.ID,
                        allowedMethods: rule.AllowedMethods,
                        allowedOrigins: rule.AllowedOrigins,
                        allowedHeaders: rule.AllowedHeaders,
                        exposeHeaders: rule.ExposeHeaders,
                        maxAgeSeconds: rule.MaxAgeSeconds,
                    })),
                },
                { parent: this },
            );
        }
        this.registerOutputs({ policy: this.policy && toJson(this.policy), corsRules: this.corsRules });
    }
}
