// Who owns which entry of a shared document, and what one owner's write makes of the document. Pure: the dynamic
// providers capture it by value. The owner is a stack (organisation, project, stack), named by a short hash.
import { createHash } from "node:crypto";
import type { DocumentFormat } from "./documentStore";
import { namedError } from "./merge";

/** Hex digits of the owner key: 40 bits, so that two stacks colliding on one bucket is not a practical concern. */
export const ownerKeyLength = 10;

/** The organisation a self-managed backend reports (`pulumi.getOrganization()`); offline renders use it too. */
export const selfManagedOrganization = "organization";

/**
 * The owner key of a stack: a hash of `<organization>/<project>/<stack>`. Unique across projects and organisations,
 * and injective on stack names (`dev.eu`, `dev_eu` and `dev-eu` get different keys), unlike a slug.
 */
export function ownerKeyFor(organization: string, project: string, stack: string): string {
  return createHash("sha256").update(`${organization}/${project}/${stack}`).digest("hex").slice(0, ownerKeyLength);
}

/** Entry IDs of one integration of a stack: `<integration>--<owner key>`, then `--<name>` for each statement. */
export function entryIdPrefixFor(integration: string, ownerKey: string): string {
  return `${integration}--${ownerKey}`;
}

/** Integration names are lowercase letters, digits and single hyphens (config), so `--` ends the name. */
const integrationPattern = "[a-z0-9]+(?:-[a-z0-9]+)*";

/** True when an entry ID is under the owner key: `<integration>--<key>` exactly, or followed by `--`. */
export function isUnderOwnerKey(id: unknown, ownerKey: string): boolean {
  if (typeof id !== "string" || !/^[0-9a-f]+$/.test(ownerKey)) return false;
  return new RegExp(`^${integrationPattern}--${ownerKey}(?:--|$)`).test(id);
}

/** An ID form used before owner keys (`<integration>--<stack slug>`) and the ID form that replaces it. */
export interface LegacyPrefix {
  from: string;
  to: string;
}

/** The new ID of an entry with a legacy ID, or undefined when the ID is not a legacy one of ours. */
export function migratedId(id: string | undefined, legacy: readonly LegacyPrefix[]): string | undefined {
  if (id === undefined) return undefined;
  for (const { from, to } of legacy) {
    if (id === from) return to;
    if (id.startsWith(`${from}--`)) return `${to}${id.slice(from.length)}`;
  }
  return undefined;
}

/** The version of a document: a hash of its meaning. Neither S3 nor KMS give these documents an ETag. */
export function documentVersion<Doc, Entry>(format: DocumentFormat<Doc, Entry>, document: Doc | undefined): string {
  if (document === undefined) return "none";
  return createHash("sha256").update(format.canonicalDocument(document)).digest("hex").slice(0, 16);
}

/** Entry IDs under any owner key: the entries that writers of this project own, and so coordinate on. */
const anyOwnerKey = new RegExp(`^${integrationPattern}--[0-9a-f]{${ownerKeyLength}}(?:--|$)`);

/**
 * The version of a document's owner-keyed entries (every stack's of this project, nothing of other tools), "none"
 * when it has none: what the coordination ledger records, so that a change by a tool outside the ledger is not
 * taken for a coordinated write still on its way.
 */
export function ownedEntriesVersion<Doc, Entry>(format: DocumentFormat<Doc, Entry>, document: Doc | undefined): string {
  const owned = format
    .entries(document)
    .filter((entry) => anyOwnerKey.test(format.idOf(entry) ?? ""))
    .map(format.canonical)
    .sort();
  if (owned.length === 0) return "none";
  return createHash("sha256").update(JSON.stringify(owned)).digest("hex").slice(0, 16);
}

export interface OwnedWriteRequest<Entry> {
  ownerKey: string;
  /** What state says this resource wrote; undefined on create (no state yet). */
  previous: Entry[] | undefined;
  /** What it must hold now; empty removes every entry of ours. */
  desired: Entry[];
  /** Legacy ID forms of this stack's integrations: their entries move to the new IDs on create, in the same write. */
  legacy: readonly LegacyPrefix[];
}

export interface OwnedWritePlan<Doc> {
  next: Doc | undefined;
  changed: boolean;
  /** Legacy IDs removed by this write because the same entry is written under the new ID. */
  migrated: string[];
}

function byId<Doc, Entry>(format: DocumentFormat<Doc, Entry>, entries: readonly Entry[]): Map<string, string> {
  return new Map(entries.map((entry) => [String(format.idOf(entry)), format.canonical(entry)] as const));
}

