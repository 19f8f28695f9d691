// The dynamic provider behind every shared-document resource (bucket policy, CORS, and any other DocumentStore):
// one resource per document per stack holds all of this stack's entries in it, keyed by the stack's owner key.
import { sharedDocumentProviderVersion } from "../model/resourceSpecs";
import type * as pulumi from "@pulumi/pulumi";
import type { DocumentFormat, DocumentStore } from "../model/sharedDocuments/documentStore";
import { ownedDrift, type LegacyPrefix, type OwnedWriteRequest } from "../model/sharedDocuments/ownership";
import { containsPreviewUnknown, invalidContributionError } from "../model/sharedDocuments/validate";
import { keyedQueue } from "./keyedQueue";
import {
  defaultOwnedEntriesOptions,
  writeOwnedEntries,
  type OwnedEntriesOptions,
  type OwnedWriteTarget,
} from "./ownedEntries";
import {
  awsClientContextOf,
  s3ClientsFor,
  type AwsClientInputs,
  type AwsClientProps,
  type DocumentClients,
  type RequestTimeouts,
} from "./awsClients";
import { s3Ledger, type CoordinationBucket } from "./s3DocumentStores";

export { sharedDocumentProviderVersion };

/** The props every shared-document resource has, besides its document's identity and its entries. */
export interface SharedDocumentProps extends AwsClientProps {
  resourceKind: string;
  providerVersion: string;
  /** The stack's owner key (a hash of organisation, project and stack): every entry ID of ours carries it. */
  ownerKey: string;
  /** Pre-owner-key ID forms of this stack's entries, moved to the new IDs on create. */
  legacy: LegacyPrefix[];
  /** The coordination ledger's bucket, or absent: writes across stacks are then best effort. */
  coordination?: CoordinationBucket;
  /** How the live document departs from what this resource wrote, one line per entry; empty after every write. */
  drift?: string[];
}

type Props = SharedDocumentProps & Record<string, unknown>;

/** The args every shared-document resource takes besides its document's identity and its entries. */
export interface SharedDocumentArgs {
  /** The document's region: its clients run there. */
  region: string;
  ownerKey: string;
  legacy?: LegacyPrefix[];
  coordination?: CoordinationBucket;
  /** The stack's AWS settings (the chain's ExternalIds as a secret), so writes run as the AWS provider does. */
  aws?: AwsClientInputs["aws"];
  awsExternalIds?: AwsClientInputs["awsExternalIds"];
}

/** The inputs every shared-document resource registers besides its identity and entries; `drift` is an output. */
export function sharedDocumentInputs(resourceKind: string, args: SharedDocumentArgs) {
  return {
    resourceKind,
    providerVersion: sharedDocumentProviderVersion,
    region: args.region,
    ownerKey: args.ownerKey,
    legacy: args.legacy ?? [],
    ...(args.coordination ? { coordination: args.coordination } : {}),
    ...(args.aws ? { aws: args.aws } : {}),
    ...(args.awsExternalIds ? { awsExternalIds: args.awsExternalIds } : {}),
    drift: undefined,
  };
}

/** An opened document: its store, and what to close when done. */
export interface OpenedDocument<Doc> {
  store: DocumentStore<Doc>;
  close(): void;
}

/** What differs between document kinds; the rest of the provider is shared. */
export interface SharedDocumentSpec<Doc, Entry> {
  kind: string;
  /** Name of the entries prop (`statements`, `rules`): the policy pack reads it. */
  entriesKey: string;
  /** Props that name the document (`bucket`, `region`): a change replaces the resource. */
  identityKeys: string[];
  format(props: Props): DocumentFormat<Doc, Entry>;
  open(props: Props, timeouts: RequestTimeouts): OpenedDocument<Doc>;
}

/**
 * A spec's `open`: the document's clients in its region with the stack's AWS settings (providers/awsClients.ts),
 * and its store over them; closing destroys the clients.
 */
