// The shared-document provider's engine-facing methods, over an in-memory store (no network).
import * as assert from "node:assert/strict";
import type { DocumentStore } from "../../model/sharedDocuments/documentStore";
import { bucketPolicyFormat } from "../../model/sharedDocuments/formats";
import type { LivePolicy, LiveStatement } from "../../model/sharedDocuments/merge";
import { bucketPolicyEntriesKind, createBucketPolicyEntriesProvider } from "../../providers/bucketPolicyEntries";
import { createSharedDocumentProvider, sharedDocumentProviderVersion } from "../../providers/sharedDocumentProvider";
import { serializeAndLoad } from "./serializedProvider";

const key = "0a1b2c3d4e";
const fast = {
  maxAttempts: 3,
  backoffMs: 0,
  settleMs: 0,
  visibilityWaitMs: 0,
  principalWaitMs: 0,
  pollMs: 1,
  connectTimeoutMs: 100,
  requestTimeoutMs: 100,
};
const statement = (name: string, actions = ["s3:GetObject"]): LiveStatement => ({
  Sid: `mlspace-shared--${key}--${name}`,
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::444455556666:root" },
  Action: actions,
  Resource: ["arn:aws:s3:::data/*"],
});
const inputs = (statements: LiveStatement[], extra: Record<string, unknown> = {}) => ({
  resourceKind: bucketPolicyEntriesKind,
  providerVersion: sharedDocumentProviderVersion,
  bucket: "data",
  region: "us-east-1",
  ownerKey: key,
  legacy: [],
  statements,
  ...extra,
});

/** The provider over one in-memory bucket policy. */
function memoryProvider(initial: LivePolicy | undefined) {
  let doc = initial;
  const store: DocumentStore<LivePolicy> = {
    subject: "bucket policy of data",
    ledgerKey: "s3/bucket-policy/data",
    read: async () => doc && JSON.parse(JSON.stringify(doc)),
    write: async (next) => void (doc = next),
    remove: async () => void (doc = undefined),
  };
  const provider = createSharedDocumentProvider(
    {
      kind: bucketPolicyEntriesKind,
      entriesKey: "statements",
      identityKeys: ["bucket", "region"],
      format: () => bucketPolicyFormat("data"),
      open: () => ({ store, close: () => undefined }),
    },
    fast,
  );
  return { provider, get: () => doc, set: (d: LivePolicy | undefined) => (doc = d) };
}

const customer: LiveStatement = {
  Sid: "AuditRead",
  Effect: "Allow",
  Principal: "*",
  Action: "s3:GetObject",
  Resource: "*",
};

