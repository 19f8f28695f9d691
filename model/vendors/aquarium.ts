import { defineVendor } from "./define";

/** Aquarium: a role that Aquarium's account assumes to read objects. */
export const aquarium = defineVendor({
  id: "aquarium",
  displayName: "Aquarium",
  instructions: 'Aquarium: "Granting Aquarium Read Access to an AWS S3 Bucket"',
  // Aquarium gives its 12-digit account ID on request, so there is no default (docs/vendors/aquarium.md).
  principalKinds: ["account", "role"],
  access: {
    default: "read",
    // Aquarium asks for s3:GetObject on BUCKET/* only; Decrypt is what GetObject needs on an SSE-KMS bucket.
    levels: { read: { bucket: [], object: ["s3:GetObject"], kms: ["kms:Decrypt"] } },
  },
  // Aquarium's role has no ExternalId: we generate one and hand it off (confused-deputy protection).
  auth: { default: "role", modes: { role: { externalId: "generated" } } },
  handoff: ["roleArn", "externalId", "regions", "buckets"],
});
