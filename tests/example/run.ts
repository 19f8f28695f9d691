// `npm run test:example`: the package as a platform team gets it. Packs it (prepack builds dist/), copies
// examples/platform-team into a temporary directory outside this repository (so nothing resolves from our own
// node_modules), installs its dependencies and the tarball, then type-checks it with Pulumi's default
// tsconfig, renders its example stack offline and runs its tests. `--keep` leaves the directory for a look.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "../..");
const example = path.join(root, "examples/platform-team");

/** Run one step, its output passed through; throws when it fails. */
function step(name: string, command: string, args: string[], cwd: string): void {
  const started = Date.now();
  process.stdout.write(`\n== ${name}: ${path.basename(command)} ${args.join(" ")}\n`);
  const result = spawnSync(command, args, { cwd, stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0)
    throw new Error(`${name} failed (exit ${result.status ?? result.signal}) after ${seconds} s`);
  process.stdout.write(`== ${name}: ok in ${seconds} s\n`);
}

/** Packages the public declarations may import: what a Pulumi TypeScript project type-checks anyway. */
const declarationImportsAllowed = ["@pulumi/pulumi"];

/**
 * The packages the installed declarations reach from dist/api.d.ts, with the file that imports each. Only the
 * reachable files count: a consumer's tsc never reads the rest (the zod schemas' own declarations, say).
 */
function packagesReachedByDeclarations(dist: string): Map<string, string> {
  const reached = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(/(?:from\s+|import\()\s*"([^"]+)"/g)) {
      if (!specifier.startsWith(".")) {
        if (!reached.has(specifier)) reached.set(specifier, path.relative(dist, file));
        continue;
      }
      const target = path.resolve(path.dirname(file), specifier);
      const declaration = [`${target}.d.ts`, path.join(target, "index.d.ts")].find((candidate) =>
        existsSync(candidate),
      );
      if (declaration) visit(declaration);
    }
  };
  visit(path.join(dist, "api.d.ts"));
  return reached;
}

function checkDeclarations(project: string): void {
  const reached = packagesReachedByDeclarations(path.join(project, "node_modules/vendor-access/dist"));
  const unexpected = [...reached].filter(([name]) => !declarationImportsAllowed.includes(name));
  process.stdout.write(`\n== declarations: dist/api.d.ts reaches ${[...reached.keys()].join(", ") || "no package"}\n`);
  if (unexpected.length > 0)
    throw new Error(
      `the public declarations import ${unexpected.map(([name, file]) => `${name} (from ${file})`).join(", ")}; keep library types out of the public API`,
    );
}

function main(): void {
  const keep = process.argv.includes("--keep");
  const work = mkdtempSync(path.join(tmpdir(), "vendor-access-example-"));
  const project = path.join(work, "platform-team");
  const node = process.execPath;
  let passed = false;
  try {
    step("pack", "npm", ["pack", "--pack-destination", work, "--silent"], root);
    const tarball = path.join(
      work,
      readdirSync(work).find((name) => name.endsWith(".tgz"))!,
    );
    cpSync(example, project, { recursive: true, filter: (source) => !source.includes(`${path.sep}node_modules`) });
    // --no-save: the tarball's integrity changes with every build, so it stays out of package.json and the lock.
    // --prefer-offline: whatever npm's cache holds (everything this repository installed) is not fetched again.
    const install = ["install", "--no-save", "--prefer-offline", "--no-audit", "--no-fund", tarball];
    step("install", "npm", install, project);
    checkDeclarations(project);
    step("tsc", node, ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "."], project);
    step("synth", node, ["-r", "ts-node/register/transpile-only", "synth.ts"], project);
    step("test", node, ["node_modules/mocha/bin/mocha.js"], project);
    passed = true;
  } finally {
    if (keep || !passed) process.stdout.write(`\nthe example's directory: ${project}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`test:example: ${(error as Error).message}\n`);
  process.exit(1);
}