/** Why each live entry under our key (or legacy ID, on create) may not be touched; empty when all may. */
function conflictsOf<Doc, Entry>(
  format: DocumentFormat<Doc, Entry>,
  live: readonly Entry[],
  request: OwnedWriteRequest<Entry>,
): { conflicts: string[]; migrated: string[] } {
  const previous = byId(format, request.previous ?? []);
  const desired = byId(format, request.desired);
  const conflicts: string[] = [];
  const migrated: string[] = [];
  for (const entry of live) {
    const id = format.idOf(entry);
    const canonical = format.canonical(entry);
    if (isUnderOwnerKey(id, request.ownerKey)) {
      // Ours by state (edited or not: an edit is drift, restored), or exactly what we are about to write.
      if (previous.has(id!) || desired.get(id!) === canonical) continue;
      conflicts.push(
        `${format.entryNoun} ${id} carries this stack's owner key but this stack never wrote it (not in its state): ${JSON.stringify(entry)}`,
      );
      continue;
    }
    const target = request.previous === undefined ? migratedId(id, request.legacy) : undefined;
    if (target === undefined) continue;
    if (desired.get(target) === format.canonical(format.withId(entry, target))) migrated.push(id!);
    else
      conflicts.push(
        `${format.entryNoun} ${id} has this stack's pre-owner-key ID but differs from what the stack now writes as ${target}; it may be another project's (same integration and stack names), and this stack's old resource would delete it: ${JSON.stringify(entry)}`,
      );
  }
  return { conflicts, migrated };
}

/**
 * The document after this owner's write: ours replaced by `desired` where the first of ours stood (else at the end),
 * migrated legacy entries dropped, everything else kept in order. Throws `OwnershipConflictError` (nothing written)
 * when an entry under our key is not ours by state, and the format's size error when the result would not fit.
 */
export function planOwnedWrite<Doc, Entry>(
  format: DocumentFormat<Doc, Entry>,
  current: Doc | undefined,
  request: OwnedWriteRequest<Entry>,
): OwnedWritePlan<Doc> {
  const live = format.entries(current);
  const { conflicts, migrated } = conflictsOf(format, live, request);
  if (conflicts.length > 0) throw ownershipConflictError(conflicts);
  const replaced = (entry: Entry) =>
    isUnderOwnerKey(format.idOf(entry), request.ownerKey) || migrated.includes(format.idOf(entry) ?? "");
  const first = live.findIndex(replaced);
  const others = live.filter((entry) => !replaced(entry));
  const at = first === -1 ? others.length : live.slice(0, first).filter((entry) => !replaced(entry)).length;
  const next = format.withEntries(current, [...others.slice(0, at), ...request.desired, ...others.slice(at)]);
  format.assertFits(next);
  format.assertTransition?.(current, next);
  return { next, changed: format.canonicalDocument(next) !== format.canonicalDocument(current), migrated };
}

export function ownershipConflictError(conflicts: readonly string[]): Error {
  return namedError(
    "OwnershipConflictError",
    `refusing to adopt, overwrite or delete entries this stack did not write; nothing was written:\n${conflicts.map((c) => `  - ${c}`).join("\n")}\nRemove or rename them by hand (docs/shared-buckets.md, "Ownership").`,
    { conflicts },
  );
}

/** Our entries in a document: those under our owner key. */
export function ownedEntries<Doc, Entry>(
  format: DocumentFormat<Doc, Entry>,
  document: Doc | undefined,
  ownerKey: string,
): Entry[] {
  return format.entries(document).filter((entry) => isUnderOwnerKey(format.idOf(entry), ownerKey));
}

/** True when our entries in `document` mean exactly `desired`, in any order. */
export function holdsExactly<Doc, Entry>(
  format: DocumentFormat<Doc, Entry>,
  document: Doc | undefined,
  ownerKey: string,
  desired: readonly Entry[],
): boolean {
  const live = ownedEntries(format, document, ownerKey).map(format.canonical).sort();
  const want = desired.map(format.canonical).sort();
  return live.length === want.length && live.every((value, index) => value === want[index]);
}

/** How our live entries depart from what state says we wrote, one line per entry ID. */
export function ownedDrift<Doc, Entry>(
  format: DocumentFormat<Doc, Entry>,
  document: Doc | undefined,
  ownerKey: string,
  recorded: readonly Entry[],
): string[] {
  const live = byId(format, ownedEntries(format, document, ownerKey));
  const want = byId(format, recorded);
  const lines: string[] = [];
  for (const [id, canonical] of want) {
    if (!live.has(id)) lines.push(`${format.entryNoun} ${id} was removed out of band`);
    else if (live.get(id) !== canonical) lines.push(`${format.entryNoun} ${id} was edited out of band`);
  }
  for (const id of live.keys()) if (!want.has(id)) lines.push(`${format.entryNoun} ${id} was added out of band`);
  return lines;
}
