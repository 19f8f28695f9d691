// Ours against the peer a user would pick instead, the AWS CDK: `npm run synth` and the CDK app (bench/cdk/app.ts)
// for the same grants, each as a whole process from spawn to exit, interleaved, medians of the runs.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import { projectName } from "../model/config";
import { benchStackName, generateStack } from "./configGenerator";
import type { ProcessUsage } from "./exitUsage";
import { peerSpec, type PeerResult } from "./peerSpec";

const projectRoot = resolve(__dirname, "..");
const cdkRoot = join(__dirname, "cdk");

/** The sizes (vendors, buckets) at which both programs are measured. */
export const peerSizes: readonly (readonly [number, number])[] = [
  [1, 1],
  [5, 10],
  [5, 100],
  [1, 1000],
  [5, 1000],
  [5, 3000],
];

export type PeerProgram = "ours" | "cdk";

export interface PeerRun extends ProcessUsage {
  program: PeerProgram;
  /** From spawn to exit, measured by the parent. */
  wallMs: number;
  /** AWS resources: ours, every resource but our components; CDK, every resource of every template. */
  resources: number;
  /** CDK only: how many stacks the app needed under CloudFormation's 500-resource quota, and the largest. */
  stacks?: number;
  largestStack?: number;
}

export interface PeerFigures {
  wallMs: number;
  cpuMs: number;
  rssMiB: number;
  resources: number;
}

/** One size, medians of its runs; ratios are ours over the CDK's. */
export interface PeerEntry {
  vendors: number;
  buckets: number;
  integrations: number;
  ours?: PeerFigures;
  cdk?: PeerFigures & { stacks: number; largestStack: number };
  wallRatio?: number;
  cpuRatio?: number;
  rssRatio?: number;
  runs: { ours: PeerRun[]; cdk: PeerRun[] };
  error?: string;
}

/** One size prepared for measurement: the stack file ours reads and the spec the CDK app reads. */
export interface PeerPoint {
  vendors: number;
  buckets: number;
  integrations: number;
  directory: string;
  runs: { ours: PeerRun[]; cdk: PeerRun[] };
  error?: string;
}

export function preparePeerPoint(vendors: number, buckets: number, workDir: string): PeerPoint {
  const stack = generateStack(vendors, buckets);
  const directory = join(workDir, `peer-${vendors}-${buckets}`);
  mkdirSync(directory, { recursive: true });
  // A stack file as a user keeps it: integrations as YAML, not a JSON string.
  const config = {
    "aws:region": stack.configMap["aws:region"],
    [`${projectName}:accountId`]: stack.config.accountId,
    [`${projectName}:integrations`]: JSON.parse(stack.configMap[`${projectName}:integrations`]) as unknown,
    [`${projectName}:example`]: true,
  };
  writeFileSync(join(directory, `Pulumi.${benchStackName}.yaml`), stringify({ config }));
  const spec = peerSpec(stack.config, benchStackName, stack.configMap["aws:region"]);
  writeFileSync(join(directory, "spec.json"), JSON.stringify(spec));
  return { vendors, buckets, integrations: stack.config.integrations.length, directory, runs: { ours: [], cdk: [] } };
}

export class PeerChildFailure extends Error {}

