// Builds the synth render: what `pulumi up` would create, with every secret replaced by "[secret]".
import type { BucketPolicyMode, StackConfig } from "../model/config";
import { buildHandoff } from "../model/handoff";
import type { KeyPolicyPlan } from "../model/keyPolicy";
import { s3EncryptionContextKey, type PolicyDocument, type PolicyStatement } from "../model/policy/document";
import { trustPolicy, type BucketGrantPlan, type CorsRule, type IntegrationPlan } from "../model/plan";
import type { VendorOrigin } from "../model/vendors";
import { hasBucketSide, legacyPrefixes, sharedBucketContextOf } from "../model/resourceSpecs";
import { ownerKeyFor, selfManagedOrganization } from "../model/sharedDocuments/ownership";
import {
  policyConfigForStack,
  validateResources,
  type PolicyConfigFile,
  type ResourceUnderValidation,
  type Violation,
} from "../policypack/validate";
import type { VendorAccessOutputs } from "../program/vendorAccess";
import { planStack, type PlannedBucket, type StackPlan } from "../model/stackPlan";
import {
  assertDocumentsMatchCatalog,
  assertExclusiveBucketsKeepLiveStatements,
  assertSameAccount,
  assertVendorsMatchCatalog,
} from "../program/preflight";
import { redact } from "./redact";
import { renderSpecs, type RenderedResource } from "./renderSpecs";
import { stackConfigOf, type StackFile } from "./stackFile";

export interface RenderedIntegration {
  name: string;
  vendor: string;
  access: string;
  auth: string;
  principal: { type: "role" | "user" | "account"; arn: string };
  vendorPrincipals: string[];
  trustPolicy: PolicyDocument | null;
  permissionPolicies: PolicyDocument[];
  externalId: string | null;
  actions: { bucket: readonly string[]; object: readonly string[]; kms: readonly string[] };
  buckets: {
    name: string;
    region: string;
    prefix: string;
    kmsKeyArn: string | null;
    bucketKeyEnabled: boolean;
    kmsKeyPolicy: "manage" | "handoff" | null;
  }[];
  handoff: unknown;
}

export interface RenderedBucket {
  name: string;
  region: string;
  policyMode: BucketPolicyMode;
  /** Shared: the statements this stack contributes, as a document. Exclusive: the whole policy it writes. */
  policy: PolicyDocument | null;
  /** Shared: the CORS rules this stack contributes. Exclusive: the whole CORS configuration. */
  cors: CorsRule[] | null;
  /** What becomes of statements and CORS rules on the bucket that this stack does not own. */
  foreignContent: "preserved" | "replaced";
  /** Shared: the Sid prefixes and CORS rule IDs by which this stack's integrations own their content. */
  ownedBy: { sidPrefixes: string[]; corsRuleIds: string[] };
  note: string;
  accessPoints: { name: string; arn: string; policy: PolicyDocument }[];
  /** Every KMS statement that lets a principal use this bucket's key(s), wherever it lives. */
  kms: RenderedBucketKms[];
}

/** One key on one bucket: the key-policy statements and identity-policy statements that use it for this bucket. */
export interface RenderedBucketKms {
  keyArn: string;
  bucketKeyEnabled: boolean;
  /** `manage`: the stack writes its statements into the key policy; `handoff`: the key's owner adds them. */
  keyPolicy: "manage" | "handoff";
  /** Key-policy statements for principals outside the key's account. */
  keyPolicyStatements: { integration: string; statement: PolicyStatement }[];
  /** KMS statements in identity policies: our roles' and users', or the vendor's own side (MLSpace). */
  identityStatements: { integration: string; where: string; statement: PolicyStatement }[];
  /** KMS grants: always empty, the stack creates none (an account-wide grant cannot carry kms:ViaService). */
  grants: never[];
}

export interface RenderedVendor {
  id: string;
  displayName: string;
  origin: VendorOrigin;
  /** `built-in`, `vendors[N]` in the stack file, or `defineVendor("id")` in the program's code. */
  definedAt: string;
  /** The actions per access level, so a reviewer sees each vendor's reach at a glance. */
  levels: Record<string, { bucket: readonly string[]; object: readonly string[]; kms: readonly string[] }>;
}

