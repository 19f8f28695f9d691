// The shape of bench/results.json: every figure of one `npm run bench`, ratios taken within that run.
import type { BenchEnvironment } from "./environment";
import type { GrowthSeries } from "./growth";
import type { TermCounts } from "./minimum";
import type { PackingResult } from "./packingBound";
import type { PeerEntry } from "./peer";
import type { ScenarioResult } from "./scenario";

export interface ProgramRuns {
  runs: ScenarioResult[];
  medianSynthMs: number;
  medianSynthCpuMs: number;
  medianPeakRssKiB: number;
  resourcesRegistered: number;
  customResources: number;
  componentResources: number;
  customByKind: Record<string, number>;
}

export interface EvaluationScenario {
  vendors: string[];
  bucketCount: number;
  integrations: number;
  integrationsPerVendor: Record<string, number>;
  ours?: ProgramRuns;
  baseline?: ProgramRuns;
  /** Median wall time of ours over the baseline's: the components' overhead. */
  wallRatio?: number;
  /** The same over CPU time, a cross-check when other work shares the machine. */
  cpuRatio?: number;
  /**
   * The median of each round's ours/baseline wall ratio: the two runs of a round are adjacent, so a slow spell of
   * the machine slows both; the target is judged on it.
   */
  pairedWallRatio?: number;
  rssRatio?: number;
  /** Whether both programs registered the same custom resources, kind by kind. */
  sameCustomResources?: boolean;
  error?: string;
}

export interface ResourceCountScenario {
  vendorCount: number;
  bucketCount: number;
  integrations: number;
  minimum: TermCounts;
  minimumTotal: number;
  ours?: TermCounts;
  /** Our custom resources of kinds that no term of the minimum covers. */
  oursUnaccounted?: Record<string, number>;
  oursTotal?: number;
  componentResources?: number;
  ratio?: number;
}

export interface ColdStartMode {
  mode: "typecheck" | "transpile-only" | "precompiled";
  description: string;
  firstRegistrationMs: number[];
  medianFirstRegistrationMs?: number;
  error?: string;
}

export interface BenchResults {
  generatedAt: string;
  wallSeconds: number;
  environment: BenchEnvironment;
  evaluation: {
    loader: string;
    targetWallRatio: number;
    scenarios: EvaluationScenario[];
  };
  resourceCounts: {
    termReasons: Record<string, string>;
    scenarios: ResourceCountScenario[];
  };
  packing: {
    integration: string;
    source: string;
    results: PackingResult[];
  };
  policyPack: {
    scenario: string;
    resources?: number;
    medianValidateMs?: number;
    validatePerResourceMs?: number;
    registrationPerResourceMs?: number;
    ratio?: number;
    target: number;
    note: string;
  };
  /** Ours (`npm run synth`) against the AWS CDK for the same grants, whole processes; ratios ours over CDK. */
  peer?: PeerEntry[];
  peerNote?: string;
  /** `npm run synth` whole process as buckets grow, per vendor count. */
  growth?: GrowthSeries[];
  /** `npm run synth -- --stack dev`, spawn to exit, transpile-only: every run and the median. */
  synthColdStart?: { runsMs: number[]; medianMs?: number; target: number; error?: string };
  coldStart: {
    stack: string;
    precompileMs?: number;
    modes: ColdStartMode[];
    recommended: ColdStartMode["mode"];
    why: string;
  };
}
