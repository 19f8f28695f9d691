import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { aihub } from "../../../model/vendors/aihub";
import { documentProp, onlyOfType, ofType, runProgram, stackConfig, testOwnerKey } from "../../helpers/program";

const readWrite = [
  "s3:AbortMultipartUpload",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:GetObject",
  "s3:GetObjectAcl",
  "s3:GetObjectVersion",
  "s3:ListMultipartUploadParts",
  "s3:PutObject",
  "s3:PutObjectAcl",
];

describe("vendors/aihub", () => {
  it("lists AI Hub's permissions without s3:PutObjectVersion, which is not an IAM action", () => {
    const actions = aihub.access.levels["read-write"]!;
    assert.deepEqual([...actions.object], readWrite);
    assert.deepEqual([...actions.bucket], ["s3:ListBucket", "s3:ListBucketMultipartUploads"]);
    assert.ok(![...actions.object, ...actions.bucket].includes("s3:PutObjectVersion"));
    assert.deepEqual(Object.keys(aihub.auth.modes), ["role", "accessKey"]);
  });

  it("role mode: trusts AI Hub's principal with its ExternalId and adds a bucket-policy statement naming our role", async () => {
    const { resources, result } = await runProgram(
      stackConfig([
        {
          name: "aihub-drive",
          vendor: "aihub",
          principal: "arn:aws:iam::777788889999:role/aihub-connector",
          externalId: "aihub-issued-0001",
          buckets: [{ name: "intake", region: "eu-west-1", prefix: "aihub/", bucketPolicyMode: "exclusive" }],
        },
      ]),
    );
    const trust = documentProp(onlyOfType(resources, "aws:iam/role:Role"), "assumeRolePolicy");
    assert.deepEqual(trust.Statement[0].Principal, { AWS: "arn:aws:iam::777788889999:role/aihub-connector" });
    assert.deepEqual(trust.Statement[0].Condition, { StringEquals: { "sts:ExternalId": "aihub-issued-0001" } });
    const bucketPolicy = onlyOfType(resources, "aws:s3/bucketPolicy:BucketPolicy");
    assert.equal(bucketPolicy.props.region, "eu-west-1");
    const statements = documentProp(bucketPolicy, "policy").Statement;
    assert.deepEqual(
      statements.map((s) => s.Sid),
      [
        `aihub-drive--${testOwnerKey}--ObjectAccess`,
        `aihub-drive--${testOwnerKey}--ListUnderPrefix1`,
        `aihub-drive--${testOwnerKey}--BucketAccess`,
      ],
    );
    for (const statement of statements)
      assert.deepEqual(statement.Principal, { AWS: "arn:aws:iam::111122223333:role/aihub-drive-test" });
    assert.deepEqual(statements[0].Action, readWrite);
    assert.deepEqual(result.handoffs["aihub-drive"].buckets, [
      { name: "intake", region: "eu-west-1", pathToDrive: "aihub/", serverSideEncryption: "None or SSE-S3" },
    ]);
  });

  it("access-key mode: an IAM user with a managed policy and an access key whose ID and secret are Pulumi secrets", async () => {
    const raw = stackConfig([
      { name: "aihub-keys", vendor: "aihub", auth: "accessKey", buckets: [{ name: "intake", region: "eu-west-1" }] },
    ]);
    const { resources, result } = await runProgram(raw);
    assert.equal(ofType(resources, "aws:iam/role:Role").length, 0);
    assert.equal(onlyOfType(resources, "aws:iam/user:User").props.name, "aihub-keys-test");
    onlyOfType(resources, "aws:iam/accessKey:AccessKey");
    const attachment = onlyOfType(resources, "aws:iam/userPolicyAttachment:UserPolicyAttachment");
    assert.equal(attachment.props.user, "aihub-keys-test");
    const handoff = result.handoffs["aihub-keys"];
    assert.match(String(handoff.accessKeyId), /^AKIA[A-Z2-7]{16}$/);
    assert.equal(String(handoff.secretAccessKey).length, 40);

    // Check secrecy on the live Outputs, not on the resolved copy.
    await runProgram(raw, {
      inspect: async (outputs) => {
        const h = outputs.handoffs["aihub-keys"];
        assert.equal(await pulumi.isSecret(h.accessKeyId!), true);
        assert.equal(await pulumi.isSecret(h.secretAccessKey!), true);
      },
    });
  });
});
