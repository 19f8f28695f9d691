import * as pulumi from "@pulumi/pulumi";
import { BucketGrant } from "./bucketGrant";
import type { IntegrationPlan } from "../model/plan";
import { RoleTrust } from "./roleTrust";
import type { mlspaceScopes } from "../model/vendors/mlspace";

export interface VendorIntegrationArgs {
  plan: IntegrationPlan;
  stack: string;
}

export interface HandoffBucket {
  name: string;
  region: string;
  pathToDrive?: string;
  accessPointArn?: pulumi.Output<string>;
  serverSideEncryption?: "SSE-KMS" | "None or SSE-S3";
  kmsKeyArn?: string;
}

/** Exactly what the vendor needs back from the customer (VENDORS.md, "Handoff"). Secrets stay Pulumi secrets. */
export interface Handoff {
  vendor: string;
  roleArn?: pulumi.Output<string>;
  externalId?: pulumi.Output<string>;
  accessKeyId?: pulumi.Output<string>;
  secretAccessKey?: pulumi.Output<string>;
  regions?: string[];
  buckets: HandoffBucket[];
  vendorSideStatement?: { addTo: string[]; statement: unknown };
}

/** One vendor's access: a RoleTrust plus one BucketGrant per bucket (`vendor-access:index:VendorIntegration`). */
export class VendorIntegration extends pulumi.ComponentResource {
  readonly roleTrust: RoleTrust;
  readonly bucketGrants: BucketGrant[];
  readonly handoff: Handoff;

  constructor(name: string, args: VendorIntegrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vendor-access:index:VendorIntegration", name, {}, opts);
    const { plan, stack } = args;
    const tags = {
      "vendor-access:integration": plan.integration.name,
      "vendor-access:vendor": plan.profile.id,
      "vendor-access:stack": stack,
    };
    this.roleTrust = new RoleTrust(name, { plan, tags }, { parent: this });
    // `--` cannot occur in an integration name, so `<integration>--<bucket>` never collides across integrations.
    this.bucketGrants = plan.buckets.map(
      (bucket) => new BucketGrant(`${name}--${bucket.bucket.name}`, { plan: bucket }, { parent: this }),
    );
    this.handoff = buildHandoff(plan, this.roleTrust, this.bucketGrants);
    this.registerOutputs({ handoff: this.handoff });
  }
}

const mlspaceScopePolicy: Record<(typeof mlspaceScopes)[number], (name?: string) => string> = {
  "all-users": () => "the app's user policy (self.user_policy in ml_space_lambda/utils/iam_manager.py)",
  project: (name) => `MLSpace-project-${name ?? "<ProjectName>"}`,
  user: (name) => `MLSpace-user-${name ?? "<UserName>"}`,
  "notebook-and-application": () => "the Notebook policy and the Application policy",
};

function buildHandoff(plan: IntegrationPlan, trust: RoleTrust, grants: BucketGrant[]): Handoff {
  const fields = new Set(plan.profile.handoff);
  const handoff: Handoff = {
    vendor: plan.profile.displayName,
    buckets: plan.buckets.map((bucket, index) => ({
      name: bucket.bucket.name,
      region: bucket.bucket.region,
      ...(fields.has("pathToDrive") && bucket.bucket.prefix ? { pathToDrive: bucket.bucket.prefix } : {}),
      ...(fields.has("accessPoints") && grants[index].accessPointArn
        ? { accessPointArn: grants[index].accessPointArn }
        : {}),
      ...(fields.has("encryption")
        ? bucket.bucket.kmsKeyArn
          ? { serverSideEncryption: "SSE-KMS" as const, kmsKeyArn: bucket.bucket.kmsKeyArn }
          : { serverSideEncryption: "None or SSE-S3" as const }
        : {}),
    })),
  };
  if (fields.has("regions")) handoff.regions = [...new Set(plan.buckets.map((b) => b.bucket.region))];
  if (fields.has("roleArn") && plan.principalType === "role") handoff.roleArn = trust.principalArn;
  // A vendor-issued ExternalId is already the vendor's: hand back only the one we generated.
  if (fields.has("externalId") && plan.externalIdSource === "generated") handoff.externalId = trust.externalId;
  if (fields.has("accessKey") && plan.principalType === "user") {
    handoff.accessKeyId = trust.accessKeyId;
    handoff.secretAccessKey = trust.secretAccessKey;
  }
  if (fields.has("vendorSideStatement")) {
    const mlspace = (plan.integration.extra.mlspace ?? {}) as {
      permissionsBoundaryName?: string;
      scope?: (typeof mlspaceScopes)[number];
      scopeName?: string;
    };
    const scope = mlspace.scope ?? "all-users";
    handoff.vendorSideStatement = {
      // MLSpace's deployment owns these policies: we render the statements to add rather than overwrite them.
      addTo: [
        `permissions boundary ${mlspace.permissionsBoundaryName ?? "mlspace-project-user-permission-boundary"}`,
        mlspaceScopePolicy[scope](mlspace.scopeName),
      ],
      statement: plan.permissionPolicies[0].Statement,
    };
  }
  return handoff;
}
