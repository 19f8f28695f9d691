// Rule: whatever a vendor's role, user or group can do is written in this stack, where the other rules read it.
// An attachment of an AWS-managed policy (AmazonS3FullAccess, AdministratorAccess) or of a policy created elsewhere
// grants what no rule of this pack has seen (IAM User Guide, "Managed policies and inline policies").
import type { StackValidationPolicy } from "@pulumi/policy";
import { stackRule } from "../defineRule";
import { accountIds } from "../packConfig";
import { attachmentsOf, policiesOfStack } from "../attachments";
import { stackIdentities, type IdentityKind, type StackIdentities } from "../stackIdentities";

/** Why attaching this policy hides a grant from the pack, or undefined when the stack wrote it. */
function policyProblem(arn: string, seen: (arn: string) => unknown): string | undefined {
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
    const seen = policiesOfStack(resources);
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
