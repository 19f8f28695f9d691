import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { toJson, type PolicyDocument } from "../model/policy/document";
import { generatedExternalIdLength, trustPolicy, type IntegrationPlan } from "../model/plan";

export interface RoleTrustArgs {
  plan: IntegrationPlan;
  tags: Record<string, string>;
}

/**
 * The role side of an integration: an IAM role that trusts the vendor with an ExternalId, or an IAM user
 * with an access key, plus the packed permission policies. For bucket-policy vendors (MLSpace) it creates
 * nothing and renders the statement the vendor adds on its own side.
 */
export class RoleTrust extends pulumi.ComponentResource {
  /** ARN of the role or user the vendor uses; the vendor's account for bucket-policy vendors. */
  readonly principalArn: pulumi.Output<string>;
  /** The ExternalId (a secret), when the trust has one. */
  readonly externalId?: pulumi.Output<string>;
  readonly accessKeyId?: pulumi.Output<string>;
  readonly secretAccessKey?: pulumi.Output<string>;
  readonly permissionPolicies: PolicyDocument[];

  constructor(name: string, args: RoleTrustArgs, opts?: pulumi.ComponentResourceOptions) {
    super("vendor-access:index:RoleTrust", name, {}, opts);
    const { plan, tags } = args;
    this.permissionPolicies = plan.permissionPolicies;
    const description = `vendor-access: ${plan.profile.displayName} (${plan.integration.name})`;

    if (plan.principalType === "role") {
      this.externalId = this.externalIdFor(name, plan);
      const role = new aws.iam.Role(
        `${name}-role`,
        {
          // A fixed name, not auto-named: the vendor stores the role ARN (AI Hub cannot even change it).
          name: plan.identityName,
          description,
          // The trust embeds the ExternalId, so the whole document is a secret in state and logs.
          assumeRolePolicy: this.externalId.apply((id) => toJson(trustPolicy(plan, id)!)),
          forceDetachPolicies: true,
          tags,
        },
        // The provider's copy of the trust (an output) holds the ExternalId too.
        { parent: this, additionalSecretOutputs: ["assumeRolePolicy"] },
      );
      this.attachPolicies(name, plan, role.name, "role");
      this.principalArn = role.arn;
    } else if (plan.principalType === "user") {
      const user = new aws.iam.User(`${name}-user`, { name: plan.identityName, tags }, { parent: this });
      const key = new aws.iam.AccessKey(
        `${name}-access-key`,
        { user: user.name },
        { parent: this, additionalSecretOutputs: ["secret"] },
      );
      this.accessKeyId = pulumi.secret(key.id);
      this.secretAccessKey = pulumi.secret(key.secret);
      this.attachPolicies(name, plan, user.name, "user");
      this.principalArn = user.arn;
    } else {
      this.principalArn = pulumi.output(plan.identityArn);
    }

    this.registerOutputs({
      principalArn: this.principalArn,
      externalId: this.externalId,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
    });
  }

  private externalIdFor(name: string, plan: IntegrationPlan): pulumi.Output<string> {
    const configured = plan.integration.externalId;
    if (configured.kind === "value") return pulumi.secret(configured.value);
    // Generated once and kept: the vendor stores it, so it must not change on later updates.
    const generated = new random.RandomPassword(
      `${name}-external-id`,
      { length: generatedExternalIdLength, special: false },
      { parent: this },
    );
    return pulumi.secret(generated.result);
  }

  /** A role's first document is its inline policy; every further one is a managed policy attached to it. */
  private attachPolicies(
    name: string,
    plan: IntegrationPlan,
    identity: pulumi.Output<string>,
    kind: "role" | "user",
  ): void {
    plan.permissionPolicies.forEach((document, index) => {
      if (kind === "role" && index === 0) {
        new aws.iam.RolePolicy(
          `${name}-inline-policy`,
          { role: identity, name: "vendor-access", policy: toJson(document) },
          { parent: this },
        );
        return;
      }
      const policy = new aws.iam.Policy(
        `${name}-policy-${index}`,
        {
          name: `${plan.identityName}-${index}`,
          description: `vendor-access grant for ${plan.integration.name}, part ${index}`,
          policy: toJson(document),
        },
        { parent: this },
      );
      if (kind === "role")
        new aws.iam.RolePolicyAttachment(
          `${name}-policy-${index}`,
          { role: identity, policyArn: policy.arn },
          { parent: this },
        );
      else
        new aws.iam.UserPolicyAttachment(
          `${name}-policy-${index}`,
          { user: identity, policyArn: policy.arn },
          { parent: this },
        );
    });
  }
}
