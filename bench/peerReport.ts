// The peer comparison, growth and synth cold start of bench/results.json, as console lines and README lines.
import { formatMiB, formatRatio, formatSeconds } from "./format";
import type { GrowthSeries, LinearFit } from "./growth";
import type { PeerEntry } from "./peer";
import type { BenchResults } from "./results";

/** Targets: ours at most half the CDK's wall time at every size, and half its peak RSS at V = 5, B = 1000. */
export const targetPeerWallRatio = 0.5;
export const targetPeerRssRatio = 0.5;
export const targetSynthColdStartMs = 1500;

export const peerHeaders = [
  "V",
  "B",
  "wall ours",
  "wall CDK",
  "ours/CDK wall",
  "ours/CDK CPU",
  "RSS ours",
  "RSS CDK",
  "ours/CDK RSS",
  "resources ours",
  "resources CDK (stacks)",
  "runs",
];

export function peerRows(entries: readonly PeerEntry[]): string[][] {
  return entries.map((entry) => [
    String(entry.vendors),
    String(entry.buckets),
    formatSeconds(entry.ours?.wallMs),
    formatSeconds(entry.cdk?.wallMs),
    formatRatio(entry.wallRatio),
    formatRatio(entry.cpuRatio),
    formatMiB(entry.ours?.rssMiB),
    formatMiB(entry.cdk?.rssMiB),
    formatRatio(entry.rssRatio),
    entry.ours ? String(entry.ours.resources) : "n/a",
    entry.cdk ? `${entry.cdk.resources} (${entry.cdk.stacks})` : "n/a",
    entry.error
      ? `failed: ${entry.error.split("\n")[0].slice(0, 60)}`
      : `${entry.runs.ours.length}+${entry.runs.cdk.length}`,
  ]);
}

/** Whether the peer targets hold: wall at every size measured, RSS at V = 5, B = 1000. */
export function peerVerdicts(entries: readonly PeerEntry[]): { wall: boolean | undefined; rss: boolean | undefined } {
  const measured = entries.filter((entry) => entry.wallRatio !== undefined);
  const atScale = entries.find((entry) => entry.vendors === 5 && entry.buckets === 1000);
  return {
    wall:
      measured.length === 0 || measured.length < entries.length
        ? undefined
        : measured.every((entry) => entry.wallRatio! <= targetPeerWallRatio),
    rss: atScale?.rssRatio === undefined ? undefined : atScale.rssRatio <= targetPeerRssRatio,
  };
}

function fitText(name: string, fit: LinearFit | undefined, unit: (value: number) => string): string {
  if (!fit) return `${name} n/a`;
  const exponents = fit.localExponents.map((e) => `${e.from}→${e.to} ${e.exponent.toFixed(2)}`).join(", ");
  return `${name} ${unit(fit.intercept)} + ${unit(fit.slope * 1000)} per 1,000 buckets (R² ${fit.r2.toFixed(3)}; local exponents ${exponents})`;
}

export function growthLines(series: readonly GrowthSeries[]): string[] {
  return series.map(
    (s) =>
      `V=${s.vendors}: ` +
      [
        fitText("wall", s.wall, (ms) => formatSeconds(ms)),
        fitText("CPU", s.cpu, (ms) => formatSeconds(ms)),
        fitText("peak RSS", s.rss, (value) => formatMiB(value)),
      ].join("; "),
  );
}

function verdict(met: boolean | undefined): string {
  return met === undefined ? "not measured" : met ? "met" : "missed";
}

/** The summary sentences under the peer table, shared by the console and the README. */
export function peerSummary(results: BenchResults): string[] {
  const entries = results.peer ?? [];
  const verdicts = peerVerdicts(entries);
  const cold = results.synthColdStart;
  return [
    `Target ours/CDK wall ≤ ${targetPeerWallRatio} at every size: ${verdict(verdicts.wall)}; ours/CDK peak RSS ≤ ${targetPeerRssRatio} at V = 5, B = 1000: ${verdict(verdicts.rss)}.`,
    ...(results.peerNote ? [results.peerNote] : []),
    ...(cold
      ? [
          `Cold start of \`npm run synth -- --stack dev\` (spawn to exit, ts-node --swc, transpile-only, npm's own start not counted): ${formatSeconds(cold.medianMs)} median of ${cold.runsMs.length} (target < ${formatSeconds(cold.target)}: ${verdict(cold.medianMs === undefined ? undefined : cold.medianMs < cold.target)}).`,
        ]
      : []),
  ];
}
