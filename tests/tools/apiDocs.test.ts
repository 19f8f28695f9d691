// docs/api.md is generated from api.ts (npm run api-docs): it must say what the declarations say, every export.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as api from "../../api";
import { apiDocsFile, apiEntries, renderApiDocs, type ApiEntry } from "../../tools/apiDocs";

const root = resolve(__dirname, "../..");

describe("the API reference (docs/api.md)", function () {
  // One compiler program over api.ts and everything it imports: seconds, more on a busy machine.
  this.timeout(120_000);
  let entries: ApiEntry[];
  before(() => {
    entries = apiEntries(root);
  });

  it("is up to date: run npm run api-docs after changing the public API", () => {
    const current = readFileSync(join(root, apiDocsFile), "utf8");
    assert.ok(current === renderApiDocs(entries), `${apiDocsFile} is stale: run npm run api-docs`);
  });

  it("documents every export of api.ts, values and types, with its kind and signature", () => {
    const documented = new Map(entries.map((entry) => [entry.name, entry]));
    for (const name of Object.keys(api)) assert.ok(documented.has(name), `${name} is not in ${apiDocsFile}`);
    assert.equal(documented.get("VendorIntegration")?.kind, "class");
    assert.match(
      documented.get("defineVendor")!.signature,
      /^function defineVendor<const Extra extends VendorExtraConfig/,
    );
    assert.equal(documented.get("VendorProfile")?.kind, "interface");
    assert.equal(documented.get("AccessLevel")?.signature, 'type AccessLevel = "read" | "read-write";');
    assert.ok(entries.every((entry) => entry.signature.length > 0));
  });

  it("names no validation library in a public signature", () => {
    const signatures = entries.flatMap((entry) => [entry.signature, ...entry.members.map((m) => m.signature)]);
    assert.deepEqual(
      signatures.filter((signature) => /\bz\.|Zod/.test(signature)),
      [],
    );
  });
});
