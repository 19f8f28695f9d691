// The Pulumi program: read this stack's `vendor-access:*` config and deploy it. A function, so that importing
// the package stays free of side effects; a project's index.ts calls it (`export = vendorAccessProgram()`).
import { readStackConfig, type VendorOptions } from "../model/config";
import { deployVendorAccess, type VendorAccessOutputs } from "./vendorAccess";

/** Validate the stack's config (with the vendors given in code) and deploy it; ConfigError before any resource. */
export function vendorAccessProgram(options: VendorOptions = {}): Promise<VendorAccessOutputs> {
  return deployVendorAccess(readStackConfig(options), options);
}
