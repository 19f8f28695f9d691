// The render from the plan against the real program under the SDK's mocks: for every stack file in the repository
// and for generated configs, both renders must agree resource by resource (type, name, parent, inputs), and in their
// integrations, buckets, handoffs and policy violations.
import assert from "node:assert/strict";
import { basename, resolve } from "node:path";
import { benchStackName, generateStack } from "../../bench/configGenerator";
import { renderFromPlan, type Render } from "../../tools/render";
import { renderUnderMocks } from "../../tools/renderMocks";
import { planStack } from "../../model/stackPlan";
import { sharedBucketContextOf } from "../../model/resourceSpecs";
import { ownerKeyFor, selfManagedOrganization } from "../../model/sharedDocuments/ownership";
import { renderSpecs } from "../../tools/renderSpecs";
import { loadStackFile, stackConfigOf, type StackFile } from "../../tools/stackFile";
import { testAccount } from "../helpers/program";
import { denyInsecureTransport } from "../helpers/statements";

const repositoryStackFiles = [
  loadStackFile({ stack: "dev" }),
  loadStackFile({ stack: "prod" }),
  loadStackFile({ configFile: resolve(__dirname, "../fixtures/policypack-bad-stack.yaml") }),
];

function generatedStackFile(stack: string, config: Record<string, string>): StackFile {
  return {
    project: "vendor-access",
    stack,
    path: `(generated ${stack})`,
    // Generated stacks give ExternalIds in plain text, as example stacks may.
    config: { "vendor-access:example": "true", ...config },
    secretKeys: [],
    secretPaths: [],
    secretPlaceholders: [],
  };
}

