import { noPermissionsManagementForExternalPrincipals as rule } from "../../../policypack/rules/noPermissionsManagementForExternalPrincipals";
import {
  assertHasResourceViolation,
  assertNoResourceViolations,
  bucketPolicy,
  documentShapes,
  keyPolicy,
  resourceArgs,
  statementsArgs,
} from "../ruleHarness";

const config = { accountIds: ["111122223333"] };
const vendorGrant = (actions: string | string[], principal: unknown = { AWS: "444455556666" }) => ({
  Sid: "Vendor",
  Effect: "Allow",
  Principal: principal,
  Action: actions,
  Resource: ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
});

describe("policypack rule no-permissions-management-for-external-principals", () => {
  for (const { label, document } of documentShapes(vendorGrant(["s3:PutBucketPolicy", "s3:PutBucketAcl"]))) {
    it(`rejects s3:PutBucketPolicy and s3:PutBucketAcl granted to a vendor account, no wildcard involved (${label})`, () =>
      assertHasResourceViolation(
        rule,
        bucketPolicy(document, { config }),
        'policy: statement "Vendor" lets "444455556666" manage permissions: "s3:PutBucketPolicy", "s3:PutBucketAcl"',
      ));
  }
  for (const action of [
    "s3:DeleteBucketPolicy",
    "s3:PutBucketOwnershipControls",
    "s3:PutObjectAcl",
    "s3:PutBucketPublicAccessBlock",
  ]) {
    it(`rejects ${action} for an outside principal (catalog access level, not a hand-written list)`, () =>
      assertHasResourceViolation(rule, bucketPolicy({ Statement: vendorGrant(action) }, { config }), `"${action}"`));
  }
  it("expands wildcards and NotAction with the catalog", async () => {
    await assertHasResourceViolation(
      rule,
      bucketPolicy({ Statement: vendorGrant("s3:Put*") }, { config }),
      '"s3:PutBucketPolicy"',
      "more",
    );
    const notAction = { ...vendorGrant([]), Action: undefined, NotAction: ["s3:GetObject"] };
    await assertHasResourceViolation(rule, bucketPolicy({ Statement: notAction }, { config }), "manage permissions");
  });
  it("checks key policies and the project's statement-level resources", async () => {
    await assertHasResourceViolation(
      rule,
      keyPolicy({ Statement: { ...vendorGrant("kms:PutKeyPolicy"), Resource: "*" } }, { config }),
      '"kms:PutKeyPolicy"',
    );
    await assertHasResourceViolation(
      rule,
      { ...statementsArgs([vendorGrant("s3:PutBucketAcl")], { config }) },
      "statements:",
    );
  });
  it("accepts permissions management by your own accounts: AI Hub's s3:PutObjectAcl for our role", () =>
    assertNoResourceViolations(
      rule,
      statementsArgs(
        [vendorGrant(["s3:GetObject", "s3:PutObjectAcl"], { AWS: "arn:aws:iam::111122223333:role/aihub-drive-dev" })],
        { config },
      ),
    ));
  it("accepts reads and writes of objects by a vendor", () =>
    assertNoResourceViolations(
      rule,
      bucketPolicy({ Statement: vendorGrant(["s3:GetObject", "s3:PutObject", "s3:ListBucket"]) }, { config }),
    ));
  it("treats * as outside unless aws:PrincipalAccount pins your accounts", async () => {
    await assertHasResourceViolation(
      rule,
      bucketPolicy({ Statement: vendorGrant("s3:PutBucketPolicy", "*") }, { config }),
      '"*"',
    );
    await assertNoResourceViolations(
      rule,
      bucketPolicy(
        {
          Statement: {
            ...vendorGrant("s3:PutBucketPolicy", "*"),
            Condition: { StringEquals: { "aws:PrincipalAccount": "111122223333" } },
          },
        },
        { config },
      ),
    );
  });
  it("without accountIds, treats every account as outside", () =>
    assertHasResourceViolation(
      rule,
      resourceArgs("aws:s3/bucketPolicy:BucketPolicy", {
        bucket: "data",
        policy: JSON.stringify({
          Statement: vendorGrant("s3:PutObjectAcl", { AWS: "arn:aws:iam::111122223333:role/x" }),
        }),
      }),
      '"s3:PutObjectAcl"',
    ));
});
