// Renders bench/results.json: the console table, and the README's benchmark region between its markers.
import { readFileSync, writeFileSync } from "node:fs";
import { formatMiB, formatMs, formatRatio } from "./format";
import { growthLines, peerHeaders, peerRows, peerSummary } from "./peerReport";
import type { BenchResults, EvaluationScenario, ResourceCountScenario } from "./results";

export const readmeStartMarker = "<!-- bench:start -->";
export const readmeEndMarker = "<!-- bench:end -->";

const targetPackingRatio = 0.95;
const targetResourceRatio = 1;

const kibToMib = (kib: number | undefined) => (kib === undefined ? undefined : kib / 1024);

/** Columns padded to their widest cell; the first `leftAligned` columns read left to right, the rest are numbers. */
export function textTable(headers: string[], rows: string[][], leftAligned = 1): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column < leftAligned ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

function markdownTable(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

function verdict(met: boolean | undefined): string {
  return met === undefined ? "not measured" : met ? "met" : "missed";
}

function splitNote(scenarios: EvaluationScenario[]): string[] {
  return scenarios
    .filter((s) => Object.values(s.integrationsPerVendor).some((count) => count > 1))
    .map(
      (s) =>
        `V=${s.vendors.length}, B=${s.bucketCount}: ${s.integrations} integrations (` +
        Object.entries(s.integrationsPerVendor)
          .map(([vendor, count]) => `${vendor} ${count}`)
          .join(", ") +
        ")",
    );
}

function evaluationRows(scenarios: EvaluationScenario[]): string[][] {
  return scenarios.map((s) => [
    String(s.vendors.length),
    String(s.bucketCount),
    String(s.integrations),
    s.ours && s.baseline ? `${s.ours.resourcesRegistered} / ${s.baseline.resourcesRegistered}` : "n/a",
    formatMs(s.ours?.medianSynthMs),
    formatMs(s.baseline?.medianSynthMs),
    formatRatio(s.wallRatio),
    formatRatio(s.pairedWallRatio),
    formatRatio(s.cpuRatio),
    formatMiB(kibToMib(s.ours?.medianPeakRssKiB)),
    formatMiB(kibToMib(s.baseline?.medianPeakRssKiB)),
    formatRatio(s.rssRatio),
    s.ours && s.baseline
      ? `${s.ours.runs.length}+${s.baseline.runs.length}`
      : s.error
        ? `failed: ${s.error.split("\n")[0].slice(0, 60)}`
        : "n/a",
  ]);
}

const evaluationHeaders = [
  "V",
  "B",
  "integrations",
  "registered ours / base",
  "wall ours",
  "wall base",
  "wall ratio",
  "paired wall ratio",
  "CPU ratio",
  "RSS ours",
  "RSS base",
  "RSS ratio",
  "runs",
];

function resourceRows(scenarios: ResourceCountScenario[]): string[][] {
  return scenarios.map((s) => [
    String(s.vendorCount),
    String(s.bucketCount),
    String(s.integrations),
    s.oursTotal === undefined ? "n/a" : String(s.oursTotal),
    String(s.minimumTotal),
    s.oursTotal === undefined ? "n/a" : (s.oursTotal / s.integrations).toFixed(1),
    (s.minimumTotal / s.integrations).toFixed(1),
    formatRatio(s.ratio),
    s.componentResources === undefined ? "n/a" : String(s.componentResources),
  ]);
}

const resourceHeaders = [
  "V",
  "B",
  "integrations",
  "ours",
  "minimum",
  "ours/integration",
  "min/integration",
  "ratio",
  "components (not AWS)",
];

/** The terms where our count departs from the minimum, for the largest scale point measured. */
function termDifferences(scenarios: ResourceCountScenario[]): string[] {
  const largest = [...scenarios].reverse().find((s) => s.ours);
  if (!largest?.ours) return [];
  const ours = largest.ours;
  const differences = Object.entries(largest.minimum)
    .filter(([term, minimum]) => ours[term as keyof typeof ours] !== minimum)
    .map(([term, minimum]) => `${term} ours ${ours[term as keyof typeof ours]} vs minimum ${minimum}`);
  const unaccounted = Object.entries(largest.oursUnaccounted ?? {}).map(
    ([kind, count]) => `${kind} ${count} (no term of the minimum)`,
  );
  const all = [...differences, ...unaccounted];
  return [
    `At V=${largest.vendorCount}, B=${largest.bucketCount}: ${all.length === 0 ? "every term matches the minimum" : all.join("; ")}`,
  ];
}

export function renderConsoleReport(results: BenchResults): string {
  const out = [
    ...headerConsoleLines(results),
    ...evaluationConsoleLines(results.evaluation),
    ...resourceConsoleLines(results.resourceCounts),
    ...packingConsoleLines(results.packing),
    ...policyPackConsoleLines(results.policyPack),
    ...coldStartConsoleLines(results.coldStart),
    ...peerConsoleLines(results),
  ];
  return `${out.join("\n")}\n`;
}

/** When, how long, on which machine, with which packages. */
function headerConsoleLines(results: BenchResults): string[] {
  const env = results.environment;
  return [
    `vendor-access benchmark, ${results.generatedAt} (${results.wallSeconds.toFixed(0)} s)`,
    `Machine: ${env.cpuModel}, ${env.cores} cores, ${env.platform}; Node ${env.node}`,
    `Packages: ${Object.entries(env.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(", ")}`,
    "",
  ];
}

/** Section 1: program evaluation at scale, ours against the baseline. */
function evaluationConsoleLines(evaluation: BenchResults["evaluation"]): string[] {
  const out: string[] = [
    "1. Program evaluation at scale: synth under mocks, ours (components) against a baseline that registers the",
    "   same raw resources with the same documents and no components. Medians; ours and baseline alternate.",
    "   Paired wall ratio: the median of each round's ratio (its two runs are adjacent); the target is judged on it.",
    "   CPU ratio: the same comparison over the children's CPU time, steadier than wall time on a shared machine.",
    `   Loader: ${evaluation.loader}.`,
    textTable(evaluationHeaders, evaluationRows(evaluation.scenarios), 0),
  ];
  const splits = splitNote(evaluation.scenarios);
  if (splits.length > 0) {
    out.push(
      "   Split: one integration holds only so many buckets within IAM's default quotas, so each vendor's buckets",
    );
    out.push(`   are spread over several integrations of that vendor: ${splits.join("; ")}.`);
  }
  const mismatched = evaluation.scenarios.filter((s) => s.sameCustomResources === false);
  if (mismatched.length > 0)
    out.push(
      `   Warning: ours and baseline registered different custom resources at ${mismatched.map((s) => `V=${s.vendors.length} B=${s.bucketCount}`).join(", ")}.`,
    );
  const atScale = evaluation.scenarios.filter(
    (s) => s.bucketCount === Math.max(...evaluation.scenarios.map((x) => x.bucketCount)),
  );
  out.push(
    `   Target wall ratio <= ${evaluation.targetWallRatio} at B = ${atScale[0]?.bucketCount}: ` +
      atScale
        .map(
          (s) =>
            `V=${s.vendors.length} ${formatRatio(s.pairedWallRatio)} (${verdict(s.pairedWallRatio === undefined ? undefined : s.pairedWallRatio <= evaluation.targetWallRatio)}; medians ${formatRatio(s.wallRatio)}, CPU ${formatRatio(s.cpuRatio)})`,
        )
        .join(", "),
    "",
  );
  return out;
}

/** Section 2: our custom resources per integration against the minimum AWS needs. */
function resourceConsoleLines(resourceCounts: BenchResults["resourceCounts"]): string[] {
  return [
    "2. Resources per integration: our custom resources against the minimum AWS needs (components are not AWS resources).",
    textTable(resourceHeaders, resourceRows(resourceCounts.scenarios), 0),
    ...termDifferences(resourceCounts.scenarios).map((line) => `   ${line}`),
    `   Target ratio ${targetResourceRatio.toFixed(1)}. The minimum, term by term:`,
    ...Object.entries(resourceCounts.termReasons).map(([term, reason]) => `     ${term}: ${reason}`),
    "",
  ];
}

/** Section 3: how close the packing comes to the theoretical bound. */
function packingConsoleLines(packing: BenchResults["packing"]): string[] {
  return [
    `3. Packing: ${packing.integration}.`,
    `   ${packing.source}.`,
    textTable(
      ["bucket name length", "largest count", "theoretical bound", "ratio"],
      packing.results.map((r) => [
        String(r.nameLength),
        String(r.largestCount),
        String(r.theoreticalBound),
        formatRatio(r.ratio, 3),
      ]),
      0,
    ),
    `   Target >= ${targetPackingRatio}: ${verdict(packing.results.every((r) => r.ratio >= targetPackingRatio))}.`,
    "",
  ];
}

/** Section 4: the policy pack's cost per resource against registration's. */
function policyPackConsoleLines(policyPack: BenchResults["policyPack"]): string[] {
  return [
    `4. Policy pack cost (${policyPack.scenario}): ${policyPack.note}.`,
    `   ${policyPack.resources ?? "n/a"} resources validated in ${formatMs(policyPack.medianValidateMs)}: ${formatMs(policyPack.validatePerResourceMs)} per resource, ` +
      `against ${formatMs(policyPack.registrationPerResourceMs)} per registered resource; ratio ${formatRatio(policyPack.ratio, 3)} ` +
      `(target <= ${policyPack.target}: ${verdict(policyPack.ratio === undefined ? undefined : policyPack.ratio <= policyPack.target)}).`,
    "",
  ];
}

/** Section 5: process start to the first resource registration, per loader. */
function coldStartConsoleLines(coldStart: BenchResults["coldStart"]): string[] {
  const out: string[] = [
    `5. Cold start: process start to the program's first resource registration (${coldStart.stack}, median of runs).`,
    textTable(
      ["loader", "first registration", "runs"],
      coldStart.modes.map((m) => [
        m.mode,
        formatMs(m.medianFirstRegistrationMs),
        m.error ? `failed: ${m.error.split("\n")[0].slice(0, 80)}` : String(m.firstRegistrationMs.length),
      ]),
      1,
    ),
  ];
  for (const mode of coldStart.modes) out.push(`   ${mode.mode}: ${mode.description}.`);
  if (coldStart.precompileMs !== undefined)
    out.push(
      `   The tsc build for precompiled took ${formatMs(coldStart.precompileMs)} (once per CI job, not counted above).`,
    );
  out.push(`   Recommended for CI: ${coldStart.recommended}, because ${coldStart.why}.`, "");
  return out;
}

/** Section 6: ours against the AWS CDK, growth, and the synth's cold start. */
function peerConsoleLines(results: BenchResults): string[] {
  if (!results.peer) return [];
  return [
    "6. Against the AWS CDK: `npm run synth` and a CDK app for the same grants, whole processes, interleaved, medians.",
    textTable(peerHeaders, peerRows(results.peer), 0),
    ...peerSummary(results).map((line) => `   ${line}`),
    "   Growth of `npm run synth` with buckets (least-squares line; local exponent 1 is linear):",
    ...growthLines(results.growth ?? []).map((line) => `     ${line}`),
  ];
}

/** The README's peer table and growth lines. */
function peerReadmeLines(results: BenchResults): string[] {
  if (!results.peer) return [];
  return [
    "`npm run synth` against an AWS CDK app for the same grants (bench/cdk/app.ts: Role with externalIds, grants on imported buckets, " +
      "BucketPolicy, CfnAccessPoint, AwsCustomResource for CORS and KMS grants, stacks under 500 resources), each a whole process from spawn to exit, interleaved; medians, ratios ours/CDK:",
    "",
    markdownTable(peerHeaders, peerRows(results.peer)),
    "",
    ...peerSummary(results).flatMap((line) => [line, ""]),
    "Growth of `npm run synth` with buckets:",
    "",
    ...growthLines(results.growth ?? []).map((line) => `- ${line}`),
    "",
  ];
}

/** The README's benchmark region: the scale points and the headline figures, dated. */
export function renderReadmeRegion(results: BenchResults): string {
  const { environment: env, evaluation, resourceCounts, packing, policyPack, coldStart } = results;
  const byPoint = new Map(resourceCounts.scenarios.map((s) => [`${s.vendorCount}/${s.bucketCount}`, s]));
  const rows = evaluationRows(evaluation.scenarios).map((row, index) => {
    const scenario = evaluation.scenarios[index];
    const counts = byPoint.get(`${scenario.vendors.length}/${scenario.bucketCount}`);
    return [...row.slice(0, 12), formatRatio(counts?.ratio)];
  });
  const lines = [
    `Measured ${results.generatedAt.slice(0, 10)} by \`npm run bench\` (${results.wallSeconds.toFixed(0)} s) on ${env.cpuModel}, ${env.cores} cores, Node ${env.node}; ` +
      `${Object.entries(env.packages)
        .map(([name, version]) => `${name} ${version}`)
        .join(", ")}. Full figures: \`bench/results.json\`.`,
    "",
    ...peerReadmeLines(results),
    `Synth under mocks, ours against a baseline registering the same custom resources with the same inputs and no components ` +
      `(tests/bench/baseline.test.ts), each loading its own code inside the measurement; medians of the runs shown. The paired ` +
      `wall ratio is the median of each round's ratio, its two runs adjacent: the target (≤ ${evaluation.targetWallRatio} at ` +
      `B = 1000) is judged on it. The CPU ratio is steadier when other work shares the machine. ` +
      `The last column is our custom resources over the minimum AWS needs (target 1.0).`,
    "",
    markdownTable([...evaluationHeaders.slice(0, 12), "resources / minimum"], rows),
    "",
    `Packing (${packing.integration}): ` +
      packing.results
        .map(
          (r) =>
            `${r.nameLength}-character names ${r.largestCount} of ${r.theoreticalBound} buckets (${formatRatio(r.ratio, 3)})`,
        )
        .join(", ") +
      ".",
    "",
    `Policy pack: ${formatMs(policyPack.validatePerResourceMs)} per resource against ${formatMs(policyPack.registrationPerResourceMs)} ` +
      `to register one (ratio ${formatRatio(policyPack.ratio, 3)}, target ≤ ${policyPack.target}).`,
    "",
    `Cold start to the first registration: ` +
      coldStart.modes.map((m) => `${m.mode} ${formatMs(m.medianFirstRegistrationMs)}`).join(", ") +
      `. For CI we recommend **${coldStart.recommended}**${coldStart.recommended === "transpile-only" ? " (`PULUMI_NODEJS_TRANSPILE_ONLY=true`)" : ""}: ${coldStart.why}.`,
  ];
  return lines.join("\n");
}

/** Replace only what lies between the README's bench markers; everything else in the file is left as it is. */
export function replaceBenchRegion(readme: string, region: string): string {
  const start = readme.indexOf(readmeStartMarker);
  const end = readme.indexOf(readmeEndMarker);
  if (start < 0 || end < start) throw new Error(`README.md has no ${readmeStartMarker} ... ${readmeEndMarker} region`);
  return `${readme.slice(0, start + readmeStartMarker.length)}\n${region}\n${readme.slice(end)}`;
}

export function updateReadme(readmePath: string, results: BenchResults): void {
  const readme = readFileSync(readmePath, "utf8");
  writeFileSync(readmePath, replaceBenchRegion(readme, renderReadmeRegion(results)));
}
