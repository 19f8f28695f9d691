// The whole program, from validated config to handoffs. index.ts only reads config and calls this.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  assertExclusiveBucketsKeepLiveStatements,
  ExclusiveBucketDocuments,
  mergedBucketPolicy,
  type PlannedBucket,
} from "../resources/exclusiveBucketDocuments";
import { ConfigError, parseStackConfig, type StackConfig, type VendorOptions } from "../model/config";
import { arnProblems } from "../model/policy/arnCatalog";
import { actionsOf, unknownActions } from "../model/policy/catalog";
import { policyDocument, type PolicyDocument } from "../model/policy/document";
import { defaultOwnerKey, planIntegration, PlanError, trustPolicy, type IntegrationPlan } from "../model/plan";
import { keyPolicyOverflow, planKeyPolicies, type KeyPolicyPlan } from "../model/keyPolicy";
import {
  componentTypes,
  keyPolicyEntriesSpecs,
  legacyPrefixes,
  sharedBucketContextOf,
  sharedBucketEntriesSpecs,
} from "../model/resourceSpecs";
import { ownerKeyFor } from "../model/sharedDocuments/ownership";
import { registerSpecs } from "../resources/registerSpecs";
import { vendorCatalogProblems } from "../model/vendors/catalogCheck";
import { VendorRegistry } from "../model/vendors/registry";
import { argsOfPlan, VendorIntegration, type Handoff } from "../resources/vendorIntegration";

/** What a key's owner must add to a key policy this stack may not edit (`kmsKeyPolicy: handoff`). */
export interface KeyPolicyHandoff {
  keyArn: string;
  keyAccount: string;
  /** Add these statements to the key policy as they are; the Sids say which stack and integration they serve. */
  addToKeyPolicy: PolicyDocument["Statement"];
}

export interface VendorAccessOutputs {
  handoffs: Record<string, Handoff>;
  /** Per key in handoff mode: the exact statements for the key's owner. Empty when the stack manages every key. */
  keyPolicyHandoffs: Record<string, KeyPolicyHandoff>;
  /** Per role integration, its trust with the ExternalId redacted: in plain text, so a preview shows trust changes. */
  trustPolicies: Record<string, string>;
}

export interface StackPlanValue {
  plans: IntegrationPlan[];
  buckets: PlannedBucket[];
  /** One entry per KMS key that needs statements for principals outside its account. */
  keyPolicies: KeyPolicyPlan[];
}

/** Per key in handoff mode, the statements its owner adds: never a grant, never written by the stack. */
export function keyPolicyHandoffsOf(keyPolicies: readonly KeyPolicyPlan[]): Record<string, KeyPolicyHandoff> {
  return Object.fromEntries(
    keyPolicies
      .filter((k) => k.mode === "handoff")
      .map((k) => [k.keyArn, { keyArn: k.keyArn, keyAccount: k.keyAccount, addToKeyPolicy: k.statements }]),
  );
}

/** Plan every integration and every bucket document before registering anything: errors surface at preview. */
export function planStack(
  config: StackConfig,
  stackName: string,
  ownerKey = defaultOwnerKey(stackName),
): StackPlanValue {
  const plans = config.integrations.map((integration) => planIntegration(integration, config, stackName, ownerKey));
  const byBucket = new Map<string, PlannedBucket>();
  for (const plan of plans) {
    for (const grant of plan.buckets) {
      const entry = byBucket.get(grant.bucket.name) ?? {
        bucket: grant.bucket.name,
        region: grant.bucket.region,
        policyMode: grant.bucket.bucketPolicyMode,
        contributions: [],
        baselineStatements: [],
      };
      entry.contributions.push({
        owner: plan.integration.name,
        statements: grant.statements,
        corsRules: grant.corsRules,
      });
      entry.baselineStatements.push(...grant.bucket.baselineStatements);
      byBucket.set(grant.bucket.name, entry);
    }
  }
  const buckets = [...byBucket.values()];
  // Throws when the stack's own statements for a bucket exceed 20 KB; shared mode checks the live merge again at write time.
  buckets.forEach(mergedBucketPolicy);
  const keyPolicies = planKeyPolicies(
    plans.flatMap((plan) => plan.keyPolicyStatements),
    ownerKey,
  );
  const overflows = keyPolicies.map(keyPolicyOverflow).filter((problem): problem is string => problem !== undefined);
  if (overflows.length > 0) throw new PlanError(overflows.join("\n"));
  return { plans, buckets, keyPolicies };
}

/** Every rendered document: identity policies, bucket statements, access point policies, trust (its ExternalId is irrelevant here). */
function renderedDocuments(plan: IntegrationPlan): PolicyDocument[] {
  const trust = trustPolicy(plan, "catalog-check");
  return [
    ...plan.permissionPolicies,
    ...plan.buckets.flatMap((b) => [policyDocument(b.statements), ...(b.accessPoint ? [b.accessPoint.policy] : [])]),
    // In a key policy "*" is the key itself: the catalog checks the ARN it stands for.
    ...(plan.keyPolicyStatements.length > 0
      ? [policyDocument(plan.keyPolicyStatements.map((c) => ({ ...c.statement, Resource: [c.keyArn] })))]
      : []),
    ...(trust ? [trust] : []),
  ];
}