/** Node with the same loader for both: ts-node with SWC (transpile-only), as `npm run synth` uses and a CDK app may. */
function measureProcess(
  args: string[],
  usageFile: string,
  okExits: readonly number[] = [0],
): { wallMs: number; usage: ProcessUsage } {
  rmSync(usageFile, { force: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("TS_NODE_")));
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    ["-r", join(projectRoot, "tools/register.js"), "-r", join(__dirname, "exitUsage.ts"), ...args],
    { cwd: projectRoot, env: { ...env, BENCH_USAGE_FILE: usageFile }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const wallMs = performance.now() - started;
  if (child.status === null || !okExits.includes(child.status)) {
    const tail = `${child.stderr ?? ""}`.trim().split("\n").slice(0, 6).join("\n");
    throw new PeerChildFailure(`exit ${child.status ?? child.signal}: ${tail.slice(0, 800)}`);
  }
  return { wallMs, usage: JSON.parse(readFileSync(usageFile, "utf8")) as ProcessUsage };
}

/** Our custom resources in a render: everything but the components, which are not AWS resources. */
function oursResourceCount(renderFile: string): number {
  const render = JSON.parse(readFileSync(renderFile, "utf8")) as { resources: { type: string }[] };
  return render.resources.filter((resource) => !resource.type.startsWith(`${projectName}:`)).length;
}

function runOurs(point: PeerPoint): PeerRun {
  const renderFile = join(point.directory, "render.json");
  const stackFile = join(point.directory, `Pulumi.${benchStackName}.yaml`);
  // Exit 1 is a finished render with mandatory policy violations: the synth did all its work.
  const { wallMs, usage } = measureProcess(
    ["tools/synth.ts", "--config-file", stackFile, "--json", renderFile, "--quiet"],
    join(point.directory, "usage-ours.json"),
    [0, 1],
  );
  return { program: "ours", wallMs, ...usage, resources: oursResourceCount(renderFile) };
}

function runCdk(point: PeerPoint): PeerRun {
  const outdir = join(point.directory, "cdk.out");
  const resultFile = join(point.directory, "cdk-result.json");
  rmSync(outdir, { recursive: true, force: true });
  const { wallMs, usage } = measureProcess(
    [join(cdkRoot, "app.ts"), join(point.directory, "spec.json"), outdir, resultFile],
    join(point.directory, "usage-cdk.json"),
  );
  const result = JSON.parse(readFileSync(resultFile, "utf8")) as PeerResult;
  return { program: "cdk", wallMs, ...usage, ...result };
}

/** One round at one size: both programs, the order alternating by round so neither always runs second. */
export function measurePeerRound(point: PeerPoint, round: number): void {
  const order: PeerProgram[] = round % 2 === 1 ? ["cdk", "ours"] : ["ours", "cdk"];
  for (const program of order) point.runs[program].push(program === "ours" ? runOurs(point) : runCdk(point));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function figuresOf(runs: readonly PeerRun[]): PeerFigures | undefined {
  if (runs.length === 0) return undefined;
  return {
    wallMs: median(runs.map((run) => run.wallMs)),
    cpuMs: median(runs.map((run) => run.cpuMs)),
    rssMiB: median(runs.map((run) => run.peakRssKiB)) / 1024,
    resources: runs.at(-1)!.resources,
  };
}

export function peerEntryOf(point: PeerPoint): PeerEntry {
  const ours = figuresOf(point.runs.ours);
  const cdkFigures = figuresOf(point.runs.cdk);
  const lastCdk = point.runs.cdk.at(-1);
  const cdk =
    cdkFigures && lastCdk ? { ...cdkFigures, stacks: lastCdk.stacks!, largestStack: lastCdk.largestStack! } : undefined;
  return {
    vendors: point.vendors,
    buckets: point.buckets,
    integrations: point.integrations,
    ...(ours ? { ours } : {}),
    ...(cdk ? { cdk } : {}),
    ...(ours && cdk
      ? { wallRatio: ours.wallMs / cdk.wallMs, cpuRatio: ours.cpuMs / cdk.cpuMs, rssRatio: ours.rssMiB / cdk.rssMiB }
      : {}),
    runs: point.runs,
    ...(point.error ? { error: point.error } : {}),
  };
}

/** Installs the CDK into bench/cdk from its own lock file, unless that exact install is already there. */
export function installPeer(): void {
  const lock = readFileSync(join(cdkRoot, "package-lock.json"), "utf8");
  let installed: string | undefined;
  try {
    installed = readFileSync(join(cdkRoot, "node_modules", ".package-lock.json"), "utf8");
  } catch {
    installed = undefined;
  }
  const wanted = (JSON.parse(lock) as { packages: Record<string, { version?: string }> }).packages;
  const have = installed ? (JSON.parse(installed) as { packages: Record<string, { version?: string }> }).packages : {};
  if (Object.entries(wanted).every(([path, entry]) => path === "" || have[path]?.version === entry.version)) return;
  const npm = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: cdkRoot, encoding: "utf8", stdio: "inherit" });
  if (npm.status !== 0) throw new PeerChildFailure(`npm ci in bench/cdk failed (exit ${npm.status})`);
}

/** A size measured for growth only: ours alone. */
export function measureOursRound(point: PeerPoint): void {
  point.runs.ours.push(runOurs(point));
}

/** Buckets and vendors of the growth series; sizes the peer pairs do not cover are measured for ours alone. */
export const growthBuckets: readonly number[] = [10, 100, 1000, 3000];
export const growthVendors: readonly number[] = [1, 5];

export function growthOnlySizes(): [number, number][] {
  return growthVendors.flatMap((vendors) =>
    growthBuckets
      .filter((buckets) => !peerSizes.some(([v, b]) => v === vendors && b === buckets))
      .map((buckets): [number, number] => [vendors, buckets]),
  );
}

/** Cold start of `npm run synth -- --stack dev`, whole process, with the loader npm run synth uses. */
export function measureSynthColdStart(workDir: string): number {
  const { wallMs } = measureProcess(
    ["tools/synth.ts", "--stack", "dev", "--json", join(workDir, "dev-render.json"), "--quiet"],
    join(workDir, "usage-cold.json"),
  );
  return wallMs;
}
