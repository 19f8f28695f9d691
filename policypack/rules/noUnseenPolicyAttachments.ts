// Rule: whatever a vendor's role, user or group can do is written in this stack, where the other rules read it.
// An attachment of an AWS-managed policy (AmazonS3FullAccess, AdministratorAccess) or of a policy created elsewhere
// grants what no rule of this pack has seen (IAM User Guide, "Managed policies and inline policies").
import type { StackValidationPolicy } from "@pulumi/policy";
import { stackRule, type ResourceUnderCheck } from "../defineRule";
import { accountIds } from "../packConfig";
import { isRecord, type Snapshot } from "../policyDocuments";
import * as types from "../resourceTypes";
import { identityName, stackIdentities, textList, type IdentityKind, type StackIdentities } from "../stackIdentities";

interface Attachment {
  resource: ResourceUnderCheck;
  kind: IdentityKind;
  /** The role, user or group name; undefined while unknown during preview. */
  target?: string;
  policyArns: string[];
}

const text = (value: Snapshot): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** Every (identity, policy ARNs) pair an attachment resource writes; unknown values are left out. */
export function attachmentsOf(resource: ResourceUnderCheck): Attachment[] {
  const p = isRecord(resource.props) ? resource.props : {};
  const one = (kind: IdentityKind, target: Snapshot, arns: Snapshot): Attachment[] => [
    { resource, kind, target: text(target), policyArns: textList(arns) },
  ];
  switch (resource.type) {
    case types.iamRolePolicyAttachment:
      return one("role", p.role, p.policyArn);
    case types.iamUserPolicyAttachment:
      return one("user", p.user, p.policyArn);
    case types.iamGroupPolicyAttachment:
      return one("group", p.group, p.policyArn);
    case types.iamRolePolicyAttachmentsExclusive:
      return one("role", p.roleName, p.policyArns);
    case types.iamUserPolicyAttachmentsExclusive:
      return one("user", p.userName, p.policyArns);
    case types.iamGroupPolicyAttachmentsExclusive:
      return one("group", p.groupName, p.policyArns);
    case types.iamRole:
      // The role's own list: it is in the stack whether or not its IAM name is known yet.
      return one("role", identityName(resource), p.managedPolicyArns);
    case types.iamPolicyAttachment:
      return [
        ...textList(p.roles).flatMap((role) => one("role", role, p.policyArn)),
        ...textList(p.users).flatMap((user) => one("user", user, p.policyArn)),
        ...textList(p.groups).flatMap((group) => one("group", group, p.policyArn)),
      ];
    default:
      return [];
  }
}

/** ARNs and path-qualified names of the customer managed policies the stack creates. */
function seenPolicies(resources: ResourceUnderCheck[]): (arn: string) => boolean {
  const arns = new Set<string>();
  const paths = new Set<string>();
  for (const resource of resources) {
    if (resource.type !== types.iamPolicy || !isRecord(resource.props)) continue;
    const arn = text(resource.props.arn);
    const name = text(resource.props.name);
    if (arn) arns.add(arn);
    if (name) paths.add(`${text(resource.props.path) ?? "/"}${name}`);
  }
  return (arn) => {
    if (arns.has(arn)) return true;
    const match = /^arn:aws[a-z-]*:iam::\d{12}:policy(\/.*)$/.exec(arn);
    return match !== null && paths.has(match[1]);
  };
}

/** Why attaching this policy hides a grant from the pack, or undefined when the stack wrote it. */
function policyProblem(arn: string, seen: (arn: string) => boolean): string | undefined {
  if (/^arn:aws[a-z-]*:iam::aws:policy\//.test(arn))
    return `the AWS-managed policy ${JSON.stringify(arn)} (AWS rewrites it at will, and it grants far more than one vendor needs)`;
  if (!seen(arn)) return `the policy ${JSON.stringify(arn)}, which this stack does not create, so no rule has read it`;
  return undefined;
}

function whyVendorUsable(identities: StackIdentities, kind: IdentityKind, name: string): string | undefined {
  const identity = identities.find(kind, name);
  if (!identity)
    return `the ${kind} is not in this stack, so the pack cannot tell who may ${kind === "role" ? "assume" : "use"} it`;
  return identity.vendorUse;
}

export const noUnseenPolicyAttachments: StackValidationPolicy = stackRule({
  name: "no-unseen-policy-attachments",
  summary: "no AWS-managed or unseen policies on vendor identities",
  description:
    "No AWS-managed policy, and no policy this stack does not create, is attached to a role, user or group a vendor can assume or use " +
    "(`RolePolicyAttachment`, `UserPolicyAttachment`, `GroupPolicyAttachment`, `PolicyAttachment`, the `…PolicyAttachmentsExclusive` " +
    "resources, `Role.managedPolicyArns`).",
  details:
    "A role is usable by a vendor when it is tagged `vendor-access:vendor` or its trust admits a principal outside `accountIds` (federated " +
    "included); a user when it is tagged so or the stack creates an access key for it; a group when such a user (or one outside the stack) " +
    "is a member. A role, user or group outside the stack counts as usable: the pack cannot see its trust. A policy is seen when an " +
    "`aws:iam/policy:Policy` of the stack has its ARN or path and name. Group and user inline policies (`GroupPolicy`, `UserPolicy`) go " +
    "through every document rule, like a role's. Unknown targets or ARNs during preview are skipped; `up` checks them.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Write the vendor's permissions as a policy in this stack (an inline policy or an aws.iam.Policy) with exact actions and resources, and attach that.",
  config: { accountIds },
  check(resources, { config, report }) {
    const identities = stackIdentities(resources, config.accountIds);
    const seen = seenPolicies(resources);
    for (const attachment of resources.flatMap(attachmentsOf)) {
      if (attachment.target === undefined) continue;
      const problems = attachment.policyArns.map((arn) => policyProblem(arn, seen)).filter((p): p is string => !!p);
      if (problems.length === 0) continue;
      const usable = whyVendorUsable(identities, attachment.kind, attachment.target);
      if (!usable) continue;
      for (const problem of problems)
        report(
          `${attachment.kind} ${JSON.stringify(attachment.target)} gets ${problem}; a vendor can ${attachment.kind === "role" ? "assume" : "use"} ` +
            `it because ${usable}. Grant the vendor's permissions through a policy this stack writes, with exact actions and resources.`,
          attachment.resource,
        );
    }
  },
});
