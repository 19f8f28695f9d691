// vendor-access: grant third-party vendors least-privilege access to this account's S3 buckets.
// Config is validated first, so a bad stack file fails before any resource is registered.
import { readStackConfig } from "./model/config";
import { deployVendorAccess } from "./program/vendorAccess";

const config = readStackConfig();

export = deployVendorAccess(config);
