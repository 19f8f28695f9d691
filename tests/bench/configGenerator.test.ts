import * as assert from "node:assert/strict";
import { parseConfigMap } from "../../model/config";
import { planStack } from "../../model/stackPlan";
import {
  benchBucketNames,
  benchStackName,
  benchVendorOrder,
  generateStack,
  integrationFits,
  splitAcrossIntegrations,
  benchBuckets,
  benchKmsKeys,
} from "../../bench/configGenerator";

describe("bench config generator", () => {
  it("names buckets distinctly, at exactly the length asked, for 3, 30 and 63 characters", () => {
    for (const length of [3, 30, 63]) {
      const names = benchBucketNames(500, length);
      assert.equal(new Set(names).size, 500);
      assert.ok(
        names.every((name) => name.length === length && /^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(name)),
        `length ${length}: ${names[0]}`,
      );
    }
    assert.throws(() => benchBucketNames(1, 2), RangeError);
  });

  it("gives V distinct vendors that share the same B buckets, as a config the program accepts and plans", () => {
    const generated = generateStack(5, 10);
    const config = parseConfigMap(generated.configMap);
    assert.deepEqual(
      config.integrations.map((i) => i.vendor),
      [...benchVendorOrder],
    );
    for (const integration of config.integrations) {
      assert.deepEqual(
        integration.buckets.map((b) => b.name),
        benchBucketNames(10),
      );
    }
    const { plans, buckets } = planStack(config, benchStackName);
    assert.equal(plans.length, 5);
    assert.equal(buckets.length, 10);
    assert.deepEqual(generated.integrationsPerVendor, { isahit: 1, aihub: 1, mlspace: 1, deeplake: 1, aquarium: 1 });
  });

  it("starts the vendor axis with Isahit alone", () => {
    const generated = generateStack(1, 1);
    assert.deepEqual(generated.vendors, ["isahit"]);
    assert.equal(generated.config.integrations.length, 1);
  });

  it("splits a vendor's buckets over several integrations, in order, each within the quotas", () => {
    const buckets = benchBuckets(400);
    const parts = splitAcrossIntegrations("isahit", buckets);
    assert.ok(parts.length >= 2, `expected a split, got ${parts.length} part(s)`);
    const covered = parts.flatMap((part) => (part.buckets as { name: string }[]).map((b) => b.name));
    assert.deepEqual(
      covered,
      buckets.map((b) => b.name),
    );
    assert.ok(parts.every(integrationFits));
    assert.deepEqual(
      parts.map((part) => part.name),
      parts.map((_, index) => `isahit-part-${index + 1}`),
    );
  });

  it("gives every run of 1,000 buckets keys of its own: 250 SSE-KMS buckets per key and region at the most", () => {
    const perKey = new Map<string, number>();
    for (const { kmsKeyArn } of benchBuckets(3000))
      if (kmsKeyArn) perKey.set(kmsKeyArn, (perKey.get(kmsKeyArn) ?? 0) + 1);
    assert.equal(perKey.size, 6);
    assert.deepEqual([...new Set(perKey.values())], [250]);
    assert.deepEqual(
      benchBuckets(1000)
        .flatMap((b) => (b.kmsKeyArn ? [b.kmsKeyArn] : []))
        .filter((k, i, all) => all.indexOf(k) === i),
      [benchKmsKeys["us-east-1"], benchKmsKeys["us-west-2"]],
    );
  });
});
