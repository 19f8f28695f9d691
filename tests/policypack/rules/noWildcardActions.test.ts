import { unknownCheckingProxy } from "@pulumi/policy";
import { allow } from "../../../model/policy/document";
import { noWildcardActions } from "../../../policypack/rules/noWildcardActions";
import {
  assertHasResourceViolation,
  assertNoResourceViolations,
  bucketPolicy,
  documentShapes,
  keyPolicy,
  managedPolicy,
  resourceArgs,
  rolePolicy,
  statementsArgs,
} from "../ruleHarness";

const read = (action: string | string[], sid?: string) => ({
  ...(sid ? { Sid: sid } : {}),
  Effect: "Allow",
  Action: action,
  Resource: "arn:aws:s3:::data/*",
});

describe("policypack rule no-wildcard-actions", () => {
  for (const { label, document } of documentShapes(read("s3:GetObject", "Read"))) {
    it(`accepts exact actions (${label})`, () =>
      assertNoResourceViolations(noWildcardActions, managedPolicy(document)));
  }
  for (const { label, document } of documentShapes(read("s3:Get*", "Read"))) {
    it(`rejects a wildcard action (${label})`, () =>
      assertHasResourceViolation(noWildcardActions, managedPolicy(document), 'statement "Read"', '"s3:Get*"'));
  }
  for (const { label, document } of documentShapes([
    read(["s3:GetObject"], "Read"),
    read(["s3:ListBucket", "s3:*Object*"]),
  ])) {
    it(`names an unnamed statement by index (${label})`, () =>
      assertHasResourceViolation(noWildcardActions, managedPolicy(document), "Statement[1]", '"s3:*Object*"'));
  }

  for (const wildcard of [
    "*",
    "s3:*",
    "s3:Get*",
    "*Object*",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "s3:GetObjec?",
  ]) {
    it(`rejects ${JSON.stringify(wildcard)} as a string and inside an array`, async () => {
      await assertHasResourceViolation(
        noWildcardActions,
        rolePolicy(documentShapes(read(wildcard))[0].document),
        JSON.stringify(wildcard),
      );
      await assertHasResourceViolation(
        noWildcardActions,
        rolePolicy({ Statement: [read(["s3:GetObject", wildcard])] }),
        JSON.stringify(wildcard),
      );
    });
  }

  it("accepts exact actions in any case, and rejects wildcards in any case", async () => {
    await assertNoResourceViolations(
      noWildcardActions,
      managedPolicy({ Statement: read(["S3:GETOBJECT", "s3:listbucket"]) }),
    );
    await assertHasResourceViolation(noWildcardActions, managedPolicy({ Statement: read("S3:*") }), '"S3:*"');
  });

  it("lists every wildcard of a statement in one message that says how to fix it", () =>
    assertHasResourceViolation(
      noWildcardActions,
      managedPolicy({ Statement: read(["kms:ReEncrypt*", "kms:GenerateDataKey*"], "Kms") }),
      'statement "Kms"',
      '"kms:ReEncrypt*", "kms:GenerateDataKey*"',
      "List the exact actions",
    ));

  it("leaves Deny statements alone: a wildcard there only removes access", () =>
    assertNoResourceViolations(
      noWildcardActions,
      bucketPolicy({
        Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::data/*" }],
      }),
    ));

  it("checks KMS key policies and the project's statement-level bucket policy resources", async () => {
    await assertHasResourceViolation(
      noWildcardActions,
      keyPolicy({
        Statement: [
          {
            Sid: "Admin",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111122223333:root" },
            Action: "kms:*",
            Resource: "*",
          },
        ],
      }),
      '"kms:*"',
    );
    const good = allow({
      sid: "vendor--test--Read",
      principal: { AWS: "arn:aws:iam::444455556666:root" },
      actions: ["s3:GetObject"],
      resources: ["arn:aws:s3:::data/*"],
    });
    await assertNoResourceViolations(noWildcardActions, statementsArgs([good]));
    await assertHasResourceViolation(
      noWildcardActions,
      statementsArgs([good, { ...good, Sid: "vendor--test--All", Action: ["s3:*"] }]),
      'statement "vendor--test--All"',
      '"s3:*"',
    );
  });

  it("skips a policy that is unknown during preview instead of failing", async () => {
    const props = unknownCheckingProxy({ name: "vendor-grant", policy: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
    await assertNoResourceViolations(noWildcardActions, resourceArgs("aws:iam/policy:Policy", props));
  });
});
