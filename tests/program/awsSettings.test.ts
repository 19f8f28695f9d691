import * as assert from "node:assert/strict";
import { isSecretWrapper, type RecordedResource } from "../../tools/mockEngine";
import { runProgram, testAccount } from "../helpers/program";

// The stack manages this key's policy: its KeyPolicyEntries calls KMS, so it needs the settings too.
const kmsKeyArn = `arn:aws:kms:eu-west-1:${testAccount}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const integrations = [
  {
    name: "mlspace-shared",
    vendor: "mlspace",
    principal: "444455556666",
    buckets: [{ name: "ml-data", region: "eu-west-1", kmsKeyArn }],
  },
  {
    name: "isahit-annotation",
    vendor: "isahit",
    principal: "999888496268",
    externalId: "isahit-0001",
    buckets: [{ name: "ml-data", region: "eu-west-1", kmsKeyArn }],
  },
];

async function registered(aws: Record<string, string>, secretKeys: string[]): Promise<RecordedResource[]> {
  const run = await runProgram(
    { accountId: testAccount, integrations },
    {
      stack: "prod",
      readConfigFromEngine: true,
      config: aws,
      secretKeys: ["vendor-access:integrations", ...secretKeys],
    },
  );
  return run.resources.filter((r) => String(r.props.resourceKind ?? "").startsWith("vendor-access:"));
}

describe("the stack's AWS settings reach the shared-document resources (bucket policy, CORS, key policy)", function () {
  this.timeout(60000);

  it("profile, assume-role chain, region and endpoints as plain inputs; the chain's ExternalIds as a secret", async () => {
    const resources = await registered(
      {
        "aws:region": "eu-west-1",
        "aws:profile": "prod-deployer",
        "aws:assumeRoles": JSON.stringify([
          {
            roleArn: "arn:aws:iam::111122223333:role/vendor-access-deployer",
            sessionName: "ci",
            externalId: "chain-0001",
          },
        ]),
        "aws:endpoints": JSON.stringify([{ s3: "https://s3.internal.example" }]),
      },
      ["aws:assumeRoles"],
    );
    assert.deepEqual(resources.map((r) => r.props.resourceKind).sort(), [
      "vendor-access:BucketCorsEntries",
      "vendor-access:BucketPolicyEntries",
      "vendor-access:KeyPolicyEntries",
    ]);
    for (const resource of resources) {
      assert.deepEqual(resource.props.aws, {
        region: "eu-west-1",
        profile: "prod-deployer",
        assumeRoles: [{ roleArn: "arn:aws:iam::111122223333:role/vendor-access-deployer", sessionName: "ci" }],
        endpoints: { s3: "https://s3.internal.example" },
      });
      const externalIds = resource.props.awsExternalIds;
      assert.ok(isSecretWrapper(externalIds), "the chain's ExternalIds must be a secret");
      assert.deepEqual(externalIds.value, ["chain-0001"]);
    }
  });

  it("without a chain ExternalId there is no secret input, and the settings stay visible", async () => {
    const resources = await registered(
      { "aws:region": "eu-west-1", "aws:assumeRole": JSON.stringify({ roleArn: "arn:aws:iam::111122223333:role/d" }) },
      [],
    );
    assert.equal(resources.length, 3);
    for (const resource of resources) {
      assert.equal(resource.props.awsExternalIds, undefined);
      assert.deepEqual(resource.props.aws, {
        region: "eu-west-1",
        assumeRoles: [{ roleArn: "arn:aws:iam::111122223333:role/d" }],
        endpoints: {},
      });
    }
  });

  it("fails before registering anything when the stack holds static keys", async () => {
    await assert.rejects(
      registered({ "aws:region": "eu-west-1", "aws:accessKey": "AKIAEXAMPLE", "aws:secretKey": "secret" }, [
        "aws:secretKey",
      ]),
      (error: Error) => {
        assert.equal(error.name, "ConfigError");
        assert.match(error.message, /aws:accessKey: static keys in stack config are not supported/);
        assert.match(error.message, /aws:secretKey: static keys/);
        return true;
      },
    );
  });
});
