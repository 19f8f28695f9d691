import * as pulumi from "@pulumi/pulumi";
import { asRunError } from "../program/engineErrors";
import type { AssumeRoleExternalIds, AwsClientSettings } from "../model/awsSettings";
import {
  ConfigError,
  externalIdProblem,
  parseIntegration,
  awsSettingsOf,
  type BucketInput,
  type StackAwsSettings,
  type StackConfig,
} from "../model/config";
import { deferredExternalId, planIntegration, type IntegrationPlan } from "../model/plan";
import { iamLimits } from "../model/limits";
import { ownerKeyFor } from "../model/sharedDocuments/ownership";
import { builtInVendors, VendorRegistry, type AccessLevel, type AuthMode, type VendorProfile } from "../model/vendors";
import { BucketGrant } from "./bucketGrant";
import { plannedBucket } from "../model/stackPlan";
import { registerSpecs } from "./registerSpecs";
import { VendorIdentity } from "./vendorIdentity";
import { buildHandoff, type Handoff as HandoffOf } from "../model/handoff";
import { componentTypes, hasBucketSide, integrationTags, sharedBucketEntriesSpecs } from "../model/resourceSpecs";

/** One bucket of a standalone integration: a stack config bucket entry without the exclusive-mode keys. */
export type VendorBucketArgs = Omit<BucketInput, "bucketPolicyMode" | "baselineStatements">;

/** One vendor's access, as a platform engineer writes it: the same keys as an entry of `vendor-access:integrations`. */
export interface VendorIntegrationArgs {
  /** A built-in vendor's id, or a profile made with defineVendor. */
  vendor: string | VendorProfile;
  /** The 12-digit account that owns the buckets and the role. */
  accountId: string;
  /** The vendor's default access level when omitted. */
  access?: AccessLevel;
  /** The vendor's default auth mode when omitted. */
  auth?: AuthMode;
  /** The vendor's account (12 digits or `arn:aws:iam::ID:root`) or role ARN; the vendor's default when it has one. */
  principal?: string;
  /**
   * The vendor-issued ExternalId, or "generate" where we issue it. Always kept a Pulumi secret; an Output (a
   * secret config value, another stack's output) is checked against STS's rules once its value is known.
   */
  externalId?: pulumi.Input<string>;
  buckets: VendorBucketArgs[];
  /** Actions removed from the vendor's set at this access level; never adds any. */
  excludeActions?: string[];
  /** CORS origins, for vendors whose web app reads from the browser. */
  cors?: { origins: string[] };
  /** Vendor-specific keys its profile declares in `extraConfig` (MLSpace: `mlspace`). */
  options?: Record<string, unknown>;
  /** IAM quotas when raised for the account: managed policies per role (10) and trust policy characters (2048). */
  managedPoliciesPerRole?: number;
  trustPolicyMaxChars?: number;
  /** The stack whose names and Sid prefixes this integration uses; the current stack by default. */
  stack?: string;
  /**
   * The AWS settings its own AWS calls (bucket-policy statements, CORS rules) run with, as the program passes them
   * to the shared-document providers: this stack's `aws:*` config by default (what `readAwsSettings()` returns), so that they
   * run as the same principal as the AWS provider.
   */
  aws?: AwsClientSettings;
  /** The assume-role chain's ExternalIds, by hop (`aws:assumeRoles[i].externalId`), with `aws`; kept secret. */
  awsExternalIds?: AssumeRoleExternalIds;
}

/** Plans made by deployVendorAccess for the args it passes, so that a stack plans each integration once. */
const plannedArgs = new WeakMap<VendorIntegrationArgs, IntegrationPlan>();

