// The whole access diff of two sides: effective access, trust, and bucket settings.
import { performance } from "node:perf_hooks";
import { compareAccess } from "./access";
import { compareAccessPoints, compareBaselines, compareCors } from "./bucketSettings";
import { verdictOf, type AccessDiff } from "./report";
import type { AccessSide } from "./side";
import { compareTrust } from "./trust";

export async function diffSides(base: AccessSide, head: AccessSide): Promise<AccessDiff> {
  const started = performance.now();
  const access = await compareAccess(base.render, head.render);
  const diff = {
    stack: head.render.stack,
    base: base.source,
    head: head.source,
    added: access.added,
    removed: access.removed,
    trust: compareTrust(base, head),
    cors: compareCors(base.render, head.render),
    accessPoints: compareAccessPoints(base.render, head.render),
    baselines: compareBaselines(base.render, head.render),
    stats: { ...access.stats, seconds: (performance.now() - started) / 1000 },
  };
  return { verdict: verdictOf(diff), ...diff };
}
