// Direct S3 access for the integration tests: set up buckets and read what the providers wrote, bypassing them.
import { randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  GetBucketCorsCommand,
  GetBucketPolicyCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  S3Client,
  type BucketLocationConstraint,
  type CORSRule,
} from "@aws-sdk/client-s3";
import type { OwnedEntriesOptions } from "../../providers/ownedEntries";

/** The local endpoint run.ts started; refuses anything but loopback, so a stray run never reaches AWS. */
export function localEndpoint(): string {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? "";
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) {
    throw new Error(
      `AWS_ENDPOINT_URL_S3 is ${JSON.stringify(endpoint)}, not a local moto_server: run these tests with \`npm run test:integration\``,
    );
  }
  return endpoint;
}

/** Short waits: moto answers in milliseconds and is strongly consistent; the fault suite sets its own. */
export const localOptions: OwnedEntriesOptions = {
  maxAttempts: 10,
  backoffMs: 20,
  settleMs: 300,
  visibilityWaitMs: 1000,
  principalWaitMs: 2000,
  pollMs: 20,
  connectTimeoutMs: 1000,
  requestTimeoutMs: 3000,
};

export function client(region = "us-east-1"): S3Client {
  return new S3Client({ region, endpoint: localEndpoint(), forcePathStyle: true });
}

/** A new, empty bucket with a unique name. */
export async function createBucket(label: string, region = "us-east-1"): Promise<string> {
  const name = `it-${label}-${randomBytes(4).toString("hex")}`;
  const s3 = client(region);
  // us-east-1 is the default location and must not be named (S3 API Reference, CreateBucket).
  await s3.send(
    new CreateBucketCommand({
      Bucket: name,
      ...(region === "us-east-1"
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
    }),
  );
  s3.destroy();
  return name;
}

export async function putPolicy(bucket: string, policy: object): Promise<void> {
  const s3 = client();
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
  s3.destroy();
}

/** The policy exactly as S3 holds it, or undefined when the bucket has none. */
export async function getPolicyText(bucket: string): Promise<string | undefined> {
  const s3 = client();
  try {
    return (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;
  } catch (error) {
    if ((error as Error).name === "NoSuchBucketPolicy") return undefined;
    throw error;
  } finally {
    s3.destroy();
  }
}

export async function getPolicy(
  bucket: string,
): Promise<{ Statement: Record<string, unknown>[]; [key: string]: unknown } | undefined> {
  const text = await getPolicyText(bucket);
  return text === undefined ? undefined : JSON.parse(text);
}

export async function putCors(bucket: string, rules: CORSRule[]): Promise<void> {
  const s3 = client();
  await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
  s3.destroy();
}

/** The CORS rules as S3 returns them, or undefined when the bucket has no CORS configuration. */
export async function getCors(bucket: string): Promise<CORSRule[] | undefined> {
  const s3 = client();
  try {
    return (await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
  } catch (error) {
    if ((error as Error).name === "NoSuchCORSConfiguration") return undefined;
    throw error;
  } finally {
    s3.destroy();
  }
}
