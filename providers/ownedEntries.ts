// The owned-entries write, for any DocumentFormat and DocumentStore (model/sharedDocuments/documentStore.ts): set
// this stack's entries in a shared document to what it wants, touching nothing else. docs/shared-buckets.md says
// what this guarantees with and without a coordination ledger, and what it cannot.
import { randomUUID } from "node:crypto";
import { sharedDocumentWriteLimits } from "../model/limits";
import type { CoordinationLedger, DocumentFormat, DocumentStore } from "../model/sharedDocuments/documentStore";
import { namedError } from "../model/sharedDocuments/merge";
import {
  documentVersion,
  holdsExactly,
  ownedEntriesVersion,
  planOwnedWrite,
  type OwnedWriteRequest,
} from "../model/sharedDocuments/ownership";
import type { RequestTimeouts } from "./awsClients";
import { httpStatusOf } from "./s3DocumentStores";

export interface OwnedEntriesOptions extends RequestTimeouts {
  /** Read-merge-write rounds before giving up on a document that keeps changing under us. */
  maxAttempts: number;
  /** First backoff after a lost round; doubles each round, with jitter. */
  backoffMs: number;
  /**
   * How long our own write may take to become visible to our reads (bucket configuration is eventually consistent);
   * without a ledger, also how long we wait before verifying, so that a writer who read before our write has written.
   */
  settleMs: number;
  /** Coordinated: how long to wait for the write the ledger names (a predecessor's) to become visible before reading past it. */
  visibilityWaitMs: number;
  /** How long `Invalid principal` (a role IAM has not propagated yet) is retried, with backoff. */
  principalWaitMs: number;
  /** Interval between reads while waiting for a version to appear. */
  pollMs: number;
}

/** Sized for AWS: the visibility wait outlasts a request timeout, so a claimed write has landed or failed by then. */
export const defaultOwnedEntriesOptions: OwnedEntriesOptions = {
  maxAttempts: sharedDocumentWriteLimits.rounds,
  backoffMs: sharedDocumentWriteLimits.backoffMs,
  settleMs: 2000,
  visibilityWaitMs: 20000,
  principalWaitMs: 120000,
  pollMs: 250,
  connectTimeoutMs: 5000,
  requestTimeoutMs: 15000,
};

export interface OwnedWriteTarget<Doc, Entry> {
  format: DocumentFormat<Doc, Entry>;
  store: DocumentStore<Doc>;
  ledger?: CoordinationLedger;
}

