// The built-in vendors: adding one is one profile file, one line here, and its test.
import { aihub } from "./aihub";
import { aquarium } from "./aquarium";
import { deeplake } from "./deeplake";
import { isahit } from "./isahit";
import { mlspace } from "./mlspace";
import type { VendorProfile } from "./profile";

export const builtInVendors: readonly VendorProfile[] = [aquarium, deeplake, mlspace, isahit, aihub];

export {
  defineVendor,
  VendorDefinitionError,
  type VendorDefinition,
  type VendorExtraConfig,
  type VendorExtraValues,
} from "./define";
export { VendorRegistry, type RegisteredVendor, type VendorOrigin } from "./registry";
export type {
  AccessLevel,
  ActionSet,
  AuthMode,
  AuthModeProfile,
  CorsProfile,
  ExternalIdSource,
  HandoffField,
  VendorProfile,
} from "./profile";
