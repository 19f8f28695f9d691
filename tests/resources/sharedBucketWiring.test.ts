// How BucketGrant, ExclusiveBucketDocuments and deployVendorAccess wire the two bucket policy modes, under mocks.
import * as assert from "node:assert/strict";
import { PlanError } from "../../model/plan";
import type { RecordedResource } from "../../tools/mockEngine";
import { runProgram, type RunOptions } from "../helpers/program";
import { ownerKeyFor } from "../../model/sharedDocuments/ownership";
import { sharedDocumentProviderVersion } from "../../providers/sharedDocumentProvider";
import { componentTypes } from "../../model/resourceSpecs";
import { uncoordinatedWarning } from "../../program/preflight";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport } from "../helpers/statements";

/** The mocks' organisation, project and stack, as the program hashes them. */
const key = ownerKeyFor("organization", "vendor-access", "dev");

const account = "111122223333";
const dynamicType = "pulumi-nodejs:dynamic:Resource";
const denyInsecure = denyInsecureTransport("ml-datasets");

function integrations(bucket: Record<string, unknown>) {
  return [
    {
      name: "mlspace-shared",
      vendor: "mlspace",
      principal: "444455556666",
      buckets: [{ ...bucket, prefix: "mlspace/" }],
    },
    {
      name: "isahit-annotation",
      vendor: "isahit",
      principal: "999888496268",
      externalId: "isahit-issued-0001",
      buckets: [{ ...bucket, prefix: "to-annotate/" }],
    },
  ];
}

async function run(raw: Record<string, unknown>, options: RunOptions = {}): Promise<RecordedResource[]> {
  return (await runProgram(raw, { ...options, stack: "dev", callerAccountId: account })).resources;
}

const ofKind = (resources: RecordedResource[], kind: string) =>
  resources.filter((r) => r.type === dynamicType && r.props.resourceKind === kind);
const ofType = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);

