// The StackPlan: every bucket's and key's documents computed and checked once, from validated config.
import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../model/config";
import { PlanError } from "../../model/plan";
import type { PolicyStatement } from "../../model/policy/document";
import { mergedBucketPolicy, planStack, plannedBucket, type StackPlan } from "../../model/stackPlan";
import { denyInsecureTransport } from "../helpers/statements";

const account = "111122223333";
const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const otherAccountKey = "arn:aws:kms:us-east-1:999988887777:key/5678abcd-12ab-34cd-56ef-1234567890ab";
// defaultOwnerKey("dev"): a self-managed backend's organisation, this project, stack dev.
const owner = "fc2fac7f4b";

const mlspace = (buckets: unknown[]) => ({
  name: "mlspace-shared",
  vendor: "mlspace",
  principal: "444455556666",
  access: "read",
  buckets,
});
const isahit = (buckets: unknown[]) => ({
  name: "isahit-annotation",
  vendor: "isahit",
  auth: "role",
  principal: "arn:aws:iam::777788889999:role/isahit",
  externalId: "isahit-0001",
  cors: { origins: ["https://app.isahit.com"] },
  buckets,
});
const denyInsecure = denyInsecureTransport("images", "DenyInsecure");
const isahitCors = {
  ID: `isahit-annotation--${owner}`,
  AllowedMethods: ["GET"],
  AllowedOrigins: ["https://app.isahit.com"],
  AllowedHeaders: ["*"],
  ExposeHeaders: [],
  MaxAgeSeconds: 3000,
};

/** A StackPlan in brief: per bucket its mode, Sids and CORS rule IDs; per key its mode and Sids. */
function outline(plan: StackPlan) {
  return {
    ownerKey: plan.ownerKey,
    integrations: plan.plans.map((p) => p.integration.name),
    buckets: plan.buckets.map((b) => ({
      bucket: b.bucket,
      region: b.region,
      policyMode: b.policyMode,
      owners: b.contributions.map((c) => c.owner),
      sids: b.policy?.Statement.map((s) => s.Sid) ?? null,
      corsIds: b.corsRules.map((r) => r.ID),
    })),
    keyPolicies: plan.keyPolicies.map((k) => ({
      keyArn: k.keyArn,
      keyAccount: k.keyAccount,
      mode: k.mode,
      sids: k.statements.map((s) => s.Sid),
    })),
  };
}

