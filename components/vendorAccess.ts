// The whole program, from validated config to handoffs. index.ts only reads config and calls this.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BucketDocuments, mergedBucketPolicy, type BucketDocumentsArgs } from "./bucketDocuments";
import type { StackConfig } from "./config";
import { actionsOf, unknownActions } from "./policy/catalog";
import { planIntegration, PlanError, type IntegrationPlan } from "./plan";
import { VendorIntegration, type Handoff } from "./vendorIntegration";

export interface VendorAccessOutputs {
    handoffs: Record<string, Handoff>;
}

/** Plan every integration and every bucket document before registering anything: errors surface at preview. */
export function planStack(config: StackConfig, stackName: string): { plans: IntegrationPlan[]; buckets: BucketDocumentsArgs[] } {
    const plans = config.integrations.map((integration) => planIntegration(integration, config, stackName));
    const byBucket = new Map<string, BucketDocumentsArgs>();
    for (const plan of plans) {
        for (const grant of plan.buckets) {
            const entry = byBucket.get(grant.bucket.name) ?? { bucket: grant.bucket.name, region: grant.bucket.region, contributions: [], baselineStatements: [] };
            entry.contributions.push({ owner: plan.integration.name, statements: grant.statements, corsRules: grant.corsRules });
            entry.baselineStatements.push(...grant.bucket.baselineStatements);
            byBucket.set(grant.bucket.name, entry);
        }
    }
    const buckets = [...byBucket.values()];
    buckets.forEach(mergedBucketPolicy); // throws on a bucket policy over 20 KB
    return { plans, buckets };
}

async function assertCatalogActions(plans: IntegrationPlan[]): Promise<void> {
    const actions = plans.flatMap((plan) => [
        ...actionsOf(plan.permissionPolicies),
        ...plan.buckets.flatMap((b) => actionsOf([{ Version: "2012-10-17", Statement: b.statements }])),
    ]);
    const unknown = await unknownActions(actions);
    if (unknown.length > 0) throw new PlanError(`not IAM actions (checked against the IAM catalog): ${unknown.join(", ")}`);
}

/** Fail before anything is created when the credentials belong to another account than the config names. */
async function assertCallerAccount(accountId: string): Promise<void> {
    const identity = await aws.getCallerIdentity({});
    if (identity.accountId !== accountId) {
        throw new PlanError(`the AWS credentials are for account ${identity.accountId}, but config vendor-access:accountId is ${accountId}: wrong credentials or wrong stack`);
    }
}

export async function deployVendorAccess(config: StackConfig, stackName = pulumi.getStack()): Promise<VendorAccessOutputs> {
    const { plans, buckets } = planStack(config, stackName);
    await assertCatalogActions(plans);
    await assertCallerAccount(config.accountId);

    const handoffs: Record<string, Handoff> = {};
    for (const plan of plans) {
        handoffs[plan.integration.name] = new VendorIntegration(plan.integration.name, { plan, stack: stackName }).handoff;
    }
    for (const bucket of buckets) new BucketDocuments(`bucket-${bucket.bucket}`, bucket);
    return { handoffs };
}
