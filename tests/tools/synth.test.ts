import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ownerKeyFor } from "../../model/sharedDocuments/ownership";
import { builtInVendors } from "../../model/vendors";
import type { Render } from "../../tools/render";
import { renderStackFile } from "../helpers/program";

const root = resolve(__dirname, "../..");
const tsNode = join(root, "node_modules/.bin/ts-node");

function synth(args: string[]) {
  return spawnSync(tsNode, ["--swc", "tools/synth.ts", ...args], { cwd: root, encoding: "utf8" });
}

const renderOf = (stack: string): Promise<Render> => renderStackFile(stack);

/** The dev stack's owner key as synth computes it (a self-managed backend's organisation). */
const devOwnerKey = ownerKeyFor("organization", "vendor-access", "dev");

/** A fresh ts-node process type-strips the whole program: seconds alone, much longer on a busy CI machine. */
const subprocessTimeout = 120_000;

describe("tools/synth", () => {
  let dev: Render;
  before(async () => {
    dev = await renderOf("dev");
  });

  it("renders the dev stack: project, stack, account, every registered vendor, one integration per vendor", () => {
    assert.equal(dev.project, "vendor-access");
    assert.equal(dev.stack, "dev");
    assert.equal(dev.accountId, "111122223333");
    assert.deepEqual(
      dev.vendors.map((v) => [v.id, v.origin]),
      builtInVendors.map((v) => [v.id, "built-in"]),
    );
    assert.deepEqual(
      dev.integrations.map((i) => i.vendor),
      ["aquarium", "deeplake", "mlspace", "isahit", "aihub"],
    );
    assert.deepEqual(dev.violations, []);
  });

  it("renders principals, trust policies and permission policies as JSON objects", () => {
    const aquarium = dev.integrations.find((i) => i.name === "aquarium-labels")!;
    assert.deepEqual(aquarium.principal, { type: "role", arn: "arn:aws:iam::111122223333:role/aquarium-labels-dev" });
    assert.deepEqual(aquarium.vendorPrincipals, ["arn:aws:iam::123456789012:root"]);
    assert.deepEqual(aquarium.trustPolicy?.Statement[0].Condition, { StringEquals: { "sts:ExternalId": "[secret]" } });
    assert.equal(aquarium.externalId, "[secret]");
    assert.equal(typeof aquarium.permissionPolicies[0], "object");
    assert.deepEqual(aquarium.buckets, [
      {
        name: "ground-truth-images",
        region: "us-west-2",
        prefix: "exports/",
        kmsKeyArn: "arn:aws:kms:us-west-2:555566667777:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        bucketKeyEnabled: false,
        kmsKeyPolicy: "handoff",
      },
    ]);
    const mlspace = dev.integrations.find((i) => i.vendor === "mlspace")!;
    assert.deepEqual(mlspace.principal, { type: "account", arn: "arn:aws:iam::444455556666:root" });
    assert.equal(mlspace.trustPolicy, null);
    assert.equal(mlspace.externalId, null);
  });

  it("renders each bucket with its policy, CORS and access points, and every resource with its @pulumi/aws type token", () => {
    const images = dev.buckets.find((b) => b.name === "ground-truth-images")!;
    assert.equal(images.region, "us-west-2");
    assert.equal(images.cors?.[0].ID, `isahit-annotation--${devOwnerKey}`);
    assert.equal(
      images.accessPoints[0].arn,
      `arn:aws:s3:us-west-2:111122223333:accesspoint/${images.accessPoints[0].name}`,
    );
    const datasets = dev.buckets.find((b) => b.name === "ml-datasets-dev")!;
    assert.ok(datasets.policy!.Statement.some((s) => s.Sid === `mlspace-shared--${devOwnerKey}--ObjectAccess`));
    const types = new Set(dev.resources.map((r) => r.type));
    for (const type of [
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:s3/accessPoint:AccessPoint",
      "random:index/randomPassword:RandomPassword",
      "vendor-access:index:VendorIntegration",
    ]) {
      assert.ok(types.has(type), `missing ${type}`);
    }
    for (const resource of dev.resources)
      assert.ok(typeof resource.name === "string" && "parent" in resource && typeof resource.props === "object");
  });

  it("never shows an ExternalId, access key or secret key in the render", async () => {
    const prod = await renderOf("prod");
    for (const render of [dev, prod]) {
      const text = JSON.stringify(render);
      assert.ok(!text.includes("a6fa9c7f-7f53-4a41-812d-a29f48288a94"), "vendor-issued ExternalId leaked");
      assert.ok(!text.includes("aihub-issued-external-id-0001"), "vendor-issued ExternalId leaked");
      assert.ok(!text.includes("synth-secret-"), "secure config value leaked");
      assert.ok(!/AKIA[A-Z2-7]{16}/.test(text), "access key ID leaked");
      assert.doesNotMatch(text, /"sts:ExternalId":"(?!\[secret\])/);
    }
    const aihub = prod.integrations.find((i) => i.name === "aihub-prod")!;
    assert.deepEqual(
      {
        id: (aihub.handoff as Record<string, unknown>).accessKeyId,
        secret: (aihub.handoff as Record<string, unknown>).secretAccessKey,
      },
      { id: "[secret]", secret: "[secret]" },
    );
  });

  it("exits 0 and writes the render with --json", function () {
    // A child process compiling the program: seconds alone, far more on a shared CI machine.
    this.timeout(120_000);
    const out = join(mkdtempSync(join(tmpdir(), "synth-")), "render.json");
    const result = synth(["--stack", "dev", "--json", out]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Integration aquarium-labels \(aquarium, read, auth role\)/);
    const written = JSON.parse(readFileSync(out, "utf8")) as Render;
    assert.deepEqual(
      written.integrations.map((i) => i.name),
      dev.integrations.map((i) => i.name),
    );
  }).timeout(subprocessTimeout);

  it("exits 2 on a bad config file, naming every bad key path without a stack trace", function () {
    this.timeout(120_000);
    const result = synth(["--config-file", "tests/fixtures/bad-config.yaml"]);
    assert.equal(result.status, 2, result.stdout + result.stderr);
    for (const expected of [
      'accountId: "1111" is not a 12-digit AWS account ID',
      'integrations[0].buckets[0].name: "Ground_Truth" is not a valid S3 bucket name',
      'integrations[0].buckets[1].prefix: "/exports/" must not start with "/"',
      'integrations[1].vendor: "acme" is not a known vendor',
    ]) {
      assert.ok(result.stderr.includes(expected), `missing ${expected} in:\n${result.stderr}`);
    }
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  }).timeout(subprocessTimeout);
});
