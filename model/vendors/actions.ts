// An integration's actions: the vendor's set at its access level, minus what the integration excludes.
import type { ActionSet } from "./profile";

/** Removes `excluded` (case-insensitive, as IAM compares actions) from every part of the set; never adds. */
export function narrowActions(actions: ActionSet, excluded: readonly string[]): ActionSet {
  if (excluded.length === 0) return actions;
  const drop = new Set(excluded.map((action) => action.toLowerCase()));
  const keep = (list: readonly string[]) => list.filter((action) => !drop.has(action.toLowerCase()));
  return { bucket: keep(actions.bucket), object: keep(actions.object), kms: keep(actions.kms) };
}
