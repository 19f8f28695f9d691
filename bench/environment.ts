// The machine and the versions behind a benchmark run, printed with every result.
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";

export interface BenchEnvironment {
  cpuModel: string;
  cores: number;
  node: string;
  platform: string;
  packages: Record<string, string>;
}

export const reportedPackages = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/policy", "typescript", "ts-node"] as const;

/** The installed version, read from the package's own package.json (some packages do not export it). */
export function installedVersion(packageName: string, projectRoot: string): string {
  try {
    const entry = require.resolve(packageName, { paths: [projectRoot] });
    let directory = dirname(entry);
    // Walk up from the entry point to the package root, the folder whose package.json names the package.
    while (directory !== dirname(directory)) {
      try {
        const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as {
          name?: string;
          version?: string;
        };
        if (manifest.name === packageName && manifest.version) return manifest.version.replace(/^v/, "");
      } catch {
        // No package.json at this level: keep walking up.
      }
      directory = dirname(directory);
    }
  } catch {
    return "not installed";
  }
  return "unknown";
}

export function benchEnvironment(projectRoot: string): BenchEnvironment {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? "unknown",
    cores: processors.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    packages: Object.fromEntries(reportedPackages.map((name) => [name, installedVersion(name, projectRoot)])),
  };
}
