import * as assert from "node:assert/strict";
import { bucketCorsRulesKind as componentCorsKind } from "../../providers/bucketCorsRules";
import { bucketPolicyStatementsKind as componentPolicyKind } from "../../providers/bucketPolicyStatements";
import { bucketCorsRulesKind, bucketPolicyStatementsKind } from "../../policypack/resourceTypes";

// The pack keeps its own copy on purpose (it checks the program independently); this test keeps the copies equal.
describe("policypack/resourceTypes", () => {
  it("names the shared-bucket resource kinds exactly as the components register them", () => {
    assert.equal(bucketPolicyStatementsKind, componentPolicyKind);
    assert.equal(bucketCorsRulesKind, componentCorsKind);
  });
});
