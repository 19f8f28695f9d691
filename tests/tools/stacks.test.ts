import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stackFiles } from "../../tools/stacks";

describe("tools/stacks", () => {
  it("treats the repository's stack files as examples: CI deploys and previews none of them", () => {
    assert.deepEqual(stackFiles(), { real: [], examples: ["dev", "prod"] });
  });

  it("lists every stack file without the example marker as real", () => {
    const root = mkdtempSync(join(tmpdir(), "stacks-"));
    writeFileSync(join(root, "Pulumi.yaml"), "name: vendor-access\n");
    writeFileSync(join(root, "Pulumi.team-a.yaml"), "config:\n  vendor-access:accountId: '111122223333'\n");
    writeFileSync(join(root, "Pulumi.sample.yaml"), "config:\n  vendor-access:example: true\n");
    writeFileSync(join(root, "Pulumi.team-b.yaml"), "config:\n  vendor-access:example: false\n");
    assert.deepEqual(stackFiles(root), { real: ["team-a", "team-b"], examples: ["sample"] });
  });
});
