// One writer process of the fault suite: sets (or removes) one owner's statements in a bucket policy through the
// provider's write path (writeOwnedEntries over the S3 store), at an agreed start time, and prints one JSON line.
import { bucketPolicyFormat } from "../../../model/sharedDocuments/formats";
import type { LiveStatement } from "../../../model/sharedDocuments/merge";
import { s3ClientsFor } from "../../../providers/awsClients";
import { writeOwnedEntries, type OwnedEntriesOptions } from "../../../providers/ownedEntries";
import { bucketPolicyStore, s3Ledger, type CoordinationBucket } from "../../../providers/s3DocumentStores";

export interface WriterSpec {
  bucket: string;
  ownerKey: string;
  /** What state says this owner wrote (undefined: create). */
  previous?: LiveStatement[];
  desired: LiveStatement[];
  coordination?: CoordinationBucket;
  options: OwnedEntriesOptions;
  /** Epoch milliseconds to start at, so that separate processes start together. */
  startAt: number;
}

export interface WriterResult {
  ok: boolean;
  error?: string;
  errorName?: string;
  attempts?: number;
}

async function main(): Promise<WriterResult> {
  const spec = JSON.parse(process.env.FAULT_WRITER_SPEC ?? "{}") as WriterSpec;
  const clients = s3ClientsFor("us-east-1", spec.options);
  const ledgerClients = spec.coordination ? s3ClientsFor("us-east-1", spec.options) : undefined;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, spec.startAt - Date.now())));
  try {
    const result = await writeOwnedEntries(
      {
        format: bucketPolicyFormat(spec.bucket),
        store: bucketPolicyStore(clients, spec.bucket, "us-east-1"),
        ...(ledgerClients ? { ledger: s3Ledger(ledgerClients, spec.coordination!) } : {}),
      },
      { ownerKey: spec.ownerKey, previous: spec.previous, desired: spec.desired, legacy: [] },
      spec.options,
    );
    return { ok: true, attempts: result.attempts };
  } catch (error) {
    return { ok: false, error: (error as Error).message, errorName: (error as Error).name };
  } finally {
    clients.destroy();
    ledgerClients?.destroy();
  }
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error) => {
    process.stdout.write(`${JSON.stringify({ ok: false, error: String(error) })}\n`);
    process.exit(0);
  },
);
