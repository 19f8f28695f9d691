// The least-privilege identity policy of the role that deploys one stack (and of the read-only role that
// previews it): per resource type, the calls the AWS provider and our shared-document provider make, on the
// exact ARNs of this stack's roles, users, policies, access points, buckets and keys.
import { accessPointArn, bucketArn, iamArn, partitionOf } from "./arns";
import { policyDocument, type PolicyDocument, type PolicyStatement } from "./policy/document";
import type { IntegrationPlan } from "./plan";

/** Calls per resource kind: `read` serves preview and refresh, `write` adds create, update and delete. */
interface Calls {
  read: string[];
  write: string[];
}

// Actions named as the IAM Service Authorization Reference lists them; `npm test` checks each against the catalog.
export const deployerCalls = {
  // aws.iam.Role with an inline policy (RolePolicy), managed policies attached, forceDetachPolicies on delete.
  role: {
    read: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
    write: [
      "iam:CreateRole",
      "iam:DeleteRole",
      "iam:UpdateRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:PutRolePolicy",
      "iam:DeleteRolePolicy",
      "iam:ListInstanceProfilesForRole",
    ],
  },
  // aws.iam.User and its AccessKey (AI Hub access-key mode).
  user: {
    read: ["iam:GetUser", "iam:ListAccessKeys", "iam:ListAttachedUserPolicies", "iam:ListUserPolicies"],
    write: [
      "iam:CreateUser",
      "iam:DeleteUser",
      "iam:TagUser",
      "iam:UntagUser",
      "iam:CreateAccessKey",
      "iam:DeleteAccessKey",
      "iam:UpdateAccessKey",
      "iam:ListGroupsForUser",
    ],
  },
  // aws.iam.Policy: the packed managed policies `<identity name>-<n>`.
  policy: {
    read: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"],
    write: ["iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion"],
  },
  // RolePolicyAttachment / UserPolicyAttachment: only this stack's policies (condition iam:PolicyARN).
  attachment: {
    read: [],
    write: ["iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:AttachUserPolicy", "iam:DetachUserPolicy"],
  },
  // aws.s3.AccessPoint with its policy and public access block.
  accessPoint: {
    read: ["s3:GetAccessPointPolicy", "s3:GetAccessPointPolicyStatus"],
    write: ["s3:CreateAccessPoint", "s3:DeleteAccessPoint", "s3:PutAccessPointPolicy", "s3:DeleteAccessPointPolicy"],
  },
  // The access point's own read: the IAM catalog gives s3:GetAccessPoint no resource type, so only "*" grants it.
  accessPointDescribe: { read: ["s3:GetAccessPoint"], write: [] },
  // Bucket policy and CORS: shared mode's dynamic provider, exclusive mode's BucketPolicy and
  // BucketCorsConfiguration, and the exclusive-mode live-policy read. DeleteBucketCors is authorized by s3:PutBucketCORS.
  bucket: {
    read: ["s3:GetBucketPolicy", "s3:GetBucketCORS"],
    write: ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketCORS"],
  },
  // KeyPolicyEntries (providers/kmsKeyPolicies.ts): read, merge and write the key policy of keys the stack manages.
  key: { read: ["kms:GetKeyPolicy"], write: ["kms:PutKeyPolicy"] },
} satisfies Record<string, Calls>;

export type ResourceKind = keyof typeof deployerCalls;

/** The ARNs of one kind of resource the stack manages. */
export type StackResources = Record<ResourceKind, string[]>;

const unique = (values: string[]) => [...new Set(values)].sort();

/** Every ARN the stack's resources live at, by kind. */
export function stackResources(plans: readonly IntegrationPlan[], accountId: string): StackResources {
  const identities = (type: "role" | "user") => plans.filter((p) => p.principalType === type && p.identityName);
  const partition = plans.length > 0 ? partitionOf(plans[0].buckets[0].bucket.region) : "aws";
  const grants = plans.flatMap((plan) => plan.buckets);
  return {
    role: unique(identities("role").map((p) => iamArn(partition, accountId, `role/${p.identityName}`))),
    user: unique(identities("user").map((p) => iamArn(partition, accountId, `user/${p.identityName}`))),
    // Managed policies are named `<identity name>-<n>` (resources/vendorIdentity.ts), n < 100: `?` and `??` match
    // exactly those, never another identity's `<longer name>-<n>`.
    policy: unique(
      [...identities("role"), ...identities("user")].flatMap((p) =>
        ["?", "??"].map((n) => iamArn(partition, accountId, `policy/${p.identityName}-${n}`)),
      ),
    ),
    attachment: [],
    accessPoint: unique(
      grants.filter((g) => g.accessPoint).map((g) => accessPointArn(g.bucket.region, accountId, g.accessPoint!.name)),
    ),
    accessPointDescribe: grants.some((g) => g.accessPoint) ? ["*"] : [],
    bucket: unique(grants.map((g) => bucketArn(g.bucket.name, g.bucket.region))),
    key: unique(grants.filter((g) => g.kms?.keyPolicy === "manage").map((g) => g.kms!.keyArn)),
  };
}

function statementFor(kind: ResourceKind, resources: string[], readOnly: boolean): PolicyStatement | undefined {
  const calls = deployerCalls[kind];
  const actions = readOnly ? calls.read : [...calls.read, ...calls.write];
  if (actions.length === 0 || resources.length === 0) return undefined;
  const sid = `${kind[0].toUpperCase()}${kind.slice(1)}${readOnly || calls.write.length === 0 ? "Read" : "Manage"}`;
  return { Sid: sid, Effect: "Allow", Action: [...actions].sort(), Resource: resources };
}

/**
 * The deploying role's policy (or, `readOnly`, the preview role's) for a stack's plans. Attachments are allowed
 * on this stack's roles and users only, and only for this stack's managed policies.
 */
export function deployerPolicy(
  plans: readonly IntegrationPlan[],
  accountId: string,
  options: { readOnly?: boolean } = {},
): PolicyDocument {
  const readOnly = options.readOnly ?? false;
  const resources = stackResources(plans, accountId);
  const statements = (Object.keys(deployerCalls) as ResourceKind[])
    .filter((kind) => kind !== "attachment")
    .map((kind) => statementFor(kind, resources[kind], readOnly))
    .filter((s): s is PolicyStatement => s !== undefined);
  const identities = [...resources.role, ...resources.user];
  if (!readOnly && identities.length > 0 && resources.policy.length > 0)
    statements.push({
      Sid: "AttachmentManage",
      Effect: "Allow",
      Action: [...deployerCalls.attachment.write].sort(),
      Resource: identities,
      Condition: { ArnLike: { "iam:PolicyARN": resources.policy } },
    });
  return policyDocument(statements);
}
