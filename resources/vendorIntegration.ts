import * as pulumi from "@pulumi/pulumi";
import { BucketGrant } from "./bucketGrant";
import type { IntegrationPlan } from "../model/plan";
import { RoleTrust } from "./roleTrust";
import { buildHandoff, type Handoff as HandoffOf } from "../model/handoff";
import { bucketGrantName, componentTypes, hasBucketSide, integrationTags } from "../model/resourceSpecs";

export interface VendorIntegrationArgs {
  plan: IntegrationPlan;
  stack: string;
}

/** The handoff of a deployment: values the engine fills in are outputs; secrets stay Pulumi secrets. */
export type Handoff = HandoffOf<pulumi.Output<string>>;

/** One vendor's access: a RoleTrust plus a BucketGrant per bucket it touches (`vendor-access:index:VendorIntegration`). */
export class VendorIntegration extends pulumi.ComponentResource {
  readonly roleTrust: RoleTrust;
  readonly bucketGrants: BucketGrant[];
  readonly handoff: Handoff;

  constructor(name: string, args: VendorIntegrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentTypes.vendorIntegration, name, {}, opts);
    const { plan, stack } = args;
    this.roleTrust = new RoleTrust(name, { plan, tags: integrationTags(plan, stack) }, { parent: this });
    // Only where the integration has something on the bucket's side: an empty component is no AWS resource.
    this.bucketGrants = plan.buckets
      .filter(hasBucketSide)
      .map((bucket) => new BucketGrant(bucketGrantName(name, bucket.bucket.name), { plan: bucket }, { parent: this }));
    const grantsByBucket = new Map(this.bucketGrants.map((grant) => [grant.bucketName, grant]));
    this.handoff = buildHandoff(plan, {
      principalArn: this.roleTrust.principalArn,
      externalId: this.roleTrust.externalId,
      accessKeyId: this.roleTrust.accessKeyId,
      secretAccessKey: this.roleTrust.secretAccessKey,
      accessPointArn: (bucket) => grantsByBucket.get(bucket)?.accessPointArn,
    });
    this.registerOutputs({ handoff: this.handoff });
  }
}
