import * as assert from "node:assert/strict";
import type { CorsRule } from "../../model/plan";
import {
  bucketCorsRulesKind,
  bucketCorsRulesProvider,
  type BucketCorsRulesInputs,
  type BucketCorsRulesOutputs,
} from "../../providers/bucketCorsRules";
import { serializeAndLoad } from "./serializedProvider";

const ruleIdPrefix = "isahit-annotation--dev";
const rule = (origins = ["https://lab.isahit.com"], id = ruleIdPrefix): CorsRule => ({
  ID: id,
  AllowedMethods: ["GET"],
  AllowedOrigins: origins,
  AllowedHeaders: ["*"],
  ExposeHeaders: [],
  MaxAgeSeconds: 3000,
});
const inputs = (rules: CorsRule[], extra: Partial<BucketCorsRulesInputs> = {}): BucketCorsRulesInputs => ({
  resourceKind: bucketCorsRulesKind,
  bucket: "shared-bucket",
  region: "us-east-1",
  ruleIdPrefix,
  rules,
  ...extra,
});
const state = (rules: CorsRule[], drift: string[] = []): BucketCorsRulesOutputs => ({ ...inputs(rules), drift });

describe("sharedBucket/BucketCorsRules provider", () => {
  const provider = bucketCorsRulesProvider;

  it("checks our rules: an ID we own, S3's methods, one wildcard per origin", async () => {
    const bad = { ...rule(["https://*.*.example.com"], "someone-else"), AllowedMethods: ["GET", "PATCH"] };
    const reasons = (await provider.check!(inputs([]), inputs([bad]))).failures!.map((f) => f.reason);
    assert.equal(reasons.length, 3);
    assert.match(reasons[0], /ID must be "isahit-annotation--dev" or start with "isahit-annotation--dev--"/);
    assert.match(reasons[1], /"PATCH" is not one of GET, PUT, POST, DELETE, HEAD/);
    assert.match(reasons[2], /more than one "\*"/);
    assert.deepEqual((await provider.check!(inputs([]), inputs([rule()]))).failures, []);
  });

  it("diffs on the meaning of our rules only, and rewrites them after drift", async () => {
    assert.equal(
      (
        await provider.diff!(
          "id",
          state([rule(["https://a.example", "https://b.example"])]),
          inputs([rule(["https://b.example", "https://a.example"])]),
        )
      ).changes,
      false,
    );
    assert.equal(
      (await provider.diff!("id", state([rule()]), inputs([rule(["https://work.isahit.com"])]))).changes,
      true,
    );
    assert.equal(
      (
        await provider.diff!(
          "id",
          state([rule()], ["CORS rule isahit-annotation--dev was removed out of band"]),
          inputs([rule()]),
        )
      ).changes,
      true,
    );
    assert.deepEqual(
      (await provider.diff!("id", state([rule()]), inputs([rule()], { ruleIdPrefix: "isahit-annotation--prod" })))
        .replaces,
      ["ruleIdPrefix"],
    );
  });

  it("refuses to create invalid rules without calling S3", async () => {
    await assert.rejects(provider.create(inputs([{ ...rule(), AllowedOrigins: [] }])), {
      name: "InvalidContributionError",
      message: /AllowedOrigins must list at least one origin/,
    });
  });
});

describe("sharedBucket/BucketCorsRules serialization", () => {
  it("serializes the way dynamic.Resource does, and the loaded copy works", async function () {
    this.timeout(60000);
    const { text, provider } = await serializeAndLoad(bucketCorsRulesProvider);
    assert.match(text, /require\("@aws-sdk\/client-s3[^"]*"\)/);
    assert.doesNotMatch(text, /require\("@pulumi\/pulumi[^"]*"\)/);
    assert.equal((await provider.diff!("id", state([rule()]), inputs([rule()]))).changes, false);
    await assert.rejects(provider.create(inputs([{ ...rule(), AllowedMethods: ["FETCH"] }])), {
      name: "InvalidContributionError",
    });
  });
});
