import { defineVendor } from "./define";

/** Instabase AI Hub: an IAM role whose trust AI Hub provides, or an access key. */
export const aihub = defineVendor({
  id: "aihub",
  displayName: "Instabase AI Hub",
  instructions: 'Instabase AI Hub: "Connecting Amazon S3"',
  // AI Hub shows its trust policy in the connection dialog: principal and ExternalId come from config.
  principalKinds: ["role", "account"],
  access: {
    default: "read-write",
    levels: {
      read: { bucket: ["s3:ListBucket"], object: ["s3:GetObject", "s3:GetObjectVersion"], kms: ["kms:Decrypt"] },
      // AI Hub's list, minus s3:PutObjectVersion, which is not an IAM action (docs/vendors/aihub.md).
      "read-write": {
        bucket: ["s3:ListBucket", "s3:ListBucketMultipartUploads"],
        object: [
          "s3:AbortMultipartUpload",
          "s3:DeleteObject",
          "s3:DeleteObjectVersion",
          "s3:GetObject",
          "s3:GetObjectAcl",
          "s3:GetObjectVersion",
          "s3:ListMultipartUploadParts",
          "s3:PutObject",
          "s3:PutObjectAcl",
        ],
        kms: ["kms:Decrypt", "kms:GenerateDataKey"],
      },
    },
  },
  auth: {
    default: "role",
    modes: {
      // "Copy the bucket policy provided ... add the bucket policy to the S3 bucket": it names the role.
      role: { externalId: "vendor-issued", bucketPolicyPrincipal: "role" },
      accessKey: { externalId: "none", takesPrincipal: false },
    },
  },
  handoff: ["roleArn", "externalId", "accessKey", "buckets", "regions", "pathToDrive", "encryption"],
});
