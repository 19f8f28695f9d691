import { requireSourceOnServicePrincipals as rule } from "../../../policypack/rules/requireSourceOnServicePrincipals";
import {
  accessPoint,
  assertHasResourceViolation,
  assertNoResourceViolations,
  bucketPolicy,
  documentShapes,
  keyPolicy,
  role,
} from "../ruleHarness";

const cloudfront = (condition?: Record<string, unknown>) => ({
  Sid: "CloudFrontRead",
  Effect: "Allow",
  Principal: { Service: "cloudfront.amazonaws.com" },
  Action: "s3:GetObject",
  Resource: "arn:aws:s3:::site/*",
  ...(condition ? { Condition: condition } : {}),
});
const distribution = "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE";

describe("policypack rule require-source-on-service-principals", () => {
  for (const { label, document } of documentShapes(cloudfront())) {
    it(`rejects cloudfront.amazonaws.com reading a bucket with no source pin (${label})`, () =>
      assertHasResourceViolation(
        rule,
        bucketPolicy(document),
        'policy: statement "CloudFrontRead" lets service "cloudfront.amazonaws.com" act without a source pin',
      ));
  }
  it("accepts aws:SourceArn or aws:SourceAccount with fixed values", async () => {
    await assertNoResourceViolations(
      rule,
      bucketPolicy({ Statement: cloudfront({ StringEquals: { "AWS:SourceArn": distribution } }) }),
    );
    await assertNoResourceViolations(
      rule,
      bucketPolicy({ Statement: cloudfront({ StringEquals: { "aws:SourceAccount": "111122223333" } }) }),
    );
  });
  it("rejects weak pins: IfExists, negation, wildcard values", async () => {
    for (const condition of [
      { StringEqualsIfExists: { "aws:SourceArn": distribution } },
      { StringNotEquals: { "aws:SourceAccount": "999999999999" } },
      { ArnLike: { "aws:SourceArn": "arn:aws:cloudfront::*:distribution/*" } },
    ])
      await assertHasResourceViolation(
        rule,
        bucketPolicy({ Statement: cloudfront(condition) }),
        "without a source pin (",
      );
  });
  it("checks access point and key policies too", async () => {
    await assertHasResourceViolation(rule, accessPoint({ Statement: cloudfront() }), "cloudfront.amazonaws.com");
    await assertHasResourceViolation(
      rule,
      keyPolicy({ Statement: { ...cloudfront(), Action: "kms:Decrypt", Resource: "*" } }),
      "cloudfront.amazonaws.com",
    );
  });
  it("leaves trust policies to services alone (services that assume roles often send no source keys)", () =>
    assertNoResourceViolations(
      rule,
      role({
        Statement: { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      }),
    ));
});
