// Who in a stack a vendor can assume or use, and which vendor an integration belongs to. Stack rules need this:
// an attachment names its role by name, and a CORS rule names its integration only in its ID.
import type { ResourceUnderCheck } from "./defineRule";
import { documentsOf, isRecord, knownStatements, statementGrantsAction, type Snapshot } from "./policyDocuments";
import { externalPrincipalsOf } from "./principals";
import { tagKeys } from "./programFacts";
import * as types from "./resourceTypes";

export type IdentityKind = "role" | "user" | "group";

export interface StackIdentity {
  kind: IdentityKind;
  name: string;
  resource: ResourceUnderCheck;
  /** Why a vendor can assume or use it; undefined when nothing in the stack says one can. */
  vendorUse?: string;
  /** The vendor it is tagged for (`vendor-access:vendor`), if any. */
  vendor?: string;
}

export interface StackIdentities {
  /** By kind and name (the name IAM knows, which attachments use). */
  find(kind: IdentityKind, name: string): StackIdentity | undefined;
  /** Integration name -> vendor id, from the program's tags on roles and users. */
  vendorOfIntegration: Map<string, string>;
}

const props = (resource: ResourceUnderCheck): { [key: string]: Snapshot } =>
  isRecord(resource.props) ? resource.props : {};
const text = (value: Snapshot): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
export const textList = (value: Snapshot): string[] =>
  (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === "string" && item !== "");

function tag(resource: ResourceUnderCheck, key: string): string | undefined {
  const tags = props(resource).tags;
  return isRecord(tags) ? text(tags[key]) : undefined;
}

const assumeActions = ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"];

/** The principals outside `accountIds` (federated included) that a role's trust lets assume it. */
function outsideTrustees(role: ResourceUnderCheck, accountIds: readonly string[]): string[] {
  const trust = documentsOf(role.type, role.props).filter((source) => source.kind === "trust");
  return knownStatements(trust).flatMap(({ statement }) =>
    statement.allows && assumeActions.some((action) => statementGrantsAction(statement, action))
      ? externalPrincipalsOf(statement, accountIds)
      : [],
  );
}

function vendorTagReason(resource: ResourceUnderCheck): string | undefined {
  const vendor = tag(resource, tagKeys.vendor);
  return vendor ? `it is tagged ${tagKeys.vendor}=${vendor}` : undefined;
}

/** The IAM name of a role, user or group; auto-named ones, unknown until created, go by their resource name. */
export function identityName(resource: ResourceUnderCheck): string {
  return text(props(resource).name) ?? `(resource ${resource.name})`;
}

export function stackIdentities(resources: ResourceUnderCheck[], accountIds: readonly string[]): StackIdentities {
  const identities: StackIdentity[] = [];
  const vendorOfIntegration = new Map<string, string>();
  const accessKeyUsers = new Set(
    resources.filter((r) => r.type === types.iamAccessKey).flatMap((r) => textList(props(r).user)),
  );
  for (const resource of resources) {
    const name = identityName(resource);
    const integration = tag(resource, tagKeys.integration);
    const vendor = tag(resource, tagKeys.vendor);
    if (integration && vendor) vendorOfIntegration.set(integration, vendor);
    if (resource.type === types.iamRole) {
      const trustees = outsideTrustees(resource, accountIds);
      const trustReason = trustees.length > 0 ? `its trust admits ${trustees.join(", ")}` : undefined;
      identities.push({ kind: "role", name, resource, vendorUse: vendorTagReason(resource) ?? trustReason, vendor });
    } else if (resource.type === types.iamUser) {
      const keyReason = accessKeyUsers.has(name) ? "the stack creates an access key for it" : undefined;
      identities.push({ kind: "user", name, resource, vendorUse: vendorTagReason(resource) ?? keyReason, vendor });
    } else if (resource.type === types.iamGroup) {
      identities.push({ kind: "group", name, resource });
    }
  }
  const find = (kind: IdentityKind, name: string) =>
    identities.find((identity) => identity.kind === kind && identity.name === name);
  // A group is as usable as its members.
  for (const resource of resources) {
    const p = props(resource);
    const pairs: [string, string][] =
      resource.type === types.iamGroupMembership
        ? textList(p.users).map((user) => [text(p.group) ?? "", user])
        : resource.type === types.iamUserGroupMembership
          ? textList(p.groups).map((group) => [group, text(p.user) ?? ""])
          : [];
    for (const [groupName, userName] of pairs) {
      const group = find("group", groupName);
      const user = find("user", userName);
      if (!group || group.vendorUse) continue;
      if (!user) group.vendorUse = `its member ${userName} is not in this stack, so who uses it is unknown`;
      else if (user.vendorUse) group.vendorUse = `its member ${userName} is usable by a vendor (${user.vendorUse})`;
    }
  }
  return { find, vendorOfIntegration };
}
