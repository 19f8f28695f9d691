// Rule: another account uses a KMS key only through a service, never administers it. A key policy statement for
// an outside principal carries kms:ViaService; a grant carries an encryption-context constraint (AWS KMS
// Developer Guide, "kms:ViaService", "Grant constraints", "Allowing users in other accounts to use a KMS key").
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule, type ResourceUnderCheck } from "../defineRule";
import { actionsGranted } from "../catalog";
import { accountIds } from "../packConfig";
import { isRecord, knownStatements, quote, type Snapshot, type StatementView } from "../policyDocuments";
import { classifyAwsPrincipal, externalPrincipalsOf, isExternal } from "../principals";
import { kmsGrant } from "../resourceTypes";

/**
 * The operations a grant may allow, less CreateGrant and RetireGrant (AWS KMS, "Grant operations"): using the key,
 * never managing who may use it. Key policy statements for outside principals are held to the same list.
 */
export const keyUseOperations: readonly string[] = [
  "Decrypt",
  "Encrypt",
  "GenerateDataKey",
  "GenerateDataKeyPair",
  "GenerateDataKeyPairWithoutPlaintext",
  "GenerateDataKeyWithoutPlaintext",
  "ReEncryptFrom",
  "ReEncryptTo",
  "Sign",
  "Verify",
  "GenerateMac",
  "VerifyMac",
  "DeriveSharedSecret",
  "DescribeKey",
  "GetPublicKey",
];
/** Named first in messages: each hands the key, or its loss, to the outside principal. */
const mostDangerous = [
  "kms:CreateGrant",
  "kms:PutKeyPolicy",
  "kms:ScheduleKeyDeletion",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  "kms:DisableKey",
];
const useActions = new Set(keyUseOperations.map((operation) => `kms:${operation}`.toLowerCase()));

/** Why a kms:ViaService clause does not limit use to a service, or undefined when it does. */
function viaServiceProblem(statement: StatementView): string | undefined {
  const clauses = statement.conditions.filter((clause) => clause.key === "kms:viaservice");
  if (clauses.length === 0) return "it has no kms:ViaService condition";
  const problems = clauses.map((clause) => {
    if (clause.ifExists || clause.negated || clause.setOperator)
      return `${clause.operator} on kms:ViaService admits direct calls`;
    if (!["stringequals", "stringequalsignorecase", "stringlike"].includes(clause.baseOperator))
      return `${clause.operator} does not compare kms:ViaService with fixed values`;
    const loose = clause.values.find((value) => value === "" || /^[*?]*$/.test(value));
    if (clause.values.length === 0 || loose !== undefined)
      return `kms:ViaService is matched against ${JSON.stringify(loose ?? "")}, which is any service`;
    return undefined;
  });
  return problems.every((problem) => problem !== undefined) ? problems.join("; ") : undefined;
}

async function checkKeyPolicyStatement(statement: StatementView, external: string[], report: (m: string) => void) {
  const rank = (action: string) => {
    const index = mostDangerous.indexOf(action);
    return index < 0 ? mostDangerous.length : index;
  };
  const administration = (await actionsGranted(statement, "kms"))
    .filter((action) => !useActions.has(action.toLowerCase()))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  if (administration.length > 0) {
    const shown = administration.slice(0, 8);
    report(
      `lets ${quote(external)} administer the key: ${quote(shown)}${administration.length > shown.length ? ` and ${administration.length - shown.length} more` : ""}. ` +
        `Outside principals may only use the key (${keyUseOperations.slice(0, 4).join(", ")}, …); keep grants, key policy and deletion with your own account.`,
    );
  }
  const problem = viaServiceProblem(statement);
  if (problem)
    report(
      `lets ${quote(external)} use the key directly: ${problem}. ` +
        'Add "Condition": {"StringEquals": {"kms:ViaService": "s3.REGION.amazonaws.com"}} so the key is used only through S3.',
    );
}

const stringList = (value: Snapshot): string[] =>
  (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === "string");

/** True when one constraint block fixes at least one encryption-context pair (Equals or Subset). */
function hasEncryptionContextConstraint(constraints: Snapshot): boolean {
  const list: Snapshot[] = Array.isArray(constraints) ? constraints : [constraints];
  return list.some(
    (constraint) =>
      isRecord(constraint) &&
      ["encryptionContextEquals", "encryptionContextSubset"].some((field) => {
        const context = constraint[field];
        return isRecord(context) && Object.keys(context).length > 0;
      }),
  );
}

function checkGrant(resource: ResourceUnderCheck, ownAccounts: readonly string[], report: (m: string) => void) {
  const props = resource.props;
  if (!isRecord(props) || typeof props.granteePrincipal !== "string") return;
  const grantee = props.granteePrincipal;
  // A grantee that is a service principal (x.amazonaws.com) is not another account.
  if (/\.amazonaws\.com$/.test(grantee) || !isExternal(classifyAwsPrincipal(grantee), ownAccounts)) return;
  const operations = stringList(props.operations);
  const administration = operations.filter((operation) => !keyUseOperations.includes(operation));
  if (administration.length > 0)
    report(
      `grant to ${JSON.stringify(grantee)} includes ${quote(administration)}: with CreateGrant it can hand the key to anyone, with RetireGrant ` +
        "remove others' access. Grant only the operations that use the key.",
    );
  if (!hasEncryptionContextConstraint(props.constraints))
    report(
      `grant to ${JSON.stringify(grantee)} has no encryption-context constraint, so it decrypts anything under the key. Add ` +
        'constraints: [{ encryptionContextSubset: { "aws:s3:arn": "arn:aws:s3:::BUCKET" } }] (S3 SSE-KMS encryption context).',
    );
}

export const kmsExternalUseViaServiceOnly: ResourceValidationPolicy = documentRule({
  name: "kms-external-use-via-service-only",
  summary: "KMS keys used by other accounts only through a service, never administered",
  description:
    "A KMS key policy statement for a principal outside `accountIds` carries a fixed kms:ViaService condition and allows only the operations " +
    "that use the key; a KMS grant to such a principal carries an encryption-context constraint and no CreateGrant or RetireGrant.",
  details:
    "Key policies are read from `aws:kms/key`, `keyPolicy`, `replicaKey`, `externalKey`, `replicaExternalKey` and any dynamic resource " +
    "whose kind or input names a key. Administration is everything in the catalog's `kms:` actions outside the grant operations " +
    "(`CreateGrant`, `RetireGrant`, `RevokeGrant`, `PutKeyPolicy`, `ScheduleKeyDeletion`, `DisableKey`, …); wildcards and `NotAction` " +
    "are expanded with the IAM catalog. Contested, accepted: the AWS default key policy (your own account root with `kms:*`), since " +
    "your own account is not outside `accountIds`. Without `accountIds`, every account is outside.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    'Give outside principals only key-use actions with "Condition": {"StringEquals": {"kms:ViaService": "s3.REGION.amazonaws.com"}}; ' +
    "constrain grants with an encryption context.",
  config: { accountIds },
  async check(resource, documents, { config, report }) {
    if (resource.type === kmsGrant) checkGrant(resource, config.accountIds, report);
    for (const { source, statement } of knownStatements(documents)) {
      if (source.kind !== "key" || !statement.allows) continue;
      const external = externalPrincipalsOf(statement, config.accountIds);
      if (external.length === 0) continue;
      await checkKeyPolicyStatement(statement, external, (message) =>
        report(`${source.path}: ${statement.label} ${message}`),
      );
    }
  },
});
