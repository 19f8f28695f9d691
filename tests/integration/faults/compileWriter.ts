// Transpiles the writer process and the modules it imports to plain JavaScript once, so that twenty writer
// processes do not each load the TypeScript compiler (ts-node) before they can race.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const root = path.resolve(__dirname, "..", "..", "..");

/** The writer's own module graph, relative to the repository root. */
const sources = [
  "tests/integration/faults/writer.ts",
  "model/sharedDocuments/formats.ts",
  "model/sharedDocuments/merge.ts",
  "model/sharedDocuments/validate.ts",
  "model/sharedDocuments/ownership.ts",
  "model/sharedDocuments/documentStore.ts",
  "providers/ownedEntries.ts",
  "providers/s3DocumentStores.ts",
];

/** Writes the JavaScript under `outDir` (inside the repository, so node_modules resolve) and returns the writer's path. */
export function compileWriter(outDir: string): string {
  for (const source of sources) {
    const output = ts.transpileModule(readFileSync(path.join(root, source), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const target = path.join(outDir, source.replace(/\.ts$/, ".js"));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, output);
  }
  return path.join(outDir, "tests/integration/faults/writer.js");
}
