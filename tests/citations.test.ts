// Comments and docs cite only what a clone of the repository has: our README and docs (docs/vendors/ for the
// vendors' own instructions), AWS documentation titles and public upstream references; never files outside the
// repository or the tracker's issue numbers, which a reader of a clone cannot open.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { builtInVendors } from "../model/vendors";

const root = resolve(__dirname, "..");

/** What may not be cited, each with what to cite instead. */
const forbidden: { pattern: RegExp; instead: string }[] = [
  { pattern: /\bseeds\//, instead: "docs/vendors/<vendor>.md" },
  { pattern: /\bVENDORS\.md\b/, instead: "docs/vendors/<vendor>.md" },
  { pattern: /\.\.\/shared(?![\w-])/, instead: "our README or docs/" },
  { pattern: /\bissues? #?\d+/i, instead: "what the issue asked for, in words" },
  // A bare `#12` is an issue reference; a statement's position in a document ("statement #3") is not.
  { pattern: /(?<!statement )(?<![\w`$#{/])#\d{1,2}\b/, instead: "what the issue asked for, in words" },
];

/** Every tracked source and doc file, this test's own file aside (it has to spell the patterns). */
function trackedFiles(): string[] {
  const listed = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0");
  return listed.filter(
    (path) =>
      /\.(ts|mjs|js|md|ya?ml|json)$/.test(path) && !path.startsWith("bench/cdk/") && path !== "tests/citations.test.ts",
  );
}

export function citationProblems(path: string, text: string): string[] {
  return text
    .split("\n")
    .flatMap((line, index) =>
      forbidden
        .filter(({ pattern }) => pattern.test(line))
        .map(({ pattern, instead }) => `${path}:${index + 1}: ${line.trim()} (matches ${pattern}; cite ${instead})`),
    );
}

describe("citations in the repository", () => {
  it("no tracked file cites seeds/, VENDORS.md, ../shared or an issue number", () => {
    const files = trackedFiles();
    assert.ok(files.length > 100, `only ${files.length} tracked files: is this a git checkout?`);
    const problems = files.flatMap((path) => citationProblems(path, readFileSync(join(root, path), "utf8")));
    assert.deepEqual(problems, []);
  });

  it("catches each form, and leaves statement positions and upstream references alone", () => {
    const cite = (line: string) => citationProblems("x.ts", line).length;
    assert.equal(cite("// see seeds/aquarium.txt"), 1);
    assert.equal(cite("/** (VENDORS.md, Handoff) */"), 1);
    assert.equal(cite("read ../shared/DESIGN.md"), 1);
    assert.equal(cite("[shared buckets](../shared-buckets.md)"), 0);
    assert.equal(cite("// as issue 10 asks"), 1);
    assert.equal(cite("// fixes #14"), 1);
    assert.equal(cite("`statement #${index + 1} (no Sid)`"), 0);
    assert.equal(cite('"statement #3 (no Sid)"'), 0);
    assert.equal(cite("(terraform-provider-aws #6334, pulumi-aws #1750)"), 0);
  });

  it("has one doc per built-in vendor in docs/vendors/, linked from the README", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    assert.match(readme, /\(docs\/vendors\/README\.md\)/);
    const index = readFileSync(join(root, "docs/vendors/README.md"), "utf8");
    for (const vendor of builtInVendors) {
      const doc = readFileSync(join(root, `docs/vendors/${vendor.id}.md`), "utf8");
      assert.match(doc, new RegExp(`\\(\`vendor: ${vendor.id}\`\\)`), vendor.id);
      assert.match(doc, /\*\*Vendor's document:\*\*/, vendor.id);
      assert.match(doc, /## Where we differ, and why/, vendor.id);
      assert.match(index, new RegExp(`\\(${vendor.id}\\.md\\)`), vendor.id);
    }
  });
});
