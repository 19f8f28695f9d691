// Every rule of the pack, in the order they report. index.ts (the engine), validate.ts (offline) and the
// generated docs (docs.ts) share this list: adding a rule is its file, one line here, and its test.
import type { PackRule } from "../defineRule";
import { corsRulesNamedOriginsReadOnly } from "./corsRulesNamedOriginsReadOnly";
import { kmsExternalUseViaServiceOnly } from "./kmsExternalUseViaServiceOnly";
import { noNotElementsWithAllow } from "./noNotElementsWithAllow";
import { noPermissionsManagementForExternalPrincipals } from "./noPermissionsManagementForExternalPrincipals";
import { noPermissionsManagementForVendorIdentities } from "./noPermissionsManagementForVendorIdentities";
import { noPublicPrincipals } from "./noPublicPrincipals";
import { noUnseenPolicyAttachments } from "./noUnseenPolicyAttachments";
import { noWildcardActions } from "./noWildcardActions";
import { noWildcardResources } from "./noWildcardResources";
import { oneOwnerPerBucketDocument } from "./oneOwnerPerBucketDocument";
import { onlyTrustKnownVendors } from "./onlyTrustKnownVendors";
import { pinFederatedTrust } from "./pinFederatedTrust";
import { policyDocumentsWithinLimits } from "./policyDocumentsWithinLimits";
import { requireExternalIdOnCrossAccountTrust } from "./requireExternalIdOnCrossAccountTrust";
import { requireSourceOnServicePrincipals } from "./requireSourceOnServicePrincipals";
import { strongVendorExternalId } from "./strongVendorExternalId";

export const policies: PackRule[] = [
  noWildcardActions,
  noWildcardResources,
  requireExternalIdOnCrossAccountTrust,
  noPublicPrincipals,
  noNotElementsWithAllow,
  onlyTrustKnownVendors,
  policyDocumentsWithinLimits,
  oneOwnerPerBucketDocument,
  pinFederatedTrust,
  noUnseenPolicyAttachments,
  kmsExternalUseViaServiceOnly,
  noPermissionsManagementForExternalPrincipals,
  noPermissionsManagementForVendorIdentities,
  requireSourceOnServicePrincipals,
  corsRulesNamedOriginsReadOnly,
  strongVendorExternalId,
];

/** The pack's default level: a rule that does not say otherwise blocks the update. */
export const packEnforcementLevel = "mandatory" as const;
