// Preloaded into a measured process (`-r ./bench/exitUsage.ts`): on exit it writes the process's own CPU time and
// peak resident set to $BENCH_USAGE_FILE, so that both programs of a pair are measured the same way, whole.
import { writeFileSync } from "node:fs";

export interface ProcessUsage {
  /** User plus system CPU time of the whole process, in milliseconds. */
  cpuMs: number;
  /** Peak resident set of the whole process (getrusage ru_maxrss), in KiB. */
  peakRssKiB: number;
}

const usageFile = process.env.BENCH_USAGE_FILE;
if (usageFile) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    const result: ProcessUsage = {
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      peakRssKiB: usage.maxRSS,
    };
    writeFileSync(usageFile, JSON.stringify(result));
  });
}
