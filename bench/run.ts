// `npm run bench`: how the program's cost grows with vendors and buckets, against a raw baseline (README, "Benchmark").
// Every measurement runs in its own child process; every ratio compares figures of this one run.
// Prints the table, writes bench/results.json and regenerates the README's benchmark region from it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { ColdStartRequest, ColdStartResult } from "./coldStart";
import { benchStackName, generateStack, type GeneratedStack } from "./configGenerator";
import { benchEnvironment } from "./environment";
import { growthSeries, type GrowthSeries } from "./growth";
import { minimumResources, minimumTermReasons, oursByTerm, totalOf } from "./minimum";
import { measurePacking, packingSource, packingVendor } from "./packingBound";
import {
  growthOnlySizes,
  growthVendors,
  installPeer,
  measureOursRound,
  measurePeerRound,
  measureSynthColdStart,
  PeerChildFailure,
  peerEntryOf,
  peerSizes,
  preparePeerPoint,
  type PeerPoint,
} from "./peer";
import { targetSynthColdStartMs } from "./peerReport";
import { renderConsoleReport, updateReadme } from "./report";
import type { BenchResults, ColdStartMode, EvaluationScenario, ProgramRuns, ResourceCountScenario } from "./results";
import type { ProgramKind, ScenarioRequest, ScenarioResult } from "./scenario";

const projectRoot = resolve(__dirname, "..");
const resultsPath = join(__dirname, "results.json");
const vendorCounts = [1, 5];
const bucketCounts = [1, 10, 100, 1000];
const packingNameLengths = [3, 30, 63];
/** Repeats per measurement; the biggest points get fewer when the time budget would not hold them. */
const maxRepeats = 5;
/** The evaluation phase's share of the run: no repeat starts that would end after this many seconds. */
const budgetSeconds = 420;
/** The peer phase's share, from its own start: the whole bench stays within about eighteen minutes. */
const peerBudgetSeconds = 480;
const targetWallRatio = 1.15;
const targetPolicyPackRatio = 0.05;

const benchStarted = performance.now();
const elapsedSeconds = () => (performance.now() - benchStarted) / 1000;
const workDir = mkdtempSync(join(tmpdir(), "vendor-access-bench-"));

/** The children must not inherit the parent's ts-node settings: each measurement chooses its own loader. */
function childEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith("TS_NODE_") && key !== "PULUMI_NODEJS_TRANSPILE_ONLY",
    ),
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

class ChildFailure extends Error {}

