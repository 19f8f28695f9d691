import * as assert from "node:assert/strict";
import { aquarium } from "../../../model/vendors/aquarium";
import { documentProp, onlyOfType, ofType, runProgram, stackConfig } from "../../helpers/program";

const integration = (buckets: Record<string, unknown>[]) => ({
  name: "aquarium-labels",
  vendor: "aquarium",
  principal: "123456789012",
  buckets,
});

describe("vendors/aquarium", () => {
  it("grants exactly s3:GetObject, read-only, with no default principal (docs/vendors/aquarium.md)", () => {
    assert.deepEqual(Object.keys(aquarium.access.levels), ["read"]);
    assert.deepEqual(aquarium.access.levels.read, { bucket: [], object: ["s3:GetObject"], kms: ["kms:Decrypt"] });
    assert.equal(aquarium.defaultPrincipal, undefined);
    assert.equal(aquarium.auth.modes.role?.externalId, "generated");
  });

  it("creates a role trusting Aquarium's account with a generated ExternalId, and one inline policy", async () => {
    const { resources, result } = await runProgram(
      stackConfig([integration([{ name: "ground-truth-images", region: "us-west-2" }])]),
    );
    const role = onlyOfType(resources, "aws:iam/role:Role");
    assert.equal(role.props.name, "aquarium-labels-test");
    const trust = documentProp(role, "assumeRolePolicy");
    const password = onlyOfType(resources, "random:index/randomPassword:RandomPassword");
    assert.equal(password.props.length, 48);
    assert.equal(password.props.special, false);
    assert.deepEqual(trust.Statement, [
      {
        Sid: "VendorAssumeRoleWithExternalId",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "sts:ExternalId": password.state.result } },
      },
    ]);
    const policy = documentProp(onlyOfType(resources, "aws:iam/rolePolicy:RolePolicy"), "policy");
    assert.deepEqual(policy.Statement, [
      {
        Sid: "ObjectAccess",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: ["arn:aws:s3:::ground-truth-images/*"],
      },
    ]);
    // No bucket-policy statements, CORS or access point for Aquarium.
    assert.equal(ofType(resources, "aws:s3/bucketPolicy:BucketPolicy").length, 0);
    assert.equal(ofType(resources, "aws:s3/accessPoint:AccessPoint").length, 0);
    assert.deepEqual(Object.keys(result.handoffs["aquarium-labels"]).sort(), [
      "buckets",
      "externalId",
      "regions",
      "roleArn",
      "vendor",
    ]);
    assert.equal(result.handoffs["aquarium-labels"].roleArn, "arn:aws:iam::111122223333:role/aquarium-labels-test");
  });

  it("scopes to the prefix, spans regions, and decrypts only via S3 in each bucket's region", async () => {
    const key = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    const { resources, result } = await runProgram(
      stackConfig([
        integration([
          { name: "images-us", region: "us-west-2", prefix: "exports/" },
          { name: "images-eu", region: "eu-west-1", prefix: "exports/", kmsKeyArn: key },
        ]),
      ]),
    );
    const policy = documentProp(onlyOfType(resources, "aws:iam/rolePolicy:RolePolicy"), "policy");
    assert.deepEqual(policy.Statement, [
      {
        Sid: "ObjectAccess",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: ["arn:aws:s3:::images-us/exports/*", "arn:aws:s3:::images-eu/exports/*"],
      },
      {
        Sid: "KmsViaS3euwest1",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: [key],
        Condition: {
          StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::images-eu/exports/*"] },
        },
      },
    ]);
    assert.deepEqual(result.handoffs["aquarium-labels"].regions, ["us-west-2", "eu-west-1"]);
  });
});
