// The whole program, from validated config to handoffs. index.ts only reads config and calls this.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withRunErrors } from "./engineErrors";
import { ExclusiveBucketDocuments, liveBucketPolicy } from "../resources/exclusiveBucketDocuments";
import { keyPolicyHandoffsOf, planStack, type KeyPolicyHandoff } from "../model/stackPlan";
import {
  assertDocumentsMatchCatalog,
  assertExclusiveBucketsKeepLiveStatements,
  assertSameAccount,
  assertVendorsMatchCatalog,
  uncoordinatedWarning,
} from "./preflight";
import { ConfigError, parseStackConfig, type StackConfig, type VendorOptions } from "../model/config";
import {
  componentTypes,
  exclusiveBucketDocumentsName,
  legacyPrefixes,
  sharedBucketContextOf,
  sharedDocumentSpecs,
} from "../model/resourceSpecs";
import { ownerKeyFor } from "../model/sharedDocuments/ownership";
import { registerSpecs } from "../resources/registerSpecs";
import { VendorRegistry } from "../model/vendors/registry";
import { argsOfPlan, VendorIntegration, type Handoff } from "../resources/vendorIntegration";

export interface VendorAccessOutputs {
  handoffs: Record<string, Handoff>;
  /** Per key in handoff mode: the exact statements for the key's owner. Empty when the stack manages every key. */
  keyPolicyHandoffs: Record<string, KeyPolicyHandoff>;
  /** Per role integration, its trust with the ExternalId redacted: in plain text, so a preview shows trust changes. */
  trustPolicies: Record<string, string>;
}

async function assertCallerAccount(accountId: string): Promise<void> {
  assertSameAccount((await aws.getCallerIdentity({})).accountId, accountId);
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
  return withRunErrors(() => deploy(validatedConfig(rawOrParsed, options), options));
}

async function deploy(config: StackConfig, options: DeployOptions): Promise<VendorAccessOutputs> {
  const stackName = options.stack ?? pulumi.getStack();
  await assertVendorsMatchCatalog(config.vendors);
  const ownerKey = ownerKeyFor(pulumi.getOrganization(), pulumi.getProject(), stackName);
  const stackPlan = planStack(config, stackName, ownerKey);
  const { plans, buckets, keyPolicies } = stackPlan;
  await assertDocumentsMatchCatalog(plans);
  await assertCallerAccount(config.accountId);
  const legacy = legacyPrefixes(plans, stackName, ownerKey);
  await assertExclusiveBucketsKeepLiveStatements(buckets, ownerKey, legacy, liveBucketPolicy);

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
    new ExclusiveBucketDocuments(exclusiveBucketDocumentsName(bucket.bucket), bucket);
  if (buckets.some((b) => b.policyMode === "shared") && !config.coordination)
    void pulumi.log.warn(uncoordinatedWarning);
  const components = new Map<string, pulumi.Resource>(
    [...integrations].map(([name, integration]) => [
      `${componentTypes.vendorIdentity}::${name}`,
      integration.vendorIdentity,
    ]),
  );
  // A key has one policy for all its buckets and integrations: one KeyPolicyEntries per key and stack.
  registerSpecs(sharedDocumentSpecs(stackPlan, sharedBucketContextOf(config, ownerKey, legacy)), undefined, components);
  return { handoffs, keyPolicyHandoffs: keyPolicyHandoffsOf(keyPolicies), trustPolicies };
}
