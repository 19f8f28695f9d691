// The proofs are not vacuous: each test breaks one rendered document the way a real mistake would, and the
// proof of that integration must fail on exactly the request the mistake opens.
import { strict as assert } from "node:assert";
import { accessPointArn } from "../../model/arns";
import { parseStackConfig } from "../../model/config";
import type { PolicyDocument, PolicyStatement } from "../../model/policy/document";
import { trustPolicy } from "../../model/plan";
import { mergedBucketPolicy, planStack } from "../../model/stackPlan";
import {
  assumedKeyPolicy,
  checkPassed,
  proveIntegration,
  serviceActions,
  type ActionSample,
  type IntegrationProofInput,
} from "../../tools/proof/integrationProof";
import { ProofSetupError } from "../../tools/proof/simulator";

const owner = "111122223333";
const externalId = "Vendor-Issued-ExternalId-7f3a";

function integration(
  vendor: string,
  extra: Record<string, unknown> = {},
  bucket: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    accountId: owner,
    integrations: [
      {
        name: `${vendor}-m`,
        vendor,
        buckets: [{ name: "team-data", region: "us-east-1", prefix: "exports/", ...bucket }],
        ...extra,
      },
    ],
  };
}

/** The proof input for the stack's only integration, deep-copied so a test may break any document in it. */
function proofInput(raw: Record<string, unknown>, sample?: ActionSample): IntegrationProofInput {
  const config = parseStackConfig(raw);
  const { plans, buckets, keyPolicies } = planStack(config, "mutations");
  // The documents are copied; the profile (with its config schemas) is shared and never edited.
  const plan = {
    ...plans[0],
    permissionPolicies: structuredClone(plans[0].permissionPolicies),
    buckets: structuredClone(plans[0].buckets),
  };
  return {
    plan,
    config,
    bucketPolicies: new Map(buckets.map((b) => [b.bucket, structuredClone(mergedBucketPolicy(b))])),
    keyPolicies: new Map(keyPolicies.map((k) => [k.keyArn, structuredClone(assumedKeyPolicy(k.keyArn, k.statements))])),
    trustPolicy: trustPolicy(plan, externalId),
    externalId,
    ...(sample ? { sample } : {}),
  };
}

async function failures(input: IntegrationProofInput): Promise<string[]> {
  const proof = await proveIntegration(input);
  return proof.checks.filter((c) => !checkPassed(c)).map((c) => `${c.action} [${c.target}] ${c.actual}`);
}

function statement(document: PolicyDocument, sid: string): PolicyStatement {
  const found = document.Statement.find((s) => s.Sid?.endsWith(sid));
  assert.ok(found, `statement ${sid}`);
  return found;
}

const quick: ActionSample = { index: 0, of: 32 };