export function openWithStackSettings<Client, Doc>(
  clientsFor: (
    region: string,
    timeouts: RequestTimeouts,
    context: ReturnType<typeof awsClientContextOf>,
  ) => DocumentClients<Client>,
  storeOf: (clients: DocumentClients<Client>, props: Props) => DocumentStore<Doc>,
): SharedDocumentSpec<Doc, unknown>["open"] {
  return (props, timeouts) => {
    const clients = clientsFor(props.region as string, timeouts, awsClientContextOf(props));
    return { store: storeOf(clients, props), close: clients.destroy };
  };
}

/** Runs `action` with the document opened and, when configured, the coordination ledger; closes both. */
async function withDocument<Doc, Entry, T>(
  spec: SharedDocumentSpec<Doc, Entry>,
  props: Props,
  options: OwnedEntriesOptions,
  action: (target: OwnedWriteTarget<Doc, Entry>) => Promise<T>,
): Promise<T> {
  const opened = spec.open(props, options);
  const ledgerClients = props.coordination
    ? s3ClientsFor(props.coordination.region, options, awsClientContextOf(props))
    : undefined;
  try {
    const ledger = ledgerClients && s3Ledger(ledgerClients, props.coordination!);
    return await action({ format: spec.format(props), store: opened.store, ...(ledger ? { ledger } : {}) });
  } finally {
    opened.close();
    ledgerClients?.destroy();
  }
}

/** A dynamic provider for one kind of shared document, with one writer per document inside this process. */
export function createSharedDocumentProvider<Doc, Entry>(
  spec: SharedDocumentSpec<Doc, Entry>,
  options: OwnedEntriesOptions = defaultOwnedEntriesOptions,
): pulumi.dynamic.ResourceProvider {
  const queue = keyedQueue();
  const entries = (props: Props) => (props[spec.entriesKey] ?? []) as Entry[];

  const write = (props: Props, previous: Entry[] | undefined, desired: Entry[]) =>
    withDocument(spec, props, options, async (target) => {
      const problems = target.format.problems(desired, props.ownerKey);
      if (problems.length > 0) throw invalidContributionError(target.store.subject, problems);
      const legacy = props.legacy ?? [];
      const request: OwnedWriteRequest<Entry> = { ownerKey: props.ownerKey, previous, desired, legacy };
      return queue(target.store.ledgerKey, () => writeOwnedEntries(target, request, options));
    });

  const liveDrift = (props: Props) =>
    withDocument(spec, props, options, async ({ format, store }) =>
      ownedDrift(format, await store.read(), props.ownerKey, entries(props)),
    );

  return {
    check: async (olds: Props, news: Props) => {
      const failures = checkFailures(spec, news);
      if (failures.length > 0 || !sameDocumentKnown(spec, olds, news)) return { inputs: news, failures };
      // The engine shows a dynamic resource's changes by comparing its inputs with its state, and drops a dynamic
      // provider's detailed diff: the live drift as an input is what makes `pulumi preview` name the drifted entries.
      return { inputs: { ...news, drift: await liveDrift(olds) }, failures };
    },

    diff: async (_id: string, olds: Props, news: Props) => diffOf(spec, olds, news, liveDrift),

    create: async (inputs: Props) => {
      await write(inputs, undefined, entries(inputs));
      const id = `${spec.identityKeys.map((key) => String(inputs[key])).join("/")}/${inputs.ownerKey}`;
      return { id, outs: { ...inputs, drift: [] } };
    },

    // State keeps what we wrote; drift says how the live document departs from it.
    read: async (id: string, props?: Props) => {
      if (!props) throw new Error(`reading ${id} needs its state; import is not supported`);
      try {
        return { id, props: { ...props, drift: await liveDrift(props) } };
      } catch (error) {
        // A deleted bucket or key takes its documents with it: a blank ID tells the engine the resource is gone.
        if ((error as Error).name === "DocumentNotFoundError") return { id: "" };
        throw error;
      }
    },

    update: async (_id: string, olds: Props, news: Props) => {
      await write(news, entries(olds), entries(news));
      return { outs: { ...news, drift: [] } };
    },

    delete: async (_id: string, props: Props) => {
      try {
        await write(props, entries(props), []);
      } catch (error) {
        if ((error as Error).name !== "DocumentNotFoundError") throw error;
      }
    },
  };
}

