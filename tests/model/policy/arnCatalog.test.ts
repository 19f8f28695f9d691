// Every rendered ARN parses and is a resource type its statement's actions take, per the IAM catalog.
import { strict as assert } from "node:assert";
import { parseStackConfig } from "../../../model/config";
import { arnProblems, catalogResourceType, principalProblem } from "../../../model/policy/arnCatalog";
import { allow, policyDocument } from "../../../model/policy/document";
import { PlanError, trustPolicy } from "../../../model/plan";
import { planStack } from "../../../model/stackPlan";
import { assertDocumentsMatchCatalog } from "../../../program/preflight";
import { loadStackFile, stackConfigOf } from "../../../tools/stackFile";
import { proofCases } from "../../proofs/proofCases";

const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const point = "arn:aws:s3:us-west-2:111122223333:accesspoint/vendor-point";

async function typeOf(arn: string, alsoIn: string[] = []): Promise<string | undefined> {
  const type = await catalogResourceType(arn, alsoIn);
  return type && `${type.service}:${type.name}`;
}

describe("model/policy/arnCatalog: ARNs against the catalog's resource types", () => {
  it("names the most specific resource type of each ARN the program renders", async () => {
    assert.equal(await typeOf("arn:aws:s3:::team-data"), "s3:bucket");
    assert.equal(await typeOf("arn:aws:s3:::team-data/exports/*"), "s3:object");
    assert.equal(await typeOf(point), "s3:accesspoint");
    assert.equal(await typeOf(`${point}/object/exports/*`), "s3:accesspointobject");
    assert.equal(await typeOf(key), "kms:key");
    assert.equal(await typeOf("arn:aws-cn:s3:::team-data"), "s3:bucket");
    assert.equal(await typeOf("arn:aws:iam::111122223333:role/path/vendor-role"), "iam:role");
    assert.equal(await typeOf("arn:aws:iam::111122223333:root", ["sts"]), "sts:root-user");
    assert.equal(
      await typeOf("arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/olap"),
      "s3-object-lambda:objectlambdaaccesspoint",
    );
  });

  it("finds no type for what is not an ARN, or names a partition, region or account that does not exist", async () => {
    for (const bad of [
      "data/*",
      "team-data",
      "arn:aws:s3:::",
      "arn:awz:s3:::team-data",
      "arn:aws:kms:us-west-9:111122223333:key/1234",
      "arn:aws-cn:kms:us-east-1:111122223333:key/1234",
      "arn:aws:kms:us-east-1:1111:key/1234",
      "arn:aws:kms:us-east-1:111122223333:keys/1234",
      "arn:aws:nosuchservice:us-east-1:111122223333:thing/1",
    ]) {
      assert.equal(await typeOf(bad), undefined, bad);
    }
  });

  it("accepts principals that are account IDs, *, or an account root, role or user ARN, and nothing else", async () => {
    for (const good of [
      "123456789012",
      "*",
      "arn:aws:iam::123456789012:root",
      "arn:aws:iam::123456789012:role/aihub-connector",
      "arn:aws:iam::123456789012:user/uploader",
    ]) {
      assert.equal(await principalProblem(good), undefined, good);
    }
    assert.match((await principalProblem("vendor-role"))!, /not an ARN, an account ID or "\*"/);
    assert.match(
      (await principalProblem("arn:aws:s3:::team-data"))!,
      /not an IAM account root, role or user ARN \(catalog type: s3:bucket\)/,
    );
    assert.match(
      (await principalProblem("arn:aws:iam::123456789012:group/admins"))!,
      /not an IAM account root, role or user ARN/,
    );
  });

  it("reports a resource of the wrong type for its statement's actions", async () => {
    const problems = await arnProblems([
      policyDocument([
        allow({ sid: "ObjectOnBucket", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::team-data"] }),
        allow({ sid: "ListOnObjects", actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::team-data/*"] }),
        allow({ sid: "KeyActionOnBucket", actions: ["kms:Decrypt"], resources: ["arn:aws:s3:::team-data"] }),
        allow({ sid: "WildcardOnly", actions: ["s3:ListAllMyBuckets"], resources: ["arn:aws:s3:::team-data"] }),
        allow({ sid: "IdInsteadOfArn", actions: ["s3:GetObject"], resources: ["team-data/*"] }),
        allow({ sid: "Fine", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::team-data/*", `${point}/object/*`] }),
      ]),
    ]);
    assert.deepEqual(problems, [
      "statement ObjectOnBucket: arn:aws:s3:::team-data is a s3:bucket, but s3:GetObject takes s3:accesspointobject, s3:object",
      "statement ListOnObjects: arn:aws:s3:::team-data/* is a s3:object, but s3:ListBucket takes s3:accesspoint, s3:bucket",
      "statement KeyActionOnBucket: arn:aws:s3:::team-data is a s3:bucket, but kms:Decrypt takes kms:key",
      'statement WildcardOnly: arn:aws:s3:::team-data is a s3:bucket, but s3:ListAllMyBuckets takes only Resource "*"',
      'statement IdInsteadOfArn: "team-data/*" is not an ARN of any resource type in the IAM catalog',
    ]);
  });

  it("passes every document the example stacks and the generated proof configs render", async () => {
    const configs = [
      ...["dev", "prod"].map((stack) => ({ config: stackConfigOf(loadStackFile({ stack })), stack })),
      ...proofCases().map((c) => ({ config: parseStackConfig(c.raw), stack: "proofs" })),
    ];
    for (const { config, stack } of configs) {
      const { plans } = planStack(config, stack);
      const documents = plans.flatMap((plan) => [
        ...plan.permissionPolicies,
        ...plan.buckets.flatMap((b) => [
          policyDocument(b.statements),
          ...(b.accessPoint ? [b.accessPoint.policy] : []),
        ]),
        ...(plan.principalType === "role" ? [trustPolicy(plan, "x".repeat(48))!] : []),
      ]);
      assert.deepEqual(
        await arnProblems(documents),
        [],
        `${stack}: ${config.integrations.map((i) => i.name).join(", ")}`,
      );
    }
  });

  it("fails synth with a PlanError on a bucket statement that names a bucket by name instead of ARN", async () => {
    const { plans } = planStack(
      parseStackConfig({
        accountId: "111122223333",
        integrations: [
          {
            name: "mlspace-shared",
            vendor: "mlspace",
            principal: "444455556666",
            buckets: [{ name: "team-data", region: "us-east-1" }],
          },
        ],
      }),
      "catalog",
    );
    const grant = plans[0].buckets[0];
    const slipped = {
      ...plans[0],
      buckets: [
        {
          ...grant,
          statements: grant.statements.map((s) => ({
            ...s,
            Resource: s.Resource!.map((r) => r.replace("arn:aws:s3:::", "")),
          })),
        },
      ],
    };
    await assert.rejects(
      assertDocumentsMatchCatalog([slipped]),
      (error: Error) =>
        error instanceof PlanError &&
        /ARNs that do not match the IAM catalog's resource types:\n {2}- statement mlspace-shared--[0-9a-f]{10}--ObjectAccess: "team-data\/\*" is not an ARN/.test(
          error.message,
        ),
    );
  });
});
