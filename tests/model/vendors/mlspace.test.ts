import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../../model/config";
import { planIntegration } from "../../../model/plan";
import { mlspace } from "../../../model/vendors/mlspace";
import { documentProp, onlyOfType, ofType, runProgram, stackConfig, testOwnerKey } from "../../helpers/program";

const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const integration = (extra: Record<string, unknown> = {}) => ({
  name: "mlspace-shared",
  vendor: "mlspace",
  principal: "444455556666",
  buckets: [{ name: "ml-datasets", region: "us-east-1", prefix: "mlspace/", bucketPolicyMode: "exclusive" }],
  ...extra,
});

describe("vendors/mlspace", () => {
  it("grants MLSpace's read-write actions plus the s3:ListBucket its own check needs; read is GetObject only", () => {
    assert.deepEqual(mlspace.access.levels["read-write"]?.object, [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:PutObjectTagging",
    ]);
    assert.deepEqual(mlspace.access.levels.read?.object, ["s3:GetObject"]);
    assert.deepEqual(mlspace.access.levels.read?.bucket, ["s3:ListBucket"]);
    assert.deepEqual(mlspace.principalKinds, ["account"]);
  });

  it("adds bucket-policy statements naming the MLSpace account, and creates no role", async () => {
    const { resources, result } = await runProgram(stackConfig([integration()]));
    assert.equal(ofType(resources, "aws:iam/role:Role").length, 0);
    assert.equal(ofType(resources, "random:index/randomPassword:RandomPassword").length, 0);
    const policy = documentProp(onlyOfType(resources, "aws:s3/bucketPolicy:BucketPolicy"), "policy");
    const principal = { AWS: "arn:aws:iam::444455556666:root" };
    assert.deepEqual(policy.Statement, [
      {
        Sid: `mlspace-shared--${testOwnerKey}--ObjectAccess`,
        Effect: "Allow",
        Principal: principal,
        Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"],
        Resource: ["arn:aws:s3:::ml-datasets/mlspace/*"],
      },
      {
        Sid: `mlspace-shared--${testOwnerKey}--ListUnderPrefix1`,
        Effect: "Allow",
        Principal: principal,
        Action: ["s3:ListBucket"],
        Resource: ["arn:aws:s3:::ml-datasets"],
        Condition: { StringLike: { "s3:prefix": ["mlspace/*"] } },
      },
    ]);
    const handoff = result.handoffs["mlspace-shared"];
    assert.deepEqual(handoff.vendorSideStatement?.addTo, [
      "permissions boundary mlspace-project-user-permission-boundary",
      "the app's user policy (self.user_policy in ml_space_lambda/utils/iam_manager.py)",
    ]);
    assert.equal(handoff.roleArn, undefined);
    assert.equal(handoff.externalId, undefined);
  });

  it("renders the MLSpace-side statement for the chosen project and adds a scoped key-policy statement, no grant", async () => {
    const raw = stackConfig([
      integration({
        access: "read",
        mlspace: { scope: "project", scopeName: "vision" },
        buckets: [{ name: "ml-datasets", region: "us-east-1", kmsKeyArn: key }],
      }),
    ]);
    const { resources, result } = await runProgram(raw);
    const handoff = result.handoffs["mlspace-shared"];
    assert.deepEqual(handoff.vendorSideStatement?.addTo, [
      "permissions boundary mlspace-project-user-permission-boundary",
      "MLSpace-project-vision",
    ]);
    const context = { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::ml-datasets/*"] };
    assert.deepEqual(handoff.vendorSideStatement?.statement, [
      { Sid: "ObjectAccess", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::ml-datasets/*"] },
      { Sid: "ListBuckets", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::ml-datasets"] },
      {
        Sid: "KmsViaS3useast1",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: [key],
        Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" }, StringLike: context },
      },
    ]);
    assert.equal(ofType(resources, "aws:kms/grant:Grant").length, 0);
    const [keyPolicy, ...others] = ofType(resources, "pulumi-nodejs:dynamic:Resource").filter(
      (r) => r.props.resourceKind === "vendor-access:KeyPolicyEntries",
    );
    assert.equal(others.length, 0, "one key-policy resource per key and stack");
    assert.equal(keyPolicy.props.keyArn, key);
    assert.equal(keyPolicy.props.ownerKey, testOwnerKey);
    assert.deepEqual(keyPolicy.props.statements, [
      {
        Sid: `mlspace-shared--${testOwnerKey}--KmsViaS3`,
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::444455556666:root" },
        Action: ["kms:Decrypt"],
        Resource: ["*"],
        Condition: {
          StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:CallerAccount": "444455556666" },
          StringLike: context,
        },
      },
    ]);
    assert.deepEqual(result.keyPolicyHandoffs, {});
  });

  it("needs no key-policy statement when MLSpace runs in the key's account", () => {
    const config = parseStackConfig(
      stackConfig([
        integration({
          principal: "111122223333",
          buckets: [{ name: "ml-datasets", region: "us-east-1", kmsKeyArn: key }],
        }),
      ]),
    );
    const plan = planIntegration(config.integrations[0], config, "test");
    assert.deepEqual(plan.keyPolicyStatements, []);
  });
});