function checkFailures<Doc, Entry>(spec: SharedDocumentSpec<Doc, Entry>, news: Props): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  if (news.resourceKind !== spec.kind) failures.push({ property: "resourceKind", reason: `must be ${spec.kind}` });
  // Values still unknown in a preview are checked once known, at create or update. (Not `__provider`: the
  // provider's own code holds the unknown marker.)
  const identity = [...spec.identityKeys, "ownerKey"];
  if (containsPreviewUnknown([news.resourceKind, ...identity.map((key) => news[key]), news[spec.entriesKey]]))
    return failures;
  for (const key of identity)
    if (typeof news[key] !== "string" || news[key] === "")
      failures.push({ property: key, reason: "must be a non-empty string" });
  if (typeof news.ownerKey === "string" && !/^[0-9a-f]{10}$/.test(news.ownerKey))
    failures.push({ property: "ownerKey", reason: "must be 10 hexadecimal digits (ownerKeyFor)" });
  if (!Array.isArray(news[spec.entriesKey])) failures.push({ property: spec.entriesKey, reason: "must be a list" });
  else if (failures.length === 0)
    for (const reason of spec.format(news).problems(news[spec.entriesKey] as unknown[], news.ownerKey))
      failures.push({ property: spec.entriesKey, reason });
  return failures;
}

/** True when `olds` is this resource's state (not a create) for the same document and owner, all known. */
function sameDocumentKnown<Doc, Entry>(spec: SharedDocumentSpec<Doc, Entry>, olds: Props, news: Props): boolean {
  const identity = [...spec.identityKeys, "ownerKey"];
  if (!olds || typeof olds.ownerKey !== "string" || !Array.isArray(olds[spec.entriesKey])) return false;
  if (containsPreviewUnknown(identity.map((key) => news[key]))) return false;
  return identity.every((key) => olds[key] === news[key]);
}

/** Our entries in state against the new inputs, and against the live document: drift shows in every preview. */
async function diffOf<Doc, Entry>(
  spec: SharedDocumentSpec<Doc, Entry>,
  olds: Props,
  news: Props,
  liveDrift: (props: Props) => Promise<string[]>,
): Promise<pulumi.dynamic.DiffResult> {
  const replaces = [...spec.identityKeys, "ownerKey"].filter((key) => olds[key] !== news[key]);
  const diffs = [
    ...(sameEntries(spec, olds, news) ? [] : [spec.entriesKey]),
    // New credentials settings are stored, so that a later delete or refresh runs as the stack now says.
    ...["providerVersion", "coordination", "legacy", "aws", "awsExternalIds"].filter(
      (key) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null),
    ),
  ];
  const unknown =
    containsPreviewUnknown(news[spec.entriesKey]) || containsPreviewUnknown(spec.identityKeys.map((k) => news[k]));
  // The live drift `check` found; or, when it did not look (a direct call), the refresh's or our own read.
  let drift = Array.isArray(news.drift) ? news.drift : (olds.drift ?? []);
  if (!Array.isArray(news.drift) && !unknown && replaces.length === 0 && drift.length === 0)
    drift = await liveDrift(olds);
  const changed = unknown || diffs.length > 0 || drift.length > 0;
  // Dynamic providers report only whether something changed: drift shows as an update of this resource.
  return {
    changes: replaces.length > 0 || changed,
    replaces,
    // Same document and owner under a new region: a create-before-delete would delete the new entries.
    deleteBeforeReplace: replaces.length > 0 && olds.ownerKey === news.ownerKey,
  };
}

/** Our entries by meaning, in any order: S3's reformatting and reordering are not changes. */
function sameEntries<Doc, Entry>(spec: SharedDocumentSpec<Doc, Entry>, olds: Props, news: Props): boolean {
  if (containsPreviewUnknown(news[spec.entriesKey])) return false;
  const format = spec.format(news);
  const canonical = (props: Props) =>
    JSON.stringify(((props[spec.entriesKey] ?? []) as Entry[]).map(format.canonical).sort());
  return canonical(olds) === canonical(news);
}
