// The vendor registry: adding a vendor is one profile file and one line here.
import { aihub } from "./aihub";
import { aquarium } from "./aquarium";
import { deeplake } from "./deeplake";
import { isahit } from "./isahit";
import { mlspace } from "./mlspace";
import type { VendorProfile } from "./profile";

export const vendorProfiles: Readonly<Record<string, VendorProfile>> = {
  aquarium,
  deeplake,
  mlspace,
  isahit,
  aihub,
};

export const vendorIds = Object.keys(vendorProfiles);

export type { AccessLevel, ActionSet, AuthMode, VendorProfile } from "./profile";
