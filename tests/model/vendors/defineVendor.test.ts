// defineVendor validates a code-defined vendor as strictly as stack config; the registry is passed, never mutated.
import * as assert from "node:assert/strict";
import { z } from "zod";
import { ConfigError, parseStackConfig } from "../../../model/config";
import { builtInVendors, defineVendor, VendorDefinitionError, type VendorProfile } from "../../../model/vendors";
import { vendorCatalogProblems } from "../../../model/vendors/catalogCheck";
import { mlspace } from "../../../model/vendors/mlspace";
import type { StandardSchema } from "../../../model/standardSchema";
import { runProgram, stackConfig } from "../../helpers/program";

const acme = {
  id: "acme-label",
  displayName: "Acme Label",
  principalKinds: ["account", "role"],
  access: { default: "read", levels: { read: { bucket: ["s3:ListBucket"], object: ["s3:GetObject"], kms: [] } } },
  auth: { default: "role", modes: { role: { externalId: "vendor-issued" } } },
  handoff: ["roleArn", "buckets"],
} as const satisfies Parameters<typeof defineVendor>[0];

function definitionProblems(definition: unknown): string[] {
  try {
    defineVendor(definition as Parameters<typeof defineVendor>[0]);
    return [];
  } catch (error) {
    assert.ok(error instanceof VendorDefinitionError, `expected VendorDefinitionError, got ${String(error)}`);
    return error.problems;
  }
}

const acmeIntegration = {
  name: "acme-eval",
  vendor: "acme-label",
  principal: "210000000001",
  externalId: "acme-issued-0001",
  buckets: [{ name: "eval-images", region: "eu-west-1" }],
};

describe("defineVendor", () => {
  it("returns the validated profile", () => {
    const profile = defineVendor(acme);
    assert.equal(profile.id, "acme-label");
    assert.deepEqual(profile.access.levels.read, { bucket: ["s3:ListBucket"], object: ["s3:GetObject"], kms: [] });
  });

  it("names every bad key path at once", () => {
    assert.deepEqual(
      definitionProblems({
        ...acme,
        id: "Acme",
        access: {
          default: "read-write",
          levels: { read: { bucket: ["s3:List*"], object: ["s3:GetObject", "s3:getobject"], kms: ["s3:GetObject"] } },
        },
        auth: { default: "role", modes: { role: { externalId: "none" } } },
      }),
      [
        'defineVendor("Acme").id: "Acme" must be lowercase letters, digits and single hyphens',
        'defineVendor("Acme").access.levels.read.bucket[0]: "s3:List*" is not an exact s3 action (s3:ActionName, no wildcards)',
        'defineVendor("Acme").access.levels.read.object[1]: "s3:getobject" is listed twice (also [0])',
        'defineVendor("Acme").access.levels.read.kms[0]: "s3:GetObject" is not an exact kms action (kms:ActionName, no wildcards)',
        'defineVendor("Acme").auth.modes.role.externalId: Invalid option: expected one of "generated"|"vendor-issued"',
        'defineVendor("Acme").access.default: "read-write" is not one of access.levels (read)',
      ],
    );
  });

  it("rejects inconsistent auth, handoff and extra keys", () => {
    assert.deepEqual(
      definitionProblems({
        ...acme,
        auth: { default: "bucketPolicy", modes: { bucketPolicy: {} } },
        handoff: ["accessPoints"],
        extraConfig: { buckets: z.string() },
      }),
      [
        'defineVendor("acme-label").principalKinds: a bucketPolicy vendor is named in bucket policies by its account: principalKinds must be [account]',
        'defineVendor("acme-label").handoff: accessPoints needs accessPoint: true',
        'defineVendor("acme-label").extraConfig.buckets: every integration has this key; choose another name',
      ],
    );
  });

  it("checks every registered vendor's actions against the IAM catalog, by key path", async () => {
    const typo = defineVendor({
      ...acme,
      access: {
        default: "read",
        levels: { read: { bucket: ["s3:ListBuckets"], object: ["s3:GetObject", "s3:ListBucket"], kms: [] } },
      },
    });
    const config = parseStackConfig(stackConfig([acmeIntegration]), { vendors: [typo] });
    assert.deepEqual(await vendorCatalogProblems(config.vendors), [
      'defineVendor("acme-label").access.levels.read.bucket[0]: "s3:ListBuckets" is not an IAM action (IAM action catalog)',
      'defineVendor("acme-label").access.levels.read.object[1]: "s3:ListBucket" does not act on an S3 object (it takes: accesspoint, bucket); list it under bucket',
    ]);
    await assert.rejects(runProgram(stackConfig([acmeIntegration]), { vendors: [typo] }), (error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /"s3:ListBuckets" is not an IAM action/);
      return true;
    });
  });

  it("finds the built-in vendors' actions in the catalog, each in the right list", async () => {
    const config = parseStackConfig(stackConfig([{ ...acmeIntegration, vendor: "aquarium", externalId: undefined }]));
    assert.deepEqual(await vendorCatalogProblems(config.vendors), []);
  });
});

