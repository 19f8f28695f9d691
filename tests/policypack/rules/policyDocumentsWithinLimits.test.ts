import { policyDocumentsWithinLimits as rule } from "../../../policypack/rules/policyDocumentsWithinLimits";
import {
  assertHasResourceViolation,
  assertNoResourceViolations,
  bucketPolicy,
  documentShapes,
  keyPolicy,
  managedPolicy,
  role,
  rolePolicy,
  statementsArgs,
  userPolicy,
  type Statement,
} from "../ruleHarness";

/** A statement listing `count` object ARNs: 37 characters each in compact JSON. */
const objects = (count: number, sid = "Objects"): Statement => ({
  Sid: sid,
  Effect: "Allow",
  Action: ["s3:GetObject"],
  Resource: Array.from({ length: count }, (_, i) => `arn:aws:s3:::bucket-${String(i).padStart(4, "0")}/exports/*`),
});
const size = (document: unknown) => JSON.stringify(document).length;
const trust = (principals: number): Statement => ({
  Sid: "VendorTrust",
  Effect: "Allow",
  Principal: {
    AWS: Array.from({ length: principals }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/vendor-reader`),
  },
  Action: "sts:AssumeRole",
  Condition: { StringEquals: { "sts:ExternalId": "id-1" } },
});

describe("policypack rule policy-documents-within-limits", () => {
  describe("managed policy: 6,144 characters", () => {
    for (const { label, document } of documentShapes(objects(160))) {
      it(`accepts a policy under the quota (${label}), whitespace not counted`, () =>
        assertNoResourceViolations(rule, managedPolicy(document)));
    }
    for (const { label, document } of documentShapes(objects(170))) {
      it(`rejects a policy over the quota (${label})`, () =>
        assertHasResourceViolation(
          rule,
          managedPolicy(document),
          /^policy is 6\d{3} characters without whitespace; AWS allows 6144 for a managed policy/,
          "Split the statements",
        ));
    }
    it("counts the document without whitespace, as IAM does", async () => {
      const document = { Version: "2012-10-17", Statement: [objects(160)] };
      const padded = JSON.stringify(document, null, 8);
      if (!(padded.length > 6144 && size(document) <= 6144))
        throw new Error(`fixture sizes are off: ${padded.length} / ${size(document)}`);
      await assertNoResourceViolations(rule, managedPolicy(padded));
    });
  });

  describe("role trust policy: 2,048 characters unless raised", () => {
    it("accepts a trust under the quota and rejects one over it", async () => {
      await assertNoResourceViolations(rule, role({ Statement: trust(30) }));
      await assertHasResourceViolation(
        rule,
        role({ Statement: trust(45) }),
        /assumeRolePolicy is \d+ characters without whitespace; AWS allows 2048 for a role trust policy/,
        "trustPolicyMaxChars",
      );
    });
    it("honours a raised quota from config", () =>
      assertNoResourceViolations(rule, role({ Statement: trust(45) }, { config: { trustPolicyMaxChars: 4096 } })));
  });

  describe("inline policies: 10,240 characters per role, 2,048 per user", () => {
    it("sums a role's inline policies", async () => {
      const inline = (count: number) =>
        [0, 1].map((i) => ({ name: `part-${i}`, policy: JSON.stringify({ Statement: [objects(count, `Part${i}`)] }) }));
      await assertNoResourceViolations(rule, role({ Statement: trust(1) }, { props: { inlinePolicies: inline(120) } }));
      await assertHasResourceViolation(
        rule,
        role({ Statement: trust(1) }, { props: { inlinePolicies: inline(140) } }),
        "inlinePolicies[0].policy + inlinePolicies[1].policy is",
        "the inline policies of one role together",
      );
    });
    it("checks a RolePolicy on its own", async () => {
      await assertNoResourceViolations(rule, rolePolicy({ Statement: objects(260) }));
      await assertHasResourceViolation(rule, rolePolicy({ Statement: objects(280) }), "AWS allows 10240");
    });
    it("checks a UserPolicy against the user quota", async () => {
      await assertNoResourceViolations(rule, userPolicy({ Statement: objects(45) }));
      await assertHasResourceViolation(
        rule,
        userPolicy({ Statement: objects(55) }),
        "AWS allows 2048 for the inline policies of one user together",
      );
    });
  });

  describe("resource policies: bucket 20 KB, KMS key 32 KB", () => {
    const principal = { AWS: "arn:aws:iam::444455556666:root" };
    it("checks bucket policies and statement-level bucket policy resources in bytes", async () => {
      await assertNoResourceViolations(rule, bucketPolicy({ Statement: { ...objects(540), Principal: principal } }));
      await assertHasResourceViolation(
        rule,
        bucketPolicy(JSON.stringify({ Statement: { ...objects(560), Principal: principal } })),
        /policy is 2\d{4} bytes; AWS allows 20480 for a bucket policy/,
      );
      await assertHasResourceViolation(
        rule,
        statementsArgs([{ ...objects(560, "vendor--test--Objects"), Principal: principal }]),
        "statements is",
        "20480",
      );
    });
    it("checks KMS key policies", async () => {
      const keyStatement = (count: number) => ({
        ...objects(count),
        Principal: principal,
        Action: ["kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "kms:EncryptionContext:aws:s3:arn": objects(count).Resource } },
      });
      await assertNoResourceViolations(rule, keyPolicy({ Statement: keyStatement(860) }));
      await assertHasResourceViolation(
        rule,
        keyPolicy({ Statement: keyStatement(900) }),
        "AWS allows 32768 for a KMS key policy",
      );
    });
  });

  describe("documents AWS cannot parse", () => {
    it("reports invalid JSON and a missing Statement", async () => {
      await assertHasResourceViolation(
        rule,
        managedPolicy('{"Version": "2012-10-17", "Statement": [}'),
        "policy is not valid JSON",
        "MalformedPolicyDocument",
      );
      await assertHasResourceViolation(rule, bucketPolicy({ Version: "2012-10-17" }), "policy has no Statement");
      await assertHasResourceViolation(rule, role('["not", "an object"]'), "assumeRolePolicy is not a JSON object");
    });
  });
});
