// excludeActions narrows a vendor's action set per integration: it never adds, and a wrong entry names the valid ones.
import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../model/config";
import { planIntegration } from "../../model/plan";
import { checkPassed } from "../../tools/proof/integrationProof";
import { proveStack } from "../../tools/proof/stackProof";
import { stackConfig } from "../helpers/program";
import { configProblemsOf } from "../helpers/configProblems";

const aihub = (excludeActions: unknown, overrides: Record<string, unknown> = {}) => ({
  name: "aihub-docs",
  vendor: "aihub",
  principal: "arn:aws:iam::777788889999:role/aihub-connector",
  externalId: "aihub-issued-0001",
  excludeActions,
  buckets: [{ name: "contracts", region: "us-east-1", prefix: "inbox/" }],
  ...overrides,
});

const aihubReadWrite =
  "s3:ListBucket, s3:ListBucketMultipartUploads, s3:AbortMultipartUpload, s3:DeleteObject, s3:DeleteObjectVersion, " +
  "s3:GetObject, s3:GetObjectAcl, s3:GetObjectVersion, s3:ListMultipartUploadParts, s3:PutObject, s3:PutObjectAcl, " +
  "kms:Decrypt, kms:GenerateDataKey";

describe("excludeActions", () => {
  it("removes the listed actions from the role's policy and keeps the rest", () => {
    const config = parseStackConfig(stackConfig([aihub(["s3:PutObjectAcl", "s3:deleteobjectversion"])]));
    const integration = config.integrations[0];
    // Stored in the profile's spelling, whatever case config used.
    assert.deepEqual(integration.excludeActions, ["s3:PutObjectAcl", "s3:DeleteObjectVersion"]);
    const plan = planIntegration(integration, config, "dev");
    assert.deepEqual(plan.actions.object, [
      "s3:AbortMultipartUpload",
      "s3:DeleteObject",
      "s3:GetObject",
      "s3:GetObjectAcl",
      "s3:GetObjectVersion",
      "s3:ListMultipartUploadParts",
      "s3:PutObject",
    ]);
    const granted = plan.permissionPolicies.flatMap((d) => d.Statement.flatMap((s) => s.Action));
    assert.ok(!granted.includes("s3:PutObjectAcl") && !granted.includes("s3:DeleteObjectVersion"));
    assert.ok(granted.includes("s3:PutObject"));
  });

  it("drops the KMS statement when every KMS action is excluded", () => {
    const config = parseStackConfig(
      stackConfig([
        aihub(["kms:Decrypt", "kms:GenerateDataKey"], {
          buckets: [
            {
              name: "contracts",
              region: "us-east-1",
              kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            },
          ],
        }),
      ]),
    );
    const plan = planIntegration(config.integrations[0], config, "dev");
    const statements = plan.permissionPolicies.flatMap((d) => d.Statement);
    assert.equal(statements.filter((s) => String(s.Sid).startsWith("KmsViaS3")).length, 0);
    assert.ok(statements.every((s) => s.Action.every((a) => a.startsWith("s3:"))));
  });

  it("reports an action the vendor does not have, naming the valid ones and the key path", () => {
    assert.deepEqual(configProblemsOf(stackConfig([aihub(["s3:PutObjectAcl", "s3:PutBucketPolicy"])])), [
      `integrations[0].excludeActions[1]: "s3:PutBucketPolicy": not in aihub's read-write set (valid: ${aihubReadWrite})`,
    ]);
  });

  it("judges against the integration's access level, not the vendor's widest", () => {
    const problems = configProblemsOf(stackConfig([aihub(["s3:PutObjectAcl"], { access: "read" })]));
    assert.deepEqual(problems, [
      'integrations[0].excludeActions[0]: "s3:PutObjectAcl": not in aihub\'s read set (valid: s3:ListBucket, s3:GetObject, s3:GetObjectVersion, kms:Decrypt)',
    ]);
  });

  it("rejects wildcards, non-strings and excluding every S3 action", () => {
    const problems = configProblemsOf(
      stackConfig([
        {
          name: "aquarium-labels",
          vendor: "aquarium",
          principal: "123456789012",
          excludeActions: ["s3:Get*"],
          buckets: [{ name: "labels", region: "us-west-2" }],
        },
        {
          name: "aquarium-all",
          vendor: "aquarium",
          principal: "123456789012",
          excludeActions: ["s3:GetObject", 7],
          buckets: [{ name: "labels", region: "us-west-2" }],
        },
        {
          name: "aquarium-none",
          vendor: "aquarium",
          principal: "123456789012",
          excludeActions: ["s3:GetObject"],
          buckets: [{ name: "labels", region: "us-west-2" }],
        },
      ]),
    );
    assert.deepEqual(problems, [
      'integrations[0].excludeActions[0]: "s3:Get*": wildcards are not accepted; name each action (valid: s3:GetObject, kms:Decrypt)',
      "integrations[1].excludeActions[1]: Invalid input: expected string, received number",
      "integrations[2].excludeActions: removes every S3 action of aquarium's read set; remove the integration instead",
    ]);
  });

  it("proves the narrowed set: the excluded actions are denied, every other one still allowed", async () => {
    const config = parseStackConfig(stackConfig([aihub(["s3:PutObjectAcl", "s3:DeleteObjectVersion"])]));
    const [proof] = await proveStack(config, "proofs");
    assert.deepEqual(
      proof.checks.filter((c) => !checkPassed(c)),
      [],
    );
    assert.deepEqual(proof.grantedActions, [
      "s3:ListBucket",
      "s3:ListBucketMultipartUploads",
      "s3:AbortMultipartUpload",
      "s3:DeleteObject",
      "s3:GetObject",
      "s3:GetObjectAcl",
      "s3:GetObjectVersion",
      "s3:ListMultipartUploadParts",
      "s3:PutObject",
      "kms:Decrypt",
      "kms:GenerateDataKey",
    ]);
    const allowed = new Set(proof.checks.filter((c) => c.actual === "Allowed").map((c) => c.action));
    assert.ok(!allowed.has("s3:PutObjectAcl") && !allowed.has("s3:DeleteObjectVersion"));
    for (const excluded of ["s3:PutObjectAcl", "s3:DeleteObjectVersion"])
      assert.ok(
        proof.checks.some((c) => c.action === excluded && c.target === "object in prefix" && c.actual !== "Allowed"),
        `${excluded} was asked in the prefix and denied`,
      );
    assert.ok(allowed.has("s3:PutObject") && allowed.has("s3:GetObjectAcl"));
  });
});
