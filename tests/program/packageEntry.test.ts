// The package's entry (api.ts) can be imported anywhere: it registers nothing and reads no stack config.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(__dirname, "../..");

describe("the package entry", () => {
  it("imports outside a Pulumi stack without output, errors or config reads, and exports the public API", function () {
    // A child process: nothing of this test run's Pulumi state can leak into it.
    this.timeout(120_000);
    const script = "const api = require('./api'); process.stdout.write(JSON.stringify(Object.keys(api).sort()));";
    const child = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, PULUMI_CONFIG: undefined, PULUMI_NODEJS_STACK: undefined },
    });
    assert.equal(child.stderr, "");
    assert.equal(child.status, 0);
    assert.deepEqual(JSON.parse(child.stdout), [
      "ConfigError",
      "PlanError",
      "VendorDefinitionError",
      "VendorIntegration",
      "VendorRegistry",
      "builtInVendors",
      "defineVendor",
      "deployVendorAccess",
      "parseConfigMap",
      "parseStackConfig",
      "readAwsSettings",
      "readStackConfig",
      "vendorAccessProgram",
    ]);
  });
});
