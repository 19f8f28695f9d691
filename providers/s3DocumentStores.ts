// S3 I/O for shared documents: the bucket policy and CORS configuration as DocumentStores, and the coordination
// ledger over S3 conditional writes. Kept free of Pulumi imports: the dynamic providers capture it by value, and
// @aws-sdk/client-s3 as a require.
import {
  DeleteBucketCorsCommand,
  DeleteBucketPolicyCommand,
  GetBucketCorsCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type CORSRule,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { DocumentClients } from "./awsClients";
import type { CoordinationLedger, DocumentStore, LedgerRecord } from "../model/sharedDocuments/documentStore";
import { parsePolicy, type LiveCorsRule, type LivePolicy } from "../model/sharedDocuments/merge";

/** Where the coordination ledger lives (stack config `vendor-access:coordination`). */
export interface CoordinationBucket {
  bucket: string;
  region: string;
}

/** The S3 clients of one document (providers/awsClients.ts): reads retried by the SDK, writes sent once. */
export type S3Clients = DocumentClients<S3Client>;

/** The HTTP status of an SDK error, when the service answered. */
export function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** An S3 error turned into a message that says what to do; S3's code and HTTP status stay on it. */
export function describeS3Error(error: unknown, bucket: string, region: string, operation: string): Error {
  const name = (error as { name?: string })?.name ?? "Error";
  const message = (error as { message?: string })?.message ?? String(error);
  const reason =
    name === "NoSuchBucket"
      ? `bucket ${bucket} does not exist in ${region}, or these credentials cannot see it (NoSuchBucket). Create the bucket first, or fix the bucket name in config`
      : name === "AccessDenied" || name === "AccessDeniedException" || name === "Forbidden"
        ? `access denied to bucket ${bucket} (${name}): see docs/shared-buckets.md, "Permissions", for what the deploying credentials need`
        : name === "TimeoutError"
          ? `TimeoutError, no answer in time, the request was abandoned (${message.replace(/^@smithy\/node-http-handler - (\[ERROR\] )?/, "")})`
          : name === "PermanentRedirect" ||
              name === "AuthorizationHeaderMalformed" ||
              name === "IllegalLocationConstraintException"
            ? `bucket ${bucket} is not in ${region} (${name}): fix the bucket's region in config`
            : `${name}: ${message}`;
  const wrapped = new Error(`${operation} failed for bucket ${bucket} in ${region}: ${reason}`) as Error & {
    $metadata?: unknown;
    code?: string;
  };
  wrapped.name = name === "NoSuchBucket" ? "DocumentNotFoundError" : "S3DocumentError";
  wrapped.code = name;
  wrapped.$metadata = (error as { $metadata?: unknown })?.$metadata;
  return wrapped;
}

async function call<T>(bucket: string, region: string, operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw describeS3Error(error, bucket, region, operation);
  }
}

/** S3 refuses a policy naming a role IAM has not propagated yet: "MalformedPolicy: Invalid principal in policy". */
export function isInvalidPrincipal(error: unknown): boolean {
  const text = `${(error as { code?: string })?.code ?? ""} ${(error as Error)?.message ?? ""}`;
  return /MalformedPolicy/.test(text) && /Invalid principal/i.test(text);
}

