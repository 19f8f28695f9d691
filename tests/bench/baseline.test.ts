import * as assert from "node:assert/strict";
import { registerRawResources } from "../../bench/baseline";
import { benchAccountId, benchStackName, generateStack } from "../../bench/configGenerator";
import { readStackConfig } from "../../program/stackProgram";
import { runUnderMocks, type RecordedResource } from "../../tools/mockEngine";

/** Custom resources by what the engine receives, names aside: the baseline names its resources its own way. */
function customInputs(resources: readonly RecordedResource[]): string[] {
  return resources
    .filter((resource) => resource.custom)
    .map((resource) => JSON.stringify([resource.type, resource.props, resource.dependsOn.length]))
    .sort();
}

describe("bench baseline", () => {
  it("registers the program's custom resources with the same inputs and dependencies, and no components", async () => {
    // The five built-in vendors on twelve buckets: roles, access points, CORS rules, bucket and key policies.
    const { configMap } = generateStack(5, 12);
    const env = {
      project: "vendor-access",
      stack: benchStackName,
      callerAccountId: benchAccountId,
      region: "us-east-1",
      config: configMap,
      secretKeys: [],
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program runs when loaded, as the engine runs it
    const ours = await runUnderMocks(() => require("../../index") as Promise<unknown>, env);
    const baseline = await runUnderMocks(() => registerRawResources(readStackConfig(), benchStackName), env);
    assert.equal(baseline.resources.filter((r) => !r.custom).length, 0);
    assert.ok(ours.resources.some((r) => !r.custom));
    assert.deepEqual(customInputs(baseline.resources), customInputs(ours.resources));
  });
});