describe("model/stackPlan: planStack", () => {
  // MLSpace alone on ml-datasets under mlspace/: its object and prefix-listing statements, nothing else.
  const mlDatasetsOutline = {
    bucket: "ml-datasets",
    region: "us-east-1",
    policyMode: "shared" as const,
    owners: ["mlspace-shared"],
    sids: [`mlspace-shared--${owner}--ObjectAccess`, `mlspace-shared--${owner}--ListUnderPrefix1`],
    corsIds: [],
  };
  const cases: { title: string; integrations: unknown[]; expected: ReturnType<typeof outline> }[] = [
    {
      title: "one bucket-policy vendor: its statements make the bucket's policy; no CORS, no key",
      integrations: [mlspace([{ name: "ml-datasets", region: "us-east-1", prefix: "mlspace/" }])],
      expected: {
        ownerKey: owner,
        integrations: ["mlspace-shared"],
        buckets: [mlDatasetsOutline],
        keyPolicies: [],
      },
    },
    {
      title: "two integrations on one bucket: one entry, contributions in config order, buckets in first-named order",
      integrations: [
        mlspace([{ name: "ml-datasets", region: "us-east-1", prefix: "mlspace/" }]),
        isahit([
          { name: "images", region: "us-west-2" },
          { name: "ml-datasets", region: "us-east-1" },
        ]),
      ],
      expected: {
        ownerKey: owner,
        integrations: ["mlspace-shared", "isahit-annotation"],
        buckets: [
          {
            bucket: "ml-datasets",
            region: "us-east-1",
            policyMode: "shared",
            owners: ["mlspace-shared", "isahit-annotation"],
            sids: [`mlspace-shared--${owner}--ObjectAccess`, `mlspace-shared--${owner}--ListUnderPrefix1`],
            corsIds: [`isahit-annotation--${owner}`],
          },
          {
            bucket: "images",
            region: "us-west-2",
            policyMode: "shared",
            owners: ["isahit-annotation"],
            sids: null,
            corsIds: [`isahit-annotation--${owner}`],
          },
        ],
        keyPolicies: [],
      },
    },
    {
      title: "exclusive mode: the baseline comes first in the policy",
      integrations: [
        isahit([
          { name: "images", region: "us-west-2", bucketPolicyMode: "exclusive", baselineStatements: [denyInsecure] },
        ]),
      ],
      expected: {
        ownerKey: owner,
        integrations: ["isahit-annotation"],
        buckets: [
          {
            bucket: "images",
            region: "us-west-2",
            policyMode: "exclusive",
            owners: ["isahit-annotation"],
            sids: ["DenyInsecure"],
            corsIds: [`isahit-annotation--${owner}`],
          },
        ],
        keyPolicies: [],
      },
    },
    {
      title: "SSE-KMS: one key policy per key, written by the stack in its own account, handed off in another",
      integrations: [
        mlspace([
          { name: "ml-datasets", region: "us-east-1", prefix: "mlspace/", kmsKeyArn: key },
          { name: "ml-archive", region: "us-east-1", kmsKeyArn: otherAccountKey },
        ]),
      ],
      expected: {
        ownerKey: owner,
        integrations: ["mlspace-shared"],
        buckets: [
          mlDatasetsOutline,
          {
            bucket: "ml-archive",
            region: "us-east-1",
            policyMode: "shared",
            owners: ["mlspace-shared"],
            sids: [`mlspace-shared--${owner}--ObjectAccess`, `mlspace-shared--${owner}--ListBuckets`],
            corsIds: [],
          },
        ],
        keyPolicies: [
          {
            keyArn: key,
            keyAccount: account,
            mode: "manage",
            sids: [`mlspace-shared--${owner}--KmsViaS3`],
          },
          {
            keyArn: otherAccountKey,
            keyAccount: "999988887777",
            mode: "handoff",
            sids: [`mlspace-shared--${owner}--KmsViaS3`],
          },
        ],
      },
    },
  ];
  for (const { title, integrations, expected } of cases) {
    it(title, () => {
      assert.deepEqual(outline(planStack(parseStackConfig({ accountId: account, integrations }), "dev")), expected);
    });
  }

  it("holds the exact documents: merged policy, CORS rules and key-policy statement", () => {
    const plan = planStack(
      parseStackConfig({
        accountId: account,
        integrations: [
          mlspace([{ name: "ml-datasets", region: "us-east-1", prefix: "mlspace/", kmsKeyArn: key }]),
          isahit([{ name: "ml-datasets", region: "us-east-1" }]),
        ],
      }),
      "dev",
    );
    const vendor = { AWS: "arn:aws:iam::444455556666:root" };
    assert.deepEqual(plan.buckets[0].policy, {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: `mlspace-shared--${owner}--ObjectAccess`,
          Effect: "Allow",
          Action: ["s3:GetObject"],
          Principal: vendor,
          Resource: ["arn:aws:s3:::ml-datasets/mlspace/*"],
        },
        {
          Sid: `mlspace-shared--${owner}--ListUnderPrefix1`,
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Principal: vendor,
          Resource: ["arn:aws:s3:::ml-datasets"],
          Condition: { StringLike: { "s3:prefix": ["mlspace/*"] } },
        },
      ],
    });
    assert.deepEqual(plan.buckets[0].corsRules, [isahitCors]);
    assert.deepEqual(plan.keyPolicies[0].statements, [
      {
        Sid: `mlspace-shared--${owner}--KmsViaS3`,
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Principal: vendor,
        Resource: ["*"],
        Condition: {
          StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:CallerAccount": "444455556666" },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::ml-datasets/mlspace/*"] },
        },
      },
    ]);
  });

  it("is the plans' own documents: each bucket's policy holds exactly its integrations' statements", () => {
    const plan = planStack(
      parseStackConfig({
        accountId: account,
        integrations: [mlspace([{ name: "ml-datasets", region: "us-east-1", prefix: "mlspace/" }])],
      }),
      "dev",
      "0a1b2c3d4e",
    );
    assert.equal(plan.ownerKey, "0a1b2c3d4e");
    assert.equal(plan.stackName, "dev");
    assert.equal(plan.accountId, account);
    assert.equal(plan.buckets[0].policy!.Statement[0], plan.plans[0].buckets[0].statements[0]);
    assert.equal(plan.buckets[0].policy!.Statement[0].Sid, "mlspace-shared--0a1b2c3d4e--ObjectAccess");
  });
});

