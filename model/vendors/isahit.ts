import { defineVendor } from "./define";

/** Isahit Lab: CORS for its web apps, an access point, and a role with a vendor-issued ExternalId. */
export const isahit = defineVendor({
  id: "isahit",
  displayName: "Isahit Lab",
  instructions: 'Isahit Lab: "AWS S3 Integration"',
  // No default: Isahit's text says 999888496268, its JSON 090680223052 (docs/vendors/isahit.md). Set it in config.
  // Both accounts the instructions name, for the policy pack's check of trusted principals.
  knownPrincipals: ["999888496268", "090680223052"],
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
});
