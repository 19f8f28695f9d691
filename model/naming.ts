// How the program names and tags what it creates, so that resources, the policy pack and reviewers agree.

/** The tag keys on every role and user the program creates for a vendor. The policy pack reads `vendor`. */
export const tagKeys = {
  integration: "vendor-access:integration",
  vendor: "vendor-access:vendor",
  stack: "vendor-access:stack",
  /** The principals the vendor's own instructions name, space-separated, for the pack's allowlist default. */
  knownPrincipals: "vendor-access:vendor-principals",
} as const;
