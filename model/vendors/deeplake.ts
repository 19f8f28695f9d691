import { defineVendor } from "./define";

// Activeloop's KMS statement writes kms:ReEncrypt* and kms:GenerateDataKey* (docs/vendors/deeplake.md). Through S3 a reader needs only
// kms:Decrypt and a writer kms:GenerateDataKey, plus kms:Decrypt for multipart uploads (Amazon S3 User Guide,
// "Using server-side encryption with AWS KMS keys (SSE-KMS)", permissions): nothing else is ever called with the key.
const kmsRead = ["kms:Decrypt"];
const kmsReadWrite = ["kms:Decrypt", "kms:GenerateDataKey"];

/** Activeloop Deep Lake: a role trusted by Activeloop's backend role. */
export const deeplake = defineVendor({
  id: "deeplake",
  displayName: "Activeloop Deep Lake",
  instructions: 'Activeloop Deep Lake: "Provisioning Role-Based Access"',
  defaultPrincipal: "arn:aws:iam::597713067985:role/activeloop_backend",
  // The trust policy in Activeloop's instructions names this role; the policy pack checks trusts against it.
  knownPrincipals: ["arn:aws:iam::597713067985:role/activeloop_backend"],
  principalKinds: ["role", "account"],
  access: {
    default: "read-write",
    levels: {
      read: {
        bucket: ["s3:ListBucket", "s3:GetBucketLocation"],
        object: ["s3:GetObject"],
        kms: kmsRead,
      },
      // Activeloop's KMS variant grants s3:*Object* (50 actions); we keep the three object actions it means.
      "read-write": {
        bucket: ["s3:ListBucket", "s3:GetBucketLocation"],
        object: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        kms: kmsReadWrite,
      },
    },
  },
  // Activeloop's trust policy has no ExternalId condition: we generate one and hand it off.
  auth: { default: "role", modes: { role: { externalId: "generated" } } },
  handoff: ["roleArn", "externalId"],
});
