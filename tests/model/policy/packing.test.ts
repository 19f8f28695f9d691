// Quota-aware packing: as many buckets as IAM's quotas allow (>= 95% of the theoretical bound), and a clear
// failure at synth, before any resource, past it.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { parseStackConfig, type BucketConfig, type IntegrationConfig, type StackConfig } from "../../../model/config";
import { iamLimits } from "../../../model/limits";
import type { PolicyDocument } from "../../../model/policy/document";
import {
  mergeGroupsWithSameScope,
  minimumPackedSize,
  packStatements,
  policySize,
  roleCapacities,
  theoreticalBucketBound,
  userCapacities,
  type StatementGroup,
} from "../../../model/policy/packing";
import { bucketCapacity, identityStatementGroups, PlanError, planIntegration } from "../../../model/plan";

const owner = "111122223333";

/** `count` distinct valid bucket names of exactly `length` characters (base-36 counters, zero-padded). */
function bucketNames(length: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => index.toString(36).padStart(length, "0"));
}

interface Shape {
  label: string;
  integration: Record<string, unknown>;
  prefix: string;
  kms: boolean;
}

const shapes: Shape[] = [
  {
    label: "Aquarium read, whole buckets (role)",
    integration: { vendor: "aquarium", principal: "123456789012" },
    prefix: "",
    kms: false,
  },
  {
    label: "Deep Lake read-write, prefix, a KMS key per bucket (role)",
    integration: { vendor: "deeplake" },
    prefix: "datasets/",
    kms: true,
  },
  {
    label: "AI Hub read-write, prefix (access-key user)",
    integration: { vendor: "aihub", auth: "accessKey" },
    prefix: "drive/",
    kms: false,
  },
  {
    label: "Isahit read, prefix, an access point per bucket (role)",
    integration: { vendor: "isahit", principal: "999888496268", externalId: "isahit-issued-0001" },
    prefix: "batches/",
    kms: false,
  },
];

/** A validated one-integration stack, then its bucket list swapped for generated ones (zod on thousands of buckets is slow). */
function stackWith(
  shape: Shape,
  names: readonly string[],
  managedPoliciesPerRole = 10,
): { integration: IntegrationConfig; stack: StackConfig } {
  const template = parseStackConfig({
    accountId: owner,
    managedPoliciesPerRole,
    integrations: [
      {
        name: "packed",
        ...shape.integration,
        buckets: [{ name: "template-bucket", region: "us-east-1", ...(shape.prefix ? { prefix: shape.prefix } : {}) }],
      },
    ],
  });
  const base = template.integrations[0];
  const buckets: BucketConfig[] = names.map((name, index) => ({
    ...base.buckets[0],
    name,
    ...(shape.kms
      ? {
          kmsKeyArn: `arn:aws:kms:us-east-1:${owner}:key/${String(index).padStart(8, "0")}-1111-4222-8333-444455556666`,
        }
      : {}),
    ...(base.buckets[0].accessPointName ? { accessPointName: `packed-${index.toString(36)}` } : {}),
  }));
  const integration = { ...base, buckets };
  return { integration, stack: { ...template, integrations: [integration] } };
}

function capacitiesFor(integration: IntegrationConfig, stack: StackConfig): number[] {
  return integration.auth === "role"
    ? roleCapacities(stack.managedPoliciesPerRole)
    : userCapacities(stack.managedPoliciesPerRole);
}

function assertWithinQuotas(documents: readonly PolicyDocument[], capacities: readonly number[]): void {
  assert.ok(documents.length <= capacities.length, `${documents.length} documents for ${capacities.length} slots`);
  documents.forEach((document, index) =>
    assert.ok(
      policySize(document) <= capacities[index],
      `document ${index}: ${policySize(document)} > ${capacities[index]}`,
    ),
  );
}

const resourcesOf = (documents: readonly PolicyDocument[]) =>
  new Set(documents.flatMap((d) => d.Statement.flatMap((s) => s.Resource ?? [])));

