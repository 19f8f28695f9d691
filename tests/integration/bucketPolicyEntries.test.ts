// BucketPolicyEntries' provider against a real S3 API (moto_server, started by run.ts).
import * as assert from "node:assert/strict";
import type { PolicyStatement } from "../../model/policy/document";
import {
  bucketPolicyEntriesKind,
  createBucketPolicyEntriesProvider,
  type BucketPolicyEntriesInputs,
} from "../../providers/bucketPolicyEntries";
import { sharedDocumentProviderVersion } from "../../providers/sharedDocumentProvider";
import { ownerKeyFor } from "../../model/sharedDocuments/ownership";
import { foreignStatements, ownedStatements, type LivePolicy } from "../../model/sharedDocuments/merge";
import { serializeAndLoad } from "../providers/serializedProvider";
import { createBucket, getPolicy, getPolicyText, localEndpoint, localOptions, putPolicy } from "./localS3";

type Provider = ReturnType<typeof createBucketPolicyEntriesProvider>;

/** A Sid prefix `<integration>--<owner key>--` for a stack of the integration test project. */
const prefixOf = (integration: string, stack: string) =>
  `${integration}--${ownerKeyFor("organization", "vendor-access-it", stack)}--`;
const dev = prefixOf("aquarium-labels", "dev");
const prod = prefixOf("mlspace-shared", "prod");

function statement(sidPrefix: string, name: string, bucket: string, actions = ["s3:GetObject"]): PolicyStatement {
  return {
    Sid: `${sidPrefix}${name}`,
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::123456789012:root" },
    Action: actions,
    Resource: [`arn:aws:s3:::${bucket}/*`],
  };
}

function inputs(
  bucket: string,
  sidPrefix: string,
  statements: PolicyStatement[],
  region = "us-east-1",
): BucketPolicyEntriesInputs {
  const ownerKey = sidPrefix.split("--")[1];
  return {
    resourceKind: bucketPolicyEntriesKind,
    providerVersion: sharedDocumentProviderVersion,
    bucket,
    region,
    ownerKey,
    legacy: [],
    statements,
  };
}

