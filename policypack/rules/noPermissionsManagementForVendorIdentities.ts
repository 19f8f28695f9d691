// Rule: a role, user or group a vendor can assume or use holds no permissions-management action its vendor's
// profile does not ask for. Whatever that identity may do, the vendor may do: s3:PutBucketPolicy in its identity
// policy hands the vendor every other grant on the bucket, exactly as in a bucket policy naming the vendor.
import type { StackValidationPolicy } from "@pulumi/policy";
import { attachmentsOf, policiesOfStack } from "../attachments";
import { accessLevelOf, actionsGranted, permissionsManagement } from "../catalog";
import { stackRule, type ResourceUnderCheck } from "../defineRule";
import { accountIds } from "../packConfig";
import { documentsOf, isRecord, knownStatements, quote } from "../policyDocuments";
import { vendorPermissionsManagementActions } from "../programFacts";
import * as types from "../resourceTypes";
import { stackIdentities, type IdentityKind, type StackIdentity } from "../stackIdentities";

/** An identity policy document's resource and the identity it applies to. */
interface Holder {
  resource: ResourceUnderCheck;
  identity: StackIdentity;
}

const inlineTargets: Record<string, IdentityKind> = {
  [types.iamRolePolicy]: "role",
  [types.iamUserPolicy]: "user",
  [types.iamGroupPolicy]: "group",
};
const inlineTargetField: Record<IdentityKind, string> = { role: "role", user: "user", group: "group" };

/** Every identity policy of the stack with the vendor-usable identity it applies to. */
function holders(resources: ResourceUnderCheck[], ownAccounts: readonly string[]): Holder[] {
  const identities = stackIdentities(resources, ownAccounts);
  const usable = (kind: IdentityKind, name: unknown) => {
    const identity = typeof name === "string" ? identities.find(kind, name) : undefined;
    return identity?.vendorUse ? identity : undefined;
  };
  const policyFor = policiesOfStack(resources);
  const found: Holder[] = [];
  for (const resource of resources) {
    const props = isRecord(resource.props) ? resource.props : {};
    const kind = inlineTargets[resource.type];
    const identity =
      resource.type === types.iamRole
        ? identityOfRole(identities, resource)
        : kind
          ? usable(kind, props[inlineTargetField[kind]])
          : undefined;
    if (identity) found.push({ resource, identity });
  }
  for (const attachment of resources.flatMap(attachmentsOf)) {
    const identity = usable(attachment.kind, attachment.target);
    if (!identity) continue;
    for (const arn of attachment.policyArns) {
      const policy = policyFor(arn);
      if (policy) found.push({ resource: policy, identity });
    }
  }
  return found;
}

/** A role resource's own identity entry, whether or not its IAM name is known yet. */
function identityOfRole(identities: ReturnType<typeof stackIdentities>, role: ResourceUnderCheck) {
  const name =
    isRecord(role.props) && typeof role.props.name === "string" ? role.props.name : `(resource ${role.name})`;
  const identity = identities.find("role", name);
  return identity?.vendorUse ? identity : undefined;
}

export const noPermissionsManagementForVendorIdentities: StackValidationPolicy = stackRule({
  name: "no-permissions-management-for-vendor-identities",
  summary: "no permissions management by vendor roles, users or groups beyond their profile",
  description:
    "The identity policies of a role, user or group a vendor can assume or use (inline, `RolePolicy`, `UserPolicy`, `GroupPolicy`, and the " +
    'stack\'s managed policies attached to it) allow no action of access level "Permissions management" that its vendor profile does not ask for.',
  details:
    "Vendor use is found as in `no-unseen-policy-attachments`; the vendor from the identity's `vendor-access:vendor` tag. The actions each " +
    "profile asks for are the pack's copy of the program's, kept equal by the contract test: only AI Hub's `s3:PutObjectAcl` (its " +
    "instructions set object ACLs). A group, or an identity with no vendor tag, gets none. Actions are expanded with the IAM catalog.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Remove the permissions-management actions from the vendor's identity policy; policies and ACLs stay with your own principals.",
  config: { accountIds },
  async check(resources, { config, report }) {
    for (const { resource, identity } of holders(resources, config.accountIds)) {
      const allowed = new Set(
        (identity.vendor ? (vendorPermissionsManagementActions[identity.vendor] ?? []) : []).map((a) =>
          a.toLowerCase(),
        ),
      );
      const identityDocuments = documentsOf(resource.type, resource.props).filter((d) => d.kind !== "trust");
      for (const { source, statement } of knownStatements(identityDocuments)) {
        if (!statement.allows) continue;
        const granted = await actionsGranted(statement);
        const levels = await Promise.all(granted.map(accessLevelOf));
        const managing = granted.filter(
          (action, index) => levels[index]?.includes(permissionsManagement) && !allowed.has(action.toLowerCase()),
        );
        if (managing.length === 0) continue;
        const shown = managing.slice(0, 10);
        report(
          `${source.path}: ${statement.label} lets ${identity.kind} ${JSON.stringify(identity.name)} manage permissions: ${quote(shown)}` +
            `${managing.length > shown.length ? ` and ${managing.length - shown.length} more` : ""}, and a vendor can ` +
            `${identity.kind === "role" ? "assume" : "use"} it because ${identity.vendorUse}. ` +
            `${identity.vendor ? `The ${identity.vendor} profile does not ask for them` : "No vendor profile asks for them"}; remove them.`,
          resource,
        );
      }
    }
  },
});
