import * as assert from "node:assert/strict";
import { packDescription, rulesTable } from "../../policypack/docs";
import { generatedFiles, ruleFiles } from "../../policypack/generateDocs";
import { policies } from "../../policypack/rules";

describe("policypack docs: generated from the rules", () => {
  it("PulumiPolicy.yaml and the README rules table are current (run npm run policypack:docs)", () => {
    for (const file of generatedFiles()) assert.equal(file.current, file.expected, `${file.path} is out of date`);
  });

  it("names every rule once, with its file, severity, default level, config and remediation", () => {
    const files = ruleFiles();
    assert.deepEqual(Object.keys(files).sort(), policies.map((p) => p.name).sort());
    const table = rulesTable(files);
    for (const [index, policy] of policies.entries()) {
      const row = table.split("\n")[index + 2];
      assert.ok(row.startsWith(`| ${index + 1} | \`${policy.name}\` (\`${files[policy.name]}\``), row);
      assert.ok(row.includes(`| ${policy.severity} | ${policy.enforcementLevel} |`), row);
      assert.ok(policy.remediationSteps && row.includes(policy.remediationSteps.slice(0, 20)), row);
    }
    assert.match(packDescription(), /^vendor-access guardrails: no wildcard actions; .*\(advisory\)\.$/);
  });
});
