import { noPublicPrincipals as rule } from "../../../policypack/rules/noPublicPrincipals";
import {
  accessPoint,
  assertHasResourceViolation,
  assertNoResourceViolations,
  bucketPolicy,
  documentShapes,
  keyPolicy,
  role,
  statementsArgs,
  type Statement,
} from "../ruleHarness";

const read = (principal: unknown, condition?: Record<string, unknown>): Statement => ({
  Sid: "Read",
  Effect: "Allow",
  Principal: principal,
  Action: "s3:GetObject",
  Resource: "arn:aws:s3:::data/*",
  ...(condition ? { Condition: condition } : {}),
});
const orgPinned = { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } };

describe("policypack rule no-public-principals", () => {
  for (const { label, document } of documentShapes(read({ AWS: "arn:aws:iam::444455556666:root" }))) {
    it(`accepts a named account (${label})`, () => assertNoResourceViolations(rule, bucketPolicy(document)));
  }
  for (const { label, document } of documentShapes(read("*"))) {
    it(`rejects Principal "*" (${label})`, () =>
      assertHasResourceViolation(
        rule,
        bucketPolicy(document),
        'policy: statement "Read"',
        'public principal "*"',
        "Name the vendor's account",
      ));
  }

  const publicForms: [string, unknown, string][] = [
    ['{"AWS": "*"}', { AWS: "*" }, '"*"'],
    ['"*" inside an AWS array', { AWS: ["arn:aws:iam::444455556666:root", "*"] }, '"*"'],
    ["a wildcard account", { AWS: "arn:aws:iam::*:root" }, '"arn:aws:iam::*:root"'],
    ["a wildcard in a role ARN's account", { AWS: ["arn:aws:iam::4444555566?6:role/reader"] }, "4444555566?6"],
    ['lower-case "aws" key', { aws: "*" }, '"*"'],
    ['{"Service": "*"}', { Service: "*" }, '"*"'],
  ];
  for (const [label, principal, value] of publicForms) {
    it(`rejects ${label}`, () =>
      assertHasResourceViolation(rule, bucketPolicy({ Statement: [read(principal)] }), value));
  }

  it("accepts a public principal pinned by a fixed identity condition, in any key case", async () => {
    await assertNoResourceViolations(rule, bucketPolicy({ Statement: read("*", orgPinned) }));
    await assertNoResourceViolations(
      rule,
      bucketPolicy({ Statement: read({ AWS: "*" }, { StringEquals: { "AWS:PRINCIPALACCOUNT": "444455556666" } }) }),
    );
    // Delegating access control to access points (S3: "Delegating access control to access points").
    await assertNoResourceViolations(
      rule,
      bucketPolicy({
        Statement: read({ AWS: "*" }, { StringEquals: { "s3:DataAccessPointAccount": "111122223333" } }),
      }),
    );
  });

  const weakRestrictions: [string, Record<string, unknown>, string][] = [
    ["a negated condition", { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }, "negation"],
    [
      "an IfExists condition",
      { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
      "passes when aws:PrincipalOrgID is absent",
    ],
    ["a wildcard condition", { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" } }, "not a fixed value"],
    [
      "a ForAllValues condition",
      { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
      "set operator",
    ],
    [
      "a condition that does not identify the caller",
      { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
      'public principal "*"',
    ],
  ];
  for (const [label, condition, why] of weakRestrictions) {
    it(`is not rescued by ${label}`, () =>
      assertHasResourceViolation(rule, bucketPolicy({ Statement: read("*", condition) }), why));
  }

  it("leaves Deny statements alone: denying everyone is how guardrails are written", () =>
    assertNoResourceViolations(
      rule,
      bucketPolicy({
        Statement: [
          {
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: "arn:aws:s3:::data/*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    ));

  it("checks trust, key, access point and statement-level policies", async () => {
    await assertHasResourceViolation(
      rule,
      role({
        Statement: {
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": "id-1" } },
        },
      }),
      "assumeRolePolicy: Statement[0]",
    );
    await assertNoResourceViolations(
      rule,
      keyPolicy({
        Statement: {
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: {
            StringEquals: { "kms:CallerAccount": "111122223333", "kms:ViaService": "s3.us-east-1.amazonaws.com" },
          },
        },
      }),
    );
    await assertHasResourceViolation(rule, accessPoint(JSON.stringify({ Statement: [read("*")] })), 'statement "Read"');
    await assertHasResourceViolation(
      rule,
      statementsArgs([{ ...read("*"), Sid: "vendor--test--Open" }]),
      'statement "vendor--test--Open"',
    );
  });
});
