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
  type BucketConfig,
  type BucketInput,
  type StackAwsSettings,
  type VendorOptions,
} from "./model/config";
export type { AwsClientSettings, AssumeRoleHop, AssumeRoleExternalIds } from "./model/awsSettings";
export type {
  StandardSchema,
  StandardSchemaIssue,
  StandardSchemaOutput,
  StandardSchemaProps,
  StandardSchemaResult,
} from "./model/standardSchema";
export {
  builtInVendors,
  defineVendor,
  VendorDefinitionError,
  VendorRegistry,
  type AccessLevel,
  type ActionSet,
  type AuthMode,
  type AuthModeProfile,
  type CorsProfile,
  type ExternalIdSource,
  type HandoffField,
  type VendorDefinition,
  type VendorExtraConfig,
  type VendorExtraValues,
  type VendorProfile,
} from "./model/vendors";
export { PlanError } from "./model/plan";
export { readAwsSettings, readStackConfig, vendorAccessProgram } from "./program/stackProgram";
