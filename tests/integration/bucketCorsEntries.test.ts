// BucketCorsEntries' provider against a real S3 API (moto_server, started by run.ts).
import * as assert from "node:assert/strict";
import type { CORSRule } from "@aws-sdk/client-s3";
import type { CorsRule } from "../../model/plan";
import {
  bucketCorsEntriesKind,
  createBucketCorsEntriesProvider,
  type BucketCorsEntriesInputs,
} from "../../providers/bucketCorsEntries";
import { sharedDocumentProviderVersion } from "../../providers/sharedDocumentProvider";
import { ownerKeyFor } from "../../model/sharedDocuments/ownership";
import { ownedCorsRules, sameCorsRules, type LiveCorsRule } from "../../model/sharedDocuments/merge";
import { serializeAndLoad } from "../providers/serializedProvider";
import { createBucket, getCors, localEndpoint, localOptions, putCors } from "./localS3";

type Provider = ReturnType<typeof createBucketCorsEntriesProvider>;

/** A rule ID `<integration>--<owner key>` for a stack of the integration test project. */
const idOf = (integration: string, stack: string) =>
  `${integration}--${ownerKeyFor("organization", "vendor-access-it", stack)}`;
const dev = idOf("isahit-annotation", "dev");
const prod = idOf("isahit-annotation", "prod");

function rule(id: string, origins = ["https://lab.isahit.com", "https://work.isahit.com"]): CorsRule {
  return {
    ID: id,
    AllowedMethods: ["GET"],
    AllowedOrigins: origins,
    AllowedHeaders: ["*"],
    ExposeHeaders: [],
    MaxAgeSeconds: 3000,
  };
}

function inputs(bucket: string, ruleIdPrefix: string, rules: CorsRule[]): BucketCorsEntriesInputs {
  return {
    resourceKind: bucketCorsEntriesKind,
    providerVersion: sharedDocumentProviderVersion,
    bucket,
    region: "us-east-1",
    ownerKey: ruleIdPrefix.split("--")[1],
    legacy: [],
    rules,
  };
}

const state = (input: BucketCorsEntriesInputs): BucketCorsEntriesInputs => ({ ...input, drift: [] });

/** The customer's own rules: one with an ID, one without. */
const customerRules: CORSRule[] = [
  {
    ID: "website",
    AllowedMethods: ["GET", "HEAD"],
    AllowedOrigins: ["https://www.example.com"],
    ExposeHeaders: ["ETag"],
    MaxAgeSeconds: 600,
  },
  {
    AllowedMethods: ["PUT", "POST"],
    AllowedOrigins: ["https://upload.example.com"],
    AllowedHeaders: ["Content-Type", "x-amz-*"],
  },
];

/** Rules that are not ours, as S3 returns them, mean exactly the customer's rules. */
async function assertCustomerIntact(bucket: string, ourPrefixes: string[]): Promise<void> {
  const rules = (await getCors(bucket)) ?? [];
  const others = rules.filter(
    (r) => !ourPrefixes.some((prefix) => ownedCorsRules([r as LiveCorsRule], prefix).length > 0),
  );
  assert.ok(
    sameCorsRules(others as LiveCorsRule[], customerRules as LiveCorsRule[]),
    `customer rules changed: ${JSON.stringify(others)}`,
  );
  assert.deepEqual(
    others.map((r) => r.ID),
    customerRules.map((r) => r.ID),
    "in their order",
  );
}

async function ours(bucket: string, prefix: string): Promise<LiveCorsRule[]> {
  return ownedCorsRules(((await getCors(bucket)) ?? []) as LiveCorsRule[], prefix);
}

before(() => {
  localEndpoint();
});

for (const variant of ["in-process", "serialized"] as const) {
  describe(`BucketCorsEntries on S3 (${variant} provider): a bucket with a customer's CORS rules`, () => {
    let provider: Provider;
    let bucket: string;
    before(async function () {
      this.timeout(60000);
      const fresh = createBucketCorsEntriesProvider(localOptions);
      provider = variant === "serialized" ? (await serializeAndLoad(fresh)).provider : fresh;
      bucket = await createBucket("cors-foreign");
      await putCors(bucket, customerRules);
    });

    it("adds ours, leaving the customer's rules intact", async () => {
      const created = await provider.create(inputs(bucket, dev, [rule(dev)]));
      assert.equal(created.id, `${bucket}/us-east-1/${dev.split("--")[1]}`);
      assert.ok(sameCorsRules(await ours(bucket, dev), [rule(dev)]));
      await assertCustomerIntact(bucket, [dev]);
    });

    it("updates ours, leaving the customer's rules intact", async () => {
      const next = [rule(dev, ["https://lab.isahit.com"]), { ...rule(`${dev}--uploads`), AllowedMethods: ["PUT"] }];
      await provider.update!(`${bucket}/${dev}`, state(inputs(bucket, dev, [rule(dev)])), inputs(bucket, dev, next));
      assert.ok(sameCorsRules(await ours(bucket, dev), next));
      await assertCustomerIntact(bucket, [dev]);
      assert.deepEqual((await provider.read!(`${bucket}/${dev}`, state(inputs(bucket, dev, next)))).props!.drift, []);
    });

    it("deletes ours, leaving the customer's rules exactly as they were", async () => {
      const next = [rule(dev, ["https://lab.isahit.com"]), { ...rule(`${dev}--uploads`), AllowedMethods: ["PUT"] }];
      await provider.delete!(`${bucket}/${dev}`, state(inputs(bucket, dev, next)));
      assert.deepEqual(await ours(bucket, dev), []);
      await assertCustomerIntact(bucket, []);
    });
  });
}