describe("model/policy/packing: identity policies packed to IAM's quotas", () => {
  it("merges groups of the same resources and condition into one statement, and lists each resource once", () => {
    const buckets = ["arn:aws:s3:::a", "arn:aws:s3:::b"];
    const groups: StatementGroup[] = [
      { sid: "ListBuckets", actions: ["s3:ListBucket"], resources: buckets },
      { sid: "BucketAccess", actions: ["s3:GetBucketLocation"], resources: buckets },
      {
        sid: "ListUnderPrefix1",
        actions: ["s3:ListBucket"],
        resources: buckets,
        condition: { StringLike: { "s3:prefix": ["p/*"] } },
      },
      {
        sid: "KmsViaS3",
        actions: ["kms:Decrypt"],
        resources: ["arn:aws:kms:us-east-1:111122223333:key/k", "arn:aws:kms:us-east-1:111122223333:key/k"],
      },
    ];
    assert.deepEqual(mergeGroupsWithSameScope(groups), [
      { sid: "ListBucketsAndBucketAccess", actions: ["s3:ListBucket", "s3:GetBucketLocation"], resources: buckets },
      groups[2],
      { ...groups[3], resources: ["arn:aws:kms:us-east-1:111122223333:key/k"] },
    ]);
    const [document] = packStatements(groups, [iamLimits.managedPolicyChars])!;
    assert.deepEqual(document.Statement[0], {
      Sid: "ListBucketsAndBucketAccess",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket"],
      Resource: buckets,
    });
  });

  it("never packs below the minimum size the theoretical bound assumes", () => {
    for (const shape of shapes) {
      const { integration, stack } = stackWith(shape, bucketNames(30, 150));
      const groups = identityStatementGroups(integration, stack);
      const documents = packStatements(groups, capacitiesFor(integration, stack))!;
      const packedSize = documents.reduce((sum, d) => sum + policySize(d), 0);
      assert.ok(
        packedSize >= minimumPackedSize(groups, documents.length),
        `${shape.label}: ${packedSize} < ${minimumPackedSize(groups, documents.length)}`,
      );
    }
  });

  for (const shape of shapes) {
    describe(shape.label, () => {
      for (const length of [3, 30, 63]) {
        it(`holds 1, 10, 100 and the maximum of ${length}-character buckets, >= 95% of the bound, and refuses one more`, () => {
          // More candidates than any shape holds: the 3-character whole-bucket grant tops out near 3,400.
          const candidates = bucketNames(length, shape.kms || shape.prefix ? 1200 : 3600);
          const { integration, stack } = stackWith(shape, candidates);
          const { packed: maximum, bound } = bucketCapacity(integration, stack);
          assert.ok(maximum < candidates.length, "the candidates run past the quota");
          assert.ok(bound >= maximum, `bound ${bound} >= packer ${maximum}`);
          assert.ok(maximum >= 0.95 * bound, `packer ${maximum} reaches 95% of the bound ${bound}`);

          const capacities = capacitiesFor(integration, stack);
          for (const count of [1, 10, 100, maximum]) {
            const subset = { ...integration, buckets: integration.buckets.slice(0, count) };
            const plan = planIntegration(subset, { ...stack, integrations: [subset] }, "dev");
            assertWithinQuotas(plan.permissionPolicies, capacities);
            const expected = new Set(identityStatementGroups(subset, stack, "dev").flatMap((g) => g.resources));
            assert.deepEqual(
              resourcesOf(plan.permissionPolicies),
              expected,
              `${count} buckets: every resource granted, nothing else`,
            );
          }

          const tooMany = { ...integration, buckets: integration.buckets.slice(0, maximum + 1) };
          assert.throws(
            () => planIntegration(tooMany, { ...stack, integrations: [tooMany] }, "dev"),
            (error: Error) =>
              error instanceof PlanError &&
              error.message.includes(`${maximum + 1} buckets do not fit`) &&
              error.message.includes(`The first ${maximum} buckets fit`) &&
              /Raise the managed-policies-per-(role|user) quota \(config managedPoliciesPerRole, now 10, at most 20\) or split this integration/.test(
                error.message,
              ),
          );
        });
      }
    });
  }

  it("holds more with the raised quota of 20 managed policies, still >= 95% of the bound", () => {
    const shape = shapes[1];
    const names = bucketNames(30, 1200);
    const standard = bucketCapacity(
      ...(Object.values(stackWith(shape, names, 10)) as [IntegrationConfig, StackConfig]),
    );
    const raised = bucketCapacity(...(Object.values(stackWith(shape, names, 20)) as [IntegrationConfig, StackConfig]));
    // 10,240 + 20 x 6,144 against 10,240 + 10 x 6,144 characters.
    assert.ok(raised.packed > 1.8 * standard.packed, `${raised.packed} vs ${standard.packed}`);
    assert.ok(raised.packed >= 0.95 * raised.bound);
  });

  it("bounds by the quotas only: the bound of an empty grant is every bucket", () => {
    assert.equal(
      theoreticalBucketBound(5, () => [], roleCapacities(10)),
      5,
    );
  });

  it("fails synth with exit code 2 past the bound, saying how many buckets fit and what to do, before any resource", function () {
    this.timeout(60000);
    const { integration, stack } = stackWith(shapes[0], bucketNames(63, 400), 1);
    const { packed } = bucketCapacity(integration, stack);
    const dir = mkdtempSync(join(tmpdir(), "vendor-access-packing-"));
    try {
      const file = join(dir, "Pulumi.toomany.yaml");
      const buckets = integration.buckets.slice(0, packed + 1).map((b) => ({ name: b.name, region: b.region }));
      writeFileSync(
        file,
        stringify({
          config: {
            "vendor-access:accountId": owner,
            "vendor-access:managedPoliciesPerRole": 1,
            "vendor-access:integrations": [
              { name: "aquarium-labels", vendor: "aquarium", principal: "123456789012", buckets },
            ],
          },
        }),
      );
      const root = join(__dirname, "..", "..", "..");
      const run = spawnSync(
        process.execPath,
        [require.resolve("ts-node/dist/bin.js"), "--swc", "tools/synth.ts", "--config-file", file],
        { cwd: root, encoding: "utf8" },
      );
      assert.equal(run.status, 2, run.stderr);
      assert.equal(run.stdout, "", "nothing rendered: no resource was registered");
      assert.match(
        run.stderr,
        new RegExp(
          `^integration aquarium-labels: ${packed + 1} buckets do not fit IAM's identity-policy quotas .* The first ${packed} buckets fit\\. Raise the managed-policies-per-role quota \\(config managedPoliciesPerRole, now 1, at most 20\\) or split this integration into several\\.$`,
          "m",
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
