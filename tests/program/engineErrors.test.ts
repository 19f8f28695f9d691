import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../model/config";
import { PlanError } from "../../model/plan";
import { VendorDefinitionError } from "../../model/vendors";
import { asRunError } from "../../program/engineErrors";
import { runProgram, stackConfig } from "../helpers/program";

describe("program/engineErrors: the model's errors reach the engine as RunErrors (printed without a stack trace)", () => {
  const cases: [string, Error][] = [
    ["ConfigError", new ConfigError(["integrations[0].vendor: unknown vendor"])],
    ["PlanError", new PlanError("bucket b: the policy would exceed 20480 characters")],
    ["VendorDefinitionError", new VendorDefinitionError(["access.levels.read.object[0]: not an IAM action"])],
  ];
  for (const [kind, error] of cases) {
    it(`${kind}: a RunError to the engine, still a ${kind} with the same message and fields`, () => {
      const converted = asRunError(error) as Error;
      assert.equal(pulumi.RunError.isInstance(converted), true);
      assert.ok(converted instanceof (error.constructor as new (...args: never[]) => Error));
      assert.equal(converted.name, kind);
      assert.equal(converted.message, error.message);
      assert.deepEqual((converted as { problems?: string[] }).problems, (error as { problems?: string[] }).problems);
    });
  }

  it("leaves every other error as it is", () => {
    const other = new TypeError("a bug");
    assert.equal(asRunError(other), other);
  });

  it("deployVendorAccess rejects bad config with a ConfigError the engine prints without a stack trace", async () => {
    const failure = await runProgram(stackConfig([{ name: "x", vendor: "nobody" }])).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(failure instanceof ConfigError, String(failure));
    assert.equal(pulumi.RunError.isInstance(failure), true);
    assert.match((failure as ConfigError).message, /^Invalid stack config \(\d+ problems?\):\n {2}- integrations\[0\]/);
  });
});
