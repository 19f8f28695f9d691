// Transpiles the writer process and the modules it imports to plain JavaScript once, so that twenty writer
// processes do not each load the TypeScript compiler (ts-node) before they can race.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const root = path.resolve(__dirname, "..", "..", "..");

/** The writer's own module graph, relative to the repository root: followed from its relative imports. */
function moduleGraph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(path.join(root, file), "utf8");
    for (const [, spec] of text.matchAll(/(?:from|import)\s+"(\.{1,2}\/[^"]+)"/g)) {
      const base = path.posix.join(path.posix.dirname(file), spec);
      visit(existsSync(path.join(root, `${base}.ts`)) ? `${base}.ts` : `${base}/index.ts`);
    }
  };
  visit(entry);
  return [...seen];
}

/** Writes the JavaScript under `outDir` (inside the repository, so node_modules resolve) and returns the writer's path. */
export function compileWriter(outDir: string): string {
  for (const source of moduleGraph("tests/integration/faults/writer.ts")) {
    const output = ts.transpileModule(readFileSync(path.join(root, source), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const target = path.join(outDir, source.replace(/\.ts$/, ".js"));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, output);
  }
  return path.join(outDir, "tests/integration/faults/writer.js");
}
