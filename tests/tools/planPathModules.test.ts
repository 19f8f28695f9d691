import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(__dirname, "../..");

// A fresh process renders the dev stack from the plan and lists the packages it loaded: the plan path must start
// fast, so it never loads the Pulumi SDK, the AWS provider, the policy-pack runtime, gRPC or an AWS SDK client.
const script = `
require("./tools/register.js");
const { renderFromPlan } = require("./tools/render");
const { loadStackFile } = require("./tools/stackFile");
renderFromPlan(loadStackFile({ stack: "dev" })).then((render) => {
  const heavy = Object.keys(require.cache).filter((f) => /node_modules\\/(@pulumi\\/|@grpc\\/|@aws-sdk\\/client-)/.test(f));
  console.log(JSON.stringify({ resources: render.resources.length, heavy: [...new Set(heavy.map((f) => f.replace(/.*node_modules\\/((@[^/]+\\/)?[^/]+).*/, "$1")))] }));
});`;

describe("the plan path (npm run synth without --engine mocks)", function () {
  this.timeout(60_000);

  it("renders the dev stack without loading the Pulumi SDK, the AWS provider, gRPC or an AWS SDK client", () => {
    const child = spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
    assert.equal(child.status, 0, child.stderr);
    const { resources, heavy } = JSON.parse(child.stdout.trim().split("\n").pop()!) as {
      resources: number;
      heavy: string[];
    };
    assert.ok(resources > 0);
    assert.deepEqual(heavy, []);
  });
});
