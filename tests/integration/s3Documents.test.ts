// The read-modify-write loop against a real S3 API, with the race forced rather than hoped for.
import * as assert from "node:assert/strict";
import type { PolicyStatement } from "../../model/policy/document";
import { mergeStatements, ownedStatements, sameStatements, type LivePolicy } from "../../model/sharedDocuments/merge";
import { bucketPolicyStore, readModifyWrite, s3ClientFor, type DocumentStore } from "../../providers/s3Documents";
import { createBucket, getPolicy, localEndpoint, localWriteOptions } from "./localS3";

/** Holds every writer's first read until all have read: they all start from the same policy, so all but one lose. */
function barrierOnFirstRead(count: number) {
  let waiting = 0;
  let release!: () => void;
  const allRead = new Promise<void>((resolve) => (release = resolve));
  return <D>(store: DocumentStore<D>): DocumentStore<D> => {
    let first = true;
    return {
      ...store,
      get: async () => {
        const document = await store.get();
        if (first) {
          first = false;
          if (++waiting === count) release();
          await allRead;
        }
        return document;
      },
    };
  };
}

describe("readModifyWrite on S3: writers that all read the same policy", () => {
  before(() => {
    localEndpoint();
  });

  it("retries every lost race and ends with every writer's statements", async function () {
    this.timeout(120000);
    const bucket = await createBucket("rmw-race");
    const writers = 5;
    const barrier = barrierOnFirstRead(writers);
    const client = s3ClientFor("us-east-1");
    const attempts = await Promise.all(
      Array.from({ length: writers }, async (_, i) => {
        const prefix = `vendor${i}--rmw--`;
        const ours: PolicyStatement[] = [
          {
            Sid: `${prefix}Read`,
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::123456789012:root" },
            Action: ["s3:GetObject"],
            Resource: [`arn:aws:s3:::${bucket}/*`],
          },
        ];
        const result = await readModifyWrite(
          `writer ${i}`,
          barrier(bucketPolicyStore(client, bucket, "us-east-1")),
          (current) => mergeStatements(current, prefix, ours),
          (live) => sameStatements(ownedStatements(live, prefix), ours),
          localWriteOptions,
        );
        return result.attempts;
      }),
    );
    client.destroy();
    assert.ok(
      attempts.filter((n) => n > 1).length >= writers - 1,
      `at most one writer wins the first round: attempts ${attempts.join(", ")}`,
    );
    const policy = (await getPolicy(bucket)) as LivePolicy;
    assert.deepEqual(
      policy.Statement.map((s) => s.Sid).sort(),
      Array.from({ length: writers }, (_, i) => `vendor${i}--rmw--Read`),
    );
  });
});
