// VendorIntegration used on its own, with the arguments a platform engineer writes (no plan, no stack config).
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../model/config";
import { defineVendor } from "../../model/vendors";
import { VendorIntegration, type VendorIntegrationArgs } from "../../resources/vendorIntegration";
import { isSecretWrapper, type RecordedResource } from "../../tools/mockEngine";
import { runComponents, testAccount } from "../helpers/program";
import { engineMessages, plainTextOccurrences } from "../helpers/secrecy";

const acme = defineVendor({
  id: "acme-label",
  displayName: "Acme Label",
  knownPrincipals: ["210000000001"],
  principalKinds: ["account"],
  access: { default: "read", levels: { read: { bucket: ["s3:ListBucket"], object: ["s3:GetObject"], kms: [] } } },
  auth: { default: "role", modes: { role: { externalId: "vendor-issued" } } },
  handoff: ["roleArn", "buckets"],
});

/** A platform engineer's own project, not this program: the components alone. */
const run = (program: () => void) => runComponents(program, { project: "platform", stack: "prod" });

/** A program that registers one standalone integration and returns no outputs. */
const standalone = (name: string, args: VendorIntegrationArgs) => () => {
  new VendorIntegration(name, args);
  return {};
};

/** The same, with the project's own config (its `aws:*` settings) and what the program returns. */
function runWithConfig<T extends object>(
  program: () => T,
  config: Record<string, string> = {},
  secretKeys: string[] = [],
) {
  return runComponents(program, { project: "platform", stack: "prod", config, secretKeys });
}

const dynamicKinds = (resources: RecordedResource[]) =>
  resources.filter((r) => r.type === "pulumi-nodejs:dynamic:Resource").map((r) => `${r.parent} ${r.name}`);

describe("VendorIntegration with user-facing arguments", () => {
  it("takes a defineVendor profile, a principal, an ExternalId and buckets, and creates the role under itself", async () => {
    const { resources } = await run(() => {
      new VendorIntegration("acme-eval", {
        vendor: acme,
        accountId: testAccount,
        principal: "210000000001",
        externalId: "acme-issued-0001",
        buckets: [{ name: "eval-images", region: "eu-west-1", prefix: "batch-7/" }],
      });
    });
    const role = resources.find((r) => r.type === "aws:iam/role:Role")!;
    assert.equal(role.parent, "acme-eval");
    assert.equal(role.props.name, "acme-eval-prod");
    assert.equal((role.props.tags as Record<string, string>)["vendor-access:vendor-principals"], "210000000001");
    const policy = resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
    const statements = JSON.parse(String(policy.props.policy)).Statement as { Action: string[]; Resource: string[] }[];
    assert.deepEqual(statements.flatMap((s) => s.Action).sort(), ["s3:GetObject", "s3:ListBucket"]);
    assert.ok(statements.some((s) => s.Resource.includes("arn:aws:s3:::eval-images/batch-7/*")));
    assert.deepEqual(dynamicKinds(resources), [], "a role-only vendor writes nothing on the bucket");
  });

  it("writes a bucket-policy vendor's statements itself, under its own name, for a built-in vendor id", async () => {
    const { resources } = await run(() => {
      new VendorIntegration("ml-share", {
        vendor: "mlspace",
        accountId: testAccount,
        principal: "444455556666",
        buckets: [{ name: "shared-data", region: "us-east-1" }],
        options: { mlspace: { scope: "project", scopeName: "cv" } },
      });
    });
    assert.deepEqual(dynamicKinds(resources), ["ml-share ml-share--bucket-shared-data-policy-entries"]);
    const entries = resources.find((r) => r.name === "ml-share--bucket-shared-data-policy-entries")!;
    const statements = entries.props.statements as { Principal: unknown; Sid: string }[];
    assert.deepEqual(statements[0].Principal, { AWS: "arn:aws:iam::444455556666:root" });
    // Its own owner key: not the stack's, so a component and deployVendorAccess never remove each other's entries.
    assert.match(statements[0].Sid, /^ml-share--[0-9a-f]{10}--/);
  });

  it("validates its arguments like stack config, naming each bad key, before registering anything", async () => {
    let registered: RecordedResource[] = [];
    await assert.rejects(
      run(() => {
        new VendorIntegration("acme-eval", {
          vendor: acme,
          accountId: testAccount,
          principal: "arn:aws:iam::210000000001:role/x",
          buckets: [{ name: "Eval_Images", region: "eu-west-1" }],
          excludeActions: ["s3:PutObject"],
        });
      }).then((r) => (registered = r.resources)),
      (error) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems, [
          'VendorIntegration acme-eval.buckets[0].name: "Eval_Images" is not a valid S3 bucket name: it may hold only lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit',
          "VendorIntegration acme-eval.externalId: Acme Label issues the ExternalId: set it with `pulumi config set --secret --path 'integrations[N].externalId' <value>`",
          'VendorIntegration acme-eval.excludeActions[0]: "s3:PutObject": not in acme-label\'s read set (valid: s3:ListBucket, s3:GetObject)',
          'VendorIntegration acme-eval.principal: "arn:aws:iam::210000000001:role/x" must be an account (arn:aws:iam::ID:root or 12 digits) for acme-label',
        ]);
        return true;
      },
    );
    assert.deepEqual(registered, []);
  });
});

