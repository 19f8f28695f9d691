// Cold start: how long after process start our program registers its first resource. Run in a fresh
// process per loader (ts-node with type-checking, ts-node transpile-only, or precompiled by tsc):
//   <loader> bench/coldStart.ts '<ColdStartRequest as JSON>'
// performance.now() counts from the process's own start, so loading the loader is part of the figure.
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks } from "../tools/mockEngine";

export interface ColdStartRequest {
  configMapFile: string;
  resultFile: string;
}

export interface ColdStartResult {
  /** Milliseconds from process start to the program's first resource registration (not the stack's). */
  firstRegistrationMs: number;
  /** Milliseconds from process start until the whole program had run. */
  completeMs: number;
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as ColdStartRequest;
  const configMap = JSON.parse(readFileSync(request.configMapFile, "utf8")) as Record<string, string>;
  let firstRegistrationMs: number | undefined;
  await runUnderMocks(
    () => {
      // A stack transformation sees every resource the program constructs, before it is sent to the engine.
      pulumi.runtime.registerStackTransformation(() => {
        firstRegistrationMs ??= performance.now();
        return undefined;
      });
      // Required only now, as the Pulumi runtime loads the program: its compile time counts.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program is loaded lazily, as the engine loads it
      return require("../index") as Promise<unknown>;
    },
    {
      project: "vendor-access",
      stack: "bench",
      callerAccountId: configMap["vendor-access:accountId"],
      region: configMap["aws:region"] ?? "us-east-1",
      config: configMap,
      secretKeys: [],
    },
  );
  if (firstRegistrationMs === undefined) throw new Error("the program registered no resource");
  const result: ColdStartResult = { firstRegistrationMs, completeMs: performance.now() };
  writeFileSync(request.resultFile, JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`cold start failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
