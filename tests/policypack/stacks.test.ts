import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { loadPolicyConfig, policyConfigForStack, validateResources } from "../../policypack/validate";
import type { Render } from "../../tools/render";
import { renderStackFile } from "../helpers/program";
import { loadStackFile, stackConfigOf } from "../../tools/stackFile";

const root = resolve(__dirname, "../..");

/** Every stack file of the repository (`Pulumi.<stack>.yaml`), wherever it sits; test fixtures are not stacks. */
function stackFiles(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return ["node_modules", ".git", "fixtures"].includes(entry.name) || entry.name.startsWith(".")
        ? []
        : stackFiles(path);
    return /^Pulumi\.[^.]+\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

/** A fresh ts-node process type-strips the whole program: seconds alone, much longer on a busy CI machine. */
const subprocessTimeout = 120_000;

describe("policypack on whole stacks", () => {
  const renders = new Map<string, Render>();
  before(async () => {
    for (const stack of ["dev", "prod"]) {
      renders.set(stack, await renderStackFile(stack));
    }
  });

  it("passes the five vendor integrations of Pulumi.dev.yaml clean, as synth runs the pack", () => {
    const dev = renders.get("dev")!;
    assert.deepEqual(dev.integrations.map((i) => i.vendor).sort(), [
      "aihub",
      "aquarium",
      "deeplake",
      "isahit",
      "mlspace",
    ]);
    assert.deepEqual(dev.violations, []);
  });

  for (const stack of ["dev", "prod"]) {
    it(`passes ${stack} clean with the example policy-config.json, vendor allowlist and all, every rule mandatory`, async () => {
      const render = renders.get(stack)!;
      const resources = render.resources.filter(
        (r) => r.type.startsWith("aws:") || r.type.startsWith("pulumi-nodejs:"),
      );
      assert.ok(resources.some((r) => r.type === "aws:iam/role:Role"));
      const policyConfig = loadPolicyConfig(join(root, "policypack/policy-config.json"));
      assert.deepEqual(await validateResources(resources, { policyConfig: { ...policyConfig, all: "mandatory" } }), []);
    });
  }

  for (const path of stackFiles()) {
    it(`passes ${relative(root, path)} clean with its own account, every rule mandatory, no exemption`, async () => {
      const stackFile = loadStackFile({ configFile: path });
      const config = stackConfigOf(stackFile);
      const render = await renderStackFile(stackFile, {
        policyConfig: {
          ...policyConfigForStack({ accountIds: [config.accountId], trustPolicyMaxChars: config.trustPolicyMaxChars }),
          all: "mandatory",
        },
      });
      assert.deepEqual(render.violations, []);
    });
  }

  it("fails synth with exit code 1 on a stack with a public wildcard grant and a trust without ExternalId", () => {
    const run = spawnSync(
      join(root, "node_modules/.bin/ts-node"),
      ["--swc", "tools/synth.ts", "--config-file", "tests/fixtures/policypack-bad-stack.yaml"],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stdout,
      /Policy MANDATORY no-wildcard-actions on \S+: policy: statement "Open" allows wildcard action "s3:\*"/,
    );
    assert.match(
      run.stdout,
      /Policy MANDATORY no-public-principals on \S+: policy: statement "Open" allows the public principal "\*"/,
    );
    assert.match(
      run.stdout,
      /Policy MANDATORY require-external-id-on-cross-account-trust on \S+: policy: statement "TrustWithoutExternalId" lets "arn:aws:iam::444455556666:root" assume the role, but it has no sts:ExternalId condition/,
    );
    assert.match(
      run.stdout,
      /Policy MANDATORY no-permissions-management-for-external-principals on \S+: policy: statement "VendorManagesPolicy" lets "arn:aws:iam::444455556666:root" manage permissions: "s3:PutBucketPolicy", "s3:PutBucketAcl"/,
    );
    assert.match(
      run.stdout,
      /Policy MANDATORY require-source-on-service-principals on \S+: policy: statement "CloudFrontWithoutSource" lets service "cloudfront.amazonaws.com" act without a source pin/,
    );
  }).timeout(subprocessTimeout);
});
