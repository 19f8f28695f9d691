// Proves a stack's deployer policy with the IAM simulator: every call its resources need is allowed on their
// exact ARNs, and the same calls on resources the stack does not own (another bucket, role, policy, access
// point or key) are denied, as is attaching any policy but the stack's own.
import { deployerCalls, stackResources, type ResourceKind } from "../../model/deployerPolicy";
import type { PolicyDocument } from "../../model/policy/document";
import type { IntegrationPlan } from "../../model/plan";
import { simulate, type Decision } from "./simulator";

export interface DeployerCheck {
  action: string;
  resource: string;
  context?: Record<string, string>;
  expected: Decision;
  actual: Decision;
}

/** A resource of the same kind that this stack does not own. */
function foreign(kind: ResourceKind, accountId: string, region: string): string {
  return {
    role: `arn:aws:iam::${accountId}:role/someone-elses-role`,
    user: `arn:aws:iam::${accountId}:user/someone-elses-user`,
    policy: `arn:aws:iam::${accountId}:policy/AdministratorAccess`,
    attachment: `arn:aws:iam::${accountId}:role/someone-elses-role`,
    accessPoint: `arn:aws:s3:${region}:${accountId}:accesspoint/someone-elses-access-point`,
    accessPointDescribe: "*",
    bucket: "arn:aws:s3:::someone-elses-bucket",
    key: `arn:aws:kms:${region}:${accountId}:key/00000000-0000-0000-0000-000000000000`,
  }[kind];
}

/**
 * KMS consults the key policy first; the default one lets IAM policies of the key's account decide
 * (AWS KMS Developer Guide, "Default key policy": "Allows access to the AWS account and enables IAM policies").
 */
function defaultKeyPolicy(accountId: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EnableIamUserPermissions",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: ["kms:*"],
        Resource: ["*"],
      },
    ],
  };
}

/** A concrete ARN for a resource pattern (policy names end in `-?`/`-??`). */
const concrete = (arn: string) => arn.replace(/-\?\?$/, "-12").replace(/-\?$/, "-1");

export async function proveDeployerPolicy(
  plans: readonly IntegrationPlan[],
  accountId: string,
  policy: PolicyDocument,
  options: { readOnly?: boolean } = {},
): Promise<DeployerCheck[]> {
  const caller = `arn:aws:sts::${accountId}:assumed-role/vendor-access-deployer/proof`;
  const resources = stackResources(plans, accountId);
  const region = plans[0]?.buckets[0]?.bucket.region ?? "us-east-1";
  const checks: Omit<DeployerCheck, "actual">[] = [];
  for (const kind of Object.keys(deployerCalls) as ResourceKind[]) {
    if (kind === "attachment") continue;
    const { read, write }: { read: readonly string[]; write: readonly string[] } = deployerCalls[kind];
    for (const action of [...read, ...write]) {
      const expected = options.readOnly && write.includes(action) ? "ImplicitlyDenied" : "Allowed";
      for (const resource of resources[kind].map(concrete)) checks.push({ action, resource, expected });
      if (resources[kind].length > 0 && !resources[kind].includes("*"))
        checks.push({ action, resource: foreign(kind, accountId, region), expected: "ImplicitlyDenied" });
    }
  }
  const ownPolicy = resources.policy.map(concrete)[0];
  for (const identity of [...resources.role, ...resources.user]) {
    const action = identity.includes(":role/") ? "iam:AttachRolePolicy" : "iam:AttachUserPolicy";
    for (const policyArn of [ownPolicy, foreign("policy", accountId, region)].filter(Boolean))
      checks.push({
        action,
        resource: identity,
        context: { "iam:PolicyARN": policyArn },
        expected: policyArn === ownPolicy && !options.readOnly ? "Allowed" : "ImplicitlyDenied",
      });
  }
  const results: DeployerCheck[] = [];
  for (const check of checks) {
    const actual = await simulate(
      { caller, action: check.action, resource: check.resource, resourceAccount: accountId, context: check.context },
      {
        identityPolicies: [policy],
        ...(check.action.startsWith("kms:") ? { resourcePolicy: defaultKeyPolicy(accountId) } : {}),
      },
    );
    results.push({ ...check, actual });
  }
  return results;
}
