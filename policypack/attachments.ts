// Which policies a stack attaches to which roles, users and groups: every attachment resource's pairs, and the
// customer managed policies the stack itself creates.
import type { ResourceUnderCheck } from "./defineRule";
import { isRecord, type Snapshot } from "./policyDocuments";
import * as types from "./resourceTypes";
import { identityName, textList, type IdentityKind } from "./stackIdentities";

export interface Attachment {
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

/** The stack's customer managed policy with this ARN (matched by ARN, or by path and name), if the stack creates it. */
export function policiesOfStack(resources: ResourceUnderCheck[]): (arn: string) => ResourceUnderCheck | undefined {
  const byArn = new Map<string, ResourceUnderCheck>();
  const byPath = new Map<string, ResourceUnderCheck>();
  for (const resource of resources) {
    if (resource.type !== types.iamPolicy || !isRecord(resource.props)) continue;
    const arn = text(resource.props.arn);
    const name = text(resource.props.name);
    if (arn) byArn.set(arn, resource);
    if (name) byPath.set(`${text(resource.props.path) ?? "/"}${name}`, resource);
  }
  return (arn) => {
    const match = /^arn:aws[a-z-]*:iam::\d{12}:policy(\/.*)$/.exec(arn);
    return byArn.get(arn) ?? (match ? byPath.get(match[1]) : undefined);
  };
}