describe("sharedBucket wiring: shared mode (the default)", () => {
  let resources: RecordedResource[];
  before(async function () {
    this.timeout(60000);
    resources = await run({
      accountId: account,
      integrations: integrations({ name: "ml-datasets", region: "us-east-1" }),
    });
  });

  it("registers one BucketPolicyEntries per bucket for the whole stack, Sids carrying the stack's owner key", () => {
    const statements = ofKind(resources, "vendor-access:BucketPolicyEntries");
    assert.deepEqual(
      statements.map((r) => [r.name, r.parent]),
      [["bucket-ml-datasets-policy-entries", null]],
    );
    const { __provider: code, ...props } = statements[0].props;
    assert.equal(typeof code, "string");
    // No aws:* settings in this stack: the default credential chain, as the AWS provider would use.
    assert.deepEqual(props.aws, { assumeRoles: [], endpoints: {} });
    assert.deepEqual(Object.keys(props).sort(), [
      "aws",
      "bucket",
      "legacy",
      "ownerKey",
      "providerVersion",
      "region",
      "resourceKind",
      "statements",
    ]);
    assert.equal(props.bucket, "ml-datasets");
    assert.equal(props.region, "us-east-1");
    assert.equal(props.ownerKey, key);
    assert.equal(props.providerVersion, sharedDocumentProviderVersion);
    assert.deepEqual(props.legacy, [
      { from: "mlspace-shared--dev", to: `mlspace-shared--${key}` },
      { from: "isahit-annotation--dev", to: `isahit-annotation--${key}` },
    ]);
    const list = props.statements as Record<string, unknown>[];
    assert.deepEqual(
      list.map((s) => s.Sid),
      [`mlspace-shared--${key}--ObjectAccess`, `mlspace-shared--${key}--ListUnderPrefix1`],
    );
    assert.deepEqual(list[0].Principal, { AWS: "arn:aws:iam::444455556666:root" });
  });

  it("registers one BucketCorsEntries per bucket for the whole stack, rule IDs carrying the owner key", () => {
    const cors = ofKind(resources, "vendor-access:BucketCorsEntries");
    assert.deepEqual(
      cors.map((r) => [r.name, r.parent]),
      [["bucket-ml-datasets-cors-entries", null]],
    );
    const { __provider: _code, ...props } = cors[0].props;
    assert.equal(props.ownerKey, key);
    assert.deepEqual(
      (props.rules as Record<string, unknown>[]).map((r) => [r.ID, r.AllowedMethods, r.AllowedOrigins]),
      [[`isahit-annotation--${key}`, ["GET"], ["https://lab.isahit.com", "https://work.isahit.com"]]],
    );
  });

  it("passes the coordination bucket from config to every shared-document resource", async function () {
    this.timeout(60000);
    const coordination = { bucket: "acme-vendor-access-coordination", region: "eu-west-1" };
    const again = await run({
      accountId: account,
      coordination,
      integrations: integrations({ name: "ml-datasets", region: "us-east-1" }),
    });
    const documents = again.filter((r) => r.type === dynamicType);
    assert.equal(documents.length, 2);
    for (const resource of documents) assert.deepEqual(resource.props.coordination, coordination);
  });

  it("makes the bucket policy wait for the roles its statements name, and only those", async function () {
    this.timeout(60000);
    const aihub = {
      name: "aihub-drive",
      vendor: "aihub",
      auth: "role",
      principal: "arn:aws:iam::777788889999:role/aihub-connector",
      externalId: "aihub-issued-external-id-0001",
      buckets: [{ name: "ml-datasets", region: "us-east-1", prefix: "aihub/" }],
    };
    const withRole = await run({
      accountId: account,
      integrations: [...integrations({ name: "ml-datasets", region: "us-east-1" }), aihub],
    });
    const [policy] = ofKind(withRole, "vendor-access:BucketPolicyEntries");
    assert.deepEqual(policy.dependsOn, [`${componentTypes.vendorIdentity}::aihub-drive`]);
    // The role it waits for is the one its statement names.
    const role = withRole.find((r) => r.type === "aws:iam/role:Role" && r.parent === "aihub-drive")!;
    const named = (policy.props.statements as { Sid: string; Principal: { AWS: string } }[]).filter((s) =>
      s.Sid.startsWith(`aihub-drive--${key}--`),
    );
    assert.ok(named.length > 0);
    for (const statement of named)
      assert.equal(statement.Principal.AWS, `arn:aws:iam::${account}:role/${role.props.name}`);
    assert.deepEqual(ofKind(withRole, "vendor-access:BucketCorsEntries")[0].dependsOn, []);
    // Without a role among its principals (MLSpace names the vendor's account), it waits for nothing.
    assert.deepEqual(ofKind(resources, "vendor-access:BucketPolicyEntries")[0].dependsOn, []);
  });

  it("warns once per stack, not per bucket, when shared buckets are written without coordination", async function () {
    this.timeout(60000);
    const warnings: string[] = [];
    const log = pulumi.log as { warn: typeof pulumi.log.warn };
    const original = log.warn;
    log.warn = async (message: string) => void warnings.push(message);
    try {
      const threeBuckets = ["ml-datasets", "ml-archive", "ml-exports"].map((name) => ({ name, region: "us-east-1" }));
      const raw = {
        accountId: account,
        integrations: integrations({}).map((i) => ({
          ...i,
          buckets: threeBuckets.map((b) => ({ ...b, prefix: i.buckets[0].prefix })),
        })),
      };
      const uncoordinated = await run(raw);
      assert.equal(ofKind(uncoordinated, "vendor-access:BucketPolicyEntries").length, 3);
      assert.deepEqual(warnings, [uncoordinatedWarning]);
      warnings.length = 0;
      await run({ ...raw, coordination: { bucket: "acme-vendor-access-coordination", region: "eu-west-1" } });
      assert.deepEqual(warnings, []);
    } finally {
      log.warn = original;
    }
  });

  it("registers no whole-document resource, so nothing else on the bucket is replaced", () => {
    assert.deepEqual(ofType(resources, "aws:s3/bucketPolicy:BucketPolicy"), []);
    assert.deepEqual(ofType(resources, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration"), []);
    assert.deepEqual(ofType(resources, "vendor-access:index:BucketDocuments"), []);
  });

  it("never reads the live policy: shared mode preserves it whatever it holds", async function () {
    this.timeout(60000);
    const live = JSON.stringify({ Version: "2012-10-17", Statement: [denyInsecure] });
    const again = await run(
      { accountId: account, integrations: integrations({ name: "ml-datasets", region: "us-east-1" }) },
      { liveBucketPolicies: { "ml-datasets": live }, preview: true },
    );
    assert.equal(ofKind(again, "vendor-access:BucketPolicyEntries").length, 1);
  });
});

describe("sharedBucket wiring: exclusive mode", () => {
  const exclusive = { name: "ml-datasets", region: "us-east-1", bucketPolicyMode: "exclusive" };
  const withBaseline = (bucket: Record<string, unknown>) => {
    const [mlspace, isahit] = integrations(bucket);
    return [{ ...mlspace, buckets: [{ ...mlspace.buckets[0], baselineStatements: [denyInsecure] }] }, isahit];
  };

  it("registers the stack's ExclusiveBucketDocuments with an aws BucketPolicy holding the baseline and our statements, and no dynamic resources", async function () {
    this.timeout(60000);
    const resources = await run({ accountId: account, integrations: withBaseline(exclusive) });
    const policy = ofType(resources, "aws:s3/bucketPolicy:BucketPolicy");
    assert.equal(policy.length, 1);
    assert.equal(policy[0].parent, "bucket-ml-datasets");
    const document = JSON.parse(String(policy[0].props.policy));
    assert.deepEqual(document.Statement[0], denyInsecure);
    assert.deepEqual(
      document.Statement.slice(1).map((s: { Sid: string }) => s.Sid),
      [`mlspace-shared--${key}--ObjectAccess`, `mlspace-shared--${key}--ListUnderPrefix1`],
    );
    const cors = ofType(resources, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration");
    assert.deepEqual(
      (cors[0].props.corsRules as { id: string }[]).map((r) => r.id),
      [`isahit-annotation--${key}`],
    );
    assert.deepEqual(
      resources.filter((r) => r.type === dynamicType),
      [],
    );
  });

  it("fails the preview before registering anything, listing the live statements the stack would drop", async function () {
    this.timeout(60000);
    const customerRead = {
      Sid: "CustomerAnalyticsRead",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::210987654321:role/analytics" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::ml-datasets/*",
    };
    const noSid = {
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::ml-datasets/logs/*",
    };
    const live = JSON.stringify({ Version: "2012-10-17", Statement: [denyInsecure, customerRead, noSid] });
    let failure: unknown;
    const resources = await run(
      { accountId: account, integrations: withBaseline(exclusive) },
      { liveBucketPolicies: { "ml-datasets": live }, preview: true, catchFailure: (error) => (failure = error) },
    );
    assert.deepEqual(
      resources.map((r) => r.type),
      [],
      "nothing is registered",
    );
    assert.ok(failure instanceof PlanError, String(failure));
    assert.match(
      failure.message,
      /^bucket ml-datasets \(bucketPolicyMode: exclusive\): its live policy has 2 statements this stack would drop:/,
    );
    assert.match(failure.message, /- Sid CustomerAnalyticsRead: \{"Sid":"CustomerAnalyticsRead",/);
    assert.match(
      failure.message,
      /- \(no Sid\): \{"Effect":"Allow","Principal":\{"Service":"logging\.s3\.amazonaws\.com"\}/,
    );
    assert.doesNotMatch(failure.message, /Sid DenyInsecureTransport/);
    assert.match(failure.message, /add them to that bucket's baselineStatements/);
  });

  it("lets the stack drop statements under its own owner key, and lists another stack's whatever its Sid", async function () {
    this.timeout(60000);
    const ownOld = {
      Sid: `aquarium-labels--${key}--ObjectAccess`,
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:root" },
      Action: "s3:GetObject",
      Resource: "arn:aws:s3:::ml-datasets/*",
    };
    const otherStack = {
      ...ownOld,
      Sid: `aquarium-labels--${ownerKeyFor("organization", "vendor-access", "prod")}--ObjectAccess`,
    };
    const ok = JSON.stringify({ Statement: [denyInsecure, ownOld] });
    assert.ok(
      (
        await run(
          { accountId: account, integrations: withBaseline(exclusive) },
          { liveBucketPolicies: { "ml-datasets": ok }, preview: true },
        )
      ).length > 0,
    );
    const foreignStack = JSON.stringify({ Statement: [denyInsecure, otherStack] });
    await assert.rejects(
      run(
        { accountId: account, integrations: withBaseline(exclusive) },
        { liveBucketPolicies: { "ml-datasets": foreignStack }, preview: true },
      ),
      /1 statement this stack would drop:\n {4}- Sid aquarium-labels--[0-9a-f]{10}--ObjectAccess/,
    );
  });

  it("treats a bucket without a policy (NoSuchBucketPolicy) as nothing to drop", async function () {
    this.timeout(60000);
    const resources = await run(
      { accountId: account, integrations: withBaseline(exclusive) },
      { liveBucketPolicies: {}, preview: true },
    );
    assert.equal(ofType(resources, "aws:s3/bucketPolicy:BucketPolicy").length, 1);
  });

  it("mixes modes per bucket in one stack", async function () {
    this.timeout(60000);
    const resources = await run({
      accountId: account,
      integrations: [
        {
          name: "mlspace-shared",
          vendor: "mlspace",
          principal: "444455556666",
          buckets: [
            { name: "ml-datasets", region: "us-east-1" },
            { ...exclusive, name: "ml-archive" },
          ],
        },
      ],
    });
    assert.deepEqual(
      ofKind(resources, "vendor-access:BucketPolicyEntries").map((r) => r.props.bucket),
      ["ml-datasets"],
    );
    assert.deepEqual(
      ofType(resources, "aws:s3/bucketPolicy:BucketPolicy").map((r) => r.props.bucket),
      ["ml-archive"],
    );
  });
});
