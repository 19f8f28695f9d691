// Every vendor on a bucket without KMS and with an SSE-KMS key, with and without a prefix, with S3 Bucket Keys
// off and on, the key's policy managed by the stack or handed off to the key's owner: the exact KMS statements
// (key policy, our own identities' policies, the vendor-side statement), where they go, and never a KMS grant.
import * as assert from "node:assert/strict";
import { ConfigError } from "../../model/config";
import type { VendorAccessOutputs } from "../../program/vendorAccess";
import type { MockRun, RecordedResource } from "../../tools/mockEngine";
import {
  documentProp,
  runProgram,
  stackConfig,
  testAccount,
  testOwnerKey,
  type RawIntegration,
} from "../helpers/program";

const region = "us-east-1";
const bucket = "ml-datasets";
const ownKey = `arn:aws:kms:${region}:${testAccount}:key/1111aaaa-2222-3333-4444-555566667777`;
const foreignAccount = "444400001111";
const foreignKey = `arn:aws:kms:${region}:${foreignAccount}:key/9999ffff-8888-7777-6666-555544443333`;
const mlspaceAccount = "444455556666";
const decrypt = ["kms:Decrypt"];
const readWrite = ["kms:Decrypt", "kms:GenerateDataKey"];

interface VendorRow {
  label: string;
  integration: RawIntegration;
  /** The KMS actions of the vendor's default access level. */
  kms: string[];
  /** Who calls S3 and so KMS: our role or user, or the vendor's own account (MLSpace). */
  caller: { arn: string; account: string; ours: boolean };
  /** Where our own KMS statement lives: the role's inline policy or the user's managed policy; none for MLSpace. */
  identityPolicy?: { type: string; prop: string };
}

const ourRole = (name: string) => ({
  arn: `arn:aws:iam::${testAccount}:role/${name}-test`,
  account: testAccount,
  ours: true,
});
const inlinePolicy = { type: "aws:iam/rolePolicy:RolePolicy", prop: "policy" };

const vendors: VendorRow[] = [
  {
    label: "aquarium",
    integration: { name: "aquarium-labels", vendor: "aquarium", principal: "123456789012" },
    kms: decrypt,
    caller: ourRole("aquarium-labels"),
    identityPolicy: inlinePolicy,
  },
  {
    label: "deeplake (read-write)",
    integration: { name: "deeplake-training", vendor: "deeplake" },
    kms: readWrite,
    caller: ourRole("deeplake-training"),
    identityPolicy: inlinePolicy,
  },
  {
    label: "mlspace",
    integration: { name: "mlspace-shared", vendor: "mlspace", principal: mlspaceAccount },
    kms: readWrite,
    caller: { arn: `arn:aws:iam::${mlspaceAccount}:root`, account: mlspaceAccount, ours: false },
  },
  {
    label: "isahit",
    integration: { name: "isahit-annotation", vendor: "isahit", principal: "999888496268", externalId: "isahit-0001" },
    kms: decrypt,
    caller: ourRole("isahit-annotation"),
    identityPolicy: inlinePolicy,
  },
  {
    label: "aihub (role)",
    integration: {
      name: "aihub-drive",
      vendor: "aihub",
      principal: "arn:aws:iam::777788889999:role/aihub",
      externalId: "aihub-0001",
    },
    kms: readWrite,
    caller: ourRole("aihub-drive"),
    identityPolicy: inlinePolicy,
  },
  {
    label: "aihub (access key)",
    integration: { name: "aihub-keys", vendor: "aihub", auth: "accessKey" },
    kms: readWrite,
    caller: { arn: `arn:aws:iam::${testAccount}:user/aihub-keys-test`, account: testAccount, ours: true },
    identityPolicy: { type: "aws:iam/policy:Policy", prop: "policy" },
  },
];

/** The key setups a bucket can have; `manage` is only valid for a key of the stack's own account. */
const keySetups = [
  { label: "no KMS", key: undefined, mode: undefined },
  { label: "own key, managed", key: ownKey, mode: "manage" },
  { label: "own key, handed off", key: ownKey, mode: "handoff" },
  { label: "another account's key, handed off", key: foreignKey, mode: "handoff" },
] as const;
type KeySetup = (typeof keySetups)[number];

/** What S3 puts in the encryption context for objects under the prefix, plus the bucket ARN with Bucket Keys. */
const contextArns = (prefix: string, bucketKey: boolean) =>
  [`arn:aws:s3:::${bucket}/${prefix}*`, ...(bucketKey ? [`arn:aws:s3:::${bucket}`] : [])].sort();

const viaS3 = (arns: string[], callerAccount?: string) => ({
  StringEquals: {
    "kms:ViaService": `s3.${region}.amazonaws.com`,
    ...(callerAccount ? { "kms:CallerAccount": callerAccount } : {}),
  },
  StringLike: { "kms:EncryptionContext:aws:s3:arn": arns },
});

