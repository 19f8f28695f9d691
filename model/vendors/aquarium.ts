import { defineVendor } from "./define";

/** Aquarium: a role that Aquarium's account assumes to read objects. */
export const aquarium = defineVendor({
  id: "aquarium",
  displayName: "Aquarium",
  instructions: 'Aquarium: "Granting Aquarium Read Access to an AWS S3 Bucket"',
  // The seed says "reach out to Aquarium for our 12 digit Account ID", so there is no default.
  principalKinds: ["account", "role"],
  access: {
    default: "read",
    // The seed grants s3:GetObject on BUCKET/* only; Decrypt is what GetObject needs on an SSE-KMS bucket.
    levels: { read: { bucket: [], object: ["s3:GetObject"], kms: ["kms:Decrypt"] } },
  },
  // The seed's role has no ExternalId: we generate one and hand it off (confused-deputy protection).
  auth: { default: "role", modes: { role: { externalId: "generated" } } },
  handoff: ["roleArn", "externalId", "regions", "buckets"],
});
