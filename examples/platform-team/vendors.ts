// The vendor this team defines in code. The other one, Globex Annotate, is defined in the stack config
// (`vendor-access:vendors` in Pulumi.example.yaml): both are validated the same way.
import { defineVendor } from "vendor-access";

/** Acme Label reads the images it labels and writes its labels back under the same prefix. */
export const acmeLabel = defineVendor({
  id: "acme-label",
  displayName: "Acme Label",
  instructions: "Acme Label: Connecting your S3 bucket",
  knownPrincipals: ["210000000001"],
  principalKinds: ["account", "role"],
  access: {
    default: "read",
    levels: {
      read: { bucket: ["s3:ListBucket"], object: ["s3:GetObject"], kms: ["kms:Decrypt"] },
      "read-write": {
        bucket: ["s3:ListBucket"],
        object: ["s3:GetObject", "s3:PutObject"],
        kms: ["kms:Decrypt", "kms:GenerateDataKey"],
      },
    },
  },
  auth: { default: "role", modes: { role: { externalId: "vendor-issued" } } },
  handoff: ["roleArn", "buckets", "regions"],
});
