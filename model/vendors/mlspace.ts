import { z } from "zod";
import { iamLimits } from "../limits";
import { defineVendor } from "./define";

/** The policies on the MLSpace side, where the bucket must be allowed too ("Controlling Permissions"). */
export const mlspaceScopes = ["all-users", "project", "user", "notebook-and-application"] as const;

/** Where each scope's statement goes in MLSpace's own IAM policies (its instructions, "Controlling Permissions"). */
const mlspaceScopePolicy: Record<(typeof mlspaceScopes)[number], (name?: string) => string> = {
  "all-users": () => "the app's user policy (self.user_policy in ml_space_lambda/utils/iam_manager.py)",
  project: (name) => `MLSpace-project-${name ?? "<ProjectName>"}`,
  user: (name) => `MLSpace-user-${name ?? "<UserName>"}`,
  "notebook-and-application": () => "the Notebook policy and the Application policy",
};

// The instructions' recommended boundary name, and the scope that reaches every user.
const mlspaceDefaults = {
  permissionsBoundaryName: "mlspace-project-user-permission-boundary",
  scope: "all-users" as const,
  scopeName: undefined,
};

/**
 * MLSpace: the MLSpace account is named in the bucket policy. Its own IAM policies are
 * owned by MLSpace's deployment, so we render the exact statement to add there instead of managing them.
 */
export const mlspace = defineVendor({
  id: "mlspace",
  displayName: "MLSpace",
  instructions: 'MLSpace: "Enabling Access To S3 Buckets"',
  // MLSpace runs in the customer's own chosen account: config must name it.
  principalKinds: ["account"],
  access: {
    default: "read-write",
    levels: {
      // MLSpace's own check, s3.list_objects, needs s3:ListBucket, which none of its policies grant (docs/vendors/mlspace.md).
      read: { bucket: ["s3:ListBucket"], object: ["s3:GetObject"], kms: ["kms:Decrypt"] },
      "read-write": {
        bucket: ["s3:ListBucket"],
        object: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:PutObjectTagging"],
        kms: ["kms:Decrypt", "kms:GenerateDataKey"],
      },
    },
  },
  auth: { default: "bucketPolicy", modes: { bucketPolicy: { externalId: "none", bucketPolicyPrincipal: "vendor" } } },
  handoff: ["buckets", "regions", "vendorSideStatement"],
  // MLSpace's deployment owns these policies: the handoff names them, with the statement to add to each.
  vendorSidePolicies: ({ mlspace: settings }) => {
    const { permissionsBoundaryName, scope, scopeName } = settings ?? mlspaceDefaults;
    return [`permissions boundary ${permissionsBoundaryName}`, mlspaceScopePolicy[scope](scopeName)];
  },
  extraConfig: {
    mlspace: z
      .strictObject({
        permissionsBoundaryName: z
          .string()
          .min(1)
          .max(iamLimits.policyNameChars)
          .default(mlspaceDefaults.permissionsBoundaryName),
        scope: z.enum(mlspaceScopes).default(mlspaceDefaults.scope),
        /** The project or user name when scope is `project` or `user`. */
        scopeName: z.string().min(1).max(64).optional(),
      })
      .optional(),
  },
});
