// The public API of the vendor-access package. Importing it registers nothing and reads no config.
export { deployVendorAccess, type DeployOptions, type VendorAccessOutputs } from "./program/vendorAccess";
export {
  VendorIntegration,
  type VendorIntegrationArgs,
  type VendorBucketArgs,
  type Handoff,
} from "./resources/vendorIntegration";
export {
  ConfigError,
  parseStackConfig,
  parseConfigMap,
  type StackConfig,
  type IntegrationConfig,
  type VendorOptions,
} from "./model/config";
export {
  builtInVendors,
  defineVendor,
  VendorDefinitionError,
  VendorRegistry,
  type AccessLevel,
  type ActionSet,
  type AuthMode,
  type VendorDefinition,
  type VendorProfile,
} from "./model/vendors";
export { PlanError } from "./model/plan";
export { readStackConfig, vendorAccessProgram } from "./program/stackProgram";
