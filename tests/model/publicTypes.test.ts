// The package's public types are plain interfaces; the zod schemas that validate the same shapes stay internal.
// These assertions fail the type check (npm test's tsc) when an interface and its schema drift apart.
import * as assert from "node:assert/strict";
import type { z } from "zod";
import type { VendorProfile } from "../../model/vendors";
import type { vendorDataSchema } from "../../model/vendors/schema";

/** True when every value of A is a B. */
type Assignable<A, B> = [A] extends [B] ? true : false;
/** True when A and B have exactly the same keys (optional or not). */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;

type SchemaProfile = z.output<typeof vendorDataSchema>;
type ProfileData = Omit<VendorProfile, "extraConfig" | "vendorSidePolicies">;
type AuthModes = Required<SchemaProfile["auth"]["modes"]>;

const vendorProfileAgrees = {
  "every validated profile is a VendorProfile": true satisfies Assignable<SchemaProfile, ProfileData>,
  "the same keys": true satisfies SameKeys<SchemaProfile, ProfileData>,
  "the same access levels": true satisfies SameKeys<SchemaProfile["access"]["levels"], ProfileData["access"]["levels"]>,
  "the same auth modes": true satisfies SameKeys<AuthModes, Required<ProfileData["auth"]["modes"]>>,
  "the same action lists": true satisfies SameKeys<
    NonNullable<SchemaProfile["access"]["levels"]["read"]>,
    NonNullable<ProfileData["access"]["levels"]["read"]>
  >,
  "the same CORS keys": true satisfies SameKeys<NonNullable<SchemaProfile["cors"]>, NonNullable<ProfileData["cors"]>>,
  "a role mode's keys are the profile's": true satisfies Assignable<
    keyof NonNullable<AuthModes["role"]>,
    keyof NonNullable<ProfileData["auth"]["modes"]["role"]>
  >,
};

describe("the public types", () => {
  it("agree with the schemas that validate the same shapes (checked at compile time)", () => {
    assert.ok(Object.values(vendorProfileAgrees).every(Boolean));
  });
});
