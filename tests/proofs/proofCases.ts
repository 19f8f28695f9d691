// Generated stack configs for the proofs: every vendor profile x access level x auth mode x prefix x KMS.
import type { AccessLevel, AuthMode, VendorProfile } from "../../model/vendors";
import { builtInVendors } from "../../model/vendors";
import type { ActionSample } from "../../tools/proof/integrationProof";

export const ownerAccount = "111122223333";
export const vendorAccount = "444455556666";
export const vendorIssuedExternalId = "Vendor-Issued-ExternalId-7f3a";

export interface ProofCase {
  label: string;
  vendor: string;
  access: AccessLevel;
  auth: AuthMode;
  prefix: string;
  kms: boolean;
  principalKind?: "account" | "role";
  /** The non-profile S3 actions this case sweeps: the variants of one vendor and access level split the catalog. */
  sample: ActionSample;
  raw: Record<string, unknown>;
}

const regions = ["us-east-1", "eu-west-3"];

function keyArn(region: string, index: number): string {
  return `arn:aws:kms:${region}:${ownerAccount}:key/${String(index).padStart(8, "0")}-aaaa-4bbb-8ccc-0123456789ab`;
}

function principalFor(profile: VendorProfile, kind: "account" | "role"): string {
  return kind === "account" ? vendorAccount : `arn:aws:iam::${vendorAccount}:role/${profile.id}-connector`;
}

/** One case's raw `vendor-access:*` config: two buckets in two regions, one integration. */
function rawConfig(
  profile: VendorProfile,
  access: AccessLevel,
  auth: AuthMode,
  prefix: string,
  kms: boolean,
  principalKind?: "account" | "role",
): Record<string, unknown> {
  const mode = profile.auth.modes[auth]!;
  const integration: Record<string, unknown> = {
    name: `${profile.id}-proof`,
    vendor: profile.id,
    access,
    auth,
    buckets: regions.map((region, index) => ({
      name: `${profile.id}-${index}`,
      region,
      ...(prefix ? { prefix } : {}),
      ...(kms ? { kmsKeyArn: keyArn(region, index) } : {}),
    })),
  };
  // A profile's default principal (Deep Lake's backend role) is proven as it ships, not replaced.
  const usesDefault = principalKind === "role" && profile.defaultPrincipal !== undefined;
  if (principalKind && !usesDefault) integration.principal = principalFor(profile, principalKind);
  if (mode.externalId === "vendor-issued") integration.externalId = vendorIssuedExternalId;
  return { accountId: ownerAccount, integrations: [integration] };
}

export function proofCases(): ProofCase[] {
  const cases: ProofCase[] = [];
  for (const profile of builtInVendors) {
    const modes = Object.keys(profile.auth.modes) as AuthMode[];
    for (const access of Object.keys(profile.access.levels) as AccessLevel[]) {
      // The variants of one vendor and access level split the catalog's other actions between them.
      const variants = modes.length * 4;
      let variant = 0;
      for (const auth of modes) {
        const takesPrincipal = profile.auth.modes[auth]!.takesPrincipal !== false;
        for (const prefix of ["", "train/"]) {
          for (const kms of [false, true]) {
            // Alternate the principal forms the profile accepts, so each is proven somewhere.
            const principalKind = takesPrincipal
              ? profile.principalKinds[variant % profile.principalKinds.length]
              : undefined;
            const sample = { index: variant, of: variants };
            const label = `${profile.id} ${access} ${auth}${principalKind ? ` (${principalKind} principal)` : ""}, ${prefix ? "prefix" : "no prefix"}, ${kms ? "SSE-KMS" : "no KMS"}`;
            cases.push({
              label,
              vendor: profile.id,
              access,
              auth,
              prefix,
              kms,
              principalKind,
              sample,
              raw: rawConfig(profile, access, auth, prefix, kms, principalKind),
            });
            variant += 1;
          }
        }
      }
    }
  }
  return cases;
}
