import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStacks, stackFiles } from "../../tools/stacks";

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

  it("prints the real stacks as JSON, or the examples with --examples", async () => {
    let out = "";
    const io = { write: (t: string) => void (out += t), writeError: (t: string) => assert.fail(t) };
    assert.equal(await runStacks([], io), 0);
    assert.equal(out, "[]\n");
    out = "";
    assert.equal(await runStacks(["--examples"], io), 0);
    assert.equal(out, '["dev","prod"]\n');
  });
});