/** A sample of the S3 catalog that sweeps the given action: the mutation under test must be asked about. */
async function sampleWith(action: string): Promise<ActionSample> {
  const index = (await serviceActions("s3")).indexOf(action);
  assert.ok(index >= 0, `${action} is in the catalog`);
  return { index: index % quick.of, of: quick.of };
}
const aquarium = integration("aquarium", { principal: "123456789012" });
const isahit = integration("isahit", { principal: "999888496268", externalId });
const keyArn = `arn:aws:kms:us-east-1:${owner}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const deeplakeKms = integration("deeplake", {}, { kmsKeyArn: keyArn });
const mlspaceKms = integration("mlspace", { principal: "444455556666" }, { kmsKeyArn: keyArn });
const kmsSid = "KmsViaS3useast1";

describe("the proofs catch a broken document", () => {
  it("as it renders, every expectation holds (the baseline the mutations break)", async () => {
    for (const raw of [
      aquarium,
      isahit,
      deeplakeKms,
      mlspaceKms,
      integration("mlspace", { principal: "444455556666" }),
    ])
      assert.deepEqual(await failures(proofInput(raw, quick)), []);
  });

  it("an extra action in a read-only grant", async () => {
    const input = proofInput(aquarium, await sampleWith("s3:PutObject"));
    statement(input.plan.permissionPolicies[0], "ObjectAccess").Action.push("s3:PutObject");
    assert.deepEqual(await failures(input), ["s3:PutObject [object in prefix] Allowed"]);
  });

  it("Deep Lake's s3:*Object* instead of the exact object actions", async () => {
    const input = proofInput(integration("deeplake"), await sampleWith("s3:PutObjectAcl"));
    statement(input.plan.permissionPolicies[0], "ObjectAccess").Action = ["s3:*Object*"];
    const failed = await failures(input);
    assert.ok(failed.includes("s3:PutObjectAcl [object in prefix] Allowed"), failed.join(", "));
  });

  it("a dropped prefix on the object resource", async () => {
    const input = proofInput(aquarium, quick);
    statement(input.plan.permissionPolicies[0], "ObjectAccess").Resource = ["arn:aws:s3:::team-data/*"];
    assert.deepEqual(await failures(input), ["s3:GetObject [object outside prefix] Allowed"]);
  });

  it("a dropped s3:prefix condition on ListBucket", async () => {
    const input = proofInput(isahit, quick);
    delete statement(input.plan.permissionPolicies[0], "ListUnderPrefix1").Condition;
    const failed = await failures(input);
    assert.ok(failed.includes("s3:ListBucket [bucket, no s3:prefix] Allowed"), failed.join(", "));
    assert.ok(failed.includes("s3:ListBucket [bucket, other s3:prefix] Allowed"), failed.join(", "));
  });

  it("a trust without the ExternalId condition, or one that ignores case", async () => {
    const input = proofInput(aquarium, quick);
    delete input.trustPolicy!.Statement[0].Condition;
    assert.deepEqual(await failures(input), [
      "sts:AssumeRole [wrong ExternalId] Allowed",
      "sts:AssumeRole [no ExternalId] Allowed",
      "sts:AssumeRole [ExternalId other case] Allowed",
    ]);
    const caseless = proofInput(aquarium, quick);
    caseless.trustPolicy!.Statement[0].Condition = { StringEqualsIgnoreCase: { "sts:ExternalId": externalId } };
    assert.deepEqual(await failures(caseless), ["sts:AssumeRole [ExternalId other case] Allowed"]);
  });

  it("a KMS statement without kms:ViaService", async () => {
    const input = proofInput(deeplakeKms, quick);
    const kms = statement(input.plan.permissionPolicies[0], kmsSid);
    kms.Condition = { StringLike: kms.Condition!.StringLike };
    const failed = await failures(input);
    assert.ok(
      failed.includes("kms:Decrypt [KMS direct] Allowed") &&
        failed.includes("kms:Decrypt [KMS via S3, other region] Allowed"),
      failed.join(", "),
    );
  });

  it("a KMS statement without its encryption-context scope (which only the context check can see)", async () => {
    const input = proofInput(deeplakeKms, quick);
    const kms = statement(input.plan.permissionPolicies[0], kmsSid);
    kms.Condition = { StringEquals: kms.Condition!.StringEquals };
    const failed = await failures(input);
    for (const target of ["object outside prefix", "other bucket object", "bucket ARN"])
      for (const action of ["kms:Decrypt", "kms:GenerateDataKey"])
        assert.ok(
          failed.includes(`${action} [KMS via S3, ${target}] Allowed`),
          `${action} ${target}: ${failed.join(", ")}`,
        );
  });

  it("an MLSpace key-policy statement and vendor-side statement both without the context scope", async () => {
    const input = proofInput(mlspaceKms, quick);
    const unscoped = (s: PolicyStatement) => ({ ...s, Condition: { StringEquals: s.Condition!.StringEquals } });
    const keyPolicy = input.keyPolicies.get(keyArn)!;
    keyPolicy.Statement = keyPolicy.Statement.map((s) => (s.Sid?.endsWith("KmsViaS3") ? unscoped(s) : s));
    input.plan.permissionPolicies[0].Statement = input.plan.permissionPolicies[0].Statement.map((s) =>
      s.Sid === kmsSid ? unscoped(s) : s,
    );
    const failed = await failures(input);
    assert.ok(failed.includes("kms:Decrypt [KMS via S3, other bucket object] Allowed"), failed.join(", "));
  });

  it("an MLSpace key-policy statement for the whole account with no kms:ViaService, as a grant would be", async () => {
    const input = proofInput(mlspaceKms, quick);
    const keyPolicy = input.keyPolicies.get(keyArn)!;
    const unconditional = ({ Condition: _dropped, ...rest }: PolicyStatement): PolicyStatement => rest;
    keyPolicy.Statement = keyPolicy.Statement.map((s) => (s.Sid?.endsWith("KmsViaS3") ? unconditional(s) : s));
    input.plan.permissionPolicies[0].Statement = input.plan.permissionPolicies[0].Statement.map((s) =>
      s.Sid === kmsSid ? unconditional(s) : s,
    );
    const failed = await failures(input);
    assert.ok(failed.includes("kms:Decrypt [KMS direct] Allowed"), failed.join(", "));
  });

  it("an access-point wildcard in the identity policy reaches another access point", async () => {
    const input = proofInput(isahit, quick);
    const objects = statement(input.plan.permissionPolicies[0], "ObjectAccess");
    const point = input.plan.buckets[0].accessPoint!.arn;
    objects.Resource = objects.Resource!.map((r) =>
      r.startsWith(point) ? `${accessPointArn("us-east-1", owner, "*")}/object/exports/*` : r,
    );
    assert.deepEqual(await failures(input), ["s3:GetObject [other AP object] Allowed"]);
  });

  it("an MLSpace bucket statement open to every principal", async () => {
    const input = proofInput(integration("mlspace", { principal: "444455556666" }), quick);
    const policy = input.bucketPolicies.get("team-data")!;
    policy.Statement = policy.Statement.map((s) => ({ ...s, Principal: "*" as const }));
    const failed = await failures(input);
    assert.ok(failed.includes("s3:GetObject [other account, same policy] Allowed"), failed.join(", "));
  });

  it('a bucket.id slip ("data/*") stops the proof instead of passing it', async () => {
    const input = proofInput(aquarium, quick);
    statement(input.plan.permissionPolicies[0], "ObjectAccess").Resource = ["team-data/*"];
    await assert.rejects(
      proveIntegration(input),
      (error: Error) => error instanceof ProofSetupError && /"team-data\/\*" is not an ARN/.test(error.message),
    );
  });
});
