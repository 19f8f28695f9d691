// `npm run policypack:docs`: writes PulumiPolicy.yaml's description and README.md's rules table from the rules.
// `--check` writes nothing and exits 1 when either is out of date.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pulumiPolicyYaml, rulesTable, withRulesTable } from "./docs";

const packDir = __dirname;

/** Rule name -> its file under rules/, found by loading each file and reading what it exports. */
export function ruleFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of readdirSync(join(packDir, "rules")).filter((f) => f.endsWith(".ts") && f !== "index.ts")) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- every rule file, to map names to files
    const exported = require(join(packDir, "rules", file)) as Record<string, unknown>;
    for (const value of Object.values(exported))
      if (typeof value === "object" && value !== null && "name" in value && "enforcementLevel" in value)
        files[String((value as { name: string }).name)] = `rules/${file}`;
  }
  return files;
}

/** The generated files, by path, with their current and expected content. */
export function generatedFiles(): { path: string; current: string; expected: string }[] {
  const readmePath = join(packDir, "README.md");
  const yamlPath = join(packDir, "PulumiPolicy.yaml");
  const readme = readFileSync(readmePath, "utf8");
  return [
    { path: yamlPath, current: readFileSync(yamlPath, "utf8"), expected: pulumiPolicyYaml() },
    { path: readmePath, current: readme, expected: withRulesTable(readme, rulesTable(ruleFiles())) },
  ];
}

if (require.main === module) {
  const check = process.argv.includes("--check");
  const stale = generatedFiles().filter((file) => file.current !== file.expected);
  for (const file of stale) {
    if (check) process.stderr.write(`${file.path} is out of date: run npm run policypack:docs\n`);
    else writeFileSync(file.path, file.expected);
  }
  process.exit(check && stale.length > 0 ? 1 : 0);
}
