import { noNotElementsWithAllow as rule } from "../../../policypack/rules/noNotElementsWithAllow";
import {
  assertHasResourceViolation,
  assertNoResourceViolations,
  bucketPolicy,
  documentShapes,
  managedPolicy,
  statementsArgs,
} from "../ruleHarness";

describe("policypack rule no-not-elements-with-allow", () => {
  for (const { label, document } of documentShapes({
    Sid: "Read",
    Effect: "Allow",
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::data/*",
  })) {
    it(`accepts Action and Resource (${label})`, () => assertNoResourceViolations(rule, managedPolicy(document)));
  }
  for (const { label, document } of documentShapes({
    Sid: "AllButIam",
    Effect: "Allow",
    NotAction: ["iam:*"],
    Resource: "arn:aws:s3:::data/*",
  })) {
    it(`rejects Allow with NotAction (${label})`, () =>
      assertHasResourceViolation(
        rule,
        managedPolicy(document),
        'policy: statement "AllButIam"',
        'NotAction "iam:*"',
        "List the allowed actions in Action",
      ));
  }
  for (const { label, document } of documentShapes({
    Effect: "allow",
    Action: "s3:GetObject",
    NotResource: "arn:aws:s3:::secrets/*",
  })) {
    it(`rejects Allow with NotResource, in any Effect case (${label})`, () =>
      assertHasResourceViolation(
        rule,
        managedPolicy(document),
        "Statement[0]",
        'NotResource "arn:aws:s3:::secrets/*"',
      ));
  }
  for (const { label, document } of documentShapes({
    Sid: "Everyone",
    Effect: "Allow",
    NotPrincipal: { AWS: ["arn:aws:iam::444455556666:root"] },
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::data/*",
  })) {
    it(`rejects Allow with NotPrincipal (${label})`, () =>
      assertHasResourceViolation(
        rule,
        bucketPolicy(document),
        'statement "Everyone"',
        'NotPrincipal "arn:aws:iam::444455556666:root"',
      ));
  }

  it("accepts NotPrincipal and NotAction in Deny statements", () =>
    assertNoResourceViolations(
      rule,
      bucketPolicy({
        Statement: [
          {
            Effect: "Deny",
            NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/admin" },
            NotAction: "s3:GetObject",
            Resource: "arn:aws:s3:::data/*",
          },
        ],
      }),
    ));

  it("checks the project's statement-level bucket policy resources", () =>
    assertHasResourceViolation(
      rule,
      statementsArgs([
        {
          Sid: "vendor--test--Read",
          Effect: "Allow",
          Principal: { AWS: "444455556666" },
          Action: "s3:GetObject",
          NotResource: "arn:aws:s3:::data/private/*",
        },
      ]),
      'statement "vendor--test--Read"',
    ));
});