/** The args of an already validated and planned integration (deployVendorAccess). */
export function argsOfPlan(plan: IntegrationPlan, stack: StackConfig, stackName: string): VendorIntegrationArgs {
  const { integration } = plan;
  const args: VendorIntegrationArgs = {
    vendor: integration.profile,
    accountId: stack.accountId,
    access: integration.access,
    auth: integration.auth,
    ...(integration.principal ? { principal: integration.principal } : {}),
    buckets: integration.buckets,
    excludeActions: integration.excludeActions,
    options: integration.extra,
    stack: stackName,
    aws: stack.aws,
    awsExternalIds: stack.awsExternalIds,
  };
  plannedArgs.set(args, plan);
  return args;
}

/** Validate user-facing args exactly as stack config is validated, and plan them; ConfigError names every bad key. */
function planArgs(
  name: string,
  args: VendorIntegrationArgs,
  stackName: string,
  ownerKey: string,
  aws: StackAwsSettings,
): IntegrationPlan {
  const profile = typeof args.vendor === "string" ? undefined : args.vendor;
  const vendors = new VendorRegistry();
  vendors.add(builtInVendors.map((p) => ({ profile: p, origin: "built-in", definedAt: "built-in" })));
  const problems = profile
    ? vendors.add([{ profile, origin: "code", definedAt: `defineVendor(${JSON.stringify(profile.id)})` }])
    : [];
  const {
    vendor: _vendor,
    accountId,
    options,
    managedPoliciesPerRole,
    trustPolicyMaxChars,
    stack: _stack,
    aws: _aws,
    awsExternalIds: _awsExternalIds,
    externalId,
    ...rest
  } = args;
  const item = {
    name,
    vendor: profile?.id ?? args.vendor,
    ...rest,
    // A value known only at deployment is validated then; the plan holds a stand-in that STS would accept.
    ...(externalId === undefined
      ? {}
      : { externalId: typeof externalId === "string" ? externalId : deferredExternalId }),
    ...options,
  };
  const integration = parseIntegration(item, vendors, [`VendorIntegration ${name}`], problems);
  integration?.buckets.forEach((bucket, index) => {
    if (bucket.bucketPolicyMode === "exclusive")
      problems.push(
        `VendorIntegration ${name}.buckets[${index}].bucketPolicyMode: exclusive mode needs deployVendorAccess, which owns the whole bucket policy`,
      );
  });
  if (!integration || problems.length > 0) throw new ConfigError(problems);
  const stack: StackConfig = {
    accountId,
    vendors,
    integrations: [integration],
    managedPoliciesPerRole: managedPoliciesPerRole ?? iamLimits.managedPoliciesPerRole,
    trustPolicyMaxChars: trustPolicyMaxChars ?? iamLimits.trustPolicyChars,
    example: false,
    aws: aws.settings,
    awsExternalIds: aws.externalIds,
  };
  return planIntegration(integration, stack, stackName, ownerKey);
}

/** A standalone integration writes its own entries in each shared bucket's policy and CORS, under its own owner key. */
function registerOwnEntries(
  name: string,
  plan: IntegrationPlan,
  ownerKey: string,
  aws: StackAwsSettings,
  parent: VendorIntegration,
): void {
  for (const grant of plan.buckets) {
    // Throws when the statements alone exceed S3's 20 KB; the provider checks the live merge again when it writes.
    const bucket = plannedBucket({
      bucket: grant.bucket.name,
      region: grant.bucket.region,
      policyMode: "shared",
      contributions: [{ owner: plan.integration.name, statements: grant.statements, corsRules: grant.corsRules }],
      baselineStatements: [],
    });
    // Named after the component and parented by it: two integrations on one bucket never share a resource.
    const context = { ownerKey, legacy: [], aws: aws.settings, awsExternalIds: aws.externalIds };
    const specs = sharedBucketEntriesSpecs(bucket, [plan], context).map((spec) => ({
      ...spec,
      name: `${name}--${spec.name}`,
    }));
    registerSpecs(
      specs,
      parent,
      new Map([[`${componentTypes.vendorIdentity}::${plan.integration.name}`, parent.vendorIdentity]]),
    );
  }
}

