// A vendor defined in stack config, end to end: validated like a built-in, deployed, proven and checked by the pack.
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError, parseConfigMap, parseStackConfig } from "../../model/config";
import { builtInVendors } from "../../model/vendors";
import { checkPassed } from "../../tools/proof/integrationProof";
import { proveStack } from "../../tools/proof/stackProof";
import type { Render } from "../../tools/render";
import { loadStackFile, type StackFile } from "../../tools/stackFile";
import { renderStackFile, stackConfig } from "../helpers/program";
import { configProblemsOf } from "../helpers/configProblems";

const fixture = join(__dirname, "../fixtures/config-vendor.yaml");

const acmeLabel = {
  id: "acme-label",
  displayName: "Acme Label",
  principalKinds: ["account", "role"],
  auth: { default: "role", modes: { role: { externalId: "vendor-issued" } } },
  access: {
    default: "read",
    levels: { read: { bucket: ["s3:ListBucket"], object: ["s3:GetObject"], kms: ["kms:Decrypt"] } },
  },
  handoff: ["roleArn", "buckets", "regions"],
};
const acmeEval = {
  name: "acme-eval",
  vendor: "acme-label",
  principal: "arn:aws:iam::210000000001:root",
  externalId: "acme-issued-0001",
  buckets: [{ name: "eval-images", region: "eu-west-1", prefix: "batch-7/" }],
};

/** Render a stack file; the program is run per call, as the engine would run index.ts once per stack. */
const render = (stackFile: StackFile) => renderStackFile(stackFile);

/** The fixture with one config key replaced. */
function withConfig(stackFile: StackFile, key: string, value: unknown): StackFile {
  return { ...stackFile, config: { ...stackFile.config, [`vendor-access:${key}`]: JSON.stringify(value) } };
}