/** A customer's own policy: several statements, conditions, a Deny, one statement without a Sid. */
function customerPolicy(bucket: string) {
  const arn = `arn:aws:s3:::${bucket}`;
  return {
    Version: "2012-10-17",
    Id: "CustomerPolicy",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "AuditReadFromOrg",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::210987654321:role/audit" },
        Action: ["s3:GetObject", "s3:ListBucket"],
        Resource: [arn, `${arn}/*`],
        Condition: {
          StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" },
          IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"] },
        },
      },
      {
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${arn}/logs/*`,
        Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
      },
    ],
  };
}

async function live(bucket: string): Promise<LivePolicy | undefined> {
  return (await getPolicy(bucket)) as LivePolicy | undefined;
}

/** The customer's statements and top-level keys are exactly as they were. */
async function assertCustomerIntact(bucket: string, ourPrefixes: string[]): Promise<void> {
  const policy = (await live(bucket))!;
  const original = customerPolicy(bucket);
  assert.equal(policy.Id, original.Id);
  assert.equal(policy.Version, original.Version);
  const others = ourPrefixes.reduce<LivePolicy>(
    (p, prefix) => ({ ...p, Statement: foreignStatements(p, prefix) }),
    policy,
  );
  assert.deepEqual(others.Statement, original.Statement);
}

before(() => {
  localEndpoint();
});

for (const variant of ["in-process", "serialized"] as const) {
  describe(`BucketPolicyEntries on S3 (${variant} provider): a bucket with a customer's policy`, () => {
    let provider: Provider;
    let bucket: string;
    before(async function () {
      this.timeout(60000);
      const fresh = createBucketPolicyEntriesProvider(localOptions);
      // The serialized copy is what the engine's dynamic provider host runs.
      provider = variant === "serialized" ? (await serializeAndLoad(fresh)).provider : fresh;
      bucket = await createBucket("foreign");
      await putPolicy(bucket, customerPolicy(bucket));
    });

    it("adds ours, leaving the customer's statements intact", async () => {
      const ours = [statement(dev, "ObjectAccess", bucket)];
      const created = await provider.create(inputs(bucket, dev, ours));
      assert.equal(created.id, `${bucket}/us-east-1/${dev.split("--")[1]}`);
      assert.deepEqual(created.outs!.drift, []);
      assert.deepEqual(ownedStatements(await live(bucket), dev), ours);
      await assertCustomerIntact(bucket, [dev]);
    });

    it("updates ours, leaving the customer's statements intact", async () => {
      const ours = [
        statement(dev, "ObjectAccess", bucket, ["s3:GetObject", "s3:PutObject"]),
        statement(dev, "Second", bucket, ["s3:DeleteObject"]),
      ];
      const olds = { ...inputs(bucket, dev, [statement(dev, "ObjectAccess", bucket)]), drift: [] };
      await provider.update!(`${bucket}/${dev}`, olds, inputs(bucket, dev, ours));
      assert.deepEqual(ownedStatements(await live(bucket), dev), ours);
      await assertCustomerIntact(bucket, [dev]);
      const read = await provider.read!(`${bucket}/${dev}`, { ...inputs(bucket, dev, ours), drift: [] });
      assert.deepEqual(read.props!.drift, []);
    });

    it("deletes ours, leaving the customer's policy exactly as it was", async () => {
      const ours = [
        statement(dev, "ObjectAccess", bucket, ["s3:GetObject", "s3:PutObject"]),
        statement(dev, "Second", bucket, ["s3:DeleteObject"]),
      ];
      await provider.delete!(`${bucket}/${dev}`, { ...inputs(bucket, dev, ours), drift: [] });
      assert.deepEqual(await live(bucket), customerPolicy(bucket));
    });
  });
}

describe("BucketPolicyEntries on S3: two integrations from two stacks on one bucket, interleaved", () => {
  const devProvider = createBucketPolicyEntriesProvider(localOptions);
  const prodProvider = createBucketPolicyEntriesProvider(localOptions);

  it("keeps each stack's statements through the other's create, update and delete, then deletes the empty policy", async () => {
    const bucket = await createBucket("two-stacks");
    const devV1 = [statement(dev, "ObjectAccess", bucket)];
    const devV2 = [statement(dev, "ObjectAccess", bucket, ["s3:GetObject", "s3:GetObjectVersion"])];
    const prodV1 = [
      statement(prod, "ObjectAccess", bucket, ["s3:PutObject"]),
      statement(prod, "Tagging", bucket, ["s3:PutObjectTagging"]),
    ];

    await devProvider.create(inputs(bucket, dev, devV1));
    await prodProvider.create(inputs(bucket, prod, prodV1));
    assert.deepEqual(ownedStatements(await live(bucket), dev), devV1);
    assert.deepEqual(ownedStatements(await live(bucket), prod), prodV1);

    await devProvider.update!(
      `${bucket}/${dev}`,
      { ...inputs(bucket, dev, devV1), drift: [] },
      inputs(bucket, dev, devV2),
    );
    assert.deepEqual(ownedStatements(await live(bucket), dev), devV2);
    assert.deepEqual(ownedStatements(await live(bucket), prod), prodV1);

    await prodProvider.delete!(`${bucket}/${prod}`, { ...inputs(bucket, prod, prodV1), drift: [] });
    assert.deepEqual((await live(bucket))!.Statement, devV2);

    await devProvider.delete!(`${bucket}/${dev}`, { ...inputs(bucket, dev, devV2), drift: [] });
    assert.equal(await getPolicyText(bucket), undefined, "with nothing left, the policy is deleted");
  });
});

describe("BucketPolicyEntries on S3: concurrent writers racing on one bucket", () => {
  it("loses no statement when six stacks create at once, then three delete while three update", async function () {
    this.timeout(120000);
    const bucket = await createBucket("race");
    await putPolicy(bucket, customerPolicy(bucket));
    // One provider per writer: separate processes, so no in-process queue orders them.
    const writers = Array.from({ length: 6 }, (_, i) => ({
      provider: createBucketPolicyEntriesProvider(localOptions),
      prefix: prefixOf(`vendor${i}`, `race${i}`),
    }));
    const v1 = (prefix: string) => [
      statement(prefix, "ObjectAccess", bucket),
      statement(prefix, "ListAccess", bucket, ["s3:GetObjectTagging"]),
    ];
    const v2 = (prefix: string) => [statement(prefix, "ObjectAccess", bucket, ["s3:GetObject", "s3:PutObject"])];

    await Promise.all(writers.map(({ provider, prefix }) => provider.create(inputs(bucket, prefix, v1(prefix)))));
    for (const { prefix } of writers)
      assert.deepEqual(ownedStatements(await live(bucket), prefix), v1(prefix), `${prefix} after concurrent creates`);
    await assertCustomerIntact(
      bucket,
      writers.map((w) => w.prefix),
    );

    await Promise.all(
      writers.map(({ provider, prefix }, i) =>
        i < 3
          ? provider.delete!(`${bucket}/${prefix}`, { ...inputs(bucket, prefix, v1(prefix)), drift: [] })
          : provider.update!(
              `${bucket}/${prefix}`,
              { ...inputs(bucket, prefix, v1(prefix)), drift: [] },
              inputs(bucket, prefix, v2(prefix)),
            ),
      ),
    );
    for (const [i, { prefix }] of writers.entries())
      assert.deepEqual(
        ownedStatements(await live(bucket), prefix),
        i < 3 ? [] : v2(prefix),
        `${prefix} after concurrent deletes and updates`,
      );
    await assertCustomerIntact(
      bucket,
      writers.map((w) => w.prefix),
    );
  });

  it("runs one stack's writers on one bucket in turn", async function () {
    this.timeout(60000);
    const bucket = await createBucket("one-stack");
    const provider = createBucketPolicyEntriesProvider(localOptions);
    const prefixes = [prefixOf("a", "dev"), prefixOf("b", "dev-eu"), prefixOf("c", "dev_eu")];
    const results = await Promise.all(
      prefixes.map((prefix) => provider.create(inputs(bucket, prefix, [statement(prefix, "ObjectAccess", bucket)]))),
    );
    assert.equal(results.length, 3);
    assert.deepEqual(
      (await live(bucket))!.Statement.map((s) => s.Sid).sort(),
      prefixes.map((p) => `${p}ObjectAccess`),
    );
  });
});

describe("BucketPolicyEntries on S3: a bucket with no policy", () => {
  it("creates a policy of ours alone, in the bucket's region, and deletes it again", async () => {
    const provider = createBucketPolicyEntriesProvider(localOptions);
    const bucket = await createBucket("no-policy", "eu-west-1");
    assert.equal(await getPolicyText(bucket), undefined);
    const ours = [statement(dev, "ObjectAccess", bucket)];
    await provider.create(inputs(bucket, dev, ours, "eu-west-1"));
    assert.deepEqual(await live(bucket), { Version: "2012-10-17", Statement: ours });
    await provider.delete!(`${bucket}/${dev}`, { ...inputs(bucket, dev, ours, "eu-west-1"), drift: [] });
    assert.equal(await getPolicyText(bucket), undefined);
  });
});

describe("BucketPolicyEntries on S3: drift", () => {
  it("reports our statements removed and edited out of band, and the next diff and update restore them", async () => {
    const provider = createBucketPolicyEntriesProvider(localOptions);
    const bucket = await createBucket("drift");
    await putPolicy(bucket, customerPolicy(bucket));
    const ours = [statement(dev, "ObjectAccess", bucket), statement(dev, "Tagging", bucket, ["s3:GetObjectTagging"])];
    const { outs } = await provider.create(inputs(bucket, dev, ours));
    const stateAfterCreate = outs as BucketPolicyEntriesInputs;

    // Someone edits the policy by hand: drops one of ours, widens the other.
    const edited = (await live(bucket))!;
    edited.Statement = edited.Statement.filter((s) => s.Sid !== `${dev}Tagging`).map((s) =>
      s.Sid === `${dev}ObjectAccess` ? { ...s, Action: ["s3:GetObject", "s3:DeleteObject"] } : s,
    );
    await putPolicy(bucket, edited);

    const read = await provider.read!(`${bucket}/${dev}`, stateAfterCreate);
    assert.equal(read.id, `${bucket}/${dev}`);
    assert.deepEqual(read.props!.drift, [
      `statement ${dev}ObjectAccess was edited out of band`,
      `statement ${dev}Tagging was removed out of band`,
    ]);
    const diff = await provider.diff!(read.id!, read.props!, inputs(bucket, dev, ours));
    assert.equal(diff.changes, true);

    await provider.update!(read.id!, read.props!, inputs(bucket, dev, ours));
    assert.deepEqual(ownedStatements(await live(bucket), dev), ours);
    assert.deepEqual((await provider.read!(`${bucket}/${dev}`, stateAfterCreate)).props!.drift, []);
    await assertCustomerIntact(bucket, [dev]);
  });
});

describe("BucketPolicyEntries on S3: a missing bucket", () => {
  it("fails create with an error that names the bucket and says it does not exist", async () => {
    const provider = createBucketPolicyEntriesProvider(localOptions);
    const bucket = "it-missing-bucket-vendor-access";
    await assert.rejects(provider.create(inputs(bucket, dev, [statement(dev, "ObjectAccess", bucket)])), {
      name: "DocumentNotFoundError",
      message:
        /^GetBucketPolicy failed for bucket it-missing-bucket-vendor-access in us-east-1: bucket it-missing-bucket-vendor-access does not exist/,
    });
  });

  it("treats the resource as gone on read and delete", async () => {
    const provider = createBucketPolicyEntriesProvider(localOptions);
    const bucket = "it-missing-bucket-vendor-access";
    const state = { ...inputs(bucket, dev, [statement(dev, "ObjectAccess", bucket)]), drift: [] };
    assert.deepEqual(await provider.read!(`${bucket}/${dev}`, state), { id: "" });
    await provider.delete!(`${bucket}/${dev}`, state);
  });
});

describe("BucketPolicyEntries on S3: the 20 KB limit", () => {
  it("refuses a merge over 20 KB, naming the bucket and the largest contributors, and writes nothing", async () => {
    const provider = createBucketPolicyEntriesProvider(localOptions);
    const bucket = await createBucket("too-large");
    const customer = customerPolicy(bucket);
    // The customer's policy is already large: per-team read grants, still under 20 KB on their own.
    const teams = Array.from({ length: 55 }, (_, i) => ({
      Sid: `TeamRead${i}`,
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::210987654321:role/team-${i}` },
      Action: ["s3:GetObject"],
      Resource: Array.from({ length: 3 }, (_, j) => `arn:aws:s3:::${bucket}/teams/${i}/area-${j}/*`),
    }));
    await putPolicy(bucket, { ...customer, Statement: [...customer.Statement, ...teams] });
    const before = await getPolicyText(bucket);
    assert.ok(before!.length < 20480 && before!.length > 16000, `customer policy is ${before!.length} bytes`);
    const ours = Array.from({ length: 16 }, (_, i) => ({
      ...statement(dev, `Part${i}`, bucket),
      Resource: Array.from({ length: 4 }, (_, j) => `arn:aws:s3:::${bucket}/vendor/${i}/${j}/*`),
    }));

    await assert.rejects(provider.create(inputs(bucket, dev, ours)), (error: Error) => {
      assert.equal(error.name, "PolicyTooLargeError");
      assert.match(
        error.message,
        new RegExp(
          `^bucket ${bucket}: the merged bucket policy would be \\d+ bytes; S3 allows 20480 \\(20 KB\\)\\. Nothing was written\\.`,
        ),
      );
      assert.match(
        error.message,
        /Largest contributors: aquarium-labels--[0-9a-f]{10}-- \(\d+ bytes in 16 statements\), Sid \w+ \(\d+ bytes in 1 statement\), Sid \w+/,
      );
      return true;
    });
    assert.equal(await getPolicyText(bucket), before, "the live policy is untouched");
  });

  it("writes nothing on a bucket without a policy either", async () => {
    const provider = createBucketPolicyEntriesProvider(localOptions);
    const bucket = await createBucket("too-large-alone");
    const ours = Array.from({ length: 60 }, (_, i) => ({
      ...statement(dev, `Part${i}`, bucket),
      Resource: Array.from({ length: 6 }, (_, j) => `arn:aws:s3:::${bucket}/vendor/${i}/${j}/*`),
    }));
    await assert.rejects(provider.create(inputs(bucket, dev, ours)), { name: "PolicyTooLargeError" });
    assert.equal(await getPolicyText(bucket), undefined);
  });
});