describe("the vendor registry", () => {
  const profile: VendorProfile = defineVendor(acme);

  it("lists code-defined vendors in every unknown-vendor message", () => {
    assert.throws(
      () => parseStackConfig(stackConfig([{ ...acmeIntegration, vendor: "acme" }]), { vendors: [profile] }),
      (error: ConfigError) => {
        assert.deepEqual(error.problems, [
          `integrations[0].vendor: "acme" is not a known vendor (known: ${[...builtInVendors.map((v) => v.id), "acme-label"].join(", ")})`,
        ]);
        return true;
      },
    );
  });

  it("is per call: a vendor passed to one parse is unknown to the next", () => {
    assert.equal(
      parseStackConfig(stackConfig([acmeIntegration]), { vendors: [profile] }).integrations[0].profile,
      profile,
    );
    assert.throws(() => parseStackConfig(stackConfig([acmeIntegration])), /"acme-label" is not a known vendor/);
  });

  it("refuses a second vendor with a built-in's id", () => {
    assert.throws(
      () =>
        parseStackConfig(stackConfig([acmeIntegration]), { vendors: [profile, { ...mlspace, displayName: "Mine" }] }),
      /defineVendor\("mlspace"\): vendor "mlspace" is already defined \(built-in\)/,
    );
  });

  it("validates hand-written profiles that skipped defineVendor", () => {
    const handWritten = {
      ...profile,
      access: { default: "read", levels: { read: { bucket: ["s3:*"], object: [], kms: [] } } },
    } as VendorProfile;
    assert.throws(
      () => parseStackConfig(stackConfig([acmeIntegration]), { vendors: [handWritten] }),
      /defineVendor\("acme-label"\)\.access\.levels\.read\.bucket\[0\]: "s3:\*" is not an exact s3 action/,
    );
  });

  it("deploys a code-defined vendor like a built-in: role, trust with ExternalId, policy, tags", async () => {
    const run = await runProgram(stackConfig([acmeIntegration]), { vendors: [profile] });
    const role = run.resources.find((r) => r.type === "aws:iam/role:Role")!;
    assert.equal(role.props.name, "acme-eval-test");
    assert.deepEqual(role.props.tags, {
      "vendor-access:integration": "acme-eval",
      "vendor-access:vendor": "acme-label",
      "vendor-access:stack": "test",
    });
    const policy = run.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
    const actions = JSON.parse(String(policy.props.policy)).Statement.flatMap((s: { Action: string[] }) => s.Action);
    assert.deepEqual(actions.sort(), ["s3:GetObject", "s3:ListBucket"]);
  });
});

describe("vendor hooks", () => {
  it("takes MLSpace's vendor-side policies from its profile, typed by its extraConfig", () => {
    assert.deepEqual(
      mlspace.vendorSidePolicies?.({ mlspace: { permissionsBoundaryName: "b", scope: "project", scopeName: "cv" } }),
      ["permissions boundary b", "MLSpace-project-cv"],
    );
    assert.deepEqual(mlspace.vendorSidePolicies?.({}), [
      "permissions boundary mlspace-project-user-permission-boundary",
      "the app's user policy (self.user_policy in ml_space_lambda/utils/iam_manager.py)",
    ]);
  });
});

describe("vendor-specific config keys", () => {
  // A Standard Schema written by hand, as any validation library other than zod provides one.
  const ticket: StandardSchema<unknown, { queue: string }> = {
    "~standard": {
      version: 1,
      vendor: "hand-written",
      validate: (value) =>
        typeof (value as { queue?: unknown } | undefined)?.queue === "string"
          ? { value: value as { queue: string } }
          : { issues: [{ message: "names the ticket queue", path: [{ key: "queue" }] }] },
    },
  };
  const ticketed = defineVendor({
    ...acme,
    principalKinds: ["account"],
    auth: { default: "bucketPolicy", modes: { bucketPolicy: { externalId: "none" } } },
    handoff: ["buckets", "vendorSideStatement"],
    extraConfig: { ticket },
    // Typed by the schema: a wrong property here fails the type check.
    vendorSidePolicies: ({ ticket: { queue } }) => [`the policy of queue ${queue}`],
  });
  const integration = { ...acmeIntegration, externalId: undefined, ticket: { queue: "labels" } };

  it("takes any Standard Schema, and hands the hook its validated value", () => {
    const config = parseStackConfig(stackConfig([integration]), { vendors: [ticketed] });
    assert.deepEqual(config.integrations[0].extra, { ticket: { queue: "labels" } });
    assert.deepEqual(ticketed.vendorSidePolicies?.(config.integrations[0].extra), ["the policy of queue labels"]);
  });

  it("reports the schema's issues at their key paths, a missing key too", () => {
    for (const [value, path] of [
      [{ queue: 7 }, "integrations[0].ticket.queue"],
      [undefined, "integrations[0].ticket.queue"],
    ] as const)
      assert.throws(
        () => parseStackConfig(stackConfig([{ ...integration, ticket: value }]), { vendors: [ticketed] }),
        (error: ConfigError) => {
          assert.deepEqual(error.problems, [`${path}: names the ticket queue`]);
          return true;
        },
      );
  });
});
