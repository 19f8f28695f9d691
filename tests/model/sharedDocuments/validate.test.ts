import * as assert from "node:assert/strict";
import { defaultOwnerKey, planIntegration } from "../../../model/plan";
import { parseStackConfig } from "../../../model/config";
import {
  corsRuleProblems,
  corsRulesProblems,
  bucketPolicyStatementProblems,
  bucketPolicyStatementsProblems,
} from "../../../model/sharedDocuments/validate";

const key = "0a1b2c3d4e";
const prefix = `mlspace-shared--${key}--`;
const valid = {
  Sid: `${prefix}ObjectAccess`,
  Effect: "Allow",
  Principal: { AWS: "444455556666" },
  Action: ["s3:GetObject"],
  Resource: ["arn:aws:s3:::ml-datasets/mlspace/*"],
  Condition: { StringLike: { "s3:prefix": ["mlspace/*"] }, Bool: { "aws:SecureTransport": true } },
};

describe("sharedDocuments/validate: statements", () => {
  it("accepts every statement the plan builds for a bucket policy", () => {
    const config = parseStackConfig({
      accountId: "111122223333",
      integrations: [
        {
          name: "mlspace-shared",
          vendor: "mlspace",
          principal: "444455556666",
          access: "read-write",
          buckets: [{ name: "ml-datasets", region: "us-east-1", prefix: "mlspace/" }],
        },
        {
          name: "aihub-drive",
          vendor: "aihub",
          auth: "role",
          principal: "arn:aws:iam::777788889999:role/aihub",
          externalId: "aihub-0001",
          buckets: [{ name: "ml-datasets", region: "us-east-1" }],
        },
      ],
    });
    for (const integration of config.integrations) {
      const plan = planIntegration(integration, config, "dev");
      assert.ok(plan.buckets[0].statements.length > 0);
      assert.deepEqual(
        bucketPolicyStatementsProblems(plan.buckets[0].statements, "ml-datasets", defaultOwnerKey("dev")),
        [],
      );
    }
  });

  it("accepts the principal forms S3 takes: *, account IDs, role ARNs, services", () => {
    for (const principal of [
      "*",
      { AWS: "*" },
      { AWS: ["111122223333", "arn:aws:iam::111122223333:role/a"] },
      { Service: "logging.s3.amazonaws.com" },
    ]) {
      assert.deepEqual(bucketPolicyStatementProblems({ ...valid, Principal: principal }, "ml-datasets", key), []);
    }
  });

  it("needs a Principal, an Action and a Resource, each exactly once", () => {
    const { Principal: _p, Action: _a, ...bare } = valid;
    assert.deepEqual(
      bucketPolicyStatementProblems({ ...bare, NotResource: ["arn:aws:s3:::ml-datasets"] }, "ml-datasets", key),
      [
        `statement ${prefix}ObjectAccess: needs exactly one of Principal and NotPrincipal`,
        `statement ${prefix}ObjectAccess: needs exactly one of Action and NotAction`,
        `statement ${prefix}ObjectAccess: needs exactly one of Resource and NotResource`,
      ],
    );
  });

  it("refuses what S3 would refuse, which moto would accept", () => {
    const problems = bucketPolicyStatementProblems(
      {
        ...valid,
        Effect: "allow",
        Principal: { AWS: "vendor" },
        Action: ["kms:Decrypt"],
        Resource: ["arn:aws:s3:::ml-datasets-other/*"],
        Condition: { StringLike: { "s3:prefix": [] } },
        Extra: 1,
      },
      "ml-datasets",
      key,
    );
    assert.equal(problems.length, 6);
    for (const pattern of [
      /unknown element "Extra"/,
      /Effect must be/,
      /"vendor" is not an account ID/,
      /"kms:Decrypt" is not an S3 action/,
      /is not bucket ml-datasets/,
      /s3:prefix: must be a string/,
    ]) {
      assert.ok(
        problems.some((p) => pattern.test(p)),
        `${pattern} in ${problems.join("; ")}`,
      );
    }
  });

  it("refuses a Sid we would not own and a Sid used twice", () => {
    assert.match(
      bucketPolicyStatementProblems({ ...valid, Sid: "ObjectAccess" }, "ml-datasets", key)[0],
      /Sid must be <integration>--0a1b2c3d4e--<name>/,
    );
    assert.match(
      bucketPolicyStatementProblems({ ...valid, Sid: `${prefix}has space` }, "ml-datasets", key)[0],
      /letters, digits and hyphens/,
    );
    assert.deepEqual(bucketPolicyStatementsProblems([valid, valid], "ml-datasets", key), [
      `statement ${prefix}ObjectAccess: Sid is used more than once`,
    ]);
    assert.deepEqual(bucketPolicyStatementProblems("text", "ml-datasets", key), ["statement: must be an object"]);
  });
});

describe("sharedDocuments/validate: CORS rules", () => {
  const rule = {
    ID: `isahit--${key}`,
    AllowedMethods: ["GET"],
    AllowedOrigins: ["https://lab.isahit.com"],
    AllowedHeaders: ["*"],
    ExposeHeaders: [],
    MaxAgeSeconds: 3000,
  };

  it("accepts a rule with an ID we own", () => {
    assert.deepEqual(corsRuleProblems(rule, key), []);
    assert.deepEqual(corsRuleProblems({ ...rule, ID: `isahit--${key}--eu` }, key), []);
  });

  it("refuses bad methods, missing origins, bad max age and a repeated ID", () => {
    const problems = corsRuleProblems(
      { ...rule, AllowedMethods: ["OPTIONS"], AllowedOrigins: [], MaxAgeSeconds: -1, ExposeHeaders: [""] },
      key,
    );
    assert.equal(problems.length, 4);
    assert.deepEqual(corsRulesProblems([rule, rule], key), [`CORS rule isahit--${key}: ID is used more than once`]);
    assert.match(corsRuleProblems({ ...rule, ID: `isahit--${key}--${"x".repeat(250)}` }, key)[0], /longer than 255/);
  });
});
