import * as assert from "node:assert/strict";
import { unknownCheckingProxy } from "@pulumi/policy";
import { noWildcardActions } from "../../policypack/rules/noWildcardActions";
import { managedPolicy, resourceArgs, runResourceRule } from "./ruleHarness";

const wildcard = { Statement: { Sid: "All", Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::data/*" } };

describe("policypack defineRule: what every rule does the same way in the engine", () => {
  it("marks an exempted resource's rule not applicable, with the reason, instead of reporting", async () => {
    const run = await runResourceRule(
      noWildcardActions,
      managedPolicy(wildcard, {
        name: "legacy-grant",
        config: { exemptions: [{ resource: "legacy-*", reason: "SEC-9: vendor offboarding" }] },
      }),
    );
    assert.deepEqual(run.violations, []);
    assert.match(
      run.notApplicable ?? "",
      /^legacy-grant: exempted \(SEC-9: vendor offboarding\): policy: statement "All" allows wildcard action "s3:\*"/,
    );
  });

  it("matches `urn:` patterns against the URN, other patterns against the name only", async () => {
    const byUrn = await runResourceRule(
      noWildcardActions,
      managedPolicy(wildcard, {
        name: "grant",
        config: { exemptions: [{ resource: "urn:pulumi:test::*::aws:iam/policy:Policy::grant", reason: "r" }] },
      }),
    );
    assert.deepEqual(byUrn.violations, []);
    const nameOnly = await runResourceRule(
      noWildcardActions,
      managedPolicy(wildcard, { name: "grant", config: { exemptions: [{ resource: "*Policy::grant", reason: "r" }] } }),
    );
    assert.equal(nameOnly.violations.length, 1);
  });

  it("does not apply an exemption that has no reason, and says so", async () => {
    const run = await runResourceRule(
      noWildcardActions,
      managedPolicy(wildcard, { name: "grant", config: { exemptions: [{ resource: "grant", reason: "" }] } }),
    );
    assert.equal(run.notApplicable, undefined);
    assert.match(run.violations[0], /exemption "grant" matches but gives no reason, so it does not apply/);
  });

  it("skips unknown values silently instead of letting the engine report that the rule could not run", async () => {
    const props = unknownCheckingProxy({
      policy: "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
      name: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    });
    assert.deepEqual(await runResourceRule(noWildcardActions, resourceArgs("aws:iam/policy:Policy", props)), {
      violations: [],
    });
  });
});