export interface Render {
  project: string;
  stack: string;
  accountId: string;
  /** Every vendor this stack may use: built-in, defined in code, and defined in its config. */
  vendors: RenderedVendor[];
  integrations: RenderedIntegration[];
  buckets: RenderedBucket[];
  resources: RenderedResource[];
  /** Per key: what the stack writes into its policy, or hands to its owner. */
  keyPolicies: KeyPolicyPlan[];
  violations: Violation[];
}

/** How the render is made: from the plan alone (fast, no engine), or by running the program under the SDK's mocks. */
export type RenderEngine = "plan" | "mocks";

export interface RenderOptions {
  /** The program to run; defaults to the real `index.ts`. */
  program?: () => Promise<VendorAccessOutputs>;
  /** Account the mocked credentials belong to; defaults to the configured one. */
  callerAccountId?: string;
  liveBucketPolicies?: Record<string, string>;
  /** A policy-config.json for the pack (allowlist, enforcement levels, exemptions). */
  policyConfig?: PolicyConfigFile;
  /** Defaults to "plan"; "mocks" runs the real program under the SDK's mocks (a custom `program` implies it). */
  engine?: RenderEngine;
}

export function renderIntegration(plan: IntegrationPlan, principalArn: string, handoff: unknown): RenderedIntegration {
  const { integration } = plan;
  return {
    name: integration.name,
    vendor: integration.vendor,
    access: integration.access,
    auth: integration.auth,
    principal: { type: plan.principalType, arn: principalArn },
    vendorPrincipals: plan.vendorPrincipals,
    trustPolicy: trustPolicy(plan, "[secret]"),
    permissionPolicies: plan.permissionPolicies,
    externalId: plan.externalIdSource === "none" ? null : "[secret]",
    actions: plan.actions,
    buckets: plan.buckets.map(({ bucket }) => ({
      name: bucket.name,
      region: bucket.region,
      prefix: bucket.prefix,
      kmsKeyArn: bucket.kmsKeyArn ?? null,
      bucketKeyEnabled: bucket.bucketKeyEnabled,
      kmsKeyPolicy: bucket.kmsKeyPolicy ?? null,
    })),
    handoff,
  };
}

/** Render a stack file: from the plan unless the options ask for the mocks. Throws ConfigError / PlanError. */
export async function renderStack(stackFile: StackFile, options: RenderOptions = {}): Promise<Render> {
  if ((options.engine ?? (options.program ? "mocks" : "plan")) === "plan") return renderFromPlan(stackFile, options);
  // Loaded only when asked for: the mocks path loads the Pulumi SDK and the AWS provider, the plan path neither.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { renderUnderMocks } = require("./renderMocks") as typeof import("./renderMocks");
  return renderUnderMocks(stackFile, options);
}

/** Secrets a render must not show: ExternalIds wherever they came from, even a plain value in a stack file. */
function configSecrets(config: StackConfig, stackFile: StackFile): Set<string> {
  const secrets = new Set(stackFile.secretPlaceholders);
  for (const integration of config.integrations)
    if (integration.externalId.kind === "value") secrets.add(integration.externalId.value);
  return secrets;
}

function packOptions(config: StackConfig, stackFile: StackFile, options: RenderOptions) {
  return {
    project: stackFile.project,
    stack: stackFile.stack,
    // The same file `pulumi preview --policy-pack-config` takes; without one, the stack's own account and quota.
    policyConfig:
      options.policyConfig ??
      policyConfigForStack({ accountIds: [config.accountId], trustPolicyMaxChars: config.trustPolicyMaxChars }),
  };
}

/**
 * The render from the pure plan: the same checks the program runs before registering anything, then every
 * resource spec with its inputs as the engine would receive them. No Pulumi engine, no mocks.
 */
