import { pinFederatedTrust as rule } from "../../../policypack/rules/pinFederatedTrust";
import { assertHasResourceViolation, assertNoResourceViolations, documentShapes, role } from "../ruleHarness";

const githubProvider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
const federated = (condition?: Record<string, unknown>, principal: string | string[] = githubProvider) => ({
  Sid: "GitHubActions",
  Effect: "Allow",
  Principal: { Federated: principal },
  Action: "sts:AssumeRoleWithWebIdentity",
  ...(condition ? { Condition: condition } : {}),
});
const audience = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };

describe("policypack rule pin-federated-trust", () => {
  const pinned = federated({
    StringEquals: {
      ...audience,
      "token.actions.githubusercontent.com:sub": "repo:acme/vendor-access:ref:refs/heads/main",
    },
  });
  for (const { label, document } of documentShapes(pinned)) {
    it(`accepts GitHub OIDC pinned to one repository and branch (${label})`, () =>
      assertNoResourceViolations(rule, role(document)));
  }
  it("accepts StringLike on any ref of one named repository, and condition keys in any case", async () => {
    await assertNoResourceViolations(
      rule,
      role({
        Statement: federated({
          StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/vendor-access:*" },
        }),
      }),
    );
    await assertNoResourceViolations(
      rule,
      role({
        Statement: federated({
          StringEquals: { "Token.Actions.GitHubUserContent.com:SUB": "repo:acme/infra:environment:prod" },
        }),
      }),
    );
  });

  it("rejects a GitHub trust that pins only aud, the constant sts.amazonaws.com", () =>
    assertHasResourceViolation(
      rule,
      role({ Statement: federated({ StringEquals: audience }) }),
      'statement "GitHubActions"',
      "no condition on token.actions.githubusercontent.com:sub",
    ));
  const badSubjects: [string, string][] = [
    ["repo:*", "is not repo:OWNER/REPOSITORY"],
    ["repo:*/*:*", "does not name the owner"],
    ["repo:acme/*", "does not name the repository"],
    ["repo:acme/vendor-*:ref:refs/heads/main", "does not name the repository"],
    ["*", "is not repo:OWNER/REPOSITORY"],
    ["repository_owner_id:123:repository_id:456", "custom subject claims"],
  ];
  for (const [subject, why] of badSubjects) {
    it(`rejects the GitHub subject ${JSON.stringify(subject)}`, () =>
      assertHasResourceViolation(
        rule,
        role({
          Statement: federated({ StringLike: { ...audience, "token.actions.githubusercontent.com:sub": subject } }),
        }),
        why,
      ));
  }
  it("rejects a trust 'pinned' on another provider's key", async () => {
    await assertHasResourceViolation(
      rule,
      role({
        Statement: federated({
          StringEquals: { "accounts.google.com:sub": "repo:acme/vendor-access:ref:refs/heads/main" },
        }),
      }),
      "no condition on token.actions.githubusercontent.com:sub",
    );
    await assertHasResourceViolation(
      rule,
      role({
        Statement: federated({
          StringEquals: { "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:default:app" },
        }),
      }),
      "token.actions.githubusercontent.com:sub",
    );
  });
  it("rejects IfExists, negated and ForAllValues pins", async () => {
    for (const operator of ["StringEqualsIfExists", "StringNotEquals", "ForAllValues:StringEquals"])
      await assertHasResourceViolation(
        rule,
        role({
          Statement: federated({
            [operator]: { "token.actions.githubusercontent.com:sub": "repo:acme/x:ref:refs/heads/main" },
          }),
        }),
        "admits tokens without the value",
      );
  });
  it("holds each federated principal of a statement to its own provider's key", () =>
    assertHasResourceViolation(
      rule,
      role({
        Statement: federated(
          { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:acme/x:ref:refs/heads/main" } },
          [githubProvider, "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"],
        ),
      }),
      "oidc.eks.us-east-1.amazonaws.com/id/abc:sub",
    ));
  it("requires SAML:aud for a SAML provider", async () => {
    const saml = (condition?: Record<string, unknown>) => ({
      Effect: "Allow",
      Principal: { Federated: "arn:aws:iam::111122223333:saml-provider/Okta" },
      Action: "sts:AssumeRoleWithSAML",
      ...(condition ? { Condition: condition } : {}),
    });
    await assertNoResourceViolations(
      rule,
      role({ Statement: saml({ StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } }) }),
    );
    await assertHasResourceViolation(rule, role({ Statement: saml() }), "no condition on saml:aud");
  });
  it("requires the audience (identity pool) for Cognito, where aud is the customer's", async () => {
    const cognito = (condition: Record<string, unknown>) => federated(condition, "cognito-identity.amazonaws.com");
    await assertNoResourceViolations(
      rule,
      role({ Statement: cognito({ StringEquals: { "cognito-identity.amazonaws.com:aud": "us-east-1:1234abcd" } }) }),
    );
    await assertHasResourceViolation(
      rule,
      role({
        Statement: cognito({ "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } }),
      }),
      "no condition on cognito-identity.amazonaws.com:aud",
    );
  });
  it("rejects a federated principal STS does not know as a provider", () =>
    assertHasResourceViolation(
      rule,
      role({ Statement: federated({ StringEquals: { "example.com:sub": "x" } }, "example.com") }),
      "is not an IAM OIDC or SAML provider ARN",
    ));
  it("leaves Deny statements and AWS principals alone", () =>
    assertNoResourceViolations(
      rule,
      role({
        Statement: [
          { ...federated(), Effect: "Deny" },
          { Effect: "Allow", Principal: { AWS: "123456789012" }, Action: "sts:AssumeRole" },
        ],
      }),
    ));
});
