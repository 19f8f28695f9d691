import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { toJson, type PolicyDocument } from "../model/policy/document";
import { deferredExternalId, reviewedTrustPolicy, type IntegrationPlan } from "../model/plan";
import { componentTypes, vendorIdentitySpecs } from "../model/resourceSpecs";
import { registerSpecs, withDeferredValue } from "./registerSpecs";

export interface VendorIdentityArgs {
  plan: IntegrationPlan;
  tags: Record<string, string>;
  /** An ExternalId known only at deployment; the plan then holds `deferredExternalId` in its place. */
  externalId?: pulumi.Input<string>;
}

/**
 * The role side of an integration: an IAM role that trusts the vendor with an ExternalId, or an IAM user
 * with an access key, plus the packed permission policies. For bucket-policy vendors (MLSpace) it creates
 * nothing and renders the statement the vendor adds on its own side.
 */
export class VendorIdentity extends pulumi.ComponentResource {
  /** ARN of the role or user the vendor uses; the vendor's account for bucket-policy vendors. */
  readonly principalArn: pulumi.Output<string>;
  /** The ExternalId (a secret), when the trust has one. */
  readonly externalId?: pulumi.Output<string>;
  readonly accessKeyId?: pulumi.Output<string>;
  readonly secretAccessKey?: pulumi.Output<string>;
  readonly permissionPolicies: PolicyDocument[];
  /** The trust with the ExternalId redacted (JSON), in plain text so that a preview shows who may assume the role. */
  readonly reviewedTrustPolicy?: string;

  constructor(name: string, args: VendorIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super(componentTypes.vendorIdentity, name, {}, opts);
    const { plan, tags } = args;
    this.permissionPolicies = plan.permissionPolicies;

    const specs = vendorIdentitySpecs(name, plan, tags);
    const registered = args.externalId
      ? registerSpecs(
          withDeferredValue(specs, deferredExternalId),
          this,
          undefined,
          new Map([[deferredExternalId, args.externalId]]),
        )
      : registerSpecs(specs, this);
    if (plan.principalType === "role") {
      this.reviewedTrustPolicy = toJson(reviewedTrustPolicy(plan)!);
      const configured = plan.integration.externalId;
      this.externalId = pulumi.secret(
        configured.kind === "value"
          ? (args.externalId ?? configured.value)
          : (registered.get(`${name}-external-id`) as random.RandomPassword).result,
      );
      this.principalArn = (registered.get(`${name}-role`) as aws.iam.Role).arn;
    } else if (plan.principalType === "user") {
      const key = registered.get(`${name}-access-key`) as aws.iam.AccessKey;
      this.accessKeyId = pulumi.secret(key.id);
      this.secretAccessKey = pulumi.secret(key.secret);
      this.principalArn = (registered.get(`${name}-user`) as aws.iam.User).arn;
    } else {
      this.principalArn = pulumi.output(plan.granteeArn);
    }

    this.registerOutputs({
      principalArn: this.principalArn,
      reviewedTrustPolicy: this.reviewedTrustPolicy,
      externalId: this.externalId,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
    });
  }
}
