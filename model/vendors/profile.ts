// The shape of a vendor profile: data that says what one vendor needs, plus one typed hook. Profiles are made with
// defineVendor (define.ts), which validates them; the registry (registry.ts) is passed explicitly, never mutated.
import type { StandardSchema } from "../standardSchema";

export type AccessLevel = "read" | "read-write";

/**
 * How the vendor reaches the bucket:
 * - `role`: an IAM role in the bucket owner's account that trusts the vendor (with an ExternalId);
 * - `accessKey`: an IAM user with an access key, for vendors that only take keys;
 * - `bucketPolicy`: the vendor's own account is named in the bucket policy and grants itself on its side.
 */
export type AuthMode = "role" | "accessKey" | "bucketPolicy";

/** Where the ExternalId comes from: we generate it, the vendor issues it, or the mode takes none. */
export type ExternalIdSource = "generated" | "vendor-issued" | "none";

export interface ActionSet {
  /** Actions on `arn:aws:s3:::BUCKET` (and on the access point ARN where there is one). */
  readonly bucket: readonly string[];
  /** Actions on `arn:aws:s3:::BUCKET/PREFIX*` (and on the access point's object path). */
  readonly object: readonly string[];
  /** KMS actions on the bucket's customer-managed key, only via S3 in the bucket's region. */
  readonly kms: readonly string[];
}

export interface AuthModeProfile {
  readonly externalId: ExternalIdSource;
  /** False where the vendor is not a principal of ours at all (an access key it holds). */
  readonly takesPrincipal?: false;
  /** Whether the bucket policy gets statements naming the vendor's principal (`vendor`) or our role (`role`). */
  readonly bucketPolicyPrincipal?: "vendor" | "role";
}

export interface CorsProfile {
  readonly defaultOrigins: readonly string[];
  readonly methods: readonly ("GET" | "PUT" | "POST" | "DELETE" | "HEAD")[];
  readonly headers: readonly string[];
}

/** What the customer hands back to the vendor, field by field. */
export type HandoffField =
  | "roleArn"
  | "externalId"
  | "accessKey"
  | "buckets"
  | "regions"
  | "accessPoints"
  | "pathToDrive"
  | "encryption"
  | "vendorSideStatement";

export interface VendorProfile {
  /** Lowercase letters, digits and single hyphens; the `vendor:` value in config and the `vendor-access:vendor` tag. */
  readonly id: string;
  readonly displayName: string;
  /** The vendor's setup instructions this profile follows: a document title or URL, for reviewers. */
  readonly instructions?: string;
  /** The vendor's principal when its instructions name one; otherwise config must give it. */
  readonly defaultPrincipal?: string;
  /**
   * The principals the vendor's own instructions name (12-digit accounts or role ARNs). Rendered as a tag on the
   * role, where the policy pack checks trusted principals against them when no vendor allowlist is configured.
   */
  readonly knownPrincipals?: readonly string[];
  /** Which principal forms config may give: a role ARN, or an account (`arn:aws:iam::ID:root` or 12 digits). */
  readonly principalKinds: readonly ("account" | "role")[];
  readonly access: { readonly default: AccessLevel; readonly levels: Partial<Record<AccessLevel, ActionSet>> };
  readonly auth: { readonly default: AuthMode; readonly modes: Partial<Record<AuthMode, AuthModeProfile>> };
  /** CORS rules on the bucket, when the vendor's web app reads objects from the browser. */
  readonly cors?: CorsProfile;
  /** An S3 access point per bucket, internet origin with every public-access block on. */
  readonly accessPoint?: boolean;
  readonly handoff: readonly HandoffField[];
  /** Vendor-specific config keys, each a Standard Schema, validated with the rest of the integration (code-defined vendors only). */
  readonly extraConfig?: Readonly<Record<string, StandardSchema>>;
  /**
   * For `bucketPolicy` vendors: the vendor-side IAM policies the handoff tells the customer to add the rendered
   * statement to, from the integration's validated `extraConfig` keys (code-defined vendors only).
   */
  readonly vendorSidePolicies?: (extra: Readonly<Record<string, unknown>>) => string[];
}
