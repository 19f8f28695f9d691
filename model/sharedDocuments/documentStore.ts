// The document-store interface behind every shared document (an S3 bucket policy, a bucket's CORS configuration,
// a KMS key policy). One service document holds entries of many owners; we own the entries whose ID carries this
// stack's owner key. To add a document kind, give a DocumentFormat (pure: entries, IDs, canonical form, limits) and
// a DocumentStore (I/O: read, one unretried write, delete). providers/ownedEntries.ts then supplies, for any of
// them, the same guarantees (docs/shared-buckets.md): ownership by state, migration from legacy IDs, re-read before
// write, no SDK resend of a stale body, verification, and linearised writers through a CoordinationLedger.
// Types only: no I/O and no Pulumi imports, so dynamic providers capture it by value.

/** How a document is made of entries. Pure functions: captured by value into the serialized provider. */
export interface DocumentFormat<Doc, Entry> {
  /** For messages: "statement", "CORS rule". */
  entryNoun: string;
  /** The entries of a document (none when the document is absent). */
  entries(document: Doc | undefined): Entry[];
  /** The entry's ID (Sid, CORS rule ID); undefined when it has none: such entries are never anyone's. */
  idOf(entry: Entry): string | undefined;
  /** The same entry under another ID (migration from a legacy owner key). */
  withId(entry: Entry, id: string): Entry;
  /** The entry reduced to its meaning, so that a service's reformatting is not a change. */
  canonical(entry: Entry): string;
  /** The whole document reduced to its meaning (entries in order, other keys sorted): its version is a hash of this. */
  canonicalDocument(document: Doc | undefined): string;
  /** `document` with its entries replaced, other keys kept; undefined means "no document" (delete it). */
  withEntries(document: Doc | undefined, entries: Entry[]): Doc | undefined;
  /** Throws a named error when the document would exceed the service's limits. Nothing is written then. */
  assertFits(document: Doc | undefined): void;
  /**
   * Throws a named error when writing `next` over `current` would be unsafe for the service (a KMS key policy that
   * drops a statement letting its administrators change it). Nothing is written then.
   */
  assertTransition?(current: Doc | undefined, next: Doc | undefined): void;
  /** Problems with our entries (grammar, IDs under our owner key); empty when valid. */
  problems(entries: readonly unknown[], ownerKey: string): string[];
}

/**
 * One service document, read and written whole. `read` may be retried by the SDK; `write` and `remove` must be
 * sent once (SDK maxAttempts 1): a resend after the document moved on would write back a stale body. Errors keep
 * the service's `name` and `$metadata.httpStatusCode`, which tell whether a failed write may still have landed.
 */
export interface DocumentStore<Doc> {
  /** For messages: "bucket policy of my-bucket (us-east-1)". */
  subject: string;
  /** The document's name in the coordination ledger: unique per document, e.g. `s3/bucket-policy/my-bucket`. */
  ledgerKey: string;
  /** The document, or undefined when there is none. A missing container throws an error named `DocumentNotFoundError`. */
  read(): Promise<Doc | undefined>;
  write(document: Doc): Promise<void>;
  /** Absent when the service has no empty document and no delete (a KMS key policy): then ours may not be the last entries. */
  remove?(): Promise<void>;
  /** A rejection that passes with time, such as `MalformedPolicy: Invalid principal` for a role IAM has not propagated yet. */
  isPropagationDelay?(error: unknown): boolean;
}

/** The last write a coordinated writer claimed on one document. */
export interface LedgerRecord {
  /** Increases by one with every claim. */
  seq: number;
  /** Version of the owner-keyed entries (ownedEntriesVersion) of the document that claim writes; undefined before the first claim. */
  version?: string;
  /** Who claimed: random per write operation, so that a writer recognises its own claim after an ambiguous answer. */
  claimant: string;
  /** When it was claimed (epoch milliseconds): a claimed version is waited for only until this plus the visibility wait. */
  at?: number;
}

/** Compare-and-swap over one record per document (S3 conditional writes: If-None-Match and If-Match). */
export interface CoordinationLedger {
  /** For messages: where the ledger lives. */
  where: string;
  read(ledgerKey: string): Promise<{ record: LedgerRecord; tag?: string }>;
  /** Writes `next` only if the ledger still has `tag` (none: only if it does not exist yet); false when someone else was first. */
  claim(ledgerKey: string, tag: string | undefined, next: LedgerRecord): Promise<boolean>;
}
