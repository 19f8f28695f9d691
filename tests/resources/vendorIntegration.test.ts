import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { PlanError } from "../../model/plan";
import { isSecretWrapper } from "../../tools/mockEngine";
import { documentProp, onlyOfType, ofType, runProgram, stackConfig, testOwnerKey } from "../helpers/program";
import { denyInsecureTransport } from "../helpers/statements";

const aquarium = (buckets: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  name: "aquarium-labels",
  vendor: "aquarium",
  principal: "123456789012",
  buckets,
  ...extra,
});
const mlspace = (buckets: Record<string, unknown>[]) => ({
  name: "mlspace-shared",
  vendor: "mlspace",
  principal: "444455556666",
  buckets,
});
const aihub = (buckets: Record<string, unknown>[]) => ({
  name: "aihub-drive",
  vendor: "aihub",
  principal: "arn:aws:iam::777788889999:role/aihub",
  externalId: "aihub-0001",
  buckets,
});

describe("VendorIntegration", () => {
  it("is a VendorIntegration made of a RoleTrust, each resource under its parent, and no BucketGrant where the vendor has nothing on the bucket side", async () => {
    const { resources } = await runProgram(
      stackConfig([
        aquarium([
          { name: "images-a", region: "us-west-2" },
          { name: "images-b", region: "us-east-1" },
        ]),
      ]),
    );
    const integration = onlyOfType(resources, "vendor-access:index:VendorIntegration");
    assert.equal(integration.name, "aquarium-labels");
    assert.equal(integration.parent, null);
    assert.equal(onlyOfType(resources, "vendor-access:index:RoleTrust").parent, "aquarium-labels");
    // Aquarium reads through its role alone: no access point and no KMS grant on the bucket's side.
    assert.deepEqual(ofType(resources, "vendor-access:index:BucketGrant"), []);
    assert.equal(onlyOfType(resources, "aws:iam/role:Role").parent, "aquarium-labels");
    assert.equal(onlyOfType(resources, "aws:iam/rolePolicy:RolePolicy").parent, "aquarium-labels");
    const tags = onlyOfType(resources, "aws:iam/role:Role").props.tags;
    assert.deepEqual(tags, {
      "vendor-access:integration": "aquarium-labels",
      "vendor-access:vendor": "aquarium",
      "vendor-access:stack": "test",
    });
  });

  it("puts an integration's access points on all its buckets under one BucketGrant, and hands each bucket its access point", async () => {
    const isahit = {
      name: "isahit-lab",
      vendor: "isahit",
      principal: "999888496268",
      externalId: "a6fa9c7f-7f53-4a41-812d-a29f48288a94",
      buckets: [
        { name: "frames-a", region: "eu-west-3" },
        { name: "frames-b", region: "eu-west-1" },
      ],
    };
    const { resources, result } = await runProgram(stackConfig([isahit]));
    const grant = onlyOfType(resources, "vendor-access:index:BucketGrant");
    assert.equal(grant.name, "isahit-lab");
    assert.equal(grant.parent, "isahit-lab");
    const accessPoints = ofType(resources, "aws:s3/accessPoint:AccessPoint");
    assert.deepEqual(
      accessPoints.map((ap) => [ap.parent, ap.props.bucket, ap.props.region]),
      [
        ["isahit-lab", "frames-a", "eu-west-3"],
        ["isahit-lab", "frames-b", "eu-west-1"],
      ],
    );
    assert.deepEqual(
      result.handoffs["isahit-lab"].buckets.map((b) => [b.name, b.accessPointArn]),
      accessPoints.map((ap) => [ap.props.bucket, ap.state.arn]),
    );
  });

  it("merges two integrations on one bucket into one bucket policy holding both integrations' statements (exclusive mode)", async () => {
    const bucket = { name: "ml-datasets", region: "us-east-1", bucketPolicyMode: "exclusive" };
    const { resources } = await runProgram(
      stackConfig([mlspace([{ ...bucket, prefix: "mlspace/" }]), aihub([{ ...bucket, prefix: "aihub/" }])]),
    );
    const policy = onlyOfType(resources, "aws:s3/bucketPolicy:BucketPolicy");
    assert.equal(policy.props.bucket, "ml-datasets");
    assert.equal(policy.props.region, "us-east-1");
    assert.deepEqual(
      documentProp(policy, "policy").Statement.map((s) => s.Sid),
      [
        `mlspace-shared--${testOwnerKey}--ObjectAccess`,
        `mlspace-shared--${testOwnerKey}--ListUnderPrefix1`,
        `aihub-drive--${testOwnerKey}--ObjectAccess`,
        `aihub-drive--${testOwnerKey}--ListUnderPrefix1`,
        `aihub-drive--${testOwnerKey}--BucketAccess`,
      ],
    );
  });

  it("keeps an exclusive bucket's baseline statements in the policy it owns", async () => {
    const baseline = denyInsecureTransport("ml-datasets");
    const { resources } = await runProgram(
      stackConfig([
        mlspace([
          { name: "ml-datasets", region: "us-east-1", bucketPolicyMode: "exclusive", baselineStatements: [baseline] },
        ]),
      ]),
    );
    const statements = documentProp(onlyOfType(resources, "aws:s3/bucketPolicy:BucketPolicy"), "policy").Statement;
    assert.deepEqual(statements[0], baseline);
    assert.equal(statements.length, 3);
  });

  it("does not touch the role on an unrelated change: access, buckets, prefixes and KMS change only the policies", async () => {
    const before = await runProgram(stackConfig([aihub([{ name: "intake", region: "eu-west-1" }])]));
    const after = await runProgram(
      stackConfig(
        [
          aihub([
            { name: "intake", region: "eu-west-1", prefix: "drive/" },
            {
              name: "archive",
              region: "us-east-1",
              kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            },
          ]),
        ].map((i) => ({ ...i, access: "read" })),
      ),
    );
    const role = (run: typeof before) => onlyOfType(run.resources, "aws:iam/role:Role");
    assert.deepEqual(role(after).props, role(before).props);
    assert.equal(role(after).urn, role(before).urn);
    assert.notDeepEqual(
      onlyOfType(after.resources, "aws:iam/rolePolicy:RolePolicy").props.policy,
      onlyOfType(before.resources, "aws:iam/rolePolicy:RolePolicy").props.policy,
    );
  });

  it("keeps the generated ExternalId, the trust policy and the access key secret", async () => {
    const { resources } = await runProgram(stackConfig([aquarium([{ name: "images", region: "us-west-2" }])]));
    const role = onlyOfType(resources, "aws:iam/role:Role");
    assert.ok(isSecretWrapper(role.props.assumeRolePolicy), "the trust embeds the ExternalId and is sent as a secret");
    await runProgram(stackConfig([aquarium([{ name: "images", region: "us-west-2" }])]), {
      inspect: async (outputs) => {
        assert.equal(await pulumi.isSecret(outputs.handoffs["aquarium-labels"].externalId!), true);
        assert.equal(await pulumi.isSecret(outputs.handoffs["aquarium-labels"].roleArn!), false);
      },
    });
  });

  it("fails before creating anything when the credentials belong to another account", async () => {
    await assert.rejects(
      runProgram(stackConfig([aquarium([{ name: "images", region: "us-west-2" }])]), {
        callerAccountId: "999999999999",
      }),
      (error: unknown) =>
        error instanceof PlanError &&
        /credentials are for account 999999999999, but config vendor-access:accountId is 111122223333/.test(
          error.message,
        ),
    );
  });

  it("registers nothing when config is invalid", async () => {
    const recorded: string[] = [];
    let failure: unknown;
    const { resources } = await runProgram(stackConfig([aquarium([{ name: "Bad_Bucket", region: "us-west-2" }])]), {
      inspect: async () => void recorded.push("deployed"),
      catchFailure: (error) => (failure = error),
    });
    assert.match(String(failure), /Bad_Bucket/);
    assert.deepEqual(recorded, []);
    assert.deepEqual(resources, []);
  });
});

describe("VendorIntegration names", () => {
  it("never gives two integrations' children the same name (x on yy-zzz against x-yy on zzz)", async () => {
    const bucket = (name: string) => ({ name, region: "us-west-2" });
    const { resources } = await runProgram(
      stackConfig([
        { name: "x", vendor: "aquarium", principal: "123456789012", buckets: [bucket("yy-zzz")] },
        { name: "x-yy", vendor: "aquarium", principal: "123456789012", buckets: [bucket("zzz")] },
      ]),
    );
    const urns = resources.map((r) => r.urn);
    assert.equal(
      new Set(urns).size,
      urns.length,
      `duplicate URNs: ${urns.filter((u, i) => urns.indexOf(u) !== i).join(", ")}`,
    );
  });
});