describe("providers/sharedDocumentProvider", () => {
  it("checks every statement, naming each problem, before anything is written", async () => {
    const { provider } = memoryProvider(undefined);
    const result = await provider.check!(
      {},
      inputs([{ ...statement("A"), Sid: "Planted", Action: ["ec2:RunInstances"] }]),
    );
    assert.deepEqual(
      result.failures!.map((f) => f.reason),
      [
        `statement Planted: Sid must be <integration>--${key}--<name>`,
        'statement Planted.Action: "ec2:RunInstances" is not an S3 action',
      ],
    );
    const badKey = await provider.check!({}, inputs([statement("A")], { ownerKey: "dev" }));
    assert.deepEqual(
      badKey.failures!.map((f) => f.property),
      ["ownerKey"],
    );
  });

  it("creates, reads drift, diffs drift as an update, restores it, and deletes only ours", async () => {
    const memory = memoryProvider({ Version: "2012-10-17", Statement: [customer] });
    const created = await memory.provider.create!(inputs([statement("A")]));
    assert.equal(created.id, `data/us-east-1/${key}`);
    assert.deepEqual(memory.get()!.Statement, [customer, statement("A")]);
    const hijacked = { ...statement("A"), Principal: { AWS: "arn:aws:iam::999999999999:root" } };
    memory.set({ Version: "2012-10-17", Statement: [customer, hijacked] });
    // Without a refresh: the diff reads the live policy itself.
    const diff = await memory.provider.diff!(created.id, created.outs, inputs([statement("A")]));
    assert.equal(diff.changes, true);
    const read = await memory.provider.read!(created.id, created.outs);
    assert.deepEqual(read.props!.drift, [`statement mlspace-shared--${key}--A was edited out of band`]);
    await memory.provider.update!(created.id, created.outs, inputs([statement("A")]));
    assert.deepEqual(memory.get()!.Statement, [customer, statement("A")]);
    await memory.provider.delete!(created.id, inputs([statement("A")]));
    assert.deepEqual(memory.get()!.Statement, [customer]);
  });

  it("names each drifted entry in the preview: check puts the live drift in the inputs, and diff reports an update", async () => {
    const memory = memoryProvider({ Version: "2012-10-17", Statement: [customer] });
    const created = await memory.provider.create!(inputs([statement("A"), statement("B")]));
    const preview = async () => {
      const checked = await memory.provider.check!(created.outs, inputs([statement("A"), statement("B")]));
      assert.deepEqual(checked.failures, []);
      const diff = await memory.provider.diff!(created.id, created.outs, checked.inputs);
      return { drift: checked.inputs.drift as string[], changes: diff.changes, replaces: diff.replaces };
    };
    assert.deepEqual(await preview(), { drift: [], changes: false, replaces: [] });

    // Edited under our Sid, one of ours removed, one added under our owner key: each named by its Sid.
    const hijacked = { ...statement("A"), Principal: { AWS: "arn:aws:iam::999999999999:root" } };
    memory.set({ Version: "2012-10-17", Statement: [customer, hijacked, statement("C")] });
    assert.deepEqual(await preview(), {
      drift: [
        `statement mlspace-shared--${key}--A was edited out of band`,
        `statement mlspace-shared--${key}--B was removed out of band`,
        `statement mlspace-shared--${key}--C was added out of band`,
      ],
      changes: true,
      replaces: [],
    });

    // A foreign statement edited or added is never our drift.
    memory.set({
      Version: "2012-10-17",
      Statement: [{ ...customer, Action: "s3:*" }, statement("A"), statement("B"), { ...customer, Sid: "Other" }],
    });
    assert.deepEqual(await preview(), { drift: [], changes: false, replaces: [] });

    // The update writes back what state says, and the next preview is clean.
    memory.set({ Version: "2012-10-17", Statement: [customer, hijacked] });
    const checked = await memory.provider.check!(created.outs, inputs([statement("A"), statement("B")]));
    const updated = await memory.provider.update!(created.id, created.outs, checked.inputs);
    assert.deepEqual(updated.outs!.drift, []);
    assert.deepEqual(memory.get()!.Statement, [customer, statement("A"), statement("B")]);
  });

  it("does not read the live document in check on create, on a new document, or with unknown identity", async () => {
    const memory = memoryProvider(undefined);
    let reads = 0;
    const counting = createSharedDocumentProvider(
      {
        kind: bucketPolicyEntriesKind,
        entriesKey: "statements",
        identityKeys: ["bucket", "region"],
        format: () => bucketPolicyFormat("data"),
        open: () => ({
          store: {
            subject: "bucket policy of data",
            ledgerKey: "s3/bucket-policy/data",
            read: async () => (reads++, memory.get()),
            write: async () => undefined,
          },
          close: () => undefined,
        }),
      },
      fast,
    );
    const olds = { ...inputs([statement("A")]), drift: [] };
    for (const [before, after] of [
      [{}, inputs([statement("A")])],
      [olds, inputs([statement("A")], { bucket: "other" })],
      [olds, inputs([statement("A")], { bucket: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" })],
    ] as const) {
      const checked = await counting.check!(before as never, after as never);
      assert.equal(checked.inputs.drift, undefined);
    }
    assert.equal(reads, 0);
  });

  it("diffs by meaning, updates on a new provider version, and replaces on a new bucket or owner", async () => {
    const memory = memoryProvider({ Statement: [statement("A")] });
    const olds = { ...inputs([statement("A")]), drift: [] };
    const reordered = { ...statement("A"), Action: "s3:GetObject" };
    assert.equal((await memory.provider.diff!("id", olds, inputs([reordered]))).changes, false);
    const upgraded = await memory.provider.diff!("id", { ...olds, providerVersion: "1" }, inputs([statement("A")]));
    assert.equal(upgraded.changes, true);
    const moved = await memory.provider.diff!("id", olds, inputs([statement("A")], { bucket: "other" }));
    assert.deepEqual(moved.replaces, ["bucket"]);
  });

  it("serializes the way dynamic.Resource does, and the loaded copy checks", async function () {
    this.timeout(60000);
    const { text, provider } = await serializeAndLoad(createBucketPolicyEntriesProvider(fast));
    assert.match(text, /require\("@aws-sdk\/client-s3[/"]/);
    const result = await provider.check!({} as never, inputs([statement("A")]) as never);
    assert.deepEqual(result.failures, []);
  });
});