describe("vendors defined in stack config", () => {
  const stackFile = loadStackFile({ configFile: fixture });
  let rendered: Render;
  before(async () => {
    rendered = await render(stackFile);
  });

  it("registers the vendor after the built-in ones, and the summary lists it with where it is defined", () => {
    const config = parseConfigMap(stackFile.config);
    assert.deepEqual(config.vendors.ids(), [...builtInVendors.map((v) => v.id), "acme-label"]);
    assert.deepEqual(rendered.vendors.map((v) => `${v.id} ${v.origin} ${v.definedAt}`).slice(-1), [
      "acme-label config vendors[0]",
    ]);
  });

  it("deploys a role that trusts the vendor with its ExternalId, and grants exactly the configured actions", () => {
    const [integration] = rendered.integrations;
    assert.equal(integration.vendor, "acme-label");
    assert.deepEqual(integration.principal, {
      type: "role",
      arn: "arn:aws:iam::111122223333:role/acme-eval-config-vendor",
    });
    assert.deepEqual(integration.trustPolicy?.Statement[0].Condition, {
      StringEquals: { "sts:ExternalId": "[secret]" },
    });
    assert.deepEqual(integration.actions, {
      bucket: ["s3:ListBucket"],
      object: ["s3:GetObject"],
      kms: ["kms:Decrypt"],
    });
    const role = rendered.resources.find((r) => r.type === "aws:iam/role:Role")!;
    assert.deepEqual(role.props.tags, {
      "vendor-access:integration": "acme-eval",
      "vendor-access:vendor": "acme-label",
      "vendor-access:stack": "config-vendor",
      "vendor-access:vendor-principals": "210000000001",
    });
    assert.deepEqual(rendered.violations, []);
    assert.ok(!JSON.stringify(rendered).includes("acme-issued"), "the ExternalId stays secret");
  });

  it("is checked by the pack against the principals it names, like a built-in vendor", async () => {
    const impostor = withConfig(stackFile, "integrations", [
      { ...acmeEval, principal: "arn:aws:iam::999999999999:root" },
    ]);
    const violations = (await render(impostor)).violations.filter((v) => v.policy === "only-trust-known-vendors");
    assert.equal(violations.length, 1);
    assert.match(
      violations[0].message,
      /"arn:aws:iam::999999999999:root", which is not in the principals acme-label's own instructions name/,
    );
  });

  it("is proven: exactly its actions, under the prefix, only with the right ExternalId", async () => {
    const [proof] = await proveStack(parseConfigMap(stackFile.config), "config-vendor");
    assert.deepEqual(
      proof.checks.filter((c) => !checkPassed(c)),
      [],
    );
    assert.deepEqual(proof.grantedActions, ["s3:ListBucket", "s3:GetObject", "kms:Decrypt"]);
    const allowedS3 = new Set(
      proof.checks.filter((c) => c.action.startsWith("s3:") && c.actual === "Allowed").map((c) => c.action),
    );
    assert.deepEqual([...allowedS3].sort(), ["s3:GetObject", "s3:ListBucket"]);
  });

  it("takes excludeActions against its own set", () => {
    const config = parseStackConfig(
      stackConfig([{ ...acmeEval, excludeActions: ["kms:Decrypt"] }], { vendors: [acmeLabel] }),
    );
    assert.deepEqual(config.integrations[0].excludeActions, ["kms:Decrypt"]);
    assert.deepEqual(
      configProblemsOf(stackConfig([{ ...acmeEval, excludeActions: ["s3:PutObject"] }], { vendors: [acmeLabel] })),
      [
        'integrations[0].excludeActions[0]: "s3:PutObject": not in acme-label\'s read set (valid: s3:ListBucket, s3:GetObject, kms:Decrypt)',
      ],
    );
  });

  describe("validation, as strict as for built-in vendors", () => {
    it("names every bad key path of every definition at once, and the integrations that use them", () => {
      const problems = configProblemsOf(
        stackConfig([acmeEval, { ...acmeEval, name: "other", vendor: "nobody" }], {
          vendors: [
            {
              ...acmeLabel,
              principalKinds: ["user"],
              access: { default: "read", levels: { read: { bucket: ["s3:List*"], object: ["GetObject"], kms: [] } } },
              auth: { default: "accessKey", modes: { role: { externalId: "none" } } },
              extraConfig: { color: "blue" },
            },
            { ...acmeLabel, id: "aquarium" },
            { ...acmeLabel, knownPrincipals: ["arn:aws:iam::210000000001:user/alice"] },
          ],
        }),
      );
      assert.deepEqual(problems, [
        'vendors[0].principalKinds[0]: Invalid option: expected one of "account"|"role"',
        'vendors[0].access.levels.read.bucket[0]: "s3:List*" is not an exact s3 action (s3:ActionName, no wildcards)',
        'vendors[0].access.levels.read.object[0]: "GetObject" is not an exact s3 action (s3:ActionName, no wildcards)',
        'vendors[0].auth.modes.role.externalId: Invalid option: expected one of "generated"|"vendor-issued"',
        "vendors[0].extraConfig: unknown key",
        'vendors[0].auth.default: "accessKey" is not one of auth.modes (role)',
        'vendors[1].id: vendor "aquarium" is already defined (built-in)',
        'vendors[2].knownPrincipals[0]: "arn:aws:iam::210000000001:user/alice" is not a 12-digit account, account root ARN or role ARN',
        `integrations[0].vendor: "acme-label" is not a known vendor (known: ${builtInVendors.map((v) => v.id).join(", ")})`,
        `integrations[1].vendor: "nobody" is not a known vendor (known: ${builtInVendors.map((v) => v.id).join(", ")})`,
      ]);
    });

    it("lists config-defined vendors in the unknown-vendor message", () => {
      assert.deepEqual(configProblemsOf(stackConfig([{ ...acmeEval, vendor: "acme" }], { vendors: [acmeLabel] })), [
        `integrations[0].vendor: "acme" is not a known vendor (known: ${[...builtInVendors.map((v) => v.id), "acme-label"].join(", ")})`,
      ]);
    });

    it("checks its actions against the IAM catalog before anything is registered", async () => {
      const typo = {
        ...acmeLabel,
        access: {
          default: "read",
          levels: { read: { bucket: ["s3:ListBucket"], object: ["s3:GetObjekt"], kms: ["kms:Decrypt"] } },
        },
      };
      await assert.rejects(render(withConfig(stackFile, "vendors", [typo])), (error) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems, [
          'vendors[0].access.levels.read.object[0]: "s3:GetObjekt" is not an IAM action (IAM action catalog)',
        ]);
        return true;
      });
    });
  });
});
