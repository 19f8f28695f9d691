// The vendors a stack may use: the built-in ones, the ones a program defines in code, and those its config defines.
// Built once per run and passed explicitly, so that every message names exactly the vendors this run knows.
import type { VendorProfile } from "./profile";

export type VendorOrigin = "built-in" | "code" | "config";

export interface RegisteredVendor {
  readonly profile: VendorProfile;
  readonly origin: VendorOrigin;
  /** Where it is defined, as messages name it: `vendors[0]` in stack config, `defineVendor("acme")` in code. */
  readonly definedAt: string;
}

/** Where a vendor comes from, as messages and the synth summary say it: "built-in", or "config, vendors[0]". */
export function vendorSource(vendor: Pick<RegisteredVendor, "origin" | "definedAt">): string {
  return vendor.definedAt === vendor.origin ? vendor.origin : `${vendor.origin}, ${vendor.definedAt}`;
}

export class VendorRegistry {
  private readonly entries = new Map<string, RegisteredVendor>();

  /** Registers vendors in order; returns one problem per id defined twice, naming both places. */
  add(vendors: readonly RegisteredVendor[]): string[] {
    const problems: string[] = [];
    for (const vendor of vendors) {
      const existing = this.entries.get(vendor.profile.id);
      if (existing)
        problems.push(
          `${vendor.definedAt}${vendor.origin === "config" ? ".id" : ""}: vendor "${vendor.profile.id}" is already defined (${vendorSource(existing)})`,
        );
      else this.entries.set(vendor.profile.id, vendor);
    }
    return problems;
  }

  get(id: string): VendorProfile | undefined {
    return this.entries.get(id)?.profile;
  }

  /** Every registered id, built-in ones first, then in registration order. */
  ids(): string[] {
    return [...this.entries.keys()];
  }

  list(): RegisteredVendor[] {
    return [...this.entries.values()];
  }
}
