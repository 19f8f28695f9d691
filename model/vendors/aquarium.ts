import type { VendorProfile } from "./profile";

/** Aquarium (seeds/aquarium.txt): a role that Aquarium's account assumes to read objects. */
export const aquarium: VendorProfile = {
  id: "aquarium",
  displayName: "Aquarium",
  seed: "aquarium.txt",
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
};
