import * as assert from "node:assert/strict";
import { unknownCheckingProxy } from "@pulumi/policy";
import { oneOwnerPerBucketDocument as rule } from "../../../policypack/rules/oneOwnerPerBucketDocument";
import { bucketCorsRules, bucketPolicyStatements, runStackRule, stackArgs, type StackResource } from "../ruleHarness";

const read = (sid: string) => ({
  Sid: sid,
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::444455556666:root" },
  Action: ["s3:GetObject"],
  Resource: ["arn:aws:s3:::data/*"],
});
const bucketPolicy = (name: string, bucket = "data"): StackResource => ({
  type: "aws:s3/bucketPolicy:BucketPolicy",
  name,
  props: { bucket, policy: JSON.stringify({ Statement: [read("Baseline")] }) },
});
const cors = (
  name: string,
  type = "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
  bucket = "data",
): StackResource => ({
  type,
  name,
  props: { bucket, corsRules: [{ allowedMethods: ["GET"], allowedOrigins: ["https://lab.example.com"] }] },
});

async function violations(resources: StackResource[]): Promise<string[]> {
  return (await runStackRule(rule, stackArgs(resources))).byResource;
}

describe("policypack rule one-owner-per-bucket-document", () => {
  describe("bucket policy", () => {
    it("accepts one BucketPolicy per bucket", async () =>
      assert.deepEqual(await violations([bucketPolicy("a-policy", "a"), bucketPolicy("b-policy", "b")]), []));

    it("rejects two BucketPolicy resources on one bucket, on each of them", async () => {
      const found = await violations([
        bucketPolicy("first"),
        bucketPolicy("second"),
        bucketPolicy("other", "other-bucket"),
      ]);
      assert.equal(found.length, 2);
      assert.match(
        found[0],
        /^first: bucket "data": its policy is written whole by 2 resources \(first \(aws:s3\/bucketPolicy:BucketPolicy\), second/,
      );
      assert.match(found[1], /^second: .*Keep one of them and merge the statements into it/);
    });

    it("matches a bucket given by ARN with the same bucket given by name", async () =>
      assert.equal(
        (await violations([bucketPolicy("by-name"), bucketPolicy("by-arn", "arn:aws:s3:::data")])).length,
        2,
      ));

    it("rejects a bucket's inline policy beside a BucketPolicy", async () => {
      const bucket: StackResource = {
        type: "aws:s3/bucket:Bucket",
        name: "data-bucket",
        props: { bucket: "data", policy: JSON.stringify({ Statement: [read("Inline")] }) },
      };
      assert.equal((await violations([bucket, bucketPolicy("data-policy")])).length, 2);
      assert.deepEqual(await violations([{ ...bucket, props: { bucket: "data" } }, bucketPolicy("data-policy")]), []);
    });

    it("accepts statement-level resources with distinct ownerKey on one bucket", async () =>
      assert.deepEqual(
        await violations([
          bucketPolicyStatements([read("mlspace-shared--dev--Read")], { ownerKey: "mlspace-shared--dev--" }),
          bucketPolicyStatements([read("aihub-drive--dev--Read")], { ownerKey: "aihub-drive--dev--" }),
          bucketPolicyStatements([read("mlspace-shared--prod--Read")], { ownerKey: "mlspace-shared--prod--" }),
        ]),
        [],
      ));

    it("rejects an exclusive BucketPolicy beside statement-level resources: it wipes their statements", async () => {
      const found = await violations([
        bucketPolicyStatements([read("mlspace-shared--dev--Read")], {
          ownerKey: "mlspace-shared--dev--",
          name: "mlspace-statements",
        }),
        bucketPolicy("exclusive"),
      ]);
      assert.equal(found.length, 1);
      assert.match(
        found[0],
        /^exclusive: bucket "data": exclusive \(aws:s3\/bucketPolicy:BucketPolicy\) replaces the whole policy, which wipes the statements that mlspace-statements \(vendor-access:BucketPolicyEntries\) adds/,
      );
    });

    it("rejects the same ownerKey twice, and a ownerKey that is a prefix of another", async () => {
      const same = await violations([
        bucketPolicyStatements([read("x--dev--Read")], { ownerKey: "x--dev--", name: "one" }),
        bucketPolicyStatements([read("x--dev--Write")], { ownerKey: "x--dev--", name: "two" }),
      ]);
      assert.equal(same.length, 2);
      assert.match(same[0], /^one: bucket "data": one .* and two .* both use ownerKey "x--dev--"/);
      const nested = await violations([
        bucketPolicyStatements([read("x-Read")], { ownerKey: "x-", name: "short" }),
        bucketPolicyStatements([read("x-y-Read")], { ownerKey: "x-y-", name: "long" }),
      ]);
      assert.deepEqual(
        nested.map((v) => v.split(":")[0]),
        ["long"],
      );
      assert.match(nested[0], /the second is a prefix of the first/);
    });

    it("rejects a statement-level resource without a ownerKey", async () => {
      const found = await violations([bucketPolicyStatements([read("Read")], { ownerKey: "", name: "unprefixed" })]);
      assert.match(found[0], /^unprefixed: .* has no ownerKey/);
    });

    it("skips a resource whose bucket is unknown during preview", async () => {
      const unknownBucket: StackResource = {
        type: "aws:s3/bucketPolicy:BucketPolicy",
        name: "later",
        props: unknownCheckingProxy({ bucket: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", policy: "{}" }),
      };
      assert.deepEqual(await violations([unknownBucket, bucketPolicy("data-policy")]), []);
    });
  });

  describe("CORS configuration", () => {
    it("rejects BucketCorsConfiguration and its V2 token on one bucket", async () => {
      const found = await violations([
        cors("cors-v1"),
        cors("cors-v2", "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2"),
      ]);
      assert.equal(found.length, 2);
      assert.match(found[0], /its CORS configuration is written whole by 2 resources/);
    });
    it("rejects an exclusive CORS configuration beside rule-level resources", async () => {
      const found = await violations([
        bucketCorsRules({ ownerKey: "isahit-annotation--dev", name: "isahit-cors" }),
        cors("exclusive-cors"),
      ]);
      assert.equal(found.length, 1);
      assert.match(
        found[0],
        /^exclusive-cors: .* wipes the rules that isahit-cors \(vendor-access:BucketCorsEntries\) adds/,
      );
    });
    it("accepts rule-level resources with distinct ownerKey, and rejects a repeated one", async () => {
      assert.deepEqual(
        await violations([bucketCorsRules({ ownerKey: "a--dev" }), bucketCorsRules({ ownerKey: "b--dev" })]),
        [],
      );
      const found = await violations([
        bucketCorsRules({ ownerKey: "a--dev", name: "one" }),
        bucketCorsRules({ ownerKey: "a--dev", name: "two" }),
      ]);
      assert.equal(found.length, 2);
      assert.match(found[0], /both use ownerKey "a--dev"/);
    });
    it("keeps the policy and the CORS configuration apart: one owner of each is fine", async () =>
      assert.deepEqual(await violations([bucketPolicy("data-policy"), cors("data-cors")]), []));
  });

  it("lists an exempted conflict instead of blocking on it", async () => {
    const run = await runStackRule(
      rule,
      stackArgs([bucketPolicy("legacy"), bucketPolicy("new")], {
        exemptions: [{ resource: "*", reason: "migrating to statement-level resources this sprint" }],
      }),
    );
    assert.deepEqual(run.violations, []);
    assert.match(
      run.notApplicable ?? "",
      /^legacy: exempted \(migrating to statement-level resources this sprint\): bucket "data"/,
    );
  });
});
