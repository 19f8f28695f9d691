// S3 I/O for one bucket's policy and CORS configuration, and the read-modify-write loop that merges into them.
// Kept free of Pulumi imports: the dynamic providers capture it by value; @aws-sdk/client-s3 is captured as a require.
import {
  DeleteBucketCorsCommand,
  DeleteBucketPolicyCommand,
  GetBucketCorsCommand,
  GetBucketPolicyCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  S3Client,
  type CORSRule,
} from "@aws-sdk/client-s3";
import { parsePolicy, type LiveCorsRule, type LivePolicy } from "../model/sharedDocuments/merge";

/** The S3 endpoint override, if any: the SDK's own variables, so that tests can point at a local S3. */
export function s3EndpointOverride(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

/** A client in the bucket's region, with credentials from the standard chain (AWS SDK v3, "Setting credentials in Node.js"). */
export function s3ClientFor(region: string): S3Client {
  const endpoint = s3EndpointOverride();
  // Local S3 servers answer on one host, so buckets go in the path, not the hostname.
  return new S3Client({ region, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) });
}

/** An S3 error turned into a message that says what to do; S3's own codes stay in the text for searching. */
export function describeS3Error(error: unknown, bucket: string, region: string, operation: string): Error {
  const name = (error as { name?: string })?.name ?? "Error";
  const message = (error as { message?: string })?.message ?? String(error);
  const reason =
    name === "NoSuchBucket"
      ? `bucket ${bucket} does not exist in ${region}, or these credentials cannot see it (NoSuchBucket). Create the bucket first, or fix the bucket name in config`
      : name === "AccessDenied" || name === "AccessDeniedException" || name === "Forbidden"
        ? `access denied to bucket ${bucket} (${name}): the credentials need s3:GetBucketPolicy, s3:PutBucketPolicy, s3:DeleteBucketPolicy, s3:GetBucketCORS and s3:PutBucketCORS on it`
        : name === "PermanentRedirect" ||
            name === "AuthorizationHeaderMalformed" ||
            name === "IllegalLocationConstraintException"
          ? `bucket ${bucket} is not in ${region} (${name}): fix the bucket's region in config`
          : `${name}: ${message}`;
  const wrapped = new Error(`${operation} failed for bucket ${bucket} in ${region}: ${reason}`);
  wrapped.name = name === "NoSuchBucket" ? "BucketNotFoundError" : "S3DocumentError";
  return wrapped;
}

/** One bucket-level document in S3: read it, write it, delete it. */
export interface DocumentStore<D> {
  get(): Promise<D | undefined>;
  put(document: D): Promise<void>;
  remove(): Promise<void>;
}

async function call<T>(bucket: string, region: string, operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw describeS3Error(error, bucket, region, operation);
  }
}

/** The bucket policy as a store. A bucket without a policy reads as undefined (S3: NoSuchBucketPolicy). */
export function bucketPolicyStore(client: S3Client, bucket: string, region: string): DocumentStore<LivePolicy> {
  return {
    async get() {
      try {
        const response = await client.send(new GetBucketPolicyCommand({ Bucket: bucket }));
        return parsePolicy(bucket, response.Policy);
      } catch (error) {
        if ((error as { name?: string }).name === "NoSuchBucketPolicy") return undefined;
        if ((error as { name?: string }).name === "PolicyParseError") throw error;
        throw describeS3Error(error, bucket, region, "GetBucketPolicy");
      }
    },
    put: (policy) =>
      call(
        bucket,
        region,
        "PutBucketPolicy",
        async () =>
          void (await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }))),
      ),
    remove: () =>
      call(
        bucket,
        region,
        "DeleteBucketPolicy",
        async () => void (await client.send(new DeleteBucketPolicyCommand({ Bucket: bucket }))),
      ),
  };
}

