// The Pulumi program: read this stack's `vendor-access:*` config and deploy it. A function, so that importing
// the package stays free of side effects; a project's index.ts calls it (`export = vendorAccessProgram()`).
import * as pulumi from "@pulumi/pulumi";
import {
  awsSettingsOf,
  parseConfigMap,
  type IsSecretConfig,
  type StackAwsSettings,
  type StackConfig,
  type VendorOptions,
} from "../model/config";
import { withRunErrors } from "./engineErrors";
import { deployVendorAccess, type VendorAccessOutputs } from "./vendorAccess";

/**
 * Read the config from the engine. Raw access, so that secret-bearing keys do not log warnings. The engine
 * marks secrecy per key: one `secure:` value anywhere inside `vendor-access:integrations` marks all of it.
 */
export function readStackConfig(options: VendorOptions = {}): StackConfig {
  return parseConfigMap(pulumi.runtime.allConfig(), engineSecretKeys(), options);
}

/** This stack's `aws:*` settings: what the program hands its own AWS clients, and VendorIntegration's default. */
export function readAwsSettings(): StackAwsSettings {
  return awsSettingsOf(pulumi.runtime.allConfig());
}

/** The engine's secret keys: the SDK's own lookup (internal in its typings), else the variable the engine sets. */
function engineSecretKeys(): IsSecretConfig {
  const sdkLookup = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  if (sdkLookup) return (key) => sdkLookup(key);
  const keys = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS || "[]") as string[];
  return (key) => keys.includes(key);
}

/** Validate the stack's config (with the vendors given in code) and deploy it; ConfigError before any resource. */
export function vendorAccessProgram(options: VendorOptions = {}): Promise<VendorAccessOutputs> {
  return withRunErrors(() => deployVendorAccess(readStackConfig(options), options));
}
