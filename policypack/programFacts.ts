// The pack's own copies of facts about the vendor-access program. The pack is an independent package and checks
// the program from outside, so it does not import them; tests/policypack/programFacts.test.ts keeps them equal.

/** The tags the program puts on every role and user it creates for a vendor; `knownPrincipals` only where the profile names some. */
export const tagKeys = {
  vendor: "vendor-access:vendor",
  integration: "vendor-access:integration",
  stack: "vendor-access:stack",
  knownPrincipals: "vendor-access:vendor-principals",
} as const;

/**
 * The principals the built-in vendors' own instructions name, used when no vendorAllowlist is configured and a
 * role carries no `knownPrincipals` tag (the program tags every vendor's, built-in, code or config, from its profile). Deep Lake's is the
 * program's default principal; Isahit's instructions name two accounts (one in the text, one in the JSON example),
 * so the program has no default and the pack accepts either.
 */
export const seedPrincipals: Readonly<Record<string, readonly string[]>> = {
  deeplake: ["arn:aws:iam::597713067985:role/activeloop_backend"],
  isahit: ["999888496268", "090680223052"],
};

/** The CORS methods each vendor profile asks for; a vendor not listed asks for no CORS rule. */
export const vendorCorsMethods: Readonly<Record<string, readonly string[]>> = {
  isahit: ["GET"],
};

/** The actions of access level "Permissions management" each vendor profile asks for (AI Hub: object ACLs). */
export const vendorPermissionsManagementActions: Readonly<Record<string, readonly string[]>> = {
  aihub: ["s3:PutObjectAcl"],
};

/** IAM, S3 and KMS quotas the program packs to and the pack checks (IAM and AWS STS quotas; S3; AWS KMS quotas). */
export const quotas = {
  trustPolicyChars: 2048,
  managedPolicyChars: 6144,
  inlinePolicyCharsPerRole: 10240,
  inlinePolicyCharsPerUser: 2048,
  inlinePolicyCharsPerGroup: 5120,
  bucketPolicyBytes: 20480,
  keyPolicyBytes: 32768,
} as const;