const keyPolicyEntriesOf = (resources: RecordedResource[]) =>
  resources.filter((r) => r.props.resourceKind === "vendor-access:KeyPolicyEntries");

const kmsStatements = (document: { Statement: Record<string, unknown>[] }) =>
  document.Statement.filter((s) => [s.Action].flat().some((a) => String(a).startsWith("kms:")));

describe("KMS, every vendor x key setup x prefix x S3 Bucket Keys", function () {
  this.timeout(120000);

  for (const vendor of vendors)
    for (const setup of keySetups)
      for (const prefix of ["", "batch-7/"])
        for (const bucketKey of setup.key ? [false, true] : [false]) {
          const title = `${vendor.label}, ${setup.label}, ${prefix ? `prefix ${prefix}` : "no prefix"}${setup.key ? `, bucketKeyEnabled ${bucketKey}` : ""}`;
          it(title, async () => {
            const run = await runCase(vendor, setup, prefix, bucketKey);
            assertNoGrant(run.resources);
            assertIdentityStatements(run, vendor, setup, prefix, bucketKey);
            assertKeyPolicy(run, vendor, setup, prefix, bucketKey);
          });
        }
});

function runCase(vendor: VendorRow, setup: KeySetup, prefix: string, bucketKey: boolean) {
  const entry = {
    name: bucket,
    region,
    ...(prefix ? { prefix } : {}),
    ...(setup.key ? { kmsKeyArn: setup.key, bucketKeyEnabled: bucketKey, kmsKeyPolicy: setup.mode } : {}),
  };
  return runProgram(stackConfig([{ ...vendor.integration, buckets: [entry] }]));
}

/** No KMS grant of any kind, constrained or not: key policies only. */
function assertNoGrant(resources: RecordedResource[]): void {
  assert.ok(resources.length > 0);
  assert.deepEqual(
    resources.filter((r) => r.type.startsWith("aws:kms/") || /grant/i.test(String(r.props.resourceKind ?? ""))),
    [],
  );
}

/** Our role's or user's KMS statement, or MLSpace's vendor-side one: this key only, via S3, this bucket and prefix. */
function assertIdentityStatements(
  run: MockRun<VendorAccessOutputs>,
  vendor: VendorRow,
  setup: KeySetup,
  prefix: string,
  bucketKey: boolean,
): void {
  const expected = setup.key
    ? [
        {
          Sid: `KmsViaS3${region.replace(/-/g, "")}`,
          Effect: "Allow",
          Action: vendor.kms,
          Resource: [setup.key],
          Condition: viaS3(contextArns(prefix, bucketKey)),
        },
      ]
    : [];
  if (vendor.identityPolicy) {
    const policies = run.resources.filter((r) => r.type === vendor.identityPolicy!.type);
    assert.equal(policies.length, 1);
    assert.deepEqual(kmsStatements(documentProp(policies[0], vendor.identityPolicy.prop)), expected);
  } else {
    const handoff = run.result.handoffs[vendor.integration.name];
    const vendorSide = handoff.vendorSideStatement!.statement as unknown as Record<string, unknown>[];
    assert.deepEqual(kmsStatements({ Statement: vendorSide }), expected);
  }
}

/**
 * A caller outside the key's account gets one key-policy statement: in the stack's KeyPolicyEntries when it
 * manages the key, in the key-policy handoff otherwise. A caller in the key's account needs none.
 */
function assertKeyPolicy(
  run: MockRun<VendorAccessOutputs>,
  vendor: VendorRow,
  setup: KeySetup,
  prefix: string,
  bucketKey: boolean,
): void {
  const keyAccount = setup.key === foreignKey ? foreignAccount : testAccount;
  const statements =
    setup.key && vendor.caller.account !== keyAccount
      ? [
          {
            Sid: `${vendor.integration.name}--${testOwnerKey}--KmsViaS3`,
            Effect: "Allow",
            Principal: { AWS: vendor.caller.arn },
            Action: vendor.kms,
            Resource: ["*"],
            Condition: viaS3(contextArns(prefix, bucketKey), vendor.caller.account),
          },
        ]
      : [];
  const entries = keyPolicyEntriesOf(run.resources);
  if (setup.mode === "manage" && statements.length > 0) {
    assert.equal(entries.length, 1);
    assert.equal(entries[0].props.keyArn, setup.key);
    assert.equal(entries[0].props.region, region);
    assert.equal(entries[0].props.ownerKey, testOwnerKey);
    assert.deepEqual(entries[0].props.statements, statements);
  } else assert.deepEqual(entries, [], "a key handed off, or with nothing to add, is never written");
  const handoffs = setup.mode === "handoff" && statements.length > 0;
  assert.deepEqual(
    run.result.keyPolicyHandoffs,
    handoffs ? { [setup.key!]: { keyArn: setup.key, keyAccount, addToKeyPolicy: statements } } : {},
  );
}

