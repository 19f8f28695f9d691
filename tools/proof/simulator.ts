// A thin wrapper around @cloud-copilot/iam-simulate (AGPL: a dev tool only, never imported by model/, resources/, providers/ or program/).
// It closes the simulator's known gaps: it lints every Resource and Principal first, derives the principal's
// context keys itself, refuses a run that silently dropped a context key, and evaluates a request through an
// S3 access point against the access point policy and the bucket policy separately.
import { build, parse } from "@aws-sdk/util-arn-parser";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../model/policy/document";
import { callerProblem, lintDocument, requestResourceProblem } from "./lint";

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export interface AccessRequest {
  /** Who calls: an IAM role or user ARN, or a role session `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. */
  caller: string;
  action: string;
  /** One concrete resource ARN, or `*` for an action that takes no resource. */
  resource: string;
  /** The account that owns the resource. */
  resourceAccount: string;
  /** Request context keys. The principal's keys are derived here and must not be passed. */
  context?: Record<string, string | string[]>;
}

export interface PolicySet {
  identityPolicies: readonly PolicyDocument[];
  permissionBoundaries?: readonly PolicyDocument[];
  resourcePolicy?: PolicyDocument;
}

/** The proof itself is wrong (a bad document, request or context), as opposed to an access that is wrongly allowed or denied. */
export class ProofSetupError extends Error {
  override name = "ProofSetupError";
}

/** Context keys the wrapper owns: the simulator does not derive them from the principal. */
const principalKeys = ["aws:PrincipalArn", "aws:PrincipalAccount"];

/**
 * `aws:PrincipalArn` and `aws:PrincipalAccount` for a caller. For a role session the principal ARN is the
 * role's, not the session's (IAM: "aws:PrincipalArn ... for IAM roles, the ARN of the role").
 */
export function principalContext(caller: string): Record<string, string> {
  const fields = parse(caller);
  const [kind, roleName] = fields.resource.split("/");
  const principalArn =
    kind === "assumed-role"
      ? build({
          partition: fields.partition,
          service: "iam",
          region: "",
          accountId: fields.accountId,
          resource: `role/${roleName}`,
        })
      : caller;
  return { "aws:PrincipalArn": principalArn, "aws:PrincipalAccount": fields.accountId };
}

async function assertLinted(request: AccessRequest, documents: readonly PolicyDocument[]): Promise<void> {
  const problems = [callerProblem(request.caller), await requestResourceProblem(request.resource)].filter(
    (p): p is string => p !== undefined,
  );
  for (const document of documents) problems.push(...(await lintDocument(document)));
  const given = principalKeys.filter((key) =>
    Object.keys(request.context ?? {}).some((k) => k.toLowerCase() === key.toLowerCase()),
  );
  if (given.length > 0) problems.push(`the request sets ${given.join(", ")}; the wrapper derives them from the caller`);
  if (problems.length > 0)
    throw new ProofSetupError(
      `cannot simulate ${request.action} on ${request.resource}:\n  - ${problems.join("\n  - ")}`,
    );
}

/** Evaluate one request against identity policies, permission boundaries and at most one resource policy. */
export async function simulate(request: AccessRequest, policies: PolicySet): Promise<Decision> {
  const boundaries = policies.permissionBoundaries ?? [];
  await assertLinted(request, [
    ...policies.identityPolicies,
    ...boundaries,
    ...(policies.resourcePolicy ? [policies.resourcePolicy] : []),
  ]);
  const simulation: Simulation = {
    request: {
      principal: request.caller,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: { ...request.context, ...principalContext(request.caller) },
    },
    identityPolicies: policies.identityPolicies.map((policy, index) => ({ name: `identity-${index}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(boundaries.length > 0
      ? { permissionBoundaryPolicies: boundaries.map((policy, index) => ({ name: `boundary-${index}`, policy })) }
      : {}),
    ...(policies.resourcePolicy ? { resourcePolicy: policies.resourcePolicy } : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error")
    throw new ProofSetupError(
      `iam-simulate refused ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`,
    );
  if (result.resultType !== "single")
    throw new ProofSetupError(
      `${request.action} on ${request.resource} matched several resource patterns; simulate one concrete resource`,
    );
  const ignored = result.result.ignoredContextKeys ?? [];
  // A dropped key would make a condition on it evaluate as absent: the proof would test another request.
  if (ignored.length > 0)
    throw new ProofSetupError(
      `${request.action} on ${request.resource}: iam-simulate ignored context key(s) ${ignored.join(", ")}`,
    );
  return result.overallResult;
}

export interface AccessPointPolicies {
  identityPolicies: readonly PolicyDocument[];
  accessPointPolicy?: PolicyDocument;
  bucketPolicy?: PolicyDocument;
}

export interface AccessPointDecision {
  /** The request on the access point ARN, against the access point's policy. */
  accessPoint: Decision;
  /** The same request on the underlying bucket ARN, against the bucket's policy; absent for actions on the access point itself. */
  bucket?: Decision;
  /** S3 allows a request through an access point only if both allow it (S3: "Configuring IAM policies for using access points"). */
  decision: Decision;
}

/**
 * A request through an access point. The simulator takes one resource policy per run, so the request is
 * evaluated twice: on the access point ARN with the access point policy, and on the underlying bucket or
 * object ARN with the bucket policy. `bucketResource` is undefined for actions on the access point itself
 * (s3:GetAccessPointPolicy and the like), which reach no bucket.
 */
export async function simulateThroughAccessPoint(
  request: AccessRequest,
  bucketResource: string | undefined,
  policies: AccessPointPolicies,
): Promise<AccessPointDecision> {
  const accessPoint = await simulate(request, {
    identityPolicies: policies.identityPolicies,
    resourcePolicy: policies.accessPointPolicy,
  });
  if (bucketResource === undefined) return { accessPoint, decision: accessPoint };
  const bucket = await simulate(
    { ...request, resource: bucketResource },
    { identityPolicies: policies.identityPolicies, resourcePolicy: policies.bucketPolicy },
  );
  const decisions = [accessPoint, bucket];
  const decision: Decision = decisions.every((d) => d === "Allowed")
    ? "Allowed"
    : decisions.includes("ExplicitlyDenied")
      ? "ExplicitlyDenied"
      : "ImplicitlyDenied";
  return { accessPoint, bucket, decision };
}