/** The bucket policy as a store. A bucket without a policy reads as undefined (S3: NoSuchBucketPolicy). */
export function bucketPolicyStore(clients: S3Clients, bucket: string, region: string): DocumentStore<LivePolicy> {
  return {
    subject: `bucket policy of ${bucket} (${region})`,
    ledgerKey: `s3/bucket-policy/${bucket}`,
    async read() {
      try {
        const response = await clients.reads.send(new GetBucketPolicyCommand({ Bucket: bucket }));
        return parsePolicy(bucket, response.Policy);
      } catch (error) {
        if ((error as { name?: string }).name === "NoSuchBucketPolicy") return undefined;
        if ((error as { name?: string }).name === "PolicyParseError") throw error;
        throw describeS3Error(error, bucket, region, "GetBucketPolicy");
      }
    },
    write: (policy) =>
      call(bucket, region, "PutBucketPolicy", async () => {
        await clients.writes.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
      }),
    remove: () =>
      call(bucket, region, "DeleteBucketPolicy", async () => {
        await clients.writes.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
      }),
    isPropagationDelay: isInvalidPrincipal,
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

/** The CORS configuration as a store of rules. A bucket without one reads as undefined (S3: NoSuchCORSConfiguration). */
export function bucketCorsStore(clients: S3Clients, bucket: string, region: string): DocumentStore<LiveCorsRule[]> {
  return {
    subject: `CORS configuration of ${bucket} (${region})`,
    ledgerKey: `s3/bucket-cors/${bucket}`,
    async read() {
      try {
        const response = await clients.reads.send(new GetBucketCorsCommand({ Bucket: bucket }));
        return (response.CORSRules ?? []).map(fromSdkRule);
      } catch (error) {
        if ((error as { name?: string }).name === "NoSuchCORSConfiguration") return undefined;
        throw describeS3Error(error, bucket, region, "GetBucketCors");
      }
    },
    write: (rules) =>
      call(bucket, region, "PutBucketCors", async () => {
        await clients.writes.send(
          new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules.map(toSdkRule) } }),
        );
      }),
    remove: () =>
      call(bucket, region, "DeleteBucketCors", async () => {
        await clients.writes.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
      }),
  };
}

/** Ledger objects live under this prefix of the coordination bucket: grant s3:GetObject and s3:PutObject on it. */
export const ledgerPrefix = "vendor-access/ledger/";

function parseRecord(text: string): LedgerRecord {
  const parsed = JSON.parse(text) as Partial<LedgerRecord>;
  return {
    seq: typeof parsed.seq === "number" ? parsed.seq : 0,
    ...(typeof parsed.version === "string" ? { version: parsed.version } : {}),
    claimant: typeof parsed.claimant === "string" ? parsed.claimant : "",
    ...(typeof parsed.at === "number" ? { at: parsed.at } : {}),
  };
}

/**
 * The coordination ledger: one small JSON object per document, advanced only by S3 conditional writes (Amazon S3
 * User Guide, "Conditional writes": If-None-Match: * to create, If-Match: <ETag> to replace). No lock to release:
 * a writer that crashes after its claim only makes the next writer wait for a version that never appears.
 */
export function s3Ledger(clients: S3Clients, where: CoordinationBucket): CoordinationLedger {
  const keyOf = (ledgerKey: string) => `${ledgerPrefix}${ledgerKey}.json`;
  const read = async (ledgerKey: string) => {
    try {
      const response = await clients.reads.send(new GetObjectCommand({ Bucket: where.bucket, Key: keyOf(ledgerKey) }));
      return { record: parseRecord(await response.Body!.transformToString()), tag: response.ETag };
    } catch (error) {
      if ((error as { name?: string }).name === "NoSuchKey") return { record: { seq: 0, claimant: "" } };
      throw describeS3Error(error, where.bucket, where.region, `GetObject ${keyOf(ledgerKey)} (coordination ledger)`);
    }
  };
  return {
    where: `s3://${where.bucket}/${ledgerPrefix}`,
    read,
    async claim(ledgerKey, tag, next) {
      try {
        await clients.writes.send(
          new PutObjectCommand({
            Bucket: where.bucket,
            Key: keyOf(ledgerKey),
            Body: JSON.stringify(next),
            ContentType: "application/json",
            ...(tag === undefined ? { IfNoneMatch: "*" } : { IfMatch: tag }),
          }),
        );
        return true;
      } catch (error) {
        // 412: someone else claimed first; 409: a concurrent conditional write. Any other answer is ambiguous,
        // so the ledger itself says whether our claim landed.
        const status = httpStatusOf(error);
        if (status !== 412 && status !== 409 && status !== undefined && status < 500)
          throw describeS3Error(
            error,
            where.bucket,
            where.region,
            `PutObject ${keyOf(ledgerKey)} (coordination ledger)`,
          );
        const now = await read(ledgerKey);
        return now.record.claimant === next.claimant && now.record.seq === next.seq;
      }
    },
  };
}