export interface OwnedWriteResult<Doc> {
  live: Doc | undefined;
  attempts: number;
  wrote: boolean;
  migrated: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Names of errors that no retry can fix: nothing was written, and the message says what to do. */
const terminalErrors: readonly string[] = [
  "OwnershipConflictError",
  "PolicyTooLargeError",
  "CorsTooLargeError",
  "PolicyParseError",
  "DocumentNotFoundError",
  "InvalidContributionError",
  "KeyAdministratorLockoutError",
  "EmptyDocumentError",
];

/** A rejection that says the request was refused before it was applied: 4xx, and 503 (SlowDown). */
function refusedBeforeApplied(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status !== undefined && ((status >= 400 && status < 500) || status === 503);
}

function isTerminal(error: unknown): boolean {
  if (terminalErrors.includes((error as Error)?.name)) return true;
  const status = httpStatusOf(error);
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

interface Round<Doc> {
  base: Doc | undefined;
  /** The whole document's version: any change since, ours or another tool's, starts the round over. */
  version: string;
  tag?: string;
  seq: number;
}

/** Read the document, having read the ledger first: a read older than the ledger's last claim is waited out. */
async function readRound<Doc, Entry>(
  target: OwnedWriteTarget<Doc, Entry>,
  options: OwnedEntriesOptions,
): Promise<Round<Doc>> {
  const ticket = target.ledger ? await target.ledger.read(target.store.ledgerKey) : undefined;
  let base = await target.store.read();
  // The ledger records owner-keyed entries only: another tool's churn does not hide a coordinated write's arrival.
  let owned = ownedEntriesVersion(target.format, base);
  const expected = ticket?.record.version;
  // Bounded from the claim, not from our read: a version claimed long ago that never showed was replaced by another tool.
  const deadline = Math.min(Date.now(), ticket?.record.at ?? Date.now()) + options.visibilityWaitMs;
  // Either the last claimed write is not visible yet (stale read, or still in flight), or another tool changed our
  // entries since; waiting tells them apart, and the wait is bounded so that a crashed writer blocks nobody.
  while (expected !== undefined && owned !== expected && Date.now() < deadline) {
    await sleep(options.pollMs);
    base = await target.store.read();
    owned = ownedEntriesVersion(target.format, base);
  }
  return { base, version: documentVersion(target.format, base), tag: ticket?.tag, seq: ticket?.record.seq ?? 0 };
}

/**
 * Point the ledger at the document as it is, when a claim of ours will not be written (the write was refused, or
 * the document changed first), so that the next writer does not wait for a version that never comes. Best effort.
 */
async function withdrawClaim<Doc, Entry>(
  target: OwnedWriteTarget<Doc, Entry>,
  claim: { seq: number; claimant: string },
  version: string,
): Promise<void> {
  if (!target.ledger) return;
  try {
    const now = await target.ledger.read(target.store.ledgerKey);
    if (now.record.claimant !== claim.claimant || now.record.seq !== claim.seq) return;
    await target.ledger.claim(target.store.ledgerKey, now.tag, {
      seq: claim.seq + 1,
      version,
      claimant: claim.claimant,
    });
  } catch {
    // Left as it is, the claim costs the next writer one visibility wait, nothing more.
  }
}

/** Wait until our write's owner-keyed entries are what reads return, within the settle time; the last read either way. */
async function readBack<Doc, Entry>(
  target: OwnedWriteTarget<Doc, Entry>,
  owned: string,
  options: OwnedEntriesOptions,
): Promise<Doc | undefined> {
  const deadline = Date.now() + options.settleMs;
  let live = await target.store.read();
  while (ownedEntriesVersion(target.format, live) !== owned && Date.now() < deadline) {
    await sleep(options.pollMs);
    live = await target.store.read();
  }
  return live;
}

type RoundOutcome<Doc> =
  { done: true; live: Doc | undefined; wrote: boolean; migrated: string[] } | { done: false; reason: string };

/** One round: read, plan, claim, re-read, write once, read back. Throws on errors; a lost race returns done: false. */
async function writeRound<Doc, Entry>(
  target: OwnedWriteTarget<Doc, Entry>,
  request: OwnedWriteRequest<Entry>,
  claimant: string,
  options: OwnedEntriesOptions,
  sent: { ambiguous: boolean },
): Promise<RoundOutcome<Doc>> {
  const { format, store, ledger } = target;
  const round = await readRound(target, options);
  let plan = planOwnedWrite(format, round.base, request);
  if (!plan.changed) return { done: true, live: round.base, wrote: false, migrated: [] };
  const nextOwned = ownedEntriesVersion(format, plan.next);
  const claim = { seq: round.seq + 1, version: nextOwned, claimant, at: Date.now() };
  if (ledger && !(await ledger.claim(store.ledgerKey, round.tag, claim))) return { done: false, reason: claimedFirst };
  // Re-read immediately before writing: anything changed since the base read starts the round over.
  const fresh = await store.read();
  if (documentVersion(format, fresh) !== round.version) {
    // Holding the claim, with every owner-keyed entry as at the base read, only another tool's entries changed:
    // merge onto what we just read and write at once, rather than start over behind a claim and a read.
    const sameOwned = ledger && ownedEntriesVersion(format, fresh) === ownedEntriesVersion(format, round.base);
    let rebased: typeof plan | undefined;
    try {
      rebased = sameOwned ? planOwnedWrite(format, fresh, request) : undefined;
    } catch (error) {
      await withdrawClaim(target, claim, ownedEntriesVersion(format, fresh));
      throw error;
    }
    if (!rebased || !rebased.changed || ownedEntriesVersion(format, rebased.next) !== nextOwned) {
      await withdrawClaim(target, claim, ownedEntriesVersion(format, fresh));
      return { done: false, reason: documentChanged };
    }
    plan = rebased;
  }
  if (plan.next === undefined && !store.remove)
    throw namedError("EmptyDocumentError", `${store.subject}: ours are its last entries and it cannot be deleted`);
  try {
    if (plan.next === undefined) await store.remove!();
    else await store.write(plan.next);
  } catch (error) {
    if (!refusedBeforeApplied(error)) sent.ambiguous = true;
    else await withdrawClaim(target, claim, ownedEntriesVersion(format, round.base));
    throw error;
  }
  sent.ambiguous = true;
  // Uncoordinated, a writer that read before our write may still write after it: give it the settle time to show.
  if (!ledger) await sleep(options.settleMs);
  const live = await readBack(target, nextOwned, options);
  if (!holdsExactly(format, live, request.ownerKey, request.desired))
    return { done: false, reason: "our entries were not as written when read back" };
  return { done: true, live, wrote: true, migrated: plan.migrated };
}

const documentChanged = "the document changed between our read and our write";
const claimedFirst = "another writer of this project claimed the document first";

/**
 * Every round lost to another writer (the document changed between our read and our write, or under our write): a
 * writer outside this project's coordination rewrites the document faster than one round. S3 and KMS have no
 * conditional write for these documents, so no retry policy can win against it without the risk of dropping its
 * change; the message says so, and what to do.
 */
function keptChanging(subject: string, rounds: number, last: string, ambiguous: boolean): Error {
  return namedError(
    "DocumentKeepsChangingError",
    `${subject}: another writer changed it while we wrote, in each of ${rounds} rounds (last: ${last}), so we stopped. ` +
      "It has no conditional write (compare-and-swap), so a tool outside this project's coordination that rewrites " +
      "it faster than one read-merge-write round keeps winning, and writing anyway would drop its change. " +
      "Pause that tool, or wait for it to finish, and run `pulumi up` again." +
      (ambiguous
        ? " A write of this operation may have landed; the rerun converges."
        : " Nothing of ours was written."),
  );
}

function gaveUp(subject: string, attempts: number, last: string, ambiguous: boolean): Error {
  return namedError(
    "SharedDocumentWriteError",
    `${subject}: gave up after ${attempts} attempts (${last}).` +
      (ambiguous
        ? " A write may have landed: run `pulumi up` again, which reads the document and converges on what this stack wants."
        : " Nothing of ours was written."),
  );
}

/**
 * Set our entries in the document to `request.desired` (empty: remove ours), leaving every other entry as found.
 * Every retry starts again from a read; the store's writes are sent once. Bounded by `maxAttempts` rounds, plus
 * `principalWaitMs` for a principal that IAM has not propagated yet.
 */
export async function writeOwnedEntries<Doc, Entry>(
  target: OwnedWriteTarget<Doc, Entry>,
  request: OwnedWriteRequest<Entry>,
  options: OwnedEntriesOptions = defaultOwnedEntriesOptions,
): Promise<OwnedWriteResult<Doc>> {
  const claimant = randomUUID();
  const sent = { ambiguous: false };
  const principalDeadline = Date.now() + options.principalWaitMs;
  let last = "no attempt";
  let attempts = 0;
  // Rounds lost to another writer (no error): when every round was, the document is being rewritten too often.
  let contendedRounds = 0;
  let lostClaims = 0;
  while (attempts < options.maxAttempts) {
    attempts++;
    try {
      const outcome = await writeRound(target, request, claimant, options, sent);
      if (outcome.done) return { live: outcome.live, attempts, wrote: outcome.wrote, migrated: outcome.migrated };
      last = outcome.reason;
      // A claim lost to a coordinated writer means that writer goes ahead: bounded apart, so that many writers of
      // this project on one document all get through.
      if (outcome.reason === claimedFirst && lostClaims < sharedDocumentWriteLimits.lostClaims) {
        lostClaims++;
        attempts--;
      } else contendedRounds++;
    } catch (error) {
      const propagating = target.store.isPropagationDelay?.(error) === true && Date.now() < principalDeadline;
      if (isTerminal(error) && !propagating) throw withAmbiguity(error, sent.ambiguous);
      if (propagating) attempts--;
      last = (error as Error)?.message ?? String(error);
    }
    await sleep(
      options.backoffMs *
        2 ** Math.min(attempts + lostClaims, sharedDocumentWriteLimits.backoffDoublings) *
        (0.5 + Math.random()),
    );
  }
  if (contendedRounds === attempts) throw keptChanging(target.store.subject, attempts, last, sent.ambiguous);
  throw gaveUp(target.store.subject, attempts, last, sent.ambiguous);
}

/** An error after one of our writes may have landed says so. */
function withAmbiguity(error: unknown, ambiguous: boolean): unknown {
  if (!ambiguous || !(error instanceof Error)) return error;
  error.message += " (An earlier write of this operation may have landed: run `pulumi up` again to converge.)";
  return error;
}
