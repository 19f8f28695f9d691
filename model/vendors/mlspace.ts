import { z } from "zod";
import type { VendorProfile } from "./profile";

/** The policies on the MLSpace side that must allow the bucket (seeds/mlspace.txt, "Controlling Permissions"). */
export const mlspaceScopes = ["all-users", "project", "user", "notebook-and-application"] as const;

/**
 * MLSpace (seeds/mlspace.txt): the MLSpace account is named in the bucket policy. Its own IAM policies are
 * owned by MLSpace's deployment, so we render the exact statement to add there instead of managing them.
 */
export const mlspace: VendorProfile = {
  id: "mlspace",
  displayName: "MLSpace",
  seed: "mlspace.txt",
  // MLSpace runs in the customer's own chosen account: config must name it.
  principalKinds: ["account"],
  access: {
    default: "read-write",
    levels: {
      // The seed's own check, s3.list_objects, needs s3:ListBucket, which none of its policies grant.
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
  extraConfig: {
    mlspace: z
      .strictObject({
        // The seed's recommended boundary name.
        permissionsBoundaryName: z.string().min(1).max(128).default("mlspace-project-user-permission-boundary"),
        scope: z.enum(mlspaceScopes).default("all-users"),
        /** The project or user name when scope is `project` or `user`. */
        scopeName: z.string().min(1).max(64).optional(),
      })
      .optional(),
  },
};