/** Fail synth on an action the IAM catalog does not know, or an ARN that is not a resource type its actions take. */
export async function assertDocumentsMatchCatalog(plans: IntegrationPlan[]): Promise<void> {
  const documents = plans.flatMap(renderedDocuments);
  const unknown = await unknownActions(actionsOf(documents));
  if (unknown.length > 0)
    throw new PlanError(`not IAM actions (checked against the IAM catalog): ${unknown.join(", ")}`);
  const badArns = await arnProblems(documents);
  if (badArns.length > 0)
    throw new PlanError(`ARNs that do not match the IAM catalog's resource types:\n  - ${badArns.join("\n  - ")}`);
}

/** Fail before anything is created when the credentials belong to another account than the config names. */
export function assertSameAccount(callerAccountId: string, accountId: string): void {
  if (callerAccountId !== accountId) {
    throw new PlanError(
      `the AWS credentials are for account ${callerAccountId}, but config vendor-access:accountId is ${accountId}: wrong credentials or wrong stack`,
    );
  }
}

async function assertCallerAccount(accountId: string): Promise<void> {
  assertSameAccount((await aws.getCallerIdentity({})).accountId, accountId);
}

/** The warning synth and preview print once per stack when shared buckets are written without coordination. */
export const uncoordinatedWarning =
  "shared buckets: writes to a bucket policy or CORS configuration that other stacks also write are best effort " +
  "without a coordination bucket. Set vendor-access:coordination to {bucket, region} (docs/shared-buckets.md, " +
  "\"Coordination\") so that this stack's writers and other stacks' are linearised per document.";

/** Every registered vendor's actions are IAM actions on the right resource type; ConfigError with key paths if not. */
export async function assertVendorsMatchCatalog(vendors: VendorRegistry): Promise<void> {
  const problems = await vendorCatalogProblems(vendors);
  if (problems.length > 0) throw new ConfigError(problems);
}

export interface DeployOptions extends VendorOptions {
  /** The stack whose names and Sid prefixes the resources use; the current stack by default. */
  stack?: string;
}

/** Raw `vendor-access:*` config parsed with `options.vendors`, or a config parseStackConfig already returned. */
function validatedConfig(config: StackConfig | Record<string, unknown>, options: VendorOptions): StackConfig {
  if (!(config.vendors instanceof VendorRegistry)) return parseStackConfig(config as Record<string, unknown>, options);
  const parsed = config as StackConfig;
  const missing = (options.vendors ?? []).filter((profile) => parsed.vendors.get(profile.id) !== profile);
  if (missing.length > 0)
    throw new ConfigError(
      missing.map(
        (profile) =>
          `defineVendor(${JSON.stringify(profile.id)}): the config was parsed without this vendor; pass it to parseStackConfig too, or pass the raw config`,
      ),
    );
  return parsed;
}

/**
 * The whole program: validate (raw config is parsed with `options.vendors`), check every vendor's actions against
 * the IAM catalog, plan, check the caller and the live bucket policies, then register the components.
 */
export async function deployVendorAccess(
  rawOrParsed: StackConfig | Record<string, unknown>,
  options: DeployOptions = {},
): Promise<VendorAccessOutputs> {
  const config = validatedConfig(rawOrParsed, options);
  const stackName = options.stack ?? pulumi.getStack();
  await assertVendorsMatchCatalog(config.vendors);
  const ownerKey = ownerKeyFor(pulumi.getOrganization(), pulumi.getProject(), stackName);
  const { plans, buckets, keyPolicies } = planStack(config, stackName, ownerKey);
  await assertDocumentsMatchCatalog(plans);
  await assertCallerAccount(config.accountId);
  const legacy = legacyPrefixes(plans, stackName, ownerKey);
  await assertExclusiveBucketsKeepLiveStatements(buckets, ownerKey, legacy);

  const handoffs: Record<string, Handoff> = {};
  const trustPolicies: Record<string, string> = {};
  const integrations = new Map<string, VendorIntegration>();
  for (const plan of plans) {
    const integration = new VendorIntegration(plan.integration.name, argsOfPlan(plan, config, stackName));
    integrations.set(plan.integration.name, integration);
    handoffs[plan.integration.name] = integration.handoff;
    if (integration.vendorIdentity.reviewedTrustPolicy)
      trustPolicies[plan.integration.name] = integration.vendorIdentity.reviewedTrustPolicy;
  }
  // Exclusive buckets are written whole by the stack; shared ones entry by entry, one resource per document.
  for (const bucket of buckets.filter((b) => b.policyMode === "exclusive"))
    new ExclusiveBucketDocuments(`bucket-${bucket.bucket}`, bucket);
  if (buckets.some((b) => b.policyMode === "shared") && !config.coordination)
    void pulumi.log.warn(uncoordinatedWarning);
  const components = new Map<string, pulumi.Resource>(
    [...integrations].map(([name, integration]) => [
      `${componentTypes.vendorIdentity}::${name}`,
      integration.vendorIdentity,
    ]),
  );
  const shared = buckets.filter((b) => b.policyMode === "shared");
  const context = sharedBucketContextOf(config, ownerKey, legacy);
  // A key has one policy for all its buckets and integrations: one KeyPolicyEntries per key and stack.
  registerSpecs(
    [
      ...shared.flatMap((bucket) => sharedBucketEntriesSpecs(bucket, plans, context)),
      ...keyPolicyEntriesSpecs(keyPolicies, context),
    ],
    undefined,
    components,
  );
  return { handoffs, keyPolicyHandoffs: keyPolicyHandoffsOf(keyPolicies), trustPolicies };
}
