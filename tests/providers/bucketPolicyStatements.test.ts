import * as assert from "node:assert/strict";
import type { PolicyStatement } from "../../model/policy/document";
import {
  bucketPolicyStatementsKind,
  bucketPolicyStatementsProvider,
  type BucketPolicyStatementsInputs,
  type BucketPolicyStatementsOutputs,
} from "../../providers/bucketPolicyStatements";
import { serializeAndLoad } from "./serializedProvider";

const prefix = "aquarium-labels--dev--";
const statement = (suffix: string, actions = ["s3:GetObject"]): PolicyStatement => ({
  Sid: `${prefix}${suffix}`,
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::123456789012:root" },
  Action: actions,
  Resource: ["arn:aws:s3:::shared-bucket/*"],
});
const inputs = (
  statements: PolicyStatement[],
  extra: Partial<BucketPolicyStatementsInputs> = {},
): BucketPolicyStatementsInputs => ({
  resourceKind: bucketPolicyStatementsKind,
  bucket: "shared-bucket",
  region: "us-east-1",
  sidPrefix: prefix,
  statements,
  ...extra,
});
const state = (
  statements: PolicyStatement[],
  drift: string[] = [],
  extra: Partial<BucketPolicyStatementsInputs> = {},
): BucketPolicyStatementsOutputs => ({ ...inputs(statements, extra), drift });

describe("sharedBucket/BucketPolicyStatements provider", () => {
  const provider = bucketPolicyStatementsProvider;

  it("checks our statements before anything is written, naming each problem", async () => {
    const bad = {
      ...statement("A"),
      Sid: "NotOurs",
      Action: ["iam:PassRole"],
      Resource: ["arn:aws:s3:::other-bucket/*"],
    };
    const result = await provider.check!(inputs([]), inputs([bad]));
    assert.deepEqual(
      result.failures?.map((f) => f.property),
      ["statements", "statements", "statements"],
    );
    assert.match(result.failures![0].reason, /Sid must start with "aquarium-labels--dev--"/);
    assert.match(result.failures![1].reason, /"iam:PassRole" is not an S3 action/);
    assert.match(result.failures![2].reason, /"arn:aws:s3:::other-bucket\/\*" is not bucket shared-bucket/);
    assert.deepEqual((await provider.check!(inputs([]), inputs([statement("A")]))).failures, []);
  });

  it("refuses a resource kind or bucket it does not manage", async () => {
    const result = await provider.check!(inputs([]), {
      ...inputs([]),
      resourceKind: "other" as typeof bucketPolicyStatementsKind,
      bucket: "",
    });
    assert.deepEqual(
      result.failures?.map((f) => f.property),
      ["resourceKind", "bucket"],
    );
  });

  it("diffs on the meaning of our statements only", async () => {
    const reordered = { ...statement("A", ["s3:PutObject", "s3:GetObject"]) };
    const same = await provider.diff!(
      "id",
      state([statement("A", ["s3:GetObject", "s3:PutObject"]), statement("B")]),
      inputs([statement("B"), reordered]),
    );
    assert.equal(same.changes, false);
    const changed = await provider.diff!(
      "id",
      state([statement("A")]),
      inputs([statement("A", ["s3:GetObject", "s3:PutObject"])]),
    );
    assert.deepEqual({ changes: changed.changes, replaces: changed.replaces }, { changes: true, replaces: [] });
  });

  it("rewrites ours when read found drift, even though the inputs did not change", async () => {
    const result = await provider.diff!(
      "id",
      state([statement("A")], [`statement ${prefix}A was removed out of band`]),
      inputs([statement("A")]),
    );
    assert.equal(result.changes, true);
  });

  it("replaces on a new bucket or prefix, deleting first only when the new one would collide with the old", async () => {
    const bucket = await provider.diff!(
      "id",
      state([statement("A")]),
      inputs([statement("A")], { bucket: "other-bucket" }),
    );
    assert.deepEqual(bucket.replaces, ["bucket"]);
    assert.equal(bucket.deleteBeforeReplace, false);
    const region = await provider.diff!(
      "id",
      state([statement("A")]),
      inputs([statement("A")], { region: "eu-west-1" }),
    );
    assert.deepEqual(region.replaces, ["region"]);
    assert.equal(region.deleteBeforeReplace, true);
  });

  it("refuses to create invalid statements without calling S3", async () => {
    await assert.rejects(
      provider.create(inputs([{ ...statement("A"), Effect: "Maybe" as "Allow" }])),
      /bucket shared-bucket: refusing to write .*Effect must be "Allow" or "Deny"/s,
    );
  });
});

describe("sharedBucket/BucketPolicyStatements serialization", () => {
  it("serializes the way dynamic.Resource does, requiring the AWS SDK and carrying our modules by value", async function () {
    this.timeout(60000);
    const { text, provider } = await serializeAndLoad(bucketPolicyStatementsProvider);
    assert.match(text, /require\("@aws-sdk\/client-s3[^"]*"\)/);
    assert.doesNotMatch(text, /require\("@pulumi\/pulumi[^"]*"\)/);
    // The loaded copy works: its merge, validation and error classes came along.
    assert.equal((await provider.diff!("id", state([statement("A")]), inputs([statement("A")]))).changes, false);
    assert.match(
      (await provider.check!(inputs([]), inputs([{ ...statement("A"), Sid: "x" }]))).failures![0].reason,
      /Sid must start with/,
    );
    await assert.rejects(
      provider.create(inputs([{ ...statement("A"), Action: [] }])),
      (error: Error) => error.name === "InvalidContributionError" && /Action/.test(error.message),
    );
  });
});

describe("sharedBucket/BucketPolicyStatements during a preview with unknown values", () => {
  const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

  it("defers checking statements that are not known yet, and diffs them as changed", async () => {
    const news = inputs([{ ...statement("A"), Principal: { AWS: unknown } }]);
    assert.deepEqual((await bucketPolicyStatementsProvider.check!(inputs([]), news)).failures, []);
    assert.equal((await bucketPolicyStatementsProvider.diff!("id", state([statement("A")]), news)).changes, true);
  });

  it("still checks known statements when the provider's own code is among the inputs", async () => {
    const { text } = await serializeAndLoad(bucketPolicyStatementsProvider);
    assert.ok(text.includes(unknown), "the serialized provider carries the marker");
    const news = { ...inputs([{ ...statement("A"), Sid: "NotOurs" }]), __provider: text };
    assert.equal((await bucketPolicyStatementsProvider.check!(inputs([]), news)).failures!.length, 1);
  });
});