describe("model/stackPlan: a bucket's documents", () => {
  const statement = (sid: string, keyLength: number): PolicyStatement => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::444455556666:root" },
    Action: ["s3:GetObject"],
    Resource: [`arn:aws:s3:::big/${"k".repeat(keyLength)}`],
  });
  const parts = (baseline: PolicyStatement[], ...contributions: [string, PolicyStatement[]][]) => ({
    bucket: "big",
    region: "us-east-1",
    baselineStatements: baseline,
    contributions: contributions.map(([owner, statements]) => ({ owner, statements, corsRules: [] })),
  });

  const cases: { title: string; input: ReturnType<typeof parts>; sids: string[] | undefined; error?: string }[] = [
    { title: "nothing granted: no policy", input: parts([]), sids: undefined },
    {
      title: "nothing granted, contributors without statements: no policy",
      input: parts([], ["a", []]),
      sids: undefined,
    },
    {
      title: "baseline first, then contributions in order",
      input: parts([statement("Base", 1)], ["a", [statement("A1", 1), statement("A2", 1)]], ["b", [statement("B", 1)]]),
      sids: ["Base", "A1", "A2", "B"],
    },
    {
      title: "just under S3's 20 KB: kept",
      input: parts([], ["a", [statement("A", 20480 - 200)]]),
      sids: ["A"],
    },
    {
      title: "over S3's 20 KB: PlanError naming the three largest contributors",
      input: parts([statement("Base", 1000)], ["a", [statement("A", 12000)]], ["b", [statement("B", 8000)]]),
      sids: undefined,
      error:
        "bucket big: the merged bucket policy would be 21464 bytes; S3 allows 20480. " +
        "Largest contributors: a (12142 bytes), b (8142 bytes), baselineStatements (1145 bytes).",
    },
  ];
  for (const { title, input, sids, error } of cases) {
    it(title, () => {
      if (error) {
        assert.throws(
          () => mergedBucketPolicy(input),
          (e: Error) => e instanceof PlanError && e.message === error,
        );
        assert.throws(() => plannedBucket({ ...input, policyMode: "exclusive" }), PlanError);
        return;
      }
      assert.deepEqual(
        mergedBucketPolicy(input)?.Statement.map((s) => s.Sid),
        sids,
      );
      const planned = plannedBucket({ ...input, policyMode: "shared" });
      assert.equal("policy" in planned, sids !== undefined);
      assert.deepEqual(planned.corsRules, []);
    });
  }

  it("gathers the CORS rules of every contribution, in order", () => {
    const rule = (id: string) => ({ ...isahitCors, ID: id });
    const planned = plannedBucket({
      bucket: "images",
      region: "us-west-2",
      policyMode: "shared",
      baselineStatements: [],
      contributions: [
        { owner: "a", statements: [], corsRules: [rule("a-1"), rule("a-2")] },
        { owner: "b", statements: [], corsRules: [] },
        { owner: "c", statements: [], corsRules: [rule("c-1")] },
      ],
    });
    assert.deepEqual(
      planned.corsRules.map((r) => r.ID),
      ["a-1", "a-2", "c-1"],
    );
    assert.equal(planned.policy, undefined);
  });
});
