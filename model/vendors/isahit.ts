import type { VendorProfile } from "./profile";

/** Isahit Lab (seeds/isahit.txt): CORS for its web apps, an access point, and a role with a vendor-issued ExternalId. */
export const isahit: VendorProfile = {
  id: "isahit",
  displayName: "Isahit Lab",
  seed: "isahit.txt",
  // No default: the seed's text says 999888496268 and its JSON says 090680223052. Ask Isahit, set it in config.
  principalKinds: ["account", "role"],
  access: {
    default: "read",
    levels: { read: { bucket: ["s3:ListBucket"], object: ["s3:GetObject"], kms: ["kms:Decrypt"] } },
  },
  // "Tick the Require external ID checkbox": Isahit Lab issues the value in its integration page.
  auth: { default: "role", modes: { role: { externalId: "vendor-issued" } } },
  cors: { defaultOrigins: ["https://lab.isahit.com", "https://work.isahit.com"], methods: ["GET"], headers: ["*"] },
  accessPoint: true,
  handoff: ["roleArn", "accessPoints", "regions", "buckets"],
};
