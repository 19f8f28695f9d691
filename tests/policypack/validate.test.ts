import * as assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { policies } from "../../policypack/rules";
import {
  loadPolicyConfig,
  PolicyConfigError,
  policyConfigForStack,
  validateResources,
  type PolicyConfigFile,
  type ResourceUnderValidation,
} from "../../policypack/validate";

const packDir = resolve(__dirname, "../../policypack");
const ownAccounts = ["111122223333"];
/** The example config's shape with only the stack's account: what synth derives from a stack file. */
const own = { policyConfig: policyConfigForStack({ accountIds: ownAccounts }) };
const withLevels = (levels: Record<string, string>) => ({
  policyConfig: { ...own.policyConfig, ...levels } as PolicyConfigFile,
});
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** Resources breaking the first eight rules. */
const everyRuleBroken: ResourceUnderValidation[] = [
  {
    type: "aws:iam/policy:Policy",
    name: "wildcard-grant",
    props: { policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::data*" }) },
  },
  {
    type: "aws:iam/role:Role",
    name: "deeplake-role",
    props: {
      tags: {
        "vendor-access:vendor": "deeplake",
        "vendor-access:vendor-principals": "arn:aws:iam::597713067985:role/activeloop_backend",
      },
      assumeRolePolicy: doc({
        Sid: "Trust",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: "sts:AssumeRole",
        NotResource: "arn:aws:iam::111122223333:role/x",
      }),
    },
  },
  {
    type: "aws:s3/bucketPolicy:BucketPolicy",
    name: "open-policy",
    props: {
      bucket: "data",
      policy: doc({
        Sid: "Open",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::data/*",
      }),
    },
  },
  {
    type: "aws:iam/userPolicy:UserPolicy",
    name: "huge-user-policy",
    props: {
      policy: doc({
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: Array.from({ length: 60 }, (_, i) => `arn:aws:s3:::bucket-${i}/objects/*`),
      }),
    },
  },
  {
    type: "aws:s3/bucketPolicy:BucketPolicy",
    name: "second-policy",
    props: {
      bucket: "data",
      policy: doc({ Effect: "Deny", Principal: "*", Action: "s3:DeleteObject", Resource: "arn:aws:s3:::data/*" }),
    },
  },
];

describe("policypack validate: the pack offline", () => {
  it("runs every rule, the stack rules included, and returns plain violations", async () => {
    const violations = await validateResources(everyRuleBroken, own);
    assert.deepEqual(
      [...new Set(violations.map((v) => v.policy))].sort(),
      policies
        .slice(0, 8)
        .map((p) => p.name)
        .sort(),
    );
    const stack = violations.find((v) => v.policy === "one-owner-per-bucket-document")!;
    assert.deepEqual(Object.keys(stack).sort(), ["enforcementLevel", "message", "policy", "resource"]);
    assert.ok(["open-policy", "second-policy"].includes(stack.resource));
    assert.equal(violations.find((v) => v.policy === "only-trust-known-vendors")?.enforcementLevel, "advisory");
    assert.ok(
      violations
        .filter((v) => v.policy !== "only-trust-known-vendors")
        .every((v) => v.enforcementLevel === "mandatory"),
    );
  });

  it("returns nothing for compliant resources", async () =>
    assert.deepEqual(
      await validateResources(
        [
          {
            type: "aws:iam/policy:Policy",
            name: "ok",
            props: { policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::data/*" }) },
          },
        ],
        own,
      ),
      [],
    ));

  describe("enforcement levels", () => {
    const wildcard = [everyRuleBroken[0]];
    const levels = async (options: Parameters<typeof validateResources>[1]) =>
      [...new Set((await validateResources(wildcard, options)).map((v) => `${v.policy}=${v.enforcementLevel}`))].sort();
    it("takes `all`, then per-rule levels over it, and drops disabled rules", async () => {
      assert.deepEqual(await levels(withLevels({ all: "advisory" })), [
        "no-wildcard-actions=advisory",
        "no-wildcard-resources=advisory",
      ]);
      assert.deepEqual(await levels(withLevels({ all: "advisory", "no-wildcard-actions": "mandatory" })), [
        "no-wildcard-actions=mandatory",
        "no-wildcard-resources=advisory",
      ]);
      assert.deepEqual(await levels(withLevels({ "no-wildcard-resources": "disabled" })), [
        "no-wildcard-actions=mandatory",
      ]);
    });
    it("takes a rule's level as a string or as enforcementLevel beside its properties, as `--policy-pack-config` does", async () =>
      assert.deepEqual(
        await levels({
          policyConfig: {
            "no-wildcard-actions": "mandatory",
            "no-wildcard-resources": { enforcementLevel: "disabled" },
          },
        }),
        ["no-wildcard-actions=mandatory"],
      ));
    it("reports a remediate-level rule as mandatory, as the engine does", async () =>
      assert.deepEqual(await levels(withLevels({ all: "remediate" })), [
        "no-wildcard-actions=mandatory",
        "no-wildcard-resources=mandatory",
      ]));
  });

  describe("exemptions", () => {
    it("lists an exempted finding with its reason instead of blocking on it", async () => {
      const violations = await validateResources(everyRuleBroken.slice(0, 1), {
        policyConfig: {
          "no-wildcard-actions": {
            exemptions: [{ resource: "wildcard-*", reason: "SEC-1: vendor migration" }],
          },
        },
      });
      const exempt = violations.filter((v) => v.policy === "no-wildcard-actions");
      assert.deepEqual(
        exempt.map((v) => [v.enforcementLevel, v.resource]),
        [["exempt", "wildcard-grant"]],
      );
      assert.match(
        exempt[0].message,
        /^exempted \(SEC-1: vendor migration\): policy: Statement\[0\] allows wildcard action "s3:\*"/,
      );
      assert.ok(
        violations.some((v) => v.policy === "no-wildcard-resources" && v.enforcementLevel === "mandatory"),
        "an exemption covers one rule only",
      );
    });
    it("matches URN patterns and takes exemptions from a policy-config.json", async () => {
      const violations = await validateResources(everyRuleBroken.slice(0, 1), {
        stack: "dev",
        policyConfig: {
          "no-wildcard-resources": {
            exemptions: [{ resource: "urn:pulumi:dev::*::aws:iam/policy:Policy::*", reason: "SEC-2" }],
          },
        },
      });
      assert.deepEqual(
        violations.filter((v) => v.policy === "no-wildcard-resources").map((v) => v.enforcementLevel),
        ["exempt"],
      );
    });
    it("exempts a stack-rule finding on the resource it names", async () => {
      const violations = await validateResources(everyRuleBroken.slice(2), {
        policyConfig: {
          "one-owner-per-bucket-document": { exemptions: [{ resource: "second-policy", reason: "SEC-3" }] },
        },
      });
      const owners = violations
        .filter((v) => v.policy === "one-owner-per-bucket-document")
        .map((v) => `${v.resource}=${v.enforcementLevel}`)
        .sort();
      assert.deepEqual(owners, ["open-policy=mandatory", "second-policy=exempt"]);
    });
    it("refuses what the engine's schema check refuses, naming every bad key path", async () => {
      const error = await validateResources([], {
        policyConfig: {
          "no-wildcard-actions": { exemptions: [{ resource: "x", reason: " " }, { resource: "y" }] },
          "no-wildcards": "mandatory",
          "no-public-principals": "blocking" as never,
          "only-trust-known-vendors": { accountIds: ["12345"], vendorAllowlist: { aquarium: [] } },
          "policy-documents-within-limits": { trustPolicyMaxChars: 100, accountIds: ownAccounts },
        },
      }).then(
        () => assert.fail("accepted a bad config"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof PolicyConfigError);
      const lines = (error as Error).message.split("\n").slice(1);
      assert.deepEqual(lines, [
        '  - no-wildcard-actions.exemptions[0].reason: " " does not match \\S',
        "  - no-wildcard-actions.exemptions[1].reason: is required",
        `  - no-wildcards: unknown rule (rules: ${policies.map((p) => p.name).join(", ")})`,
        '  - no-public-principals: "blocking" is not one of advisory, mandatory, remediate, disabled',
        '  - only-trust-known-vendors.accountIds[0]: "12345" does not match ^[0-9]{12}$',
        "  - only-trust-known-vendors.vendorAllowlist.aquarium: needs at least 1 item(s)",
        "  - policy-documents-within-limits.trustPolicyMaxChars: must be at least 2048",
        "  - policy-documents-within-limits.accountIds: is not a property of this rule",
      ]);
    });
  });

  it("ships a policy-config.json example that the pack accepts", async () => {
    const config = loadPolicyConfig(join(packDir, "policy-config.json"));
    for (const rule of Object.keys(config))
      assert.ok(
        policies.some((p) => p.name === rule),
        `policy-config.json names unknown rule ${rule}`,
      );
    assert.deepEqual(await validateResources([], { policyConfig: config }), []);
  });

  it("lists the same accountIds under every rule of the example config that reads them", () => {
    const config = loadPolicyConfig(join(packDir, "policy-config.json")) as Record<string, Record<string, unknown>>;
    const readers = policies.filter((p) => "accountIds" in (p.configSchema?.properties ?? {})).map((p) => p.name);
    assert.deepEqual(
      Object.fromEntries(readers.map((rule) => [rule, config[rule]?.accountIds])),
      Object.fromEntries(readers.map((rule) => [rule, ["111122223333", "210987654321"]])),
    );
  });

  it("declares a config schema on every rule, with exemptions that require a reason", () => {
    for (const policy of policies) {
      const exemptions = policy.configSchema?.properties.exemptions as { items: { required: string[] } } | undefined;
      assert.deepEqual(exemptions?.items.required, ["resource", "reason"], policy.name);
    }
  });

  it("does not start the pack: only index.ts constructs the PolicyPack, and validate.ts never loads it", () => {
    const sources = [
      ...readdirSync(packDir).map((f) => join(packDir, f)),
      ...readdirSync(join(packDir, "rules")).map((f) => join(packDir, "rules", f)),
    ].filter((f) => f.endsWith(".ts"));
    const starters = sources
      .filter((file) => /new PolicyPack\(/.test(readFileSync(file, "utf8")))
      .map((file) => file.slice(packDir.length + 1));
    assert.deepEqual(starters, ["index.ts"]);
    assert.ok(!Object.keys(require.cache).some((file) => file === join(packDir, "index.ts")));
  });
});