describe("KMS config errors: kmsKeyPolicy and bucketKeyEnabled", function () {
  this.timeout(60000);
  const plainBucket = { name: bucket, region };

  /** The ConfigError the program fails with, and what it registered before (nothing is the point). */
  async function failure(integrations: RawIntegration[]): Promise<{ error: ConfigError; registered: number }> {
    let caught: unknown;
    const run = await runProgram(stackConfig(integrations), { catchFailure: (error) => (caught = error) });
    assert.ok(caught instanceof ConfigError, `expected ConfigError, got ${String(caught)}`);
    return { error: caught, registered: run.resources.length };
  }

  it("names every bad key path at once, with the reason, before registering anything, without a stack trace", async () => {
    const { error, registered } = await failure([
      {
        name: "aquarium-labels",
        vendor: "aquarium",
        principal: "123456789012",
        buckets: [
          { ...plainBucket, bucketKeyEnabled: true },
          { name: "no-key-policy", region, kmsKeyPolicy: "handoff" },
          { name: "bad-mode", region, kmsKeyArn: ownKey, kmsKeyPolicy: "grant" },
          { name: "bad-flag", region, kmsKeyArn: ownKey, bucketKeyEnabled: "yes" },
        ],
      },
    ]);
    assert.equal(registered, 0);
    const paths = error.problems.map((p) => p.slice(0, p.indexOf(":")));
    assert.deepEqual(paths.sort(), [
      "integrations[0].buckets[0].bucketKeyEnabled",
      "integrations[0].buckets[1].kmsKeyPolicy",
      "integrations[0].buckets[2].kmsKeyPolicy",
      "integrations[0].buckets[3].bucketKeyEnabled",
    ]);
    assert.match(error.problems[0], /bucketKeyEnabled: only applies with kmsKeyArn \(an SSE-KMS bucket\)/);
    assert.match(error.problems[1], /kmsKeyPolicy: only applies with kmsKeyArn \(an SSE-KMS bucket\)/);
    assert.match(error.problems[2], /kmsKeyPolicy: .*manage.*handoff/);
    assert.match(error.problems[3], /bucketKeyEnabled: .*boolean/);
    assert.doesNotMatch(error.message, /\n\s+at /, "no stack trace in the message");
  });

  it("refuses manage on another account's key, and names the way out (handoff)", async () => {
    const { error, registered } = await failure([
      {
        name: "mlspace-shared",
        vendor: "mlspace",
        principal: mlspaceAccount,
        buckets: [{ ...plainBucket, kmsKeyArn: foreignKey, kmsKeyPolicy: "manage" }],
      },
    ]);
    assert.equal(registered, 0);
    assert.deepEqual(error.problems, [
      `integrations[0].buckets[0].kmsKeyPolicy: "manage" writes the key policy, but key ${foreignKey} belongs to account ${foreignAccount}, not this stack's ${testAccount}; set kmsKeyPolicy: handoff and give the key's owner the rendered statement`,
    ]);
  });

  it("refuses two modes for one key and two Bucket Key settings for one bucket, naming both places", async () => {
    const { error, registered } = await failure([
      {
        name: "mlspace-shared",
        vendor: "mlspace",
        principal: mlspaceAccount,
        buckets: [{ ...plainBucket, kmsKeyArn: ownKey, kmsKeyPolicy: "manage", bucketKeyEnabled: true }],
      },
      {
        name: "aquarium-labels",
        vendor: "aquarium",
        principal: "123456789012",
        buckets: [{ ...plainBucket, kmsKeyArn: ownKey, kmsKeyPolicy: "handoff" }],
      },
    ]);
    assert.equal(registered, 0);
    assert.deepEqual(error.problems, [
      "integrations[1].buckets[0].kmsKeyPolicy: handoff conflicts with manage in integrations[0].buckets[0]; a key has one key policy",
      "integrations[1].buckets[0].bucketKeyEnabled: false conflicts with true in integrations[0].buckets[0]; a bucket has one S3 Bucket Key setting",
    ]);
  });

  it("defaults: manage for the stack's own key, handoff for another account's, Bucket Keys off", async () => {
    const run = await runProgram(
      stackConfig([
        {
          name: "mlspace-shared",
          vendor: "mlspace",
          principal: mlspaceAccount,
          buckets: [
            { ...plainBucket, kmsKeyArn: ownKey },
            { name: "partner-data", region, kmsKeyArn: foreignKey },
          ],
        },
      ]),
    );
    const [entries] = keyPolicyEntriesOf(run.resources);
    assert.equal(entries.props.keyArn, ownKey);
    const [statement] = entries.props.statements as { Condition: ReturnType<typeof viaS3> }[];
    assert.deepEqual(statement.Condition, viaS3(contextArns("", false), mlspaceAccount));
    assert.deepEqual(Object.keys(run.result.keyPolicyHandoffs), [foreignKey]);
  });
});