export async function renderFromPlan(stackFile: StackFile, options: RenderOptions = {}): Promise<Render> {
  const config = stackConfigOf(stackFile);
  // Offline there is no backend: the organisation is a self-managed backend's, as under the mocks.
  const ownerKey = ownerKeyFor(selfManagedOrganization, stackFile.project, stackFile.stack);
  await assertVendorsMatchCatalog(config.vendors);
  const stackPlan = planStack(config, stackFile.stack, ownerKey);
  const { plans, buckets } = stackPlan;
  await assertDocumentsMatchCatalog(plans);
  assertSameAccount(options.callerAccountId ?? config.accountId, config.accountId);
  const legacy = legacyPrefixes(plans, stackFile.stack, ownerKey);
  await assertExclusiveBucketsKeepLiveStatements(
    buckets,
    ownerKey,
    legacy,
    async (bucket) => options.liveBucketPolicies?.[bucket],
  );
  const rendered = renderSpecs(stackPlan, stackFile, sharedBucketContextOf(config, ownerKey, legacy));
  return assembleRender(stackFile, config, stackPlan, options, {
    integrations: plans.map((plan) => renderIntegration(plan, plan.granteeArn, plannedHandoff(plan))),
    resources: rendered.resources.map(({ type, name, parent, props }) => ({ type, name, parent, props })),
    packResources: rendered.resources
      .filter((r) => r.custom)
      .map(({ type, name, urn, props }) => ({ type, name, urn, props })),
    secrets: rendered.secretValues,
  });
}

/** What differs between the two engines' renders; the rest comes from the plan. */
export interface EngineRender {
  integrations: RenderedIntegration[];
  resources: RenderedResource[];
  /** The custom resources as the policy pack sees them: plain values, secrets unwrapped. */
  packResources: ResourceUnderValidation[];
  /** Values that were secret in the run, redacted with the config's own secrets. */
  secrets: Iterable<string>;
}

/** The render either engine produces: the policy pack run over its resources, the plan's buckets, secrets redacted. */
export async function assembleRender(
  stackFile: StackFile,
  config: StackConfig,
  { plans, buckets, keyPolicies }: StackPlan,
  options: RenderOptions,
  engine: EngineRender,
): Promise<Render> {
  const render: Render = {
    project: stackFile.project,
    stack: stackFile.stack,
    accountId: config.accountId,
    vendors: renderedVendors(config),
    integrations: engine.integrations,
    buckets: renderBuckets(buckets, plans),
    resources: engine.resources,
    keyPolicies,
    violations: await validateResources(engine.packResources, packOptions(config, stackFile, options)),
  };
  return redact(render, new Set([...configSecrets(config, stackFile), ...engine.secrets]));
}

function renderedVendors(config: StackConfig): RenderedVendor[] {
  return config.vendors.list().map(({ profile, origin, definedAt }) => ({
    id: profile.id,
    displayName: profile.displayName,
    origin,
    definedAt,
    levels: { ...profile.access.levels } as RenderedVendor["levels"],
  }));
}

/** The handoff as the render shows it: ARNs known from the plan, secrets as "[secret]". */
function plannedHandoff(plan: IntegrationPlan): unknown {
  const accessPoints = new Map(
    plan.buckets
      .filter(hasBucketSide)
      .flatMap((grant) => (grant.accessPoint ? [[grant.bucket.name, grant.accessPoint.arn]] : [])),
  );
  return buildHandoff<string>(plan, {
    principalArn: plan.granteeArn,
    ...(plan.principalType === "role" ? { externalId: "[secret]" } : {}),
    ...(plan.principalType === "user" ? { accessKeyId: "[secret]", secretAccessKey: "[secret]" } : {}),
    accessPointArn: (bucket) => accessPoints.get(bucket),
  });
}

type BucketGrantOf = { plan: IntegrationPlan; grant: BucketGrantPlan };

/** Every bucket's render, from indexes built once: linear in the stack's size, not in its square. */
function renderBuckets(buckets: readonly PlannedBucket[], plans: readonly IntegrationPlan[]): RenderedBucket[] {
  const grantsOf = groupBy(
    plans.flatMap((plan) => plan.buckets.map((grant) => ({ plan, grant }))),
    ({ grant }) => [grant.bucket.name],
  );
  const kmsStatements = new KmsStatementIndex();
  return buckets.map((bucket) => renderBucket(bucket, grantsOf.get(bucket.bucket) ?? [], kmsStatements));
}

