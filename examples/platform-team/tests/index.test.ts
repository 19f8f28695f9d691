// The platform team's program under mocks, through the vendor-access package's public API only.
import * as assert from "node:assert/strict";
import { ConfigError, defineVendor, parseStackConfig, VendorDefinitionError } from "vendor-access";
import { renderStack, stackConfig, type MockedResource, type StackRender } from "../stackMocks";
import { acmeLabel } from "../vendors";

/** The stack file's `vendor-access:*` config as plain data, the namespace stripped. */
function vendorAccessConfig(): Record<string, unknown> {
  const { config } = stackConfig("Pulumi.example.yaml");
  const entries = Object.entries(config).filter(([key]) => key.startsWith("vendor-access:"));
  return Object.fromEntries(
    entries.map(([key, value]) => [
      key.slice("vendor-access:".length),
      /^[[{]/.test(value) ? JSON.parse(value) : value,
    ]),
  );
}

/** The parts of Pulumi.example.yaml's config that the tests below change. */
interface ExampleConfig {
  vendors: { access: { levels: { read: { object: string[] } } }; auth: { modes: { role: { externalId: string } } } }[];
  integrations: { excludeActions?: string[] }[];
}

function configProblems(change: (config: ExampleConfig) => void): string[] {
  const config = vendorAccessConfig();
  change(config as unknown as ExampleConfig);
  try {
    parseStackConfig(config, { vendors: [acmeLabel] });
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
}

const byName = (render: StackRender, name: string): MockedResource => {
  const resource = render.resources.find((r) => r.name === name);
  assert.ok(resource, `no resource ${name}`);
  return resource;
};

const statementsOf = (render: StackRender, integration: string) =>
  JSON.parse(String(byName(render, `${integration}-inline-policy`).inputs.policy)).Statement as {
    Action: string[];
    Resource: string[];
  }[];

describe("the platform team's stack", () => {
  let render: StackRender;
  before(async () => {
    render = await renderStack("Pulumi.example.yaml");
  });

  it("creates one role per integration: the code vendor's and the config vendor's", () => {
    const roles = render.resources.filter((r) => r.type === "aws:iam/role:Role").map((r) => r.inputs.name);
    assert.deepEqual(roles.sort(), ["acme-eval-example", "globex-review-example"]);
  });

  it("grants the code-defined vendor exactly its read-write actions, under its prefix", () => {
    const statements = statementsOf(render, "acme-eval");
    assert.deepEqual(statements.flatMap((s) => s.Action).sort(), ["s3:GetObject", "s3:ListBucket", "s3:PutObject"]);
    assert.ok(statements.some((s) => s.Resource.includes("arn:aws:s3:::ml-labels-example/acme/*")));
  });

  it("trusts the code-defined vendor's account with the ExternalId from this project's secret config", () => {
    const policy = byName(render, "acme-eval-role").inputs.assumeRolePolicy as { value: string };
    // The trust embeds the ExternalId, so the mocks receive it as a secret: a wrapper around its value.
    assert.equal(typeof policy, "object");
    const trust = JSON.parse(policy.value).Statement[0];
    assert.deepEqual(trust.Principal, { AWS: "arn:aws:iam::210000000001:root" });
    assert.deepEqual(trust.Condition, { StringEquals: { "sts:ExternalId": "acme-issued-0001" } });
  });

  it("grants the config-defined vendor its read set without the excluded action", () => {
    const actions = statementsOf(render, "globex-review").flatMap((s) => s.Action);
    assert.deepEqual(actions.sort(), ["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"]);
  });

  it("generates the config-defined vendor's ExternalId", () => {
    assert.equal(byName(render, "globex-review-external-id").type, "random:index/randomPassword:RandomPassword");
  });
});

describe("the vendors' validation", () => {
  it("names every bad key path of a config-defined vendor at once", () => {
    assert.deepEqual(
      configProblems((config) => {
        config.vendors[0].access.levels.read.object = ["s3:Get*"];
        config.vendors[0].auth.modes.role.externalId = "none";
      }),
      [
        'vendors[0].access.levels.read.object[0]: "s3:Get*" is not an exact s3 action (s3:ActionName, no wildcards)',
        'vendors[0].auth.modes.role.externalId: Invalid option: expected one of "generated"|"vendor-issued"',
        // The invalid vendor is not registered, so the integration that uses it is reported too.
        'integrations[0].vendor: "globex-annotate" is not a known vendor (known: aquarium, deeplake, mlspace, isahit, aihub, acme-label)',
      ],
    );
  });

  it("refuses to exclude an action the vendor does not grant, listing the valid ones", () => {
    assert.deepEqual(
      configProblems((config) => {
        config.integrations[0].excludeActions = ["s3:PutObject"];
      }),
      [
        'integrations[0].excludeActions[0]: "s3:PutObject": not in globex-annotate\'s read set (valid: s3:ListBucket, s3:GetBucketLocation, s3:GetObject, s3:GetObjectTagging)',
      ],
    );
  });

  it("refuses a code-defined vendor with a wildcard action, before anything is registered", () => {
    assert.throws(
      () =>
        defineVendor({
          ...acmeLabel,
          id: "acme-wild",
          access: { default: "read", levels: { read: { bucket: ["s3:*"], object: [], kms: [] } } },
        }),
      (error: unknown) => {
        assert.ok(error instanceof VendorDefinitionError);
        assert.deepEqual(error.problems, [
          'defineVendor("acme-wild").access.levels.read.bucket[0]: "s3:*" is not an exact s3 action (s3:ActionName, no wildcards)',
        ]);
        return true;
      },
    );
  });
});