/** The step's result; the model's errors rethrown as RunErrors, which the engine prints without a stack trace. */
function runErrorsOf<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw asRunError(error);
  }
}

/** An ExternalId given as an Output or a promise: a secret, checked against STS's rules once known. */
function deferredExternalIdOf(name: string, externalId: pulumi.Input<string> | undefined) {
  if (externalId === undefined || typeof externalId === "string") return undefined;
  return pulumi.secret(
    pulumi.output(externalId).apply((value) => {
      const problem = externalIdProblem(value);
      if (problem) throw asRunError(new ConfigError([`VendorIntegration ${name}.externalId: ${problem}`]));
      return value;
    }),
  );
}

/** The handoff of a deployment: values the engine fills in are outputs; secrets stay Pulumi secrets. */
export type Handoff = HandoffOf<pulumi.Output<string>>;

/**
 * One vendor's access (`vendor-access:index:VendorIntegration`): a VendorIdentity, plus a BucketGrant where it has
 * something on a bucket's side.
 */
export class VendorIntegration extends pulumi.ComponentResource {
  readonly vendorIdentity: VendorIdentity;
  /** Its access points; undefined where the vendor has nothing of its own on any bucket's side. */
  readonly bucketGrant: BucketGrant | undefined;
  readonly handoff: Handoff;

  /** @deprecated One BucketGrant per integration since 0.2: use `bucketGrant`. Its access point per bucket, as in 0.1. */
  get bucketGrants(): { bucketName: string; region: string; accessPointArn?: pulumi.Output<string> }[] {
    return (this.bucketGrant?.buckets ?? []).map(({ name, region }) => ({
      bucketName: name,
      region,
      accessPointArn: this.bucketGrant?.accessPointArns[name],
    }));
  }

  /** @deprecated Renamed `vendorIdentity`: the component creates a role or an IAM user. */
  get roleTrust(): VendorIdentity {
    return this.vendorIdentity;
  }

  constructor(name: string, args: VendorIntegrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentTypes.vendorIntegration, name, {}, opts);
    const stack = args.stack ?? pulumi.getStack();
    const planned = plannedArgs.get(args);
    // Standalone, the component is its own owner of bucket entries: it never touches a stack's or another component's.
    const ownerKey = ownerKeyFor(pulumi.getOrganization(), pulumi.getProject(), `${stack}/VendorIntegration/${name}`);
    // Bad arguments reach the engine as RunErrors: their message, without a stack trace.
    const { aws, plan } = runErrorsOf(() => {
      const aws = args.aws
        ? { settings: args.aws, externalIds: args.awsExternalIds ?? [] }
        : awsSettingsOf(pulumi.runtime.allConfig());
      return { aws, plan: planned ?? planArgs(name, args, stack, ownerKey, aws) };
    });
    const deferred = deferredExternalIdOf(name, args.externalId);
    this.vendorIdentity = new VendorIdentity(
      name,
      { plan, tags: integrationTags(plan, stack), ...(deferred ? { externalId: deferred } : {}) },
      { parent: this },
    );
    // Only where the integration has something on a bucket's side: an empty component is no AWS resource.
    const bucketSide = plan.buckets.filter(hasBucketSide);
    this.bucketGrant =
      bucketSide.length > 0 ? new BucketGrant(name, { buckets: bucketSide }, { parent: this }) : undefined;
    if (!planned) registerOwnEntries(name, plan, ownerKey, aws, this);
    this.handoff = buildHandoff(plan, {
      principalArn: this.vendorIdentity.principalArn,
      externalId: this.vendorIdentity.externalId,
      accessKeyId: this.vendorIdentity.accessKeyId,
      secretAccessKey: this.vendorIdentity.secretAccessKey,
      accessPointArn: (bucket) => this.bucketGrant?.accessPointArns[bucket],
    });
    this.registerOutputs({ handoff: this.handoff });
  }
}
