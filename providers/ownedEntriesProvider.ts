// The provider behind both shared-bucket resources: one stack's and integration's entries (policy statements or
// CORS rules) inside a bucket document that others share, added, updated and removed by read-modify-write.
import type * as pulumi from "@pulumi/pulumi";
import type { S3Client } from "@aws-sdk/client-s3";
import { keyedQueue, readModifyWrite, s3ClientFor, type DocumentStore, type WriteOptions } from "./s3Documents";
import { containsUnknown, invalidContributionError } from "../model/sharedDocuments/validate";

/** What differs between bucket-policy statements and CORS rules; the read-modify-write cycle is the same. */
export interface OwnedEntriesSpec<Entry, Live, Doc> {
  kind: string;
  /** Names of the owner and entries props as the resource registers them (the policy pack reads these). */
  ownerKey: string;
  entriesKey: string;
  /** For messages: "statements" or "CORS rules". */
  what: string;
  problems(entries: readonly unknown[], bucket: string, owner: string): string[];
  store(client: S3Client, bucket: string, region: string): DocumentStore<Doc>;
  /** The document with ours replaced by `entries` (none: remove ours); throws when it would not fit. */
  merge(current: Doc | undefined, owner: string, entries: Entry[], bucket: string): Doc | undefined;
  owned(live: Doc | undefined, owner: string): Live[];
  same(a: readonly Live[], b: readonly Entry[]): boolean;
  drift(desired: readonly Entry[], live: readonly Live[]): string[];
}

type Props = Record<string, unknown> & { resourceKind: string; bucket: string; region: string; drift?: string[] };

/** A dynamic provider for one kind of owned entries, with its own one-writer-per-bucket queue. */
export function createOwnedEntriesProvider<Entry, Live, Doc>(
  spec: OwnedEntriesSpec<Entry, Live, Doc>,
  options: WriteOptions,
): pulumi.dynamic.ResourceProvider {
  const queue = keyedQueue();
  const owner = (props: Props) => props[spec.ownerKey] as string;
  const entries = (props: Props) => props[spec.entriesKey] as Entry[];

  // Write `desired` as ours (an empty list removes ours), merged into whatever else the document holds.
  const writeOurs = async (props: Props, desired: Entry[]): Promise<void> => {
    const problems = spec.problems(desired, props.bucket, owner(props));
    if (problems.length > 0) throw invalidContributionError(props.bucket, problems);
    const client = s3ClientFor(props.region);
    try {
      await queue(props.bucket, () =>
        readModifyWrite(
          `bucket ${props.bucket}: ${spec.what} ${owner(props)}`,
          spec.store(client, props.bucket, props.region),
          (current) => spec.merge(current, owner(props), desired, props.bucket),
          (live) => spec.same(spec.owned(live, owner(props)), desired),
          options,
        ),
      );
    } finally {
      client.destroy();
    }
  };
  const identity = ["bucket", "region", spec.ownerKey];

  return {
    check: async (_olds: Props, news: Props) => {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      if (news.resourceKind !== spec.kind) failures.push({ property: "resourceKind", reason: `must be ${spec.kind}` });
      // Values still unknown in a preview are checked once known, at create or update. (Not `__provider`:
      // the provider's own code holds the unknown marker.)
      if (containsUnknown([news.resourceKind, ...identity.map((key) => news[key]), news[spec.entriesKey]]))
        return { inputs: news, failures };
      for (const key of identity) {
        if (typeof news[key] !== "string" || news[key] === "")
          failures.push({ property: key, reason: "must be a non-empty string" });
      }
      if (!Array.isArray(news[spec.entriesKey]))
        failures.push({ property: spec.entriesKey, reason: `must be a list of ${spec.what}` });
      else if (failures.length === 0)
        for (const reason of spec.problems(entries(news), news.bucket, owner(news)))
          failures.push({ property: spec.entriesKey, reason });
      return { inputs: news, failures };
    },

    // Only our entries count; which of them changed is for the engine to show, so this says yes or no.
    diff: async (_id: string, olds: Props, news: Props) => {
      const replaces = identity.filter((key) => olds[key] !== news[key]);
      const changed =
        containsUnknown(news[spec.entriesKey]) ||
        !spec.same((entries(olds) ?? []) as unknown as Live[], entries(news) ?? []) ||
        (olds.drift ?? []).length > 0;
      return {
        changes: replaces.length > 0 || changed,
        replaces,
        // Same bucket and owner under a new region: a create-before-delete would delete the new entries.
        deleteBeforeReplace: replaces.length > 0 && olds.bucket === news.bucket && owner(olds) === owner(news),
      };
    },

    create: async (inputs: Props) => {
      await writeOurs(inputs, entries(inputs));
      return { id: `${inputs.bucket}/${owner(inputs)}`, outs: { ...inputs, drift: [] } };
    },

    // State keeps what we wrote; drift says how the live document departs from it, and makes the next diff rewrite ours.
    read: async (id: string, props?: Props) => {
      if (!props)
        throw new Error(`reading ${id} needs its state (bucket, region, ${spec.ownerKey}); import is not supported`);
      const client = s3ClientFor(props.region);
      try {
        const live = await spec.store(client, props.bucket, props.region).get();
        return { id, props: { ...props, drift: spec.drift(entries(props), spec.owned(live, owner(props))) } };
      } catch (error) {
        // A deleted bucket takes its documents with it: a blank ID tells the engine the resource is gone.
        if ((error as Error).name === "BucketNotFoundError") return { id: "" };
        throw error;
      } finally {
        client.destroy();
      }
    },

    update: async (_id: string, _olds: Props, news: Props) => {
      await writeOurs(news, entries(news));
      return { outs: { ...news, drift: [] } };
    },

    delete: async (_id: string, props: Props) => {
      try {
        await writeOurs(props, []);
      } catch (error) {
        if ((error as Error).name !== "BucketNotFoundError") throw error;
      }
    },
  };
}
