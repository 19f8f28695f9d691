// Every rule of the pack, in the order they report. index.ts (the engine) and validate.ts (offline) share this list.
import type { Policies } from "@pulumi/policy";
import { noNotElementsWithAllow } from "./noNotElementsWithAllow";
import { noPublicPrincipals } from "./noPublicPrincipals";
import { noWildcardActions } from "./noWildcardActions";
import { noWildcardResources } from "./noWildcardResources";
import { oneOwnerPerBucketDocument } from "./oneOwnerPerBucketDocument";
import { onlyTrustKnownVendors } from "./onlyTrustKnownVendors";
import { policyDocumentsWithinLimits } from "./policyDocumentsWithinLimits";
import { requireExternalIdOnCrossAccountTrust } from "./requireExternalIdOnCrossAccountTrust";

export const policies: Policies = [
  noWildcardActions,
  noWildcardResources,
  requireExternalIdOnCrossAccountTrust,
  noPublicPrincipals,
  noNotElementsWithAllow,
  onlyTrustKnownVendors,
  policyDocumentsWithinLimits,
  oneOwnerPerBucketDocument,
];

/** The pack's default level: a rule that does not say otherwise blocks the update. */
export const packEnforcementLevel = "mandatory" as const;

export {
  noNotElementsWithAllow,
  noPublicPrincipals,
  noWildcardActions,
  noWildcardResources,
  oneOwnerPerBucketDocument,
  onlyTrustKnownVendors,
  policyDocumentsWithinLimits,
  requireExternalIdOnCrossAccountTrust,
};
