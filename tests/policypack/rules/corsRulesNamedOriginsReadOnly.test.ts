import * as assert from "node:assert/strict";
import { tagKeys } from "../../../policypack/programFacts";
import {
  corsRulesNamedOriginsReadOnly as rule,
  originProblem,
} from "../../../policypack/rules/corsRulesNamedOriginsReadOnly";
import { bucketCorsRules, runStackRule, stackArgs, type StackResource } from "../ruleHarness";

const isahitRole: StackResource = {
  type: "aws:iam/role:Role",
  name: "isahit-annotation-role",
  props: {
    name: "isahit-annotation-dev",
    tags: { [tagKeys.vendor]: "isahit", [tagKeys.integration]: "isahit-annotation" },
  },
};
const withRule = (rule: Record<string, unknown>, ruleIdPrefix = "isahit-annotation--dev"): StackResource => {
  const resource = bucketCorsRules({ ownerKey: ruleIdPrefix });
  const [base] = (resource.props.rules as Record<string, unknown>[]) ?? [];
  return { ...resource, props: { ...resource.props, rules: [{ ...base, ...rule }] } };
};
const violations = async (resources: StackResource[]) => (await runStackRule(rule, stackArgs(resources))).byResource;

describe("policypack rule cors-rules-named-origins-read-only", () => {
  it("accepts the Isahit rule the program writes: GET from Isahit's two origins", async () =>
    assert.deepEqual(
      await violations([
        isahitRole,
        withRule({ AllowedMethods: ["GET"], AllowedOrigins: ["https://lab.isahit.com", "https://work.isahit.com"] }),
      ]),
      [],
    ));

  it('rejects AllowedOrigins ["*"] with PUT and DELETE on a vendor\'s CORS rule', async () => {
    const found = await violations([
      isahitRole,
      withRule({ AllowedOrigins: ["*"], AllowedMethods: ["GET", "PUT", "DELETE"] }),
    ]);
    assert.deepEqual(found, [
      'cors-isahit-annotation--dev: CORS rule "isahit-annotation--dev" allows origin "*" is every site on the internet. Name the vendor\'s web app origins exactly.',
      'cors-isahit-annotation--dev: CORS rule "isahit-annotation--dev" allows "PUT", "DELETE", which the isahit profile does not ask for. Allow only "GET", "HEAD": a write method lets any page on the allowed origins change objects with the user\'s credentials.',
    ]);
  });

  it("rejects write methods on a rule whose vendor is unknown", async () => {
    const found = await violations([withRule({ AllowedMethods: ["POST"] }, "unknown-integration--dev")]);
    assert.match(found[0], /allows "POST", which no vendor profile of this rule asks for \(its vendor is unknown\)/);
  });

  it("judges origin wildcards: only the leftmost label of a named domain", () => {
    assert.equal(originProblem("https://lab.isahit.com"), undefined);
    assert.equal(originProblem("https://*.isahit.com"), undefined);
    assert.match(originProblem("*") ?? "", /every site/);
    assert.match(originProblem("https://*") ?? "", /other sites/);
    assert.match(originProblem("http://*.com") ?? "", /other sites/);
    assert.match(originProblem("https://lab.*.com") ?? "", /other sites/);
  });

  it("checks the project's rules in an exclusive-mode BucketCorsConfiguration, and leaves other rules of the stack alone", async () => {
    const configuration: StackResource = {
      type: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
      name: "documents-cors",
      props: {
        bucket: "data",
        corsRules: [
          { id: "isahit-annotation--dev", allowedOrigins: ["*"], allowedMethods: ["GET"] },
          { id: "public-site", allowedOrigins: ["*"], allowedMethods: ["GET"] },
        ],
      },
    };
    const found = await violations([isahitRole, configuration]);
    assert.deepEqual(found.length, 1);
    assert.match(found[0], /^documents-cors: CORS rule "isahit-annotation--dev" allows origin "\*"/);
  });
});