describe("BucketCorsEntries on S3: two stacks on one bucket, interleaved", () => {
  it("keeps each stack's rules through the other's changes, then deletes the empty configuration", async () => {
    const devProvider = createBucketCorsEntriesProvider(localOptions);
    const prodProvider = createBucketCorsEntriesProvider(localOptions);
    const bucket = await createBucket("cors-two-stacks");
    await devProvider.create(inputs(bucket, dev, [rule(dev)]));
    await prodProvider.create(inputs(bucket, prod, [rule(prod, ["https://lab.isahit.com"])]));
    await devProvider.update!(
      `${bucket}/${dev}`,
      state(inputs(bucket, dev, [rule(dev)])),
      inputs(bucket, dev, [rule(dev, ["https://work.isahit.com"])]),
    );
    assert.ok(sameCorsRules(await ours(bucket, prod), [rule(prod, ["https://lab.isahit.com"])]));
    assert.ok(sameCorsRules(await ours(bucket, dev), [rule(dev, ["https://work.isahit.com"])]));
    await prodProvider.delete!(
      `${bucket}/${prod}`,
      state(inputs(bucket, prod, [rule(prod, ["https://lab.isahit.com"])])),
    );
    assert.ok(
      sameCorsRules(((await getCors(bucket)) ?? []) as LiveCorsRule[], [rule(dev, ["https://work.isahit.com"])]),
    );
    await devProvider.delete!(`${bucket}/${dev}`, state(inputs(bucket, dev, [rule(dev, ["https://work.isahit.com"])])));
    assert.equal(await getCors(bucket), undefined, "with no rule left, the configuration is deleted");
  });
});

describe("BucketCorsEntries on S3: concurrent writers racing on one bucket", () => {
  it("loses no rule when five stacks write at once", async function () {
    this.timeout(120000);
    const bucket = await createBucket("cors-race");
    await putCors(bucket, customerRules);
    const writers = Array.from({ length: 5 }, (_, i) => ({
      provider: createBucketCorsEntriesProvider(localOptions),
      prefix: idOf(`vendor${i}`, `race${i}`),
    }));
    await Promise.all(writers.map(({ provider, prefix }) => provider.create(inputs(bucket, prefix, [rule(prefix)]))));
    for (const { prefix } of writers)
      assert.ok(sameCorsRules(await ours(bucket, prefix), [rule(prefix)]), `${prefix} is present`);
    await assertCustomerIntact(
      bucket,
      writers.map((w) => w.prefix),
    );
  });
});

describe("BucketCorsEntries on S3: drift and missing buckets", () => {
  it("reports a rule removed out of band, and the update restores it", async () => {
    const provider = createBucketCorsEntriesProvider(localOptions);
    const bucket = await createBucket("cors-drift");
    await putCors(bucket, customerRules);
    const created = await provider.create(inputs(bucket, dev, [rule(dev)]));
    await putCors(bucket, customerRules);
    const read = await provider.read!(created.id, created.outs as BucketCorsEntriesInputs);
    assert.deepEqual(read.props!.drift, [`CORS rule ${dev} was removed out of band`]);
    assert.equal((await provider.diff!(created.id, read.props!, inputs(bucket, dev, [rule(dev)]))).changes, true);
    await provider.update!(created.id, read.props!, inputs(bucket, dev, [rule(dev)]));
    assert.ok(sameCorsRules(await ours(bucket, dev), [rule(dev)]));
    await assertCustomerIntact(bucket, [dev]);
  });

  it("fails create on a missing bucket with an error that says so", async () => {
    const provider = createBucketCorsEntriesProvider(localOptions);
    await assert.rejects(provider.create(inputs("it-missing-cors-bucket", dev, [rule(dev)])), {
      name: "DocumentNotFoundError",
      message: /bucket it-missing-cors-bucket does not exist in us-east-1/,
    });
  });
});
