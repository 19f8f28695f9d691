import * as assert from "node:assert/strict";
import { redactedExternalId } from "../../model/plan";
import type { VendorAccessOutputs } from "../../program/vendorAccess";
import { isSecretWrapper, type MockRun } from "../../tools/mockEngine";
import { runProgram, testAccount } from "../helpers/program";
import { engineMessages, plainTextOccurrences, type EngineMessage } from "../helpers/secrecy";

const isahitExternalId = "isahit-issued-0001";
const aihubExternalId = "aihub-issued-0002";
const deployerExternalId = "deployer-chain-0003";

const integrations = (isahitPrincipal: string) => [
  {
    name: "aquarium-labels",
    vendor: "aquarium",
    principal: "123456789012",
    buckets: [{ name: "b-one", region: "us-east-1" }],
  },
  {
    name: "isahit-annotation",
    vendor: "isahit",
    principal: isahitPrincipal,
    externalId: isahitExternalId,
    buckets: [{ name: "b-one", region: "us-east-1" }],
  },
  {
    name: "aihub-drive",
    vendor: "aihub",
    principal: "arn:aws:iam::777788889999:role/aihub",
    externalId: aihubExternalId,
    buckets: [{ name: "b-two", region: "us-east-1" }],
  },
  { name: "aihub-keys", vendor: "aihub", auth: "accessKey", buckets: [{ name: "b-two", region: "us-east-1" }] },
  {
    name: "mlspace-shared",
    vendor: "mlspace",
    principal: "444455556666",
    buckets: [{ name: "b-two", region: "us-east-1" }],
  },
];

/** The program as the engine runs it: config read from the engine, secrets marked per key as the engine marks them. */
async function register(
  isahitPrincipal = "999888496268",
): Promise<{ run: MockRun<VendorAccessOutputs>; messages: EngineMessage[] }> {
  const run = await runProgram(
    { accountId: testAccount, integrations: integrations(isahitPrincipal) },
    {
      stack: "prod",
      readConfigFromEngine: true,
      config: {
        "aws:assumeRoles": JSON.stringify([
          { roleArn: "arn:aws:iam::111122223333:role/deployer", externalId: deployerExternalId },
        ]),
      },
      secretKeys: ["vendor-access:integrations", "aws:assumeRoles"],
    },
  );
  return { run, messages: engineMessages(run) };
}

describe("secrets as the engine receives them", function () {
  this.timeout(60000);
  let run: MockRun<VendorAccessOutputs>;
  let messages: EngineMessage[];
  before(async () => ({ run, messages } = await register()));

  it("every input and output holding an ExternalId, access key ID or secret key is a Pulumi secret", () => {
    const handoffs = run.result.handoffs;
    const generated = handoffs["aquarium-labels"].externalId as unknown as string;
    const accessKeyId = handoffs["aihub-keys"].accessKeyId as unknown as string;
    const secretKey = handoffs["aihub-keys"].secretAccessKey as unknown as string;
    // The values themselves came through: the check below looks for real strings.
    assert.match(generated, /^[A-Za-z0-9]{48}$/);
    assert.match(accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(secretKey.length, 40);
    const sensitive = [isahitExternalId, aihubExternalId, deployerExternalId, generated, accessKeyId, secretKey];
    assert.deepEqual(plainTextOccurrences(messages, sensitive), []);
    // And they did reach the engine: as secrets, in the trusts, the handoffs and the providers' inputs.
    const secretLeaves = messages.flatMap((m) => Object.values(m.values)).filter(isSecretWrapper);
    const inSecrets = (value: string) => secretLeaves.some((leaf) => JSON.stringify(leaf.value).includes(value));
    for (const value of sensitive) assert.ok(inSecrets(value), `${value} never reached the engine`);
  });

  it("finds a plain-text ExternalId when one slips through", () => {
    const leaked: EngineMessage = {
      what: "inputs of r",
      values: { policy: `{"sts:ExternalId":"${isahitExternalId}"}` },
      secretOutputs: [],
    };
    assert.deepEqual(plainTextOccurrences([leaked], [isahitExternalId]), [
      `inputs of r: policy holds ${isahitExternalId}`,
    ]);
  });

  it("shows each role's trust with the ExternalId redacted, in plain text, as a stack output", () => {
    const stackOutputs = messages.find((m) => "trustPolicies" in m.values)!.values;
    const trusts = stackOutputs.trustPolicies as Record<string, unknown>;
    assert.ok(!isSecretWrapper(trusts));
    assert.deepEqual(Object.keys(trusts).sort(), ["aihub-drive", "aquarium-labels", "isahit-annotation"]);
    const isahit = JSON.parse(trusts["isahit-annotation"] as string);
    assert.ok(!isSecretWrapper(trusts["isahit-annotation"]));
    assert.deepEqual(isahit.Statement, [
      {
        Sid: isahit.Statement[0].Sid,
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::999888496268:root" },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "sts:ExternalId": redactedExternalId } },
      },
    ]);
    const roleTrust = messages.find(
      (m) => m.what === "outputs of isahit-annotation" && "reviewedTrustPolicy" in m.values,
    );
    assert.equal(roleTrust?.values.reviewedTrustPolicy, trusts["isahit-annotation"]);
  });

  it("a changed principal is a changed plain value; the ExternalId stays out of it", async () => {
    const changed = await register("090680223052");
    const before = run.result.trustPolicies["isahit-annotation"];
    const after = changed.run.result.trustPolicies["isahit-annotation"];
    assert.notEqual(after, before);
    assert.match(after, /arn:aws:iam::090680223052:root/);
    assert.doesNotMatch(after, new RegExp(isahitExternalId));
  });
});
