// One measurement in its own process, so that peak RSS belongs to this scenario alone:
//   node -r ts-node/register/transpile-only bench/scenario.ts '<ScenarioRequest as JSON>'
// Runs our program (index.ts) or the raw baseline under the SDK's mocks and writes a ScenarioResult.
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import type { VendorAccessOutputs } from "../program/vendorAccess";
import { policyConfigForStack, validateResources } from "../policypack/validate";
import { runUnderMocks, type RecordedResource } from "../tools/mockEngine";
import { unwrapSecrets } from "../tools/renderMocks";
import { benchAccountId, benchStackName } from "./configGenerator";

export type ProgramKind = "ours" | "baseline";

export interface ScenarioRequest {
  program: ProgramKind;
  /** JSON file holding the stack's config map (`namespace:key` -> value). */
  configMapFile: string;
  resultFile: string;
  /** Also run the policy pack over every custom resource, after the synth is measured. */
  validate: boolean;
}

export interface ScenarioResult {
  program: ProgramKind;
  synthMs: number;
  /** User plus system CPU time of the synth: less sensitive than wall time to other processes on the machine. */
  synthCpuMs: number;
  /** process.resourceUsage().maxRSS after the synth, in KiB: the process's peak resident set. */
  peakRssKiB: number;
  resourcesRegistered: number;
  customResources: number;
  componentResources: number;
  /** Custom resources by type token, or by `resourceKind` for dynamic resources, which all share one token. */
  customByKind: Record<string, number>;
  validation?: { resources: number; ms: number; violations: number };
}

// Each program is loaded inside the measurement, as the engine loads it: both pay for loading their own code.
/* eslint-disable @typescript-eslint/no-require-imports -- loaded lazily, as the engine loads a program */
const programs: Record<ProgramKind, () => Promise<unknown>> = {
  // The real entry point, exactly as `pulumi up` loads it.
  ours: () => require("../index") as Promise<VendorAccessOutputs>,
  baseline: async () => {
    const { registerRawResources } = require("./baseline") as typeof import("./baseline");
    const { readStackConfig } = require("../program/stackProgram") as typeof import("../program/stackProgram");
    await registerRawResources(readStackConfig(), pulumi.getStack());
    return {};
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

function countByKind(resources: readonly RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of resources) {
    const kind = typeof resource.props.resourceKind === "string" ? resource.props.resourceKind : resource.type;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as ScenarioRequest;
  const configMap = JSON.parse(readFileSync(request.configMapFile, "utf8")) as Record<string, string>;

  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const run = await runUnderMocks(programs[request.program], {
    project: "vendor-access",
    stack: benchStackName,
    callerAccountId: benchAccountId,
    region: configMap["aws:region"] ?? "us-east-1",
    config: configMap,
    secretKeys: [],
  });
  const synthMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const peakRssKiB = process.resourceUsage().maxRSS;

  const custom = run.resources.filter((resource) => resource.custom);
  const result: ScenarioResult = {
    program: request.program,
    synthMs,
    synthCpuMs: (cpu.user + cpu.system) / 1000,
    peakRssKiB,
    resourcesRegistered: run.resources.length,
    customResources: custom.length,
    componentResources: run.resources.length - custom.length,
    customByKind: countByKind(custom),
  };
  if (request.validate) {
    // The same input the synth render gives the pack: custom resources, secrets unwrapped to plain values.
    const underValidation = custom.map((resource) => ({
      type: resource.type,
      name: resource.name,
      props: unwrapSecrets(resource.props),
    }));
    const validationStarted = performance.now();
    const violations = await validateResources(underValidation, {
      policyConfig: policyConfigForStack({ accountIds: [benchAccountId] }),
    });
    result.validation = {
      resources: underValidation.length,
      ms: performance.now() - validationStarted,
      violations: violations.length,
    };
  }
  writeFileSync(request.resultFile, JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`scenario failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