function configMap(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries([
    ["aws:region", "us-east-1"],
    ...Object.entries(raw).map(([key, value]) => [
      `vendor-access:${key}`,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  ]);
}

const kmsKey = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const baseline = denyInsecureTransport("owned-exports");

/** Exclusive buckets with baseline statements, an access-key integration, CORS, a named access point, KMS, coordination. */
const modesStack = generatedStackFile(
  "modes",
  configMap({
    accountId: testAccount,
    coordination: { bucket: "vendor-access-coordination", region: "us-east-1" },
    integrations: [
      {
        name: "aihub-keys",
        vendor: "aihub",
        auth: "accessKey",
        buckets: [
          {
            name: "owned-exports",
            region: "us-east-1",
            prefix: "aihub/",
            bucketPolicyMode: "exclusive",
            baselineStatements: [baseline],
          },
        ],
      },
      {
        name: "isahit-lab",
        vendor: "isahit",
        principal: "arn:aws:iam::999888496268:root",
        externalId: "isahit-issued-0001",
        cors: { origins: ["https://lab.isahit.com"] },
        buckets: [
          { name: "owned-exports", region: "us-east-1", bucketPolicyMode: "exclusive" },
          { name: "shared-images", region: "us-west-2", prefix: "batch/", accessPointName: "isahit-named-point" },
        ],
      },
      {
        name: "mlspace-ml",
        vendor: "mlspace",
        principal: "444455556666",
        buckets: [{ name: "shared-images", region: "us-west-2", kmsKeyArn: kmsKey.replace("us-east-1", "us-west-2") }],
      },
      {
        name: "deeplake-gen",
        vendor: "deeplake",
        buckets: [{ name: "deeplake-data", region: "us-east-1", kmsKeyArn: kmsKey }],
      },
    ],
  }),
);

const allVendorsStack = generatedStackFile(benchStackName, generateStack(5, 6).configMap);

function byResource(render: Render): Map<string, Render["resources"][number]> {
  return new Map(render.resources.map((resource) => [`${resource.type} ${resource.name}`, resource]));
}

async function assertSameRender(stackFile: StackFile, options: { liveBucketPolicies?: Record<string, string> } = {}) {
  const fromPlan = await renderFromPlan(stackFile, options);
  const underMocks = await renderUnderMocks(stackFile, options);
  const planned = byResource(fromPlan);
  const registered = byResource(underMocks);
  assert.deepEqual([...planned.keys()].sort(), [...registered.keys()].sort(), "the same resources, by type and name");
  for (const [key, resource] of registered) assert.deepEqual(planned.get(key), resource, key);
  assert.deepEqual({ ...fromPlan, resources: [] }, { ...underMocks, resources: [] });
  return fromPlan;
}

describe("render from the plan", function () {
  // Each case runs the whole program under the SDK's mocks as well, which is slow on a busy machine.
  this.timeout(180000);

  for (const stackFile of repositoryStackFiles)
    it(`equals the program's registrations under mocks for ${basename(stackFile.path)}`, async () => {
      const render = await assertSameRender(stackFile);
      assert.ok(render.resources.length > 0);
    });

  it("equals them for all five vendors sharing buckets, with prefixes and KMS keys", async () => {
    const render = await assertSameRender(allVendorsStack);
    // KMS for the MLSpace account: one key-policy resource per key, never a grant.
    assert.ok(render.resources.some((r) => r.props.resourceKind === "vendor-access:KeyPolicyEntries"));
    assert.ok(!render.resources.some((r) => r.type === "aws:kms/grant:Grant"));
    assert.ok(render.resources.some((r) => r.type === "random:index/randomPassword:RandomPassword"));
  });

  it("equals them for exclusive buckets, an access key, CORS, a named access point, a generated ExternalId and a coordination bucket", async () => {
    const render = await assertSameRender(modesStack);
    const types = new Set(render.resources.map((r) => r.type));
    for (const type of [
      "aws:s3/bucketPolicy:BucketPolicy",
      "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
      "aws:iam/accessKey:AccessKey",
      "aws:s3/accessPoint:AccessPoint",
    ])
      assert.ok(types.has(type), type);
  });

  it("keeps each access point at the URN the per-bucket BucketGrants of 0.1 gave it, so live stacks keep them", () => {
    const config = stackConfigOf(modesStack);
    const ownerKey = ownerKeyFor(selfManagedOrganization, modesStack.project, modesStack.stack);
    const context = sharedBucketContextOf(config, ownerKey, []);
    const { resources } = renderSpecs(planStack(config, modesStack.stack, ownerKey), modesStack, context);
    const grants = resources.filter((r) => r.type === "vendor-access:index:BucketGrant");
    assert.deepEqual(
      grants.map((r) => [r.name, r.parent]),
      [["isahit-lab", "isahit-lab"]],
    );
    // A URN names its parents' type tokens, not their names: one BucketGrant per integration leaves them unchanged.
    const types =
      "vendor-access:index:VendorIntegration$vendor-access:index:BucketGrant$aws:s3/accessPoint:AccessPoint";
    assert.deepEqual(
      resources.filter((r) => r.type === "aws:s3/accessPoint:AccessPoint").map((r) => r.urn),
      ["owned-exports", "shared-images"].map(
        (bucket) => `urn:pulumi:modes::vendor-access::${types}::isahit-lab--${bucket}-access-point`,
      ),
    );
  });

  it("keeps secrets out: vendor ExternalIds, generated ones and access keys show as [secret]", async () => {
    const render = await renderFromPlan(modesStack);
    const text = JSON.stringify(render);
    assert.ok(!text.includes("isahit-issued-0001"));
    const role = render.resources.find((r) => r.name === "isahit-lab-role")!;
    assert.match(String(role.props.assumeRolePolicy), /"sts:ExternalId":"\[secret\]"/);
    const deeplake = render.integrations.find((i) => i.name === "deeplake-gen")!;
    assert.deepEqual((deeplake.handoff as { externalId: string }).externalId, "[secret]");
    const keys = render.integrations.find((i) => i.name === "aihub-keys")!.handoff as Record<string, string>;
    assert.equal(keys.accessKeyId, "[secret]");
    assert.equal(keys.secretAccessKey, "[secret]");
  });

  it("registers no BucketGrant for an integration with nothing on a bucket's side", async () => {
    const render = await renderFromPlan(modesStack);
    // deeplake reads through its own role: no access point, statement, CORS rule or KMS grant on the bucket.
    assert.equal(render.resources.filter((r) => r.name.startsWith("deeplake-gen--")).length, 0);
  });
});
