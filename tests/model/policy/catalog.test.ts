// Every action a profile or a rendered document names is checked against the IAM catalog, in error mode.
import { strict as assert } from "node:assert";
import { parseStackConfig } from "../../../model/config";
import { unknownActions } from "../../../model/policy/catalog";
import { PlanError } from "../../../model/plan";
import { planStack } from "../../../model/stackPlan";
import { assertDocumentsMatchCatalog } from "../../../program/preflight";
import { builtInVendors } from "../../../model/vendors";

const aihubStack = {
  accountId: "111122223333",
  integrations: [
    {
      name: "aihub-drive",
      vendor: "aihub",
      principal: "arn:aws:iam::777788889999:role/aihub-connector",
      externalId: "aihub-issued-0001",
      buckets: [{ name: "team-data", region: "us-east-1", prefix: "aihub/" }],
    },
  ],
};

describe("model/policy/catalog: actions against the IAM catalog", () => {
  it("rejects AI Hub's s3:PutObjectVersion, which is not an IAM action", async () => {
    assert.deepEqual(await unknownActions(["s3:PutObject", "s3:PutObjectVersion", "s3:GetObjectVersion"]), [
      "s3:PutObjectVersion",
    ]);
  });

  it("rejects misspellings, wildcards and malformed names, and accepts IAM's case-insensitive spelling", async () => {
    assert.deepEqual(await unknownActions(["s3:GetObjcet", "s3:*Object*", "s3", "kms:decrypt", "S3:GETOBJECT"]), [
      "s3:GetObjcet",
      "s3:*Object*",
      "s3",
    ]);
  });

  it("knows every action of every vendor profile at every access level", async () => {
    const actions = builtInVendors.flatMap((profile) =>
      Object.values(profile.access.levels).flatMap((set) => [...set!.bucket, ...set!.object, ...set!.kms]),
    );
    assert.ok(actions.length > 30);
    assert.deepEqual(await unknownActions(actions), []);
  });

  it("fails synth with a PlanError when a rendered document names an action the catalog does not know", async () => {
    const { plans } = planStack(parseStackConfig(aihubStack), "catalog");
    await assertDocumentsMatchCatalog(plans);
    const objectStatement = plans[0].permissionPolicies[0].Statement.find((s) => s.Sid === "ObjectAccess")!;
    const withSeedAction = {
      ...plans[0],
      permissionPolicies: [
        {
          ...plans[0].permissionPolicies[0],
          Statement: [{ ...objectStatement, Action: [...objectStatement.Action, "s3:PutObjectVersion"] }],
        },
      ],
    };
    await assert.rejects(
      assertDocumentsMatchCatalog([withSeedAction]),
      (error: Error) => error instanceof PlanError && /not IAM actions .*: s3:PutObjectVersion$/.test(error.message),
    );
  });
});
