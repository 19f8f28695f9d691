import * as assert from "node:assert/strict";
import { strongVendorExternalId as rule } from "../../../policypack/rules/strongVendorExternalId";
import { validateResources } from "../../../policypack/validate";
import {
  assertHasResourceViolation,
  assertNoResourceViolations,
  documentShapes,
  role,
  runResourceRule,
} from "../ruleHarness";

const trust = (externalId: string, principal = "arn:aws:iam::999888496268:root") => ({
  Sid: "VendorTrust",
  Effect: "Allow",
  Principal: { AWS: principal },
  Action: "sts:AssumeRole",
  Condition: { StringEquals: { "sts:ExternalId": externalId } },
});

describe("policypack rule strong-vendor-external-id", () => {
  for (const { label, document } of documentShapes(trust("a6fa9c7f-7f53-4a41-812d-a29f48288a94"))) {
    it(`accepts a UUID ExternalId (${label})`, () => assertNoResourceViolations(rule, role(document)));
  }
  it("reports a two-character ExternalId without printing it", async () => {
    const message = await assertHasResourceViolation(
      rule,
      role({ Statement: trust("x7") }),
      "an ExternalId of 2 characters",
    );
    assert.ok(!message.includes('"x7"'));
  });
  it("reports an ExternalId equal to the vendor's own account number in the same trust", () =>
    assertHasResourceViolation(
      rule,
      role({ Statement: trust("999888496268") }),
      "equal to account 999888496268, which the same trust names",
    ));
  it("accepts a 12-digit ExternalId that is no account of the trust", () =>
    assertNoResourceViolations(rule, role({ Statement: trust("123456789012") })));
  it("takes minLength from config", async () => {
    const run = await runResourceRule(rule, role({ Statement: trust("abcdefghij") }, { config: { minLength: 12 } }));
    assert.match(run.violations[0] ?? "", /10 characters: short enough to guess \(fewer than 12\)/);
  });
  it("is advisory by default, offline as in the engine", async () => {
    const violations = await validateResources(
      [
        {
          type: "aws:iam/role:Role",
          name: "r",
          props: { assumeRolePolicy: JSON.stringify({ Statement: trust("ab") }) },
        },
      ],
      {},
    );
    assert.deepEqual(
      violations.filter((v) => v.policy === rule.name).map((v) => v.enforcementLevel),
      ["advisory"],
    );
  });
});