/** The CORS configuration as a store of rules. A bucket without one reads as undefined (S3: NoSuchCORSConfiguration). */
export function bucketCorsStore(client: S3Client, bucket: string, region: string): DocumentStore<LiveCorsRule[]> {
  return {
    async get() {
      try {
        const response = await client.send(new GetBucketCorsCommand({ Bucket: bucket }));
        return (response.CORSRules ?? []).map(fromSdkRule);
      } catch (error) {
        if ((error as { name?: string }).name === "NoSuchCORSConfiguration") return undefined;
        throw describeS3Error(error, bucket, region, "GetBucketCors");
      }
    },
    put: (rules) =>
      call(
        bucket,
        region,
        "PutBucketCors",
        async () =>
          void (await client.send(
            new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules.map(toSdkRule) } }),
          )),
      ),
    remove: () =>
      call(
        bucket,
        region,
        "DeleteBucketCors",
        async () => void (await client.send(new DeleteBucketCorsCommand({ Bucket: bucket }))),
      ),
  };
}

function fromSdkRule(rule: CORSRule): LiveCorsRule {
  const out: LiveCorsRule = { AllowedMethods: rule.AllowedMethods ?? [], AllowedOrigins: rule.AllowedOrigins ?? [] };
  if (rule.ID !== undefined) out.ID = rule.ID;
  if (rule.AllowedHeaders !== undefined) out.AllowedHeaders = rule.AllowedHeaders;
  if (rule.ExposeHeaders !== undefined) out.ExposeHeaders = rule.ExposeHeaders;
  if (rule.MaxAgeSeconds !== undefined) out.MaxAgeSeconds = rule.MaxAgeSeconds;
  return out;
}

function toSdkRule(rule: LiveCorsRule): CORSRule {
  return { ...rule, AllowedMethods: rule.AllowedMethods ?? [], AllowedOrigins: rule.AllowedOrigins ?? [] };
}

export interface WriteOptions {
  /** Attempts before giving up on a bucket that other writers keep changing. */
  maxAttempts: number;
  /** Wait before the verifying re-read, so that a writer who read before our write has written by then. */
  settleMs: number;
  /** First backoff after a lost race; doubles each attempt, with jitter. */
  backoffMs: number;
}

/** Defaults sized for real S3: a read-modify-write takes well under a second, so a one-second settle outlasts it. */
export const defaultWriteOptions: WriteOptions = { maxAttempts: 8, settleMs: 1000, backoffMs: 250 };

export interface WriteResult<D> {
  /** The document as read back after the write (or as found, when nothing needed writing). */
  live: D | undefined;
  attempts: number;
  wrote: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Read, change, write, and read back. S3 has no conditional write for bucket policies or CORS, so a lost race
 * shows only on the re-read: then back off and merge again. `change` may throw (size, validation): nothing is
 * written. `done` says whether a document already holds what we want; if it does, nothing is written.
 */
export async function readModifyWrite<D>(
  subject: string,
  store: DocumentStore<D>,
  change: (current: D | undefined) => D | undefined,
  done: (live: D | undefined) => boolean,
  options: WriteOptions = defaultWriteOptions,
): Promise<WriteResult<D>> {
  let wrote = false;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    const current = await store.get();
    if (done(current)) return { live: current, attempts: attempt, wrote };
    const next = change(current);
    if (next === undefined) await store.remove();
    else await store.put(next);
    wrote = true;
    await sleep(options.settleMs + Math.random() * options.settleMs * 0.2);
    const live = await store.get();
    if (done(live)) return { live, attempts: attempt, wrote };
    await sleep(options.backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
  }
  throw new Error(
    `${subject}: gave up after ${options.maxAttempts} attempts: other writers kept replacing the document between our write and our check`,
  );
}

/** Runs `task` after every earlier task with the same key has settled: one writer per bucket in this process. */
export function keyedQueue(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails: Record<string, Promise<unknown>> = {};
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails[key] ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    tails[key] = tail;
    void tail.then(() => {
      if (tails[key] === tail) delete tails[key];
    });
    return run;
  };
}
