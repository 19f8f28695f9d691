// Rule: a federated trust accepts only our tokens. An OIDC `aud` such as GitHub's `sts.amazonaws.com` is the same
// for every repository in the world, so the subject must be pinned, on the key of the same provider (IAM User
// Guide, "Configuring a role for GitHub OIDC identity provider"; "Available keys for AWS web identity federation").
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule } from "../defineRule";
import { knownStatements, quote, statementGrantsAction, type ConditionClause } from "../policyDocuments";

const assumeActions = ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"];
const github = "token.actions.githubusercontent.com";

/** Web identity providers built into STS: the token's audience (the customer's app or pool) is the pin. */
const builtInAudienceKeys: Record<string, string> = {
  "cognito-identity.amazonaws.com": "cognito-identity.amazonaws.com:aud",
  "accounts.google.com": "accounts.google.com:aud",
  "graph.facebook.com": "graph.facebook.com:app_id",
  "www.amazon.com": "www.amazon.com:app_id",
};

interface Requirement {
  /** The condition key, lower case, that must pin the principal. */
  key: string;
  /** Why a value does not pin, or undefined when it does. */
  valueProblem(value: string): string | undefined;
}

const onlyWildcards = (value: string) => /^[*?]*$/.test(value);

/** `repo:OWNER/REPO[:…]` with a literal owner and repository: GitHub's `sub` for one repository. */
export function githubSubjectProblem(value: string): string | undefined {
  const match = /^repo:([^/:]*)\/([^/:]*)(:.*)?$/i.exec(value);
  if (!match) return `${JSON.stringify(value)} is not repo:OWNER/REPOSITORY:… (custom subject claims are not accepted)`;
  if (match[1] === "" || /[*?]/.test(match[1])) return `${JSON.stringify(value)} does not name the owner`;
  if (match[2] === "" || /[*?]/.test(match[2])) return `${JSON.stringify(value)} does not name the repository`;
  return undefined;
}

/** What pins one federated principal, or a sentence saying why it cannot be pinned. */
export function requirementFor(federated: string): Requirement | string {
  const saml = /^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/.+$/.exec(federated);
  if (saml)
    return { key: "saml:aud", valueProblem: (v) => (/[*?]/.test(v) ? `${JSON.stringify(v)} is a pattern` : undefined) };
  const oidc = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(.+)$/.exec(federated);
  if (oidc) {
    const provider = oidc[1].toLowerCase();
    return {
      key: `${provider}:sub`,
      valueProblem: (v) =>
        provider === github
          ? githubSubjectProblem(v)
          : onlyWildcards(v)
            ? `${JSON.stringify(v)} matches every subject`
            : undefined,
    };
  }
  const builtIn = builtInAudienceKeys[federated.toLowerCase()];
  if (builtIn)
    return { key: builtIn, valueProblem: (v) => (/[*?]/.test(v) ? `${JSON.stringify(v)} is a pattern` : undefined) };
  return `${JSON.stringify(federated)} is not an IAM OIDC or SAML provider ARN, nor a web identity provider STS knows`;
}

/** Why the statement's clauses on `requirement.key` do not pin it, or undefined when one clause does. */
function pinProblem(requirement: Requirement, conditions: ConditionClause[]): string | undefined {
  const clauses = conditions.filter((clause) => clause.key === requirement.key);
  if (clauses.length === 0) return `no condition on ${requirement.key}`;
  const problems = clauses.map((clause): string | undefined => {
    if (clause.ifExists || clause.negated || clause.setOperator === "ForAllValues")
      return `${clause.operator} admits tokens without the value`;
    if (!["stringequals", "stringequalsignorecase", "stringlike"].includes(clause.baseOperator))
      return `${clause.operator} does not compare with fixed values`;
    if (clause.values.length === 0) return `${clause.operator} lists no value`;
    return clause.values.map(requirement.valueProblem).find((problem) => problem !== undefined);
  });
  if (problems.some((problem) => problem === undefined)) return undefined;
  return problems.join("; ");
}

export const pinFederatedTrust: ResourceValidationPolicy = documentRule({
  name: "pin-federated-trust",
  summary: "federated trust pinned to our subject or audience",
  description:
    "An Allow that lets a federated principal assume the role pins it on that provider's own condition key: an IAM OIDC provider's `sub` " +
    "(GitHub: `repo:OWNER/REPOSITORY…` with no wildcard in owner or repository), SAML's `SAML:aud`, a built-in web identity provider's " +
    "audience (Cognito `aud`, Google `aud`, Facebook and Amazon `app_id`).",
  details:
    "Pinning only `aud` fails: GitHub's `sts.amazonaws.com` is every repository's. A key of another provider (or the same key name " +
    "under another provider) does not count. `IfExists`, negations, `ForAllValues:` and values that are only wildcards do not pin. " +
    "GitHub's custom subject templates (`repository_owner_id:…`) are rejected: the pack cannot tell which repository they name. For IAM " +
    "OIDC providers STS already checks `aud` against the provider's client IDs, so `sub` is the pin required there.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Add "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:OWNER/REPOSITORY:ref:refs/heads/main"}} ' +
    "(or the provider's own key) to the statement that trusts the provider.",
  check(_resource, documents, { report }) {
    for (const { source, statement } of knownStatements(documents)) {
      if (!statement.allows || !statement.principal || statement.principal.federated.length === 0) continue;
      if (!assumeActions.some((action) => statementGrantsAction(statement, action))) continue;
      for (const federated of statement.principal.federated) {
        const requirement = requirementFor(federated);
        const problem = typeof requirement === "string" ? requirement : pinProblem(requirement, statement.conditions);
        if (problem === undefined) continue;
        const key = typeof requirement === "string" ? "the provider's subject or audience key" : requirement.key;
        report(
          `${source.path}: ${statement.label} lets federated principal ${quote([federated])} assume the role, but ${problem}. ` +
            `Add a StringEquals condition on ${key} with the exact value${key.endsWith(":sub") && key.startsWith(github) ? " (repo:OWNER/REPOSITORY:…)" : ""} so that only your tokens are accepted.`,
        );
      }
    }
  },
});
