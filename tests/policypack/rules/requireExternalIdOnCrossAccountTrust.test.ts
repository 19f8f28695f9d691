import { unknownCheckingProxy } from "@pulumi/policy";
import { assumeRoleWithExternalId, policyDocument } from "../../../model/policy/document";
import { requireExternalIdOnCrossAccountTrust as rule } from "../../../policypack/rules/requireExternalIdOnCrossAccountTrust";
import {
  assertHasResourceViolation,
  assertNoResourceViolations,
  bucketPolicy,
  documentShapes,
  resourceArgs,
  role,
  type Statement,
} from "../ruleHarness";

const vendor = "arn:aws:iam::123456789012:root";
const ownAccount = { config: { accountIds: ["111122223333"] } };
const trust = (condition?: Record<string, unknown>, overrides: Statement = {}): Statement => ({
  Sid: "VendorTrust",
  Effect: "Allow",
  Principal: { AWS: vendor },
  Action: "sts:AssumeRole",
  ...(condition ? { Condition: condition } : {}),
  ...overrides,
});
const strong = { StringEquals: { "sts:ExternalId": "a6fa9c7f-7f53-4a41-812d-a29f48288a94" } };

describe("policypack rule require-external-id-on-cross-account-trust", () => {
  for (const { label, document } of documentShapes(trust(strong))) {
    it(`accepts a trust with StringEquals sts:ExternalId (${label})`, () =>
      assertNoResourceViolations(rule, role(document, ownAccount)));
  }
  for (const { label, document } of documentShapes(trust())) {
    it(`rejects a trust without ExternalId (${label})`, () =>
      assertHasResourceViolation(
        rule,
        role(document, ownAccount),
        'assumeRolePolicy: statement "VendorTrust"',
        `"${vendor}"`,
        "no sts:ExternalId condition",
        '"StringEquals": {"sts:ExternalId"',
      ));
  }

  it("accepts the trust the program builds", () =>
    assertNoResourceViolations(
      rule,
      role(JSON.stringify(policyDocument([assumeRoleWithExternalId([vendor], "generated-0123456789")])), ownAccount),
    ));

  describe("case variations", () => {
    const variants: [string, Statement][] = [
      ["upper-case condition key", trust({ StringEquals: { "STS:EXTERNALID": "id-1" } })],
      ["lower-case condition key", trust({ StringEquals: { "sts:externalid": "id-1" } })],
      ["StringEqualsIgnoreCase", trust({ StringEqualsIgnoreCase: { "sts:ExternalId": "id-1" } })],
      ["upper-case action", trust(strong, { Action: "STS:ASSUMEROLE" })],
      ["a 12-digit account principal in an array", trust(strong, { Principal: { AWS: ["123456789012"] } })],
    ];
    for (const [label, statement] of variants) {
      it(`accepts ${label}`, () => assertNoResourceViolations(rule, role({ Statement: [statement] }, ownAccount)));
    }
    it("rejects an upper-case action without ExternalId", () =>
      assertHasResourceViolation(
        rule,
        role({ Statement: trust(undefined, { Action: ["STS:ASSUMEROLE"] }) }),
        "no sts:ExternalId condition",
      ));
    it("rejects an upper-case key with a weak operator", () =>
      assertHasResourceViolation(
        rule,
        role({ Statement: trust({ StringEqualsIfExists: { "STS:EXTERNALID": "id-1" } }) }),
        "StringEqualsIfExists passes when the caller sends no ExternalId",
      ));
  });

  describe("every weak ExternalId form", () => {
    const weak: [string, Statement, string][] = [
      [
        "IfExists",
        trust({ StringEqualsIfExists: { "sts:ExternalId": "id-1" } }),
        "StringEqualsIfExists passes when the caller sends no ExternalId",
      ],
      [
        "ForAllValues:",
        trust({ "ForAllValues:StringEquals": { "sts:ExternalId": "id-1" } }),
        "ForAllValues:StringEquals passes when the caller sends no ExternalId",
      ],
      ["ForAnyValue:", trust({ "ForAnyValue:StringEquals": { "sts:ExternalId": "id-1" } }), "set operator"],
      [
        "negated StringNotEquals",
        trust({ StringNotEquals: { "sts:ExternalId": "id-1" } }),
        "StringNotEquals is a negation",
      ],
      ["empty value", trust({ StringEquals: { "sts:ExternalId": "" } }), "allows an empty ExternalId"],
      ["empty list", trust({ StringEquals: { "sts:ExternalId": [] } }), "lists no value"],
      ["wildcard value", trust({ StringLike: { "sts:ExternalId": "*" } }), "StringLike is not StringEquals"],
      [
        "wildcard inside StringEquals",
        trust({ StringEquals: { "sts:ExternalId": ["id-1", "id-*"] } }),
        'the value "id-*" is a pattern',
      ],
      ["question-mark value", trust({ StringEquals: { "sts:ExternalId": "id-?" } }), 'the value "id-?" is a pattern'],
      ["policy variable", trust({ StringEquals: { "sts:ExternalId": "${aws:PrincipalAccount}" } }), "policy variable"],
      ["Null check only", trust({ Null: { "sts:ExternalId": "false" } }), "Null is not StringEquals"],
    ];
    for (const [label, statement, why] of weak) {
      it(`rejects ${label}`, () =>
        assertHasResourceViolation(
          rule,
          role({ Version: "2012-10-17", Statement: [statement] }, ownAccount),
          'statement "VendorTrust"',
          why,
        ));
    }

    it("rejects a condition that sits only in a Deny statement", () =>
      assertHasResourceViolation(
        rule,
        role(
          {
            Statement: [
              trust(),
              {
                Sid: "DenyWithoutId",
                Effect: "Deny",
                Principal: { AWS: vendor },
                Action: "sts:AssumeRole",
                Condition: { StringNotEquals: { "sts:ExternalId": "id-1" } },
              },
            ],
          },
          ownAccount,
        ),
        'statement "VendorTrust"',
        "A condition in a Deny statement does not count",
      ));

    it("rejects a second Allow statement without the condition: statements are OR'ed", async () => {
      const document = { Statement: [trust(strong), trust(undefined, { Sid: "Bypass" })] };
      for (const { label, document: shaped } of documentShapes(document.Statement)) {
        await assertHasResourceViolation(
          rule,
          role(shaped, { ...ownAccount, name: label }),
          'statement "Bypass"',
          'statement "VendorTrust" requires the ExternalId',
          "bypasses it",
        );
      }
    });
  });

  it("names a bypass only where another Allow really requires the ExternalId for the same principal", async () => {
    const otherPrincipal = trust(undefined, { Sid: "Other", Principal: { AWS: "arn:aws:iam::999999999999:root" } });
    const message = await assertHasResourceViolation(
      rule,
      role({ Statement: [trust(strong), otherPrincipal] }, ownAccount),
      'statement "Other"',
    );
    if (message.includes("bypasses")) throw new Error(`no bypass of another principal's statement: ${message}`);
    const weakOther = await assertHasResourceViolation(
      rule,
      role(
        { Statement: [trust({ StringLike: { "sts:ExternalId": "*" } }), trust(undefined, { Sid: "Plain" })] },
        ownAccount,
      ),
      'statement "Plain"',
    );
    if (weakOther.includes("bypasses"))
      throw new Error(`a weak condition elsewhere is not a requirement: ${weakOther}`);
  });

  describe("which statements it applies to", () => {
    for (const action of ["sts:*", "*", "sts:Assume*", ["sts:TagSession", "sts:AssumeRole"]]) {
      it(`applies to Action ${JSON.stringify(action)}`, () =>
        assertHasResourceViolation(
          rule,
          role({ Statement: trust(undefined, { Action: action }) }, ownAccount),
          "no sts:ExternalId condition",
        ));
    }
    it("applies to an Allow NotAction that does not exclude sts:AssumeRole", () =>
      assertHasResourceViolation(
        rule,
        role({ Statement: { Effect: "Allow", Principal: { AWS: vendor }, NotAction: "iam:*" } }, ownAccount),
        "Statement[0]",
      ));
    it("does not apply to actions other than sts:AssumeRole", () =>
      assertNoResourceViolations(
        rule,
        role({ Statement: trust(undefined, { Action: "sts:TagSession" }) }, ownAccount),
      ));
    it("exempts service principals", () =>
      assertNoResourceViolations(
        rule,
        role(
          { Statement: { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" } },
          ownAccount,
        ),
      ));
    it("exempts principals in the stack's own accounts", async () => {
      const internal = {
        Statement: trust(undefined, { Principal: { AWS: ["arn:aws:iam::111122223333:role/ci", "111122223333"] } }),
      };
      await assertNoResourceViolations(rule, role(internal, ownAccount));
      // Without accountIds every account is external.
      await assertHasResourceViolation(rule, role(internal), '"arn:aws:iam::111122223333:role/ci", "111122223333"');
    });
    it("names only the external principals of a mixed statement", () =>
      assertHasResourceViolation(
        rule,
        role({ Statement: trust(undefined, { Principal: { AWS: ["111122223333", vendor] } }) }, ownAccount),
        `lets "${vendor}" assume`,
      ));
    it('treats Principal "*" and unique IDs as external', async () => {
      await assertHasResourceViolation(
        rule,
        role({ Statement: trust(undefined, { Principal: "*" }) }, ownAccount),
        'lets "*" assume',
      );
      await assertHasResourceViolation(
        rule,
        role({ Statement: trust(undefined, { Principal: { AWS: "AROAEXAMPLEUNIQUEID123" } }) }, ownAccount),
        "AROAEXAMPLEUNIQUEID123",
      );
    });
    it("checks sts:AssumeRole wherever a principal is named, e.g. a bucket policy", () =>
      assertHasResourceViolation(
        rule,
        bucketPolicy({ Statement: trust() }, ownAccount),
        'policy: statement "VendorTrust"',
      ));
  });

  it("leaves federated principals to pin-federated-trust", () =>
    assertNoResourceViolations(
      rule,
      role(
        {
          Statement: {
            Effect: "Allow",
            Principal: { Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
            Action: "sts:AssumeRoleWithWebIdentity",
          },
        },
        ownAccount,
      ),
    ));

  it("skips a trust policy that is unknown during preview, and still checks the known inline policies", async () => {
    const props = unknownCheckingProxy({
      name: "vendor-role",
      assumeRolePolicy: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      inlinePolicies: [],
    });
    await assertNoResourceViolations(rule, resourceArgs("aws:iam/role:Role", props, ownAccount));
    const known = unknownCheckingProxy({
      assumeRolePolicy: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
      inlinePolicies: [{ name: "x", policy: JSON.stringify({ Statement: trust() }) }],
    });
    await assertHasResourceViolation(
      rule,
      resourceArgs("aws:iam/role:Role", known, ownAccount),
      "inlinePolicies[0].policy",
    );
  });
});