/** Run one child to completion and return the JSON it wrote to its result file. */
function runChild<T>(args: string[], resultFile: string): T {
  rmSync(resultFile, { force: true });
  const child = spawnSync(process.execPath, args, {
    cwd: projectRoot,
    env: childEnvironment(),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (child.status !== 0) {
    const tail = `${child.stderr ?? ""}`.trim().split("\n").slice(0, 6).join("\n");
    throw new ChildFailure(`exit ${child.status ?? child.signal}: ${tail.slice(0, 800)}`);
  }
  return JSON.parse(readFileSync(resultFile, "utf8")) as T;
}

interface ScalePoint {
  stack: GeneratedStack;
  configMapFile: string;
  runs: Record<ProgramKind, ScenarioResult[]>;
  error?: string;
}

function measurePair(point: ScalePoint, round: number): void {
  // Alternate which program goes first, so that neither always runs on a cooler machine.
  const order: ProgramKind[] = round % 2 === 1 ? ["ours", "baseline"] : ["baseline", "ours"];
  const validate = isPolicyPackPoint(point);
  for (const program of order) {
    const resultFile = join(workDir, `result-${program}.json`);
    const request: ScenarioRequest = {
      program,
      configMapFile: point.configMapFile,
      resultFile,
      validate: validate && program === "ours",
    };
    point.runs[program].push(
      runChild<ScenarioResult>(
        ["-r", "ts-node/register/transpile-only", "bench/scenario.ts", JSON.stringify(request)],
        resultFile,
      ),
    );
  }
}

function isPolicyPackPoint(point: ScalePoint): boolean {
  return point.stack.vendors.length === 5 && point.stack.bucketCount === 1000;
}

function summariseRuns(runs: ScenarioResult[]): ProgramRuns | undefined {
  const last = runs.at(-1);
  if (!last) return undefined;
  return {
    runs,
    medianSynthMs: median(runs.map((run) => run.synthMs)),
    medianSynthCpuMs: median(runs.map((run) => run.synthCpuMs)),
    medianPeakRssKiB: median(runs.map((run) => run.peakRssKiB)),
    resourcesRegistered: last.resourcesRegistered,
    customResources: last.customResources,
    componentResources: last.componentResources,
    customByKind: last.customByKind,
  };
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const kinds = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...kinds].every((kind) => (a[kind] ?? 0) === (b[kind] ?? 0));
}

/** A measurement repeated up to `maxRepeats` times, each repeat in fresh child processes. */
interface RepeatedMeasurement {
  label: string;
  /** Wall time of the first repeat, to plan the later ones within the budget. */
  firstRepeatMs?: number;
  failed?: boolean;
  measure(round: number): void;
  /** Called once, with the child's error, when a repeat fails: the measurement is not repeated after that. */
  fail(message: string): void;
}

/**
 * Every measurement once, then further rounds costliest first (the B = 1000 points carry the targets), each
 * repeat only if it still ends before the deadline; the cheap points fill the time that is left.
 */
function repeatWithinBudget(measurements: RepeatedMeasurement[], deadlineSeconds = budgetSeconds): void {
  for (let round = 1; round <= maxRepeats; round++) {
    const ordered =
      round === 1 ? measurements : [...measurements].sort((a, b) => (b.firstRepeatMs ?? 0) - (a.firstRepeatMs ?? 0));
    for (const measurement of ordered) {
      if (measurement.failed) continue;
      if (round > 1 && elapsedSeconds() + (measurement.firstRepeatMs ?? 0) / 1000 > deadlineSeconds) continue;
      process.stderr.write(`  round ${round}: ${measurement.label} (${elapsedSeconds().toFixed(0)} s elapsed)\n`);
      const started = performance.now();
      try {
        measurement.measure(round);
      } catch (error) {
        if (!(error instanceof ChildFailure) && !(error instanceof PeerChildFailure)) throw error;
        measurement.failed = true;
        measurement.fail(error.message);
      }
      measurement.firstRepeatMs ??= performance.now() - started;
    }
  }
}

function evaluationOf(point: ScalePoint): EvaluationScenario {
  const ours = summariseRuns(point.runs.ours);
  const baseline = summariseRuns(point.runs.baseline);
  return {
    vendors: point.stack.vendors,
    bucketCount: point.stack.bucketCount,
    integrations: point.stack.config.integrations.length,
    integrationsPerVendor: point.stack.integrationsPerVendor,
    ...(ours ? { ours } : {}),
    ...(baseline ? { baseline } : {}),
    ...(ours && baseline
      ? {
          wallRatio: ours.medianSynthMs / baseline.medianSynthMs,
          cpuRatio: ours.medianSynthCpuMs / baseline.medianSynthCpuMs,
          pairedWallRatio: median(
            ours.runs.slice(0, baseline.runs.length).map((run, round) => run.synthMs / baseline.runs[round].synthMs),
          ),
          rssRatio: ours.medianPeakRssKiB / baseline.medianPeakRssKiB,
          sameCustomResources: sameCounts(ours.customByKind, baseline.customByKind),
        }
      : {}),
    ...(point.error ? { error: point.error } : {}),
  };
}

function resourceCountOf(point: ScalePoint): ResourceCountScenario {
  const minimum = minimumResources(point.stack.config, benchStackName);
  const ours = summariseRuns(point.runs.ours);
  const counted = ours ? oursByTerm(ours.customByKind) : undefined;
  return {
    vendorCount: point.stack.vendors.length,
    bucketCount: point.stack.bucketCount,
    integrations: point.stack.config.integrations.length,
    minimum,
    minimumTotal: totalOf(minimum),
    ...(ours && counted
      ? {
          ours: counted.terms,
          oursUnaccounted: counted.unaccounted,
          oursTotal: ours.customResources,
          componentResources: ours.componentResources,
          ratio: ours.customResources / totalOf(minimum),
        }
      : {}),
  };
}

const coldStartModes: { mode: ColdStartMode["mode"]; description: string; args: string[] }[] = [
  {
    mode: "typecheck",
    description: "ts-node with type-checking: the Pulumi nodejs runtime's default for a TypeScript project",
    args: ["-r", "source-map-support/register", "-r", "ts-node/register", "bench/coldStart.ts"],
  },
  {
    mode: "transpile-only",
    description:
      "ts-node transpile-only: PULUMI_NODEJS_TRANSPILE_ONLY=true, type-checked once by `npm run typecheck` instead",
    args: ["-r", "source-map-support/register", "-r", "ts-node/register/transpile-only", "bench/coldStart.ts"],
  },
  {
    mode: "precompiled",
    description: "precompiled by tsc into bin/, run as plain JavaScript",
    args: ["-r", "source-map-support/register", "bin/bench/coldStart.js"],
  },
];

/** tsc into bin/: only the program and the cold-start harness (bench/tsconfig.precompiled.json). */
function precompile(): number {
  const started = performance.now();
  const build = spawnSync(
    process.execPath,
    [require.resolve("typescript/bin/tsc", { paths: [projectRoot] }), "-p", "bench/tsconfig.precompiled.json"],
    {
      cwd: projectRoot,
      encoding: "utf8",
    },
  );
  if (build.status !== 0)
    throw new ChildFailure(`tsc failed: ${`${build.stdout}${build.stderr}`.trim().split("\n").slice(0, 6).join("\n")}`);
  return performance.now() - started;
}

function coldStartMeasurements(configMapFile: string, modes: ColdStartMode[]): RepeatedMeasurement[] {
  return coldStartModes.flatMap(({ args }, index) => {
    const mode = modes[index];
    if (mode.error) return [];
    const measurement: RepeatedMeasurement = {
      label: `cold start, ${mode.mode}`,
      measure: () => {
        const resultFile = join(workDir, "cold-start.json");
        const request: ColdStartRequest = { configMapFile, resultFile };
        mode.firstRegistrationMs.push(
          runChild<ColdStartResult>([...args, JSON.stringify(request)], resultFile).firstRegistrationMs,
        );
      },
      fail: (message) => {
        mode.error = message;
      },
    };
    return [measurement];
  });
}

function coldStartSummary(modes: ColdStartMode[], precompileMs: number | undefined): BenchResults["coldStart"] {
  for (const mode of modes)
    if (mode.firstRegistrationMs.length > 0) mode.medianFirstRegistrationMs = median(mode.firstRegistrationMs);
  const [typecheck, transpileOnly, precompiled] = modes.map((mode) => mode.medianFirstRegistrationMs);
  const seconds = (ms: number | undefined) => (ms === undefined ? "n/a" : `${(ms / 1000).toFixed(2)} s`);
  const why =
    `it starts in ${seconds(transpileOnly)} against ${seconds(typecheck)} with type-checking, and needs only an environment variable; ` +
    `precompiled starts in ${seconds(precompiled)} but makes Pulumi.yaml point at bin/index.js with typescript off, so every preview needs a tsc build ` +
    `first or runs stale code, while CI already type-checks once in npm test`;
  return {
    stack: "V=5 vendors, B=1 bucket",
    ...(precompileMs !== undefined ? { precompileMs } : {}),
    modes,
    recommended: "transpile-only",
    why,
  };
}

function policyPackCost(points: ScalePoint[]): BenchResults["policyPack"] {
  const point = points.find(isPolicyPackPoint);
  const validations = point?.runs.ours.flatMap((run) => (run.validation ? [run.validation] : [])) ?? [];
  const baseline = point ? summariseRuns(point.runs.baseline) : undefined;
  const note =
    "validateResources over every custom resource of the V=5, B=1000 render, per resource, against the baseline's synth time per registered resource (the SDK's own cost)";
  if (!point || validations.length === 0 || !baseline)
    return { scenario: "V=5, B=1000", target: targetPolicyPackRatio, note };
  const resources = validations[0].resources;
  const medianValidateMs = median(validations.map((v) => v.ms));
  const validatePerResourceMs = medianValidateMs / resources;
  const registrationPerResourceMs = baseline.medianSynthMs / baseline.resourcesRegistered;
  return {
    scenario: "V=5, B=1000",
    resources,
    medianValidateMs,
    validatePerResourceMs,
    registrationPerResourceMs,
    ratio: validatePerResourceMs / registrationPerResourceMs,
    target: targetPolicyPackRatio,
    note,
  };
}

function peerMeasurement(point: PeerPoint, measure: (round: number) => void, label: string): RepeatedMeasurement {
  return {
    label,
    measure,
    fail: (message) => {
      point.error = message;
    },
  };
}

/** Growth of ours per vendor count, from the peer pairs and the ours-only sizes. */
function growthOf(points: PeerPoint[]): GrowthSeries[] {
  return growthVendors.map((vendors) =>
    growthSeries(
      vendors,
      points
        .filter((point) => point.vendors === vendors && point.buckets >= 10 && point.runs.ours.length > 0)
        .map((point) => {
          const runs = point.runs.ours;
          return {
            buckets: point.buckets,
            wallMs: median(runs.map((run) => run.wallMs)),
            cpuMs: median(runs.map((run) => run.cpuMs)),
            rssMiB: median(runs.map((run) => run.peakRssKiB)) / 1024,
          };
        }),
    ),
  );
}

/** Phase two: ours against the CDK at every peer size, the growth-only sizes, and the synth's cold start. */
function peerPhase(): Pick<BenchResults, "peer" | "growth" | "synthColdStart" | "peerNote"> {
  installPeer();
  process.stderr.write("generating the peer stacks and CDK specs\n");
  const peerPoints = peerSizes.map(([vendors, buckets]) => preparePeerPoint(vendors, buckets, workDir));
  const growthPoints = growthOnlySizes().map(([vendors, buckets]) => preparePeerPoint(vendors, buckets, workDir));
  const cold: NonNullable<BenchResults["synthColdStart"]> = { runsMs: [], target: targetSynthColdStartMs };
  const coldTask: RepeatedMeasurement = {
    label: "synth cold start, dev",
    measure: () => cold.runsMs.push(measureSynthColdStart(workDir)),
    fail: (message) => {
      cold.error = message;
    },
  };
  const deadline = elapsedSeconds() + peerBudgetSeconds;
  repeatWithinBudget(
    [
      coldTask,
      ...peerPoints.map((p) =>
        peerMeasurement(p, (round) => measurePeerRound(p, round), `peer V=${p.vendors} B=${p.buckets}`),
      ),
      ...growthPoints.map((p) => peerMeasurement(p, () => measureOursRound(p), `growth V=${p.vendors} B=${p.buckets}`)),
    ],
    deadline,
  );
  if (cold.runsMs.length > 0) cold.medianMs = median(cold.runsMs);
  return {
    peer: peerPoints.map(peerEntryOf),
    peerNote:
      "Both run under ts-node with SWC (transpile-only), as npm run synth does. The CDK's time includes its default template validation; its resources count every resource of every template it wrote.",
    growth: growthOf([...peerPoints, ...growthPoints]),
    synthColdStart: cold,
  };
}

/** The stacks of the scale scenarios, each config map written where the child processes read it. */
function generateScalePoints(): ScalePoint[] {
  process.stderr.write(`vendor-access bench: generating ${vendorCounts.length * bucketCounts.length} stacks\n`);
  return vendorCounts.flatMap((vendors) =>
    bucketCounts.map((buckets) => {
      const stack = generateStack(vendors, buckets);
      const configMapFile = join(workDir, `config-${vendors}-${buckets}.json`);
      writeFileSync(configMapFile, JSON.stringify(stack.configMap));
      return { stack, configMapFile, runs: { ours: [], baseline: [] } };
    }),
  );
}

/** The tsc build the precompiled loader needs; a failed build is recorded on that mode, not thrown. */
function precompileForColdStart(modes: ColdStartMode[]): number | undefined {
  process.stderr.write("tsc build for the precompiled cold start\n");
  try {
    return precompile();
  } catch (error) {
    if (!(error instanceof ChildFailure)) throw error;
    modes.find((mode) => mode.mode === "precompiled")!.error = error.message;
    return undefined;
  }
}

/** Phase one: the cold start of each loader and every scale point, ours and baseline alternating, within budget. */
function measureColdStartAndScale(points: ScalePoint[], coldStartModesMeasured: ColdStartMode[]): void {
  process.stderr.write("cold start and program evaluation at scale (ours and baseline alternate)\n");
  const coldStartPoint = points.find((p) => p.stack.vendors.length === 5 && p.stack.bucketCount === 1)!;
  const coldStartTasks = coldStartMeasurements(coldStartPoint.configMapFile, coldStartModesMeasured);
  const scaleTasks: RepeatedMeasurement[] = points.map((point) => ({
    label: `V=${point.stack.vendors.length} B=${point.stack.bucketCount}`,
    measure: (round) => measurePair(point, round),
    fail: (message) => {
      point.error = message;
    },
  }));
  repeatWithinBudget([...coldStartTasks, ...scaleTasks]);
}

/** Write results.json, regenerate the README table from it and print the console report; failures set the exit code. */
function publishResults(results: BenchResults): void {
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  // The README table is regenerated from the file just written, as a reader of results.json would.
  const written = JSON.parse(readFileSync(resultsPath, "utf8")) as BenchResults;
  updateReadme(join(projectRoot, "README.md"), written);
  process.stdout.write(renderConsoleReport(written));
  process.stdout.write(
    `\nWrote ${resultsPath} and the README benchmark table (${elapsedSeconds().toFixed(0)} s in all).\n`,
  );
  const failed =
    written.evaluation.scenarios.some((s) => s.error) ||
    written.coldStart.modes.some((m) => m.error) ||
    (written.peer ?? []).some((p) => p.error);
  process.exitCode = failed ? 1 : 0;
}

async function main(): Promise<void> {
  const environment = benchEnvironment(projectRoot);
  const points = generateScalePoints();

  process.stderr.write("packing\n");
  const packing = measurePacking(packingNameLengths);

  const coldStartModesMeasured: ColdStartMode[] = coldStartModes.map(({ mode, description }) => ({
    mode,
    description,
    firstRegistrationMs: [],
  }));
  const precompileMs = precompileForColdStart(coldStartModesMeasured);
  measureColdStartAndScale(points, coldStartModesMeasured);
  const coldStart = coldStartSummary(coldStartModesMeasured, precompileMs);
  const peer = peerPhase();

  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    wallSeconds: 0,
    environment,
    evaluation: {
      loader:
        "ts-node transpile-only (the Pulumi nodejs runtime's loader with PULUMI_NODEJS_TRANSPILE_ONLY=true); synth under the SDK's mocks",
      targetWallRatio,
      scenarios: points.map(evaluationOf),
    },
    resourceCounts: { termReasons: { ...minimumTermReasons }, scenarios: points.map(resourceCountOf) },
    packing: {
      integration: `${packingVendor} read-write, role, one region, no prefix, default quotas`,
      source: packingSource,
      results: packing,
    },
    policyPack: policyPackCost(points),
    ...peer,
    coldStart,
  };
  results.wallSeconds = elapsedSeconds();
  publishResults(results);
}

main()
  .catch((error) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(workDir, { recursive: true, force: true }));
