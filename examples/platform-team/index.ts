// A platform team's program: the vendors granted by stack config through vendorAccessProgram, plus one
// integration built by hand with VendorIntegration, its ExternalId read as a secret from this project's config.
import * as pulumi from "@pulumi/pulumi";
import { vendorAccessProgram, VendorIntegration } from "vendor-access";
import { acmeLabel } from "./vendors";

const config = new pulumi.Config();
const accountId = new pulumi.Config("vendor-access").require("accountId");

// The code-defined vendor, by hand: the ExternalId stays a secret; the stack's aws:* settings are used by default.
const acmeEval = new VendorIntegration("acme-eval", {
  vendor: acmeLabel,
  accountId,
  access: "read-write",
  principal: config.require("acmePrincipal"),
  externalId: config.requireSecret("acmeExternalId"),
  buckets: [{ name: config.require("labelsBucket"), region: "eu-west-1", prefix: "acme/" }],
});

// Every integration of `vendor-access:integrations`, including the config-defined vendor's.
export = vendorAccessProgram({ vendors: [acmeLabel] }).then((outputs) => ({
  ...outputs,
  handoffs: { ...outputs.handoffs, "acme-eval": acmeEval.handoff },
}));
