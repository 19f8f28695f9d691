import * as assert from "node:assert/strict";
import { parseConfigMap, secretPathsPredicate } from "../../model/config";
import { loadStackFile, stackConfigOf } from "../../tools/stackFile";
import { configProblemsOf } from "../helpers/configProblems";

const isahit = {
  name: "isahit-annotation",
  vendor: "isahit",
  principal: "999888496268",
  externalId: "isahit-issued-0001",
  buckets: [{ name: "images", region: "us-east-1" }],
};
const aquarium = {
  name: "aquarium-labels",
  vendor: "aquarium",
  principal: "123456789012",
  buckets: [{ name: "images", region: "us-east-1" }],
};

const configMap = (extra: Record<string, string> = {}) => ({
  "vendor-access:accountId": "111122223333",
  "vendor-access:integrations": JSON.stringify([aquarium, isahit]),
  ...extra,
});

describe("secrets never silently in plain text", () => {
  it("rejects a vendor-issued ExternalId given in plain text, with the command that fixes it", () => {
    const problems = configProblemsOf(() => parseConfigMap(configMap(), secretPathsPredicate([])));
    assert.deepEqual(problems, [
      "integrations[1].externalId: an ExternalId in plain text; make it a secret with `pulumi config set --secret --path 'vendor-access:integrations[1].externalId' <value>` (or mark an example stack with vendor-access:example: true)",
    ]);
  });

  it("accepts it as a secret: exactly that path (a stack file), or the whole key (what the engine knows)", () => {
    const exact = parseConfigMap(configMap(), secretPathsPredicate(["vendor-access:integrations[1].externalId"]));
    assert.deepEqual(exact.integrations[1].externalId, { kind: "value", value: "isahit-issued-0001" });
    const perKey = parseConfigMap(configMap(), (key) => key === "vendor-access:integrations");
    assert.equal(perKey.integrations.length, 2);
  });

  it("a secret elsewhere does not cover it", () => {
    const problems = configProblemsOf(() =>
      parseConfigMap(configMap(), secretPathsPredicate(["vendor-access:integrations[0].principal"])),
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^integrations\[1\]\.externalId: an ExternalId in plain text/);
  });

  it("applies to the deployer's own assume-role ExternalId", () => {
    const problems = configProblemsOf(() =>
      parseConfigMap(
        configMap({
          "vendor-access:integrations": JSON.stringify([aquarium]),
          "aws:assumeRoles": JSON.stringify([
            { roleArn: "arn:aws:iam::111122223333:role/deployer", externalId: "chain-0001" },
          ]),
        }),
        secretPathsPredicate([]),
      ),
    );
    assert.deepEqual(problems, [
      "aws:assumeRoles[0].externalId: an ExternalId in plain text; make it a secret with `pulumi config set --secret --path 'aws:assumeRoles[0].externalId' <value>` (or mark an example stack with vendor-access:example: true)",
    ]);
  });

  it("allows plain text in a stack marked as an example", () => {
    const config = parseConfigMap(configMap({ "vendor-access:example": "true" }), secretPathsPredicate([]));
    assert.equal(config.example, true);
  });

  it("the example stacks are marked as examples, and the dev example fails once unmarked", () => {
    const dev = loadStackFile({ stack: "dev" });
    assert.equal(stackConfigOf(dev).example, true);
    assert.equal(stackConfigOf(loadStackFile({ stack: "prod" })).example, true);
    const { "vendor-access:example": _marker, ...unmarked } = dev.config;
    const problems = configProblemsOf(() => parseConfigMap(unmarked, secretPathsPredicate(dev.secretPaths)));
    assert.deepEqual(
      problems.map((p) => p.split(":")[0]),
      ["integrations[3].externalId", "integrations[4].externalId"],
    );
  });

  it("a stack file's secure: values are found by path", () => {
    assert.deepEqual(loadStackFile({ stack: "prod" }).secretPaths, ["vendor-access:integrations[2].externalId"]);
  });
});
