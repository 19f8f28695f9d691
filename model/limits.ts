// Every AWS quota and naming limit the program checks, defined once. The policy pack (its own package) keeps
// copies in policypack/programFacts.ts; tests/policypack/programFacts.test.ts holds them equal to these.

/**
 * IAM quotas ("IAM and AWS STS quotas", IAM User Guide). Policy sizes count characters of JSON without
 * whitespace; names count characters.
 */
export const iamLimits = {
  /** A customer managed policy. */
  managedPolicyChars: 6144,
  /** All inline policies of one role together. */
  inlinePolicyCharsPerRole: 10240,
  /** All inline policies of one user together. */
  inlinePolicyCharsPerUser: 2048,
  /** All inline policies of one group together. */
  inlinePolicyCharsPerGroup: 5120,
  /** A role trust policy, by default. */
  trustPolicyChars: 2048,
  /** A role trust policy, at most, once the quota is raised. */
  trustPolicyCharsRaised: 8192,
  /** Managed policies attached to one role (or user), by default. */
  managedPoliciesPerRole: 10,
  /** Managed policies attached to one role (or user), at most, once the quota is raised. */
  managedPoliciesPerRoleRaised: 20,
  /** A role or user name. */
  roleNameChars: 64,
  /** A policy name (and so a permissions boundary's name). */
  policyNameChars: 128,
} as const;

/** Amazon S3 limits (Amazon S3 User Guide: "Bucket naming rules", "Bucket policy", "CORS configuration"). */
export const s3Limits = {
  /** A bucket policy, in bytes. */
  bucketPolicyBytes: 20480,
  /** Rules in one bucket's CORS configuration. */
  corsRules: 100,
  /** One bucket's CORS configuration, in bytes. */
  corsBytes: 65536,
  /** A CORS rule ID (Amazon S3 API Reference, CORSRule). */
  corsRuleIdChars: 255,
  /** A general purpose bucket name: 3 to 63 characters. */
  bucketNameMinChars: 3,
  bucketNameMaxChars: 63,
  /** An object key, and so a key prefix, in UTF-8 bytes. */
  objectKeyBytes: 1024,
  /** An access point name: 3 to 50 characters ("Naming rules for access points"). */
  accessPointNameMinChars: 3,
  accessPointNameMaxChars: 50,
} as const;

/** AWS STS AssumeRole ExternalId: 2 to 1,224 characters (AWS STS API Reference, AssumeRole). */
export const stsLimits = {
  externalIdMinChars: 2,
  externalIdMaxChars: 1224,
} as const;

/** AWS KMS "Key policy document size": 32 KB. */
export const kmsLimits = {
  keyPolicyBytes: 32768,
} as const;

/** Our own Sids: letters, digits and hyphens, at most this long, which every S3 endpoint and console accepts. */
export const sidMaxChars = 128;

/**
 * Our own bounds on one shared-document write (providers/ownedEntries.ts), so that `up` always ends: rounds of
 * read-merge-write before giving up on a document that keeps changing under us, and the jittered backoff between
 * rounds (each doubles the last, at most `backoffDoublings` times, times a random 0.5 to 1.5).
 */
export const sharedDocumentWriteLimits = {
  rounds: 8,
  /** Claims a writer may lose to other writers of this project (each loss is another's write going ahead), besides its rounds. */
  lostClaims: 32,
  backoffMs: 250,
  backoffDoublings: 6,
} as const;