function renderBucket(
  bucket: PlannedBucket,
  grants: BucketGrantOf[],
  kmsStatements: KmsStatementIndex,
): RenderedBucket {
  const shared = bucket.policyMode === "shared";
  return {
    name: bucket.bucket,
    region: bucket.region,
    policyMode: bucket.policyMode,
    policy: bucket.policy ?? null,
    cors: bucket.corsRules.length > 0 ? bucket.corsRules : null,
    foreignContent: shared ? "preserved" : "replaced",
    ownedBy: {
      sidPrefixes: grants.filter(({ grant }) => grant.statements.length > 0).map(({ plan }) => plan.sidPrefix),
      corsRuleIds: grants.flatMap(({ grant }) => grant.corsRules.map((rule) => rule.ID)),
    },
    note: shared
      ? "shared: this stack adds, updates and removes only the statements and CORS rules listed here (owned by Sid prefix and rule ID); every other statement and rule on the bucket is preserved"
      : "exclusive: this stack writes the whole bucket policy (baselineStatements plus its statements) and the whole CORS configuration; anything else on the bucket is replaced",
    accessPoints: grants.filter(({ grant }) => grant.accessPoint).map(({ grant }) => grant.accessPoint!),
    kms: renderBucketKms(grants, kmsStatements),
  };
}

const identityPlace = { role: "role policy", user: "user policy", account: "vendor's own policies (handoff)" };

function renderBucketKms(grants: BucketGrantOf[], kmsStatements: KmsStatementIndex): RenderedBucketKms[] {
  const keys = [...new Set(grants.flatMap(({ grant }) => (grant.kms ? [grant.kms.keyArn] : [])))].sort();
  return keys.map((keyArn) => {
    const using = grants.filter(({ grant }) => grant.kms?.keyArn === keyArn);
    const kms = using[0].grant.kms!;
    return {
      keyArn,
      bucketKeyEnabled: kms.bucketKeyEnabled,
      keyPolicy: kms.keyPolicy,
      keyPolicyStatements: using.flatMap(({ plan }) =>
        kmsStatements
          .keyPolicy(plan, keyArn)
          .map((c) => ({ integration: plan.integration.name, statement: c.statement })),
      ),
      identityStatements: using.flatMap(({ plan, grant }) =>
        kmsStatements
          .identity(plan, keyArn)
          .filter((statement) => coversBucket(statement, grant))
          .map((statement) => ({
            integration: plan.integration.name,
            where: `${identityPlace[plan.principalType]}${plan.identityName ? ` ${plan.identityName}` : ""}`,
            statement,
          })),
      ),
      grants: [],
    };
  });
}

/** Per integration and key, its key-policy and identity statements, grouped on first use. */
class KmsStatementIndex {
  private readonly keyPolicyOf = new Map<IntegrationPlan, Map<string, IntegrationPlan["keyPolicyStatements"]>>();
  private readonly identityOf = new Map<IntegrationPlan, Map<string, PolicyStatement[]>>();

  keyPolicy(plan: IntegrationPlan, keyArn: string): IntegrationPlan["keyPolicyStatements"] {
    if (!this.keyPolicyOf.has(plan))
      this.keyPolicyOf.set(
        plan,
        groupBy(plan.keyPolicyStatements, (c) => [c.keyArn]),
      );
    return this.keyPolicyOf.get(plan)!.get(keyArn) ?? [];
  }

  identity(plan: IntegrationPlan, keyArn: string): PolicyStatement[] {
    if (!this.identityOf.has(plan)) {
      const statements = plan.permissionPolicies.flatMap((document) => document.Statement);
      this.identityOf.set(
        plan,
        groupBy(statements, (statement) => [statement.Resource ?? []].flat()),
      );
    }
    return this.identityOf.get(plan)!.get(keyArn) ?? [];
  }
}

function groupBy<T>(items: readonly T[], keysOf: (item: T) => readonly string[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items)
    for (const key of new Set(keysOf(item))) {
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
  return groups;
}

/** Whether a KMS statement's encryption-context condition names this bucket's objects. */
function coversBucket(statement: PolicyStatement, grant: BucketGrantPlan): boolean {
  const contexts = [statement.Condition?.StringLike?.[s3EncryptionContextKey] ?? []].flat();
  return grant.kms!.encryptionContextArns.some((arn) => contexts.includes(arn));
}
