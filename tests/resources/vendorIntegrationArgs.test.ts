// VendorIntegration used on its own, with the arguments a platform engineer writes (no plan, no stack config).
import * as assert from "node:assert/strict";
import { ConfigError } from "../../model/config";
import { defineVendor } from "../../model/vendors";
import { VendorIntegration } from "../../resources/vendorIntegration";
import type { RecordedResource } from "../../tools/mockEngine";
import { runComponents, testAccount } from "../helpers/program";

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
