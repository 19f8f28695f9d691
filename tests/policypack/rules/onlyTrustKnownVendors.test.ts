import * as assert from "node:assert/strict";
import { tagKeys } from "../../../policypack/programFacts";
import { onlyTrustKnownVendors as rule } from "../../../policypack/rules/onlyTrustKnownVendors";
import { validateResources } from "../../../policypack/validate";
import {
  assertHasResourceViolation,
  assertNoResourceViolations,
  bucketPolicy,
  documentShapes,
  role,
  type Statement,
} from "../ruleHarness";

const trust = (principal: string | string[]): Statement => ({
  Sid: "VendorTrust",
  Effect: "Allow",
  Principal: { AWS: principal },
  Action: "sts:AssumeRole",
  Condition: { StringEquals: { "sts:ExternalId": "id-1" } },
});
const tagged = (vendor: string) => ({ tags: { [tagKeys.vendor]: vendor, [tagKeys.integration]: `${vendor}-test` } });
const allowlist = {
  aquarium: ["123456789012"],
  deeplake: ["arn:aws:iam::597713067985:role/activeloop_backend"],
  mlspace: ["arn:aws:iam::444455556666:root"],
};
const configured = { accountIds: ["111122223333"], vendorAllowlist: allowlist };

describe("policypack rule only-trust-known-vendors", () => {
  for (const { label, document } of documentShapes(trust("arn:aws:iam::123456789012:root"))) {
    it(`accepts a vendor principal on its allowlist (${label})`, () =>
      assertNoResourceViolations(rule, role(document, { props: tagged("aquarium"), config: configured })));
  }
  for (const { label, document } of documentShapes(trust("arn:aws:iam::999999999999:root"))) {
    it(`rejects a principal not on the vendor's allowlist (${label})`, () =>
      assertHasResourceViolation(
        rule,
        role(document, { props: tagged("aquarium"), config: configured }),
        'statement "VendorTrust"',
        '"arn:aws:iam::999999999999:root"',
        "vendorAllowlist.aquarium",
        '"123456789012"',
      ));
  }

  it("compares accounts whatever their spelling, and accepts a role inside an allowlisted account", async () => {
    await assertNoResourceViolations(
      rule,
      role({ Statement: trust("123456789012") }, { props: tagged("aquarium"), config: configured }),
    );
    await assertNoResourceViolations(
      rule,
      role(
        { Statement: trust("arn:aws:iam::123456789012:role/aquarium-reader") },
        { props: tagged("aquarium"), config: configured },
      ),
    );
    // An allowlisted role does not admit its whole account.
    await assertHasResourceViolation(
      rule,
      role({ Statement: trust("arn:aws:iam::597713067985:root") }, { props: tagged("deeplake"), config: configured }),
      "vendorAllowlist.deeplake",
    );
  });

  it("holds each vendor to its own list", () =>
    assertHasResourceViolation(
      rule,
      role({ Statement: trust("arn:aws:iam::123456789012:root") }, { props: tagged("deeplake"), config: configured }),
      "vendorAllowlist.deeplake",
    ));

  it("reports a vendor that has no allowlist entry", () =>
    assertHasResourceViolation(
      rule,
      role({ Statement: trust("arn:aws:iam::999888496268:root") }, { props: tagged("isahit"), config: configured }),
      'vendorAllowlist has no entry for "isahit"',
    ));

  it("checks documents with no vendor tag against every vendor's list, and skips the stack's own accounts", async () => {
    const statements = (principal: string) => ({
      Statement: [
        {
          Sid: "Read",
          Effect: "Allow",
          Principal: { AWS: principal },
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::data/*",
        },
      ],
    });
    await assertNoResourceViolations(
      rule,
      bucketPolicy(statements("arn:aws:iam::444455556666:root"), { config: configured }),
    );
    await assertNoResourceViolations(
      rule,
      bucketPolicy(statements("arn:aws:iam::111122223333:role/aihub-drive-dev"), { config: configured }),
    );
    await assertHasResourceViolation(
      rule,
      bucketPolicy(statements("arn:aws:iam::777788889999:root"), { config: configured }),
      "the vendor allowlist (any vendor)",
    );
  });

  describe("without a configured allowlist", () => {
    it("holds a role to the principals its vendor-principals tag names, for vendors the pack has no copy of", async () => {
      const acme = {
        tags: {
          [tagKeys.vendor]: "acme-label",
          [tagKeys.knownPrincipals]: "210000000001 arn:aws:iam::210000000002:role/x",
        },
      };
      await assertNoResourceViolations(
        rule,
        role({ Statement: trust("arn:aws:iam::210000000001:root") }, { props: acme }),
      );
      await assertNoResourceViolations(
        rule,
        role({ Statement: trust("arn:aws:iam::210000000002:role/x") }, { props: acme }),
      );
      await assertHasResourceViolation(
        rule,
        role({ Statement: trust("arn:aws:iam::999999999999:root") }, { props: acme }),
        "acme-label's own instructions",
        '"210000000001"',
      );
    });

    it("holds vendor roles to the principals the vendor's instructions name", async () => {
      await assertNoResourceViolations(
        rule,
        role({ Statement: trust("arn:aws:iam::597713067985:role/activeloop_backend") }, { props: tagged("deeplake") }),
      );
      await assertNoResourceViolations(rule, role({ Statement: trust(["999888496268"]) }, { props: tagged("isahit") }));
      await assertHasResourceViolation(
        rule,
        role({ Statement: trust("arn:aws:iam::123456789012:role/impostor") }, { props: tagged("deeplake") }),
        "deeplake's own instructions",
        "activeloop_backend",
      );
    });
    it("does not guess for vendors whose instructions name no principal, nor for untagged documents", async () => {
      await assertNoResourceViolations(
        rule,
        role({ Statement: trust("arn:aws:iam::123456789012:root") }, { props: tagged("aquarium") }),
      );
      await assertNoResourceViolations(rule, role({ Statement: trust("arn:aws:iam::123456789012:root") }));
    });
  });

  it("is advisory by default and mandatory only where policy-config.json says so, offline as in the engine", async () => {
    const resource = {
      type: "aws:iam/role:Role",
      name: "deeplake-role",
      props: {
        assumeRolePolicy: JSON.stringify({ Statement: trust("arn:aws:iam::123456789012:root") }),
        ...tagged("deeplake"),
      },
    };
    const levels = async (entry: Record<string, unknown>) =>
      (await validateResources([resource], { policyConfig: { [rule.name]: entry } }))
        .filter((v) => v.policy === rule.name)
        .map((v) => v.enforcementLevel);
    assert.deepEqual(await levels({ accountIds: ["111122223333"] }), ["advisory"]);
    // An allowlist alone does not change the level: the engine cannot let config change it, so neither does synth.
    assert.deepEqual(await levels(configured), ["advisory"]);
    assert.deepEqual(await levels({ ...configured, enforcementLevel: "mandatory" }), ["mandatory"]);
  });
});
