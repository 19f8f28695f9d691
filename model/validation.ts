// How validation problems are worded: one line per bad key path, in the path syntax users write.
import type { z } from "zod";

/** A value as it appears in a message: JSON, so that strings are quoted and types are visible. */
export const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** Format a zod path the way users write it: `integrations[0].buckets[1].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join("");
}

/** One `path: message` line per zod issue, below `base`; unknown keys are listed one by one. */
export function issuesOf(error: z.ZodError, base: readonly PropertyKey[]): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys")
      return issue.keys.map((key) => `${formatPath([...base, ...issue.path, key])}: unknown key`);
    const where = formatPath([...base, ...issue.path]) || "(config)";
    return [`${where}: ${issue.message}`];
  });
}
