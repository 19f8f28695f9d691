import { bucketObjectsArn, accessPointObjectsArn } from "../../../model/arns";
import { noWildcardResources } from "../../../policypack/rules/noWildcardResources";
import {
  accessPoint,
  accessPointPolicy,
  assertHasResourceViolation,
  assertNoResourceViolations,
  bucketPolicy,
  documentShapes,
  keyPolicy,
  kmsKey,
  managedPolicy,
  statementsArgs,
} from "../ruleHarness";

const grant = (resource: string | string[], sid = "Objects") => ({
  Sid: sid,
  Effect: "Allow",
  Action: ["s3:GetObject"],
  Resource: resource,
});
const accessPointArn = "arn:aws:s3:us-west-2:111122223333:accesspoint/vendor-ap";

describe("policypack rule no-wildcard-resources", () => {
  for (const { label, document } of documentShapes(grant("arn:aws:s3:::data/exports/*"))) {
    it(`accepts a wildcard in the object key of a named bucket (${label})`, () =>
      assertNoResourceViolations(noWildcardResources, managedPolicy(document)));
  }
  for (const { label, document } of documentShapes(grant("arn:aws:s3:::data*"))) {
    it(`rejects a wildcard in the bucket name (${label})`, () =>
      assertHasResourceViolation(
        noWildcardResources,
        managedPolicy(document),
        'statement "Objects"',
        '"arn:aws:s3:::data*"',
        "bucket name",
      ));
  }

  const rejected: [string, string][] = [
    ["*", "every resource"],
    ["arn:aws:s3:::*", "bucket name"],
    ["arn:aws:s3:::data*", "bucket name"],
    ["arn:aws:s3:::*/*", "bucket name"],
    ["arn:aws:s3:::da?a/*", "bucket name"],
    ["arn:aws:s3:::/*", "bucket name"],
    ["arn:aws:iam::*:role/x", "account part"],
    ["arn:*:s3:::data/*", "partition part"],
    ["arn:aws:s3*:::data/*", "service part"],
    ["arn:aws:kms:*:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "region part"],
    [`${accessPointArn.replace("vendor-ap", "*")}`, "access point name"],
    [`${accessPointArn.replace("vendor-ap", "vendor-*")}/object/*`, "access point name"],
    [`${accessPointArn}/*/*`, "access point name or outside its object path"],
    ["arn:aws:kms:us-east-1:111122223333:key/*", "resource part of a kms ARN"],
    ["data/*", "not an ARN"],
  ];
  for (const [resource, why] of rejected) {
    it(`rejects ${JSON.stringify(resource)} as a string and inside an array`, async () => {
      await assertHasResourceViolation(
        noWildcardResources,
        managedPolicy({ Statement: grant(resource) }),
        JSON.stringify(resource),
        why,
        "Name the resource exactly",
      );
      await assertHasResourceViolation(
        noWildcardResources,
        bucketPolicy({ Statement: [grant(["arn:aws:s3:::data/*", resource])] }),
        JSON.stringify(resource),
      );
    });
  }

  const accepted = [
    "arn:aws:s3:::data",
    "arn:aws:s3:::data/*",
    "arn:aws:s3:::data/exports/*",
    "arn:aws:s3:::data/exports/2024-??/*.parquet",
    bucketObjectsArn("data", "us-east-1", "deeplake/"),
    accessPointArn,
    `${accessPointArn}/object/*`,
    accessPointObjectsArn("us-west-2", "111122223333", "vendor-ap", "to-annotate/"),
    // ${*} is IAM's escape for a literal asterisk, not a wildcard (IAM: "Policy variables", special characters).
    "arn:aws:s3:::data/literal-${*}-name",
    "arn:aws-cn:s3:::data/*",
  ];
  for (const resource of accepted) {
    it(`accepts ${JSON.stringify(resource)}`, () =>
      assertNoResourceViolations(noWildcardResources, managedPolicy({ Statement: [grant(resource)] })));
  }

  it("reads Effect in any case, and does not let an upper-case ARN slip through", async () => {
    await assertHasResourceViolation(
      noWildcardResources,
      managedPolicy({ Statement: { ...grant("arn:aws:s3:::*"), Effect: "ALLOW" } }),
      '"arn:aws:s3:::*"',
    );
    await assertHasResourceViolation(
      noWildcardResources,
      managedPolicy({ Statement: grant("ARN:AWS:S3:::*") }),
      '"ARN:AWS:S3:::*"',
    );
  });

  it('accepts Resource "*" in a KMS key policy, where it means this key, and only there', async () => {
    const keyStatement = {
      Sid: "VendorDecrypt",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::444455556666:root" },
      Action: "kms:Decrypt",
      Resource: "*",
    };
    for (const { document } of documentShapes(keyStatement)) {
      await assertNoResourceViolations(noWildcardResources, keyPolicy(document));
      await assertNoResourceViolations(noWildcardResources, kmsKey(document));
      await assertHasResourceViolation(noWildcardResources, bucketPolicy(document), 'statement "VendorDecrypt"', '"*"');
    }
  });

  describe("contested cases, accepted (policypack/README.md, Contested decisions)", () => {
    it("accepts Isahit's accesspoint/NAME/*: one literal access point's objects", async () => {
      await assertNoResourceViolations(noWildcardResources, managedPolicy({ Statement: grant(`${accessPointArn}/*`) }));
      await assertNoResourceViolations(
        noWildcardResources,
        accessPoint({ Statement: { ...grant(`${accessPointArn}/*`), Principal: { AWS: "111122223333" } } }),
      );
    });
    it('accepts s3:ListAllMyBuckets on "*", an action the IAM catalog lists with no resource type', () =>
      assertNoResourceViolations(
        noWildcardResources,
        managedPolicy({ Statement: { Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" } }),
      ));
    it('still rejects "*" when the statement also holds an action that has resource types', () =>
      assertHasResourceViolation(
        noWildcardResources,
        managedPolicy({
          Statement: { Effect: "Allow", Action: ["s3:ListAllMyBuckets", "s3:GetObject"], Resource: "*" },
        }),
        '"*" is every resource',
      ));
  });

  it("checks access point policies, both resource types", async () => {
    const bad = {
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111122223333:role/vendor" },
          Action: "s3:GetObject",
          Resource: `${accessPointArn.replace("vendor-ap", "*")}/object/*`,
        },
      ],
    };
    await assertHasResourceViolation(noWildcardResources, accessPoint(bad), "Statement[0]");
    await assertHasResourceViolation(noWildcardResources, accessPointPolicy(JSON.stringify(bad)), "Statement[0]");
  });

  it("leaves Deny statements alone", () =>
    assertNoResourceViolations(
      noWildcardResources,
      bucketPolicy({
        Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::*" }],
      }),
    ));

  it("checks the project's statement-level bucket policy resources", async () => {
    const statement = {
      Sid: "vendor--test--Objects",
      Effect: "Allow",
      Principal: { AWS: "444455556666" },
      Action: ["s3:GetObject"],
    };
    await assertNoResourceViolations(
      noWildcardResources,
      statementsArgs([{ ...statement, Resource: ["arn:aws:s3:::data/mlspace/*"] }]),
    );
    await assertHasResourceViolation(
      noWildcardResources,
      statementsArgs([{ ...statement, Resource: ["arn:aws:s3:::*/*"] }]),
      'statement "vendor--test--Objects"',
    );
  });
});
