import * as assert from "node:assert/strict";
import { deeplake } from "../../../model/vendors/deeplake";
import { documentProp, onlyOfType, runProgram, stackConfig } from "../../helpers/program";

const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("vendors/deeplake", () => {
  it("lists Activeloop's actions exactly, never s3:*Object*, and only the KMS actions S3 calls for SSE-KMS", () => {
    assert.deepEqual(deeplake.access.levels["read-write"], {
      bucket: ["s3:ListBucket", "s3:GetBucketLocation"],
      object: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      // A writer needs kms:GenerateDataKey, and kms:Decrypt for multipart uploads; a reader kms:Decrypt.
      kms: ["kms:Decrypt", "kms:GenerateDataKey"],
    });
    assert.deepEqual(deeplake.access.levels.read?.kms, ["kms:Decrypt"]);
    assert.equal(deeplake.access.default, "read-write");
    assert.equal(deeplake.defaultPrincipal, "arn:aws:iam::597713067985:role/activeloop_backend");
  });

  it("trusts Activeloop's backend role with an ExternalId and scopes listing and objects to the prefix, KMS via S3", async () => {
    const { resources, result } = await runProgram(
      stackConfig([
        {
          name: "deeplake-training",
          vendor: "deeplake",
          buckets: [{ name: "ml-datasets", region: "us-east-1", prefix: "deeplake/", kmsKeyArn: key }],
        },
      ]),
    );
    const trust = documentProp(onlyOfType(resources, "aws:iam/role:Role"), "assumeRolePolicy");
    assert.deepEqual(trust.Statement[0].Principal, { AWS: "arn:aws:iam::597713067985:role/activeloop_backend" });
    assert.ok(
      (trust.Statement[0].Condition as Record<string, Record<string, string>>).StringEquals["sts:ExternalId"].length ===
        48,
    );
    const policy = documentProp(onlyOfType(resources, "aws:iam/rolePolicy:RolePolicy"), "policy");
    assert.deepEqual(policy.Statement, [
      {
        Sid: "ObjectAccess",
        Effect: "Allow",
        Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
        Resource: ["arn:aws:s3:::ml-datasets/deeplake/*"],
      },
      {
        Sid: "ListUnderPrefix1",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: ["arn:aws:s3:::ml-datasets"],
        Condition: { StringLike: { "s3:prefix": ["deeplake/*"] } },
      },
      {
        Sid: "BucketAccess",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation"],
        Resource: ["arn:aws:s3:::ml-datasets"],
      },
      {
        Sid: "KmsViaS3useast1",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [key],
        Condition: {
          StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::ml-datasets/deeplake/*"] },
        },
      },
    ]);
    assert.deepEqual(Object.keys(result.handoffs["deeplake-training"]).sort(), [
      "buckets",
      "externalId",
      "roleArn",
      "vendor",
    ]);
  });

  it("grants only reads at access: read", async () => {
    const { resources } = await runProgram(
      stackConfig([
        {
          name: "deeplake-ro",
          vendor: "deeplake",
          access: "read",
          buckets: [{ name: "ml-datasets", region: "us-east-1" }],
        },
      ]),
    );
    const policy = documentProp(onlyOfType(resources, "aws:iam/rolePolicy:RolePolicy"), "policy");
    // Without a prefix, listing and GetBucketLocation share their resources and so one statement.
    assert.deepEqual(
      policy.Statement.map((s) => s.Action),
      [["s3:GetObject"], ["s3:GetBucketLocation", "s3:ListBucket"]],
    );
    assert.equal(policy.Statement[1].Condition, undefined, "no prefix, no s3:prefix condition");
  });
});
