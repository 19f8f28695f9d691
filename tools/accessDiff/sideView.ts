// What the simulator needs from one rendered side: who acts with which identity policies, and the resource
// policies of every bucket, access point and KMS key the side writes.
import { build, parse } from "@aws-sdk/util-arn-parser";
import { accountRootArn, partitionOf } from "../../model/arns";
import { allow, policyDocument, type PolicyDocument, type PolicyStatement } from "../../model/policy/document";
import type { Render, RenderedIntegration } from "../render";

export interface ActingPrincipal {
  /** Integration name and the identity's ARN: a renamed integration or a re-created role is another principal. */
  key: string;
  integration: string;
  vendor: string;
  type: RenderedIntegration["principal"]["type"];
  /** Our role or user, or the vendor's account root for vendors granted by bucket policy. */
  arn: string;
  caller: string;
  identityPolicies: readonly PolicyDocument[];
}

export interface AccessPointView {
  arn: string;
  name: string;
  bucket: string;
  region: string;
  policy: PolicyDocument;
}

export interface KmsGrantView {
  keyArn: string;
  granteePrincipal: string;
  operations: string[];
}

export interface SideView {
  owner: string;
  principals: ReadonlyMap<string, ActingPrincipal>;
  bucketPolicies: ReadonlyMap<string, PolicyDocument>;
  accessPoints: ReadonlyMap<string, AccessPointView>;
  grants: readonly KmsGrantView[];
  /** The stack's statements in each key's policy (written by it, or handed to the key's owner). */
  keyPolicyStatements: readonly PolicyStatement[][];
  keyPolicy(keyArn: string): PolicyDocument;
}

/** The ARN a request is made as: a session of our role, our user, or a role in the vendor's account. */
function callerOf(integration: RenderedIntegration): string {
  const fields = parse(integration.principal.arn);
  if (integration.principal.type === "user") return integration.principal.arn;
  const roleName = integration.principal.type === "role" ? fields.resource.split("/").pop()! : "vendor-workload";
  return build({ ...fields, service: "sts", region: "", resource: `assumed-role/${roleName}/access-diff` });
}

export function principalKey(integration: string, arn: string): string {
  return `${integration} ${arn}`;
}

function actingPrincipal(integration: RenderedIntegration): ActingPrincipal {
  return {
    key: principalKey(integration.name, integration.principal.arn),
    integration: integration.name,
    vendor: integration.vendor,
    type: integration.principal.type,
    arn: integration.principal.arn,
    caller: callerOf(integration),
    identityPolicies: integration.permissionPolicies,
  };
}

function plainProp(value: unknown): unknown {
  return typeof value === "object" && value !== null && "value" in value ? (value as { value: unknown }).value : value;
}

function grantsOf(render: Render): KmsGrantView[] {
  return render.resources
    .filter((r) => r.type === "aws:kms/grant:Grant")
    .map((r) => ({
      keyArn: String(plainProp(r.props.keyId)),
      granteePrincipal: String(plainProp(r.props.granteePrincipal)),
      operations: (plainProp(r.props.operations) as string[] | undefined) ?? [],
    }));
}

/**
 * A key's policy as the diff assumes it: AWS's default, which lets the key account's IAM policies decide, plus the
 * stack's key-policy statements for the key, plus the side's KMS grants as the key-policy statements they are
 * equivalent to for their grantee and operations (renders from before key-policy statements carry grants).
 */
function keyPolicyOf(render: Render, keyArn: string, grants: readonly KmsGrantView[]): PolicyDocument {
  const key = parse(keyArn);
  const partition = partitionOf(key.region);
  return policyDocument([
    // AWS KMS: "Default key policy ... allows the account to use IAM policies to control access to the key".
    allow({ principal: { AWS: accountRootArn(key.accountId, partition) }, actions: ["kms:*"], resources: ["*"] }),
    ...(render.keyPolicies ?? []).filter((k) => k.keyArn === keyArn).flatMap((k) => k.statements),
    ...grants
      .filter((g) => g.keyArn === keyArn)
      .map((g) =>
        allow({
          principal: { AWS: g.granteePrincipal },
          actions: g.operations.map((o) => `kms:${o}`),
          resources: ["*"],
        }),
      ),
  ]);
}

export function sideView(render: Render): SideView {
  const grants = grantsOf(render);
  const keyPolicies = new Map<string, PolicyDocument>();
  const accessPoints = new Map<string, AccessPointView>();
  for (const bucket of render.buckets)
    for (const point of bucket.accessPoints)
      accessPoints.set(point.arn, { ...point, bucket: bucket.name, region: bucket.region });
  return {
    owner: render.accountId,
    principals: new Map(render.integrations.map((i) => [principalKey(i.name, i.principal.arn), actingPrincipal(i)])),
    bucketPolicies: new Map(render.buckets.filter((b) => b.policy).map((b) => [b.name, b.policy!])),
    accessPoints,
    grants,
    keyPolicyStatements: (render.keyPolicies ?? []).map((k) => k.statements),
    keyPolicy(keyArn) {
      let policy = keyPolicies.get(keyArn);
      if (!policy) keyPolicies.set(keyArn, (policy = keyPolicyOf(render, keyArn, grants)));
      return policy;
    },
  };
}

/** Every document of a side, for the up-front lint. */
export function documentsOf(view: SideView): PolicyDocument[] {
  return [
    ...[...view.principals.values()].flatMap((p) => p.identityPolicies),
    ...view.bucketPolicies.values(),
    ...[...view.accessPoints.values()].map((a) => a.policy),
  ];
}
