import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../model/config";
import { deployerPolicy } from "../../model/deployerPolicy";
import { actionsOf, unknownActions } from "../../model/policy/catalog";
import { planStack } from "../../model/stackPlan";
import { proveDeployerPolicy } from "../../tools/proof/deployerProof";
import { deployerPolicyFor, runDeployerPolicy } from "../../tools/deployerPolicy";
import { stackConfig } from "../helpers/program";

const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
// Every kind of resource: roles, a user with an access key, managed policies, an access point, a KMS grant.
const config = parseStackConfig(
  stackConfig([
    {
      name: "aquarium-labels",
      vendor: "aquarium",
      principal: "123456789012",
      buckets: [{ name: "images", region: "us-east-1" }],
    },
    {
      name: "isahit-annotation",
      vendor: "isahit",
      principal: "999888496268",
      externalId: "isahit-0001",
      buckets: [{ name: "images", region: "us-east-1", prefix: "batches/" }],
    },
    { name: "aihub-keys", vendor: "aihub", auth: "accessKey", buckets: [{ name: "intake", region: "us-east-1" }] },
    {
      name: "mlspace-shared",
      vendor: "mlspace",
      principal: "444455556666",
      buckets: [{ name: "datasets", region: "us-east-1", kmsKeyArn: key }],
    },
  ]),
);
const { plans } = planStack(config, "prod");

describe("npm run deployer-policy", function () {
  this.timeout(120000);

  it("names only catalog actions, on this stack's exact roles, users, policies, access points, buckets and keys", async () => {
    const policy = deployerPolicy(plans, config.accountId);
    assert.deepEqual(await unknownActions(actionsOf([policy])), []);
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s.Resource]));
    assert.deepEqual(bySid, {
      RoleManage: [
        "arn:aws:iam::111122223333:role/aquarium-labels-prod",
        "arn:aws:iam::111122223333:role/isahit-annotation-prod",
      ],
      UserManage: ["arn:aws:iam::111122223333:user/aihub-keys-prod"],
      PolicyManage: [
        "arn:aws:iam::111122223333:policy/aihub-keys-prod-?",
        "arn:aws:iam::111122223333:policy/aihub-keys-prod-??",
        "arn:aws:iam::111122223333:policy/aquarium-labels-prod-?",
        "arn:aws:iam::111122223333:policy/aquarium-labels-prod-??",
        "arn:aws:iam::111122223333:policy/isahit-annotation-prod-?",
        "arn:aws:iam::111122223333:policy/isahit-annotation-prod-??",
      ],
      AccessPointManage: [plans[1].buckets[0].accessPoint!.arn],
      AccessPointDescribeRead: ["*"],
      BucketManage: ["arn:aws:s3:::datasets", "arn:aws:s3:::images", "arn:aws:s3:::intake"],
      KeyManage: [key],
      AttachmentManage: [
        "arn:aws:iam::111122223333:role/aquarium-labels-prod",
        "arn:aws:iam::111122223333:role/isahit-annotation-prod",
        "arn:aws:iam::111122223333:user/aihub-keys-prod",
      ],
    });
  });

  it("is proven by the IAM simulator: every needed call allowed, the same calls on anything else denied", async () => {
    const checks = await proveDeployerPolicy(plans, config.accountId, deployerPolicy(plans, config.accountId));
    assert.ok(checks.length > 150, `${checks.length} checks`);
    assert.deepEqual(
      checks.filter((c) => c.actual !== c.expected),
      [],
    );
    assert.ok(
      checks.some((c) => c.resource === "arn:aws:s3:::someone-elses-bucket" && c.actual === "ImplicitlyDenied"),
    );
    assert.ok(
      checks.some(
        (c) => c.context?.["iam:PolicyARN"]?.endsWith(":policy/AdministratorAccess") && c.actual === "ImplicitlyDenied",
      ),
    );
  });

  it("--read-only allows the reads a preview makes and no write", async () => {
    const policy = deployerPolicy(plans, config.accountId, { readOnly: true });
    const checks = await proveDeployerPolicy(plans, config.accountId, policy, { readOnly: true });
    assert.deepEqual(
      checks.filter((c) => c.actual !== c.expected),
      [],
    );
    assert.ok(checks.some((c) => c.action === "s3:PutBucketPolicy" && c.actual === "ImplicitlyDenied"));
    assert.ok(checks.some((c) => c.action === "s3:GetBucketPolicy" && c.actual === "Allowed"));
  });

  it("reads the stack file: the dev example", async () => {
    const policy = await deployerPolicyFor({ stack: "dev" });
    assert.deepEqual(
      policy.Statement.map((s) => s.Sid),
      [
        "RoleManage",
        "PolicyManage",
        "AccessPointManage",
        "AccessPointDescribeRead",
        "BucketManage",
        // The dev stack manages the key policy of its own SSE-KMS key.
        "KeyManage",
        "AttachmentManage",
      ],
    );
  });

  it("prints the policy as JSON and exits 0; a missing stack file exits 2 naming it", async () => {
    let out = "";
    let err = "";
    const io = { write: (t: string) => void (out += t), writeError: (t: string) => void (err += t) };
    assert.equal(await runDeployerPolicy(["--stack", "dev", "--read-only"], io), 0, err);
    assert.deepEqual(JSON.parse(out), await deployerPolicyFor({ stack: "dev", readOnly: true }));
    out = "";
    assert.equal(await runDeployerPolicy(["--stack", "no-such-stack"], io), 2);
    assert.match(err, /^stack file not found: .*Pulumi\.no-such-stack\.yaml\n$/);
    assert.equal(out, "");
  });
});
