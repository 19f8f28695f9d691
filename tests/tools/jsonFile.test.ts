import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeJsonFile } from "../../tools/jsonFile";

describe("tools/jsonFile: a large JSON document written piece by piece", () => {
  const directory = mkdtempSync(join(tmpdir(), "json-file-"));
  const cases: [string, unknown][] = [
    ["a render-shaped object", { stack: "dev", resources: [{ type: "aws:iam/role:Role", props: { a: [1, "x\ny"] } }] }],
    ["empty arrays and objects", { a: [], b: {}, c: [[], {}] }],
    ["members JSON.stringify leaves out, and null for them in arrays", { a: undefined, b: [undefined, () => 1], c: 1 }],
    ["nested deeper than the piecewise depth", { a: { b: { c: { d: [1, { e: "f" }] } } } }],
    ["values with toJSON", { when: new Date(0), list: [new Date(1)] }],
    ["a top-level array", [1, { a: 2 }, "three"]],
    ["a scalar", "just a string"],
  ];
  for (const [name, value] of cases) {
    it(`writes the same bytes as JSON.stringify(value, null, 2): ${name}`, () => {
      const file = join(directory, "out.json");
      writeJsonFile(file, value);
      assert.equal(readFileSync(file, "utf8"), `${JSON.stringify(value, null, 2)}\n`);
    });
  }
});