describe("VendorIntegration's ExternalId as a Pulumi input", () => {
  const acmeArgs = {
    vendor: acme,
    accountId: testAccount,
    principal: "210000000001",
    buckets: [{ name: "eval-images", region: "eu-west-1" }],
  };

  for (const [kind, externalId] of [
    ["a plain Output", () => pulumi.output("acme-issued-0002")],
    ["a promise", () => Promise.resolve("acme-issued-0002")],
    ["a plain string", () => "acme-issued-0002"],
  ] as const)
    it(`keeps ${kind} secret in the trust policy, the component's output and everything the engine receives`, async () => {
      const recorded = await runWithConfig(() => {
        return {
          externalId: new VendorIntegration("acme-eval", { ...acmeArgs, externalId: externalId() }).vendorIdentity
            .externalId,
        };
      });
      const { resources, result } = recorded;
      const messages = engineMessages(recorded);
      const role = resources.find((r) => r.type === "aws:iam/role:Role")!;
      assert.ok(isSecretWrapper(role.props.assumeRolePolicy), "the trust policy embeds the ExternalId: a secret");
      const trust = JSON.parse(String(role.props.assumeRolePolicy.value));
      assert.deepEqual(trust.Statement[0].Condition, { StringEquals: { "sts:ExternalId": "acme-issued-0002" } });
      assert.equal(result.externalId, "acme-issued-0002");
      // Registered outputs included: VendorIdentity's externalId output is one of the messages checked here.
      assert.ok(messages.some((m) => m.what === "outputs of acme-eval" && "externalId" in m.values));
      assert.deepEqual(plainTextOccurrences(messages, ["acme-issued-0002", "external-id-known-at-deployment"]), []);
    });

  it("checks an Output's value against STS's rules once it is known, naming the argument", async () => {
    await assert.rejects(
      runWithConfig(standalone("acme-eval", { ...acmeArgs, externalId: pulumi.secret("has spaces") })),
      (error) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.deepEqual(error.problems, [
          "VendorIntegration acme-eval.externalId: must be 2 to 1224 characters of letters, digits and +=,.@:/- (STS ExternalId rules)",
        ]);
        return true;
      },
    );
  });
});

describe("VendorIntegration's own AWS calls use the stack's AWS settings", () => {
  const mlspaceArgs = {
    vendor: "mlspace",
    accountId: testAccount,
    principal: "444455556666",
    buckets: [{ name: "shared-data", region: "us-east-1" }],
  };
  const entriesOf = (resources: RecordedResource[]) =>
    resources.find((r) => r.props.resourceKind === "vendor-access:BucketPolicyEntries")!;

  it("reads this stack's aws:* config by default, the chain's ExternalIds as a secret", async () => {
    const { resources } = await runWithConfig(
      standalone("ml-share", mlspaceArgs),
      {
        "aws:region": "eu-west-1",
        "aws:profile": "platform-deployer",
        "aws:assumeRoles": JSON.stringify([
          { roleArn: "arn:aws:iam::111122223333:role/deployer", externalId: "chain-0001" },
        ]),
      },
      ["aws:assumeRoles"],
    );
    const entries = entriesOf(resources);
    assert.deepEqual(entries.props.aws, {
      region: "eu-west-1",
      profile: "platform-deployer",
      assumeRoles: [{ roleArn: "arn:aws:iam::111122223333:role/deployer" }],
      endpoints: {},
    });
    assert.ok(isSecretWrapper(entries.props.awsExternalIds));
    assert.deepEqual(entries.props.awsExternalIds.value, ["chain-0001"]);
  });

  it("takes the settings as an argument, as deployVendorAccess passes them", async () => {
    const aws = { region: "us-west-2", assumeRoles: [], endpoints: { s3: "https://s3.internal.example" } };
    const { resources } = await runWithConfig(standalone("ml-share", { ...mlspaceArgs, aws }), {
      "aws:profile": "ignored-when-given",
    });
    assert.deepEqual(entriesOf(resources).props.aws, aws);
    assert.equal(entriesOf(resources).props.awsExternalIds, undefined);
  });

  it("refuses aws:* settings its clients cannot follow, before registering anything", async () => {
    await assert.rejects(
      runWithConfig(standalone("ml-share", mlspaceArgs), {
        "aws:sharedConfigFiles": '["/tmp/x"]',
      }),
      (error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.problems[0], /^aws:sharedConfigFiles: not supported/);
        return true;
      },
    );
  });
});
