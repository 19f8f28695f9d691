// Stack config, validated once at the edge into typed values. Every bad key path is reported at once.
import { z } from "zod";
import { parseAwsSettings, type AssumeRoleExternalIds, type AwsClientSettings } from "./awsSettings";
import { accountRootArn, isKnownRegion, parseKmsKeyArn, parsePrincipalArn, partitionOf } from "./arns";
import type { PolicyStatement } from "./policy/document";
import { iamLimits, s3Limits, stsLimits } from "./limits";
import { problemsMessage, VendorAccessError } from "./errors";
import { formatPath, issuesOf, show } from "./validation";
import { narrowActions } from "./vendors/actions";
import { builtInVendors, VendorRegistry, type AccessLevel, type AuthMode, type VendorProfile } from "./vendors";
import { httpsOrigin, parseVendorData } from "./vendors/schema";
import type { StandardSchema } from "./standardSchema";

export const projectName = "vendor-access";

export type ExternalIdConfig = { kind: "generate" } | { kind: "value"; value: string } | { kind: "none" };
export type BucketPolicyMode = "shared" | "exclusive";
/** `manage`: the stack adds its own statements to the key policy; `handoff`: it renders them for the key's owner. */
export type KmsKeyPolicyMode = "manage" | "handoff";
export const kmsKeyPolicyModes = ["manage", "handoff"] as const;

export interface BucketConfig {
  name: string;
  region: string;
  /** A key prefix ending in `/`, or "" for the whole bucket. */
  prefix: string;
  kmsKeyArn?: string;
  /**
   * S3 Bucket Keys on this bucket: S3 then puts the bucket ARN, not the object ARN, in the KMS encryption context
   * (Amazon S3 User Guide, "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys"). False, as S3's default is.
   */
  bucketKeyEnabled: boolean;
  /** How the key policy gets the statements a principal outside the key's account needs; set only with kmsKeyArn. */
  kmsKeyPolicy?: KmsKeyPolicyMode;
  /** `shared` adds and removes only this stack's statements; `exclusive` owns the whole policy and CORS. */
  bucketPolicyMode: BucketPolicyMode;
  /** Statements an exclusive-mode stack keeps in the policy it owns. */
  baselineStatements: PolicyStatement[];
  /** Name of the vendor's access point on this bucket, when config gives one (the plan derives a default). */
  accessPointName?: string;
}

/** A bucket entry as stack config and VendorIntegration take it, before defaults (the schema below agrees). */
export interface BucketInput {
  name: string;
  region: string;
  /** Every grant is scoped to this key prefix (ending in "/"); the whole bucket by default. */
  prefix?: string;
  /** The bucket's SSE-KMS key, in the bucket's region. */
  kmsKeyArn?: string;
  /** SSE-KMS only: S3 Bucket Keys on this bucket (false by default, as S3's). */
  bucketKeyEnabled?: boolean;
  /** SSE-KMS only: `manage` (default for a key of this account) or `handoff` (another account's key). */
  kmsKeyPolicy?: KmsKeyPolicyMode;
  /** `shared` (default) adds and removes only this stack's statements; `exclusive` owns the whole policy and CORS. */
  bucketPolicyMode?: BucketPolicyMode;
  /** Exclusive mode only: statements the stack keeps in the policy it owns. */
  baselineStatements?: PolicyStatement[];
  /** The access point's name, for vendors that get one (default `<integration>-<8 hex of the bucket name>`). */
  accessPointName?: string;
}

export interface IntegrationConfig {
  name: string;
  vendor: string;
  /** The registered vendor `vendor` names. */
  profile: VendorProfile;
  access: AccessLevel;
  auth: AuthMode;
  /** The vendor's principal ARN (`arn:aws:iam::ID:root` for an account); none for access-key vendors. */
  principal?: string;
  externalId: ExternalIdConfig;
  buckets: BucketConfig[];
  cors?: { origins: string[] };
  /** Actions removed from the vendor's set at this access level, in the profile's spelling. */
  excludeActions: string[];
  /** Vendor-specific blocks, already validated by the profile's `extraConfig`. */
  extra: Record<string, unknown>;
}

export interface StackConfig {
  accountId: string;
  /** Every vendor this run knows: built-in, defined in code, and defined under `vendor-access:vendors`. */
  vendors: VendorRegistry;
  integrations: IntegrationConfig[];
  /** IAM's managed-policies-per-role quota: `iamLimits.managedPoliciesPerRole` unless raised. */
  managedPoliciesPerRole: number;
  /** IAM's role trust policy length quota: `iamLimits.trustPolicyChars` unless raised. */
  trustPolicyMaxChars: number;
  /** Where shared-document writers record their claims (docs/shared-buckets.md, "Coordination"); absent: best effort. */
  coordination?: { bucket: string; region: string };
  /** An example stack (`vendor-access:example: true`): values that must be secrets may be plain text. */
  example: boolean;
  /** The stack's `aws:*` settings that the program's own AWS clients share with the AWS provider. */
  aws: AwsClientSettings;
  /** `aws:assumeRoles[i].externalId`, by hop; kept apart from `aws` because they stay secrets. */
  awsExternalIds: AssumeRoleExternalIds;
}

/**
 * Says whether a config value was given as a secret: `key` is the full key (`vendor-access:integrations`),
 * `path` the path inside its value. The engine knows this per key, a stack file per value.
 */
export type IsSecretConfig = (key: string, path: readonly PropertyKey[]) => boolean;

/** `namespace:key[0].field`: the notation of `pulumi config set --path`. */
export function configKeyPath(key: string, path: readonly PropertyKey[]): string {
  return `${key}${path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("")}`;
}

/** Exact secrecy from a stack file: the paths (`configKeyPath`) of its `secure:` values. */
export function secretPathsPredicate(paths: readonly string[]): IsSecretConfig {
  const secret = new Set(paths);
  return (key, path) => secret.has(configKeyPath(key, path));
}

export interface ParseOptions extends VendorOptions {
  /** The `aws:` namespace, keys without it, structured values JSON-parsed. */
  aws?: Record<string, unknown>;
  /** Omitted by callers that hold config as plain data (tests, libraries): then no value is checked for secrecy. */
  isSecret?: IsSecretConfig;
}

/** A config that failed validation: every bad key path, one per line. */
export class ConfigError extends VendorAccessError {
  constructor(readonly problems: string[]) {
    super(problemsMessage("stack config", problems));
    this.name = "ConfigError";
  }
}

// S3 general purpose bucket naming rules (AWS S3 User Guide, "Bucket naming rules"); Aquarium's example_bucket_name fails them (docs/vendors/aquarium.md).
function bucketNameProblem(name: string): string | undefined {
  if (name.length < s3Limits.bucketNameMinChars || name.length > s3Limits.bucketNameMaxChars)
    return `must be ${s3Limits.bucketNameMinChars} to ${s3Limits.bucketNameMaxChars} characters`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
    return "may hold only lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit";
  if (name.includes("..")) return "must not contain two adjacent dots";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not look like an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return "must not start with xn--, sthree- or amzn-s3-demo-";
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name))
    return "must not end with a suffix S3 reserves (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)";
  return undefined;
}

const bucketName = z.string().superRefine((name, ctx) => {
  const problem = bucketNameProblem(name);
  if (problem) ctx.addIssue({ code: "custom", message: `${show(name)} is not a valid S3 bucket name: it ${problem}` });
});

const region = z.string().refine(isKnownRegion, { error: (issue) => `${show(issue.input)} is not an AWS region` });

const accountId = z
  .string()
  .regex(/^\d{12}$/, { error: (issue) => `${show(issue.input)} is not a 12-digit AWS account ID` });

const prefix = z
  .string()
  .refine((value) => Buffer.byteLength(value, "utf8") <= s3Limits.objectKeyBytes, {
    error: (issue) => `${show(issue.input)} is longer than an S3 key (${s3Limits.objectKeyBytes} bytes)`,
  })
  .superRefine((value, ctx) => {
    if (value.startsWith("/"))
      ctx.addIssue({
        code: "custom",
        message: `${show(value)} must not start with "/": S3 keys have no leading slash`,
      });
    if (/[*?]/.test(value))
      ctx.addIssue({
        code: "custom",
        message: `${show(value)} must not contain "*" or "?": the prefix is literal and we add the one wildcard`,
      });
    // Without the trailing slash, "exports" would also grant "exports-old/".
    if (value !== "" && !value.endsWith("/"))
      ctx.addIssue({ code: "custom", message: `${show(value)} must end with "/" so that it names one folder` });
  });

const kmsKeyArn = z.string().refine((arn) => parseKmsKeyArn(arn) !== undefined, {
  error: (issue) =>
    `${show(issue.input)} is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID; aliases are not accepted)`,
});

// STS AssumeRole: ExternalId is characters of [\w+=,.@:/-], within STS's length limits.
const externalIdValue = z
  .string()
  .regex(new RegExp(`^[\\w+=,.@:/-]{${stsLimits.externalIdMinChars},${stsLimits.externalIdMaxChars}}$`), {
    error: () =>
      `must be ${stsLimits.externalIdMinChars} to ${stsLimits.externalIdMaxChars} characters of letters, digits and +=,.@:/- (STS ExternalId rules)`,
  });

const accessPointName = z
  .string()
  .regex(
    new RegExp(
      `^[a-z0-9][a-z0-9-]{${s3Limits.accessPointNameMinChars - 2},${s3Limits.accessPointNameMaxChars - 2}}[a-z0-9]$`,
    ),
    {
      error: (issue) =>
        `${show(issue.input)} is not a valid access point name (${s3Limits.accessPointNameMinChars}-${s3Limits.accessPointNameMaxChars} lowercase letters, digits, hyphens)`,
    },
  );

const integrationName = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
    error: (issue) => `${show(issue.input)} must be lowercase letters, digits and single hyphens`,
  })
  .max(32, { error: (issue) => `${show(issue.input)} is longer than 32 characters` });

const statementObject = z.looseObject({ Effect: z.enum(["Allow", "Deny"]) });

function bucketSchema(profile: VendorProfile) {
  return (
    z
      .strictObject({
        name: bucketName,
        region,
        prefix: prefix.default(""),
        kmsKeyArn: kmsKeyArn.optional(),
        bucketKeyEnabled: z.boolean().optional(),
        kmsKeyPolicy: z.enum(kmsKeyPolicyModes).optional(),
        bucketPolicyMode: z.enum(["shared", "exclusive"]).default("shared"),
        baselineStatements: z.array(statementObject).optional(),
        ...(profile.accessPoint ? { accessPointName: accessPointName.optional() } : {}),
      })
      // On the bucket, not the integration: a bad key elsewhere in the integration must not hide these problems.
      .superRefine(checkKmsOnlyKeys)
  );
}

/** A vendor's extra keys as zod schemas: zod's own as they are (same messages), any other Standard Schema wrapped. */
function extraKeySchemas(profile: VendorProfile): Record<string, z.ZodType> {
  return Object.fromEntries(
    Object.entries(profile.extraConfig ?? {}).map(([key, schema]) => [
      key,
      schema instanceof z.ZodType ? schema : standardSchemaKey(schema),
    ]),
  );
}

/** A Standard Schema of another library, its issues reported at their key paths like ours. */
function standardSchemaKey(schema: StandardSchema): z.ZodType {
  return z.unknown().transform((value, ctx) => {
    const result = schema["~standard"].validate(value);
    if (result instanceof Promise) {
      ctx.addIssue({ code: "custom", message: "has an asynchronous schema; config is validated synchronously" });
      return z.NEVER;
    }
    if (!result.issues) return result.value;
    for (const issue of result.issues)
      ctx.addIssue({
        code: "custom",
        message: issue.message,
        path: (issue.path ?? []).map((part) => (typeof part === "object" ? part.key : part)),
      });
    return z.NEVER;
  });
}

// Compile-time: the public BucketInput and the bucket schema's input have the same keys, and every BucketInput parses.
type BucketSchemaInput = z.input<ReturnType<typeof bucketSchema>>;
type Expect<T extends true> = T;
type _BucketInputAgrees = [
  Expect<[keyof BucketSchemaInput] extends [keyof BucketInput] ? true : false>,
  Expect<[keyof BucketInput] extends [keyof BucketSchemaInput] ? true : false>,
  Expect<
    [Omit<BucketInput, "baselineStatements">] extends [Omit<BucketSchemaInput, "baselineStatements">] ? true : false
  >,
];

function integrationSchema(profile: VendorProfile) {
  return z
    .strictObject(integrationFields(profile))
    .superRefine((integration, ctx) => checkIntegration(profile, integration, ctx));
}

/** The keys of one integration; the access levels, auth modes and optional blocks come from the vendor's profile. */
function integrationFields(profile: VendorProfile) {
  const levels = Object.keys(profile.access.levels) as AccessLevel[];
  const modes = Object.keys(profile.auth.modes) as AuthMode[];
  return {
    name: integrationName,
    vendor: z.literal(profile.id),
    access: z
      .string()
      .refine((v) => (levels as string[]).includes(v), {
        error: (issue) => `${show(issue.input)} is not offered by ${profile.id} (allowed: ${levels.join(", ")})`,
      })
      .default(profile.access.default),
    auth: z
      .string()
      .refine((v) => (modes as string[]).includes(v), {
        error: (issue) => `${show(issue.input)} is not supported by ${profile.id} (allowed: ${modes.join(", ")})`,
      })
      .default(profile.auth.default),
    principal: z.union([z.string(), z.number()]).transform(String).optional(),
    externalId: z.string().optional(),
    excludeActions: z.array(z.string()).optional(),
    buckets: z.array(bucketSchema(profile)).min(1, { error: "list at least one bucket" }),
    ...(profile.cors ? { cors: z.strictObject({ origins: z.array(httpsOrigin).min(1) }).optional() } : {}),
    ...(profile.accessPoint ? { accessPoint: z.strictObject({ name: accessPointName }).optional() } : {}),
    ...extraKeySchemas(profile),
  };
}

/** A bucket entry as the integration checks see it, after its own keys parsed. */
interface BucketToCheck {
  name: string;
  region: string;
  kmsKeyArn?: string;
  bucketKeyEnabled?: boolean;
  kmsKeyPolicy?: string;
  bucketPolicyMode: string;
  baselineStatements?: unknown[];
}

/** An integration as the cross-key checks see it, after its own keys parsed. */
interface IntegrationToCheck {
  auth: string;
  access: string;
  principal?: string;
  externalId?: string;
  excludeActions?: string[];
  buckets: BucketToCheck[];
}

/** The checks that span keys of one integration: ExternalId, excluded actions, principal, its buckets, access point. */
function checkIntegration(profile: VendorProfile, integration: IntegrationToCheck, ctx: z.RefinementCtx): void {
  const mode = profile.auth.modes[integration.auth as AuthMode];
  if (mode) checkExternalId(profile, integration.auth as AuthMode, mode.externalId, integration.externalId, ctx);
  checkExcludedActions(profile, integration.access, integration.excludeActions ?? [], ctx);
  if (mode?.takesPrincipal === false) {
    if (integration.principal !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["principal"],
        message: `${profile.id} with auth ${integration.auth} takes no principal: the vendor uses an access key`,
      });
  } else checkPrincipal(profile, integration.principal, ctx);
  integration.buckets.forEach((bucket, index) => checkIntegrationBucket(integration.buckets, bucket, index, ctx));
  const accessPoint = (integration as { accessPoint?: unknown }).accessPoint;
  if (accessPoint && integration.buckets.length > 1) {
    ctx.addIssue({
      code: "custom",
      path: ["accessPoint", "name"],
      message: "an access point serves one bucket; with several buckets set buckets[].accessPointName instead",
    });
  }
}

/** One bucket of an integration against the others: partition, key region, KMS-only keys, duplicates, baseline. */
function checkIntegrationBucket(
  buckets: readonly BucketToCheck[],
  bucket: BucketToCheck,
  index: number,
  ctx: z.RefinementCtx,
): void {
  // One role serves every bucket of an integration, and a role lives in one partition.
  const partition = partitionOf(bucket.region);
  const firstPartition = partitionOf(buckets[0].region);
  if (partition !== firstPartition) {
    ctx.addIssue({
      code: "custom",
      path: ["buckets", index, "region"],
      message: `${show(bucket.region)} is in partition ${partition}, but this integration's first bucket is in ${firstPartition}; use one integration per partition`,
    });
  }
  const key = bucket.kmsKeyArn ? parseKmsKeyArn(bucket.kmsKeyArn) : undefined;
  if (key && key.region !== bucket.region) {
    ctx.addIssue({
      code: "custom",
      path: ["buckets", index, "kmsKeyArn"],
      message: `key is in ${key.region} but bucket ${show(bucket.name)} is in ${bucket.region}; S3 uses only keys in the bucket's region`,
    });
  }
  const first = buckets.findIndex((other) => other.name === bucket.name);
  if (first !== index)
    ctx.addIssue({
      code: "custom",
      path: ["buckets", index, "name"],
      message: `${show(bucket.name)} is listed twice in this integration (also buckets[${first}])`,
    });
  if (bucket.baselineStatements && bucket.bucketPolicyMode !== "exclusive") {
    ctx.addIssue({
      code: "custom",
      path: ["buckets", index, "baselineStatements"],
      message: "only applies with bucketPolicyMode: exclusive; shared mode keeps every statement it does not own",
    });
  }
}

/** Bucket Keys and the key-policy mode mean nothing without an SSE-KMS key. */
function checkKmsOnlyKeys(
  bucket: { kmsKeyArn?: string; bucketKeyEnabled?: boolean; kmsKeyPolicy?: string },
  ctx: z.RefinementCtx,
): void {
  for (const key of ["bucketKeyEnabled", "kmsKeyPolicy"] as const) {
    if (bucket[key] !== undefined && !bucket.kmsKeyArn)
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: "only applies with kmsKeyArn (an SSE-KMS bucket)",
      });
  }
}

function checkExternalId(
  profile: VendorProfile,
  auth: AuthMode,
  source: string,
  value: string | undefined,
  ctx: z.RefinementCtx,
): void {
  const path = ["externalId"];
  if (source === "none") {
    if (value !== undefined)
      ctx.addIssue({
        code: "custom",
        path,
        message: `${profile.id} with auth ${auth} takes no ExternalId (there is no role for the vendor to assume)`,
      });
    return;
  }
  if (value === undefined || value === "generate") {
    if (source === "vendor-issued")
      ctx.addIssue({
        code: "custom",
        path,
        message: `${profile.displayName} issues the ExternalId: set it with \`pulumi config set --secret --path 'integrations[N].externalId' <value>\``,
      });
    return;
  }
  const problem = externalIdProblem(value);
  if (problem) ctx.addIssue({ code: "custom", path, message: problem });
}

/** Why a value is not an ExternalId STS accepts, or undefined when it is one. */
export function externalIdProblem(value: string): string | undefined {
  const parsed = externalIdValue.safeParse(value);
  return parsed.success ? undefined : parsed.error.issues[0].message;
}

/**
 * `excludeActions` only narrows: each entry must be one of the vendor's actions at this access level, named
 * exactly (IAM compares action names case-insensitively, so we do too), and something must remain to grant.
 */
function checkExcludedActions(profile: VendorProfile, access: string, excluded: string[], ctx: z.RefinementCtx): void {
  const actions = profile.access.levels[access as AccessLevel];
  if (!actions || excluded.length === 0) return;
  const offered = [...actions.bucket, ...actions.object, ...actions.kms];
  excluded.forEach((action, index) => {
    if (offered.some((a) => a.toLowerCase() === action.toLowerCase())) return;
    const why = /[*?]/.test(action)
      ? "wildcards are not accepted; name each action"
      : `not in ${profile.id}'s ${access} set`;
    ctx.addIssue({
      code: "custom",
      path: ["excludeActions", index],
      message: `${show(action)}: ${why} (valid: ${offered.join(", ")})`,
    });
  });
  const remaining = narrowActions(actions, excluded);
  if (remaining.bucket.length + remaining.object.length === 0)
    ctx.addIssue({
      code: "custom",
      path: ["excludeActions"],
      message: `removes every S3 action of ${profile.id}'s ${access} set; remove the integration instead`,
    });
}

/** A bare 12-digit account means its root principal. */
function principalArnOf(principal: string): string {
  return /^\d{12}$/.test(principal) ? accountRootArn(principal) : principal;
}

function checkPrincipal(profile: VendorProfile, principal: string | undefined, ctx: z.RefinementCtx): void {
  const path = ["principal"];
  if (principal === undefined) {
    if (!profile.defaultPrincipal)
      ctx.addIssue({
        code: "custom",
        path,
        message: `${profile.id} has no default principal: set the vendor's account or role ARN`,
      });
    return;
  }
  const parsed = parsePrincipalArn(principalArnOf(principal));
  const kind = parsed?.kind === "root" ? "account" : parsed?.kind;
  if (!parsed || kind === "user") {
    ctx.addIssue({
      code: "custom",
      path,
      message: `${show(principal)} is not an IAM principal ARN (arn:aws:iam::ID:root, arn:aws:iam::ID:role/NAME) or a 12-digit account ID`,
    });
  } else if (!profile.principalKinds.includes(kind as "account" | "role")) {
    ctx.addIssue({
      code: "custom",
      path,
      message: `${show(principal)} must be ${profile.principalKinds.map((k) => (k === "account" ? "an account (arn:aws:iam::ID:root or 12 digits)" : "a role ARN")).join(" or ")} for ${profile.id}`,
    });
  }
}

const topLevelSchema = z.strictObject({
  accountId,
  example: z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")]).default(false),
  integrations: z.array(z.unknown()).min(1, { error: "list at least one integration" }),
  vendors: z.array(z.unknown()).optional(),
  managedPoliciesPerRole: z.coerce
    .number()
    .int()
    .min(1)
    .max(iamLimits.managedPoliciesPerRoleRaised)
    .default(iamLimits.managedPoliciesPerRole),
  trustPolicyMaxChars: z.coerce
    .number()
    .int()
    .min(iamLimits.trustPolicyChars)
    .max(iamLimits.trustPolicyCharsRaised)
    .default(iamLimits.trustPolicyChars),
  coordination: z.strictObject({ bucket: bucketName, region }).optional(),
});

export interface VendorOptions {
  /** Vendors defined in code with defineVendor, besides the built-in ones and those the config defines. */
  vendors?: readonly VendorProfile[];
}

/** A profile without its code-only parts, as the vendor schema sees it. */
function profileData(profile: VendorProfile): Record<string, unknown> {
  const { extraConfig: _extra, vendorSidePolicies: _hook, ...data } = profile;
  return data;
}

/** Built-in, then code-defined, then config-defined vendors; every definition validated by the same schema. */
function vendorRegistryFor(raw: Record<string, unknown>, options: VendorOptions, problems: string[]): VendorRegistry {
  const registry = new VendorRegistry();
  registry.add(builtInVendors.map((profile) => ({ profile, origin: "built-in", definedAt: "built-in" })));
  for (const profile of options.vendors ?? []) {
    const definedAt = `defineVendor(${show(profile.id)})`;
    if (parseVendorData(profileData(profile), [definedAt], problems))
      problems.push(...registry.add([{ profile, origin: "code", definedAt }]));
  }
  const configured = Array.isArray(raw.vendors) ? raw.vendors : [];
  configured.forEach((item, index) => {
    const profile = parseVendorData(item, ["vendors", index], problems);
    if (profile) problems.push(...registry.add([{ profile, origin: "config", definedAt: `vendors[${index}]` }]));
  });
  return registry;
}

/**
 * Validate the `vendor-access:*` config (namespace stripped, values already JSON-parsed).
 * Throws ConfigError naming every bad key path; nothing else in the program runs before this.
 */
export function parseStackConfig(raw: Record<string, unknown>, options: ParseOptions = {}): StackConfig {
  const problems: string[] = [];
  const aws = parseAwsSettings(options.aws ?? {});
  problems.push(...aws.problems);
  const top = topLevelSchema.safeParse(raw);
  if (!top.success) problems.push(...issuesOf(top.error, []));
  const vendors = vendorRegistryFor(raw, options, problems);
  const rawIntegrations = Array.isArray(raw.integrations) ? raw.integrations : [];
  const integrations: IntegrationConfig[] = [];
  rawIntegrations.forEach((item, index) => {
    const integration = parseIntegration(item, vendors, ["integrations", index], problems);
    if (integration) integrations.push(integration);
  });
  problems.push(...crossIntegrationProblems(integrations, rawIntegrations));
  if (options.isSecret && !(top.success && top.data.example))
    problems.push(...plainTextSecretProblems(integrations, rawIntegrations, aws.externalIds, options.isSecret));
  if (top.success) problems.push(...kmsKeyPolicyProblems(integrations, rawIntegrations, top.data.accountId));
  if (problems.length > 0 || !top.success) throw new ConfigError(problems);
  const { vendors: _definitions, ...settings } = top.data;
  return {
    ...settings,
    vendors,
    aws: aws.settings,
    awsExternalIds: aws.externalIds,
    integrations: integrations.map((integration) => ({
      ...integration,
      buckets: integration.buckets.map((bucket) => withKmsKeyPolicy(bucket, settings.accountId)),
    })),
  };
}

/** One integration against the registry; undefined with `problems` filled when it is invalid. */
export function parseIntegration(
  item: unknown,
  vendors: VendorRegistry,
  base: PropertyKey[],
  problems: string[],
): IntegrationConfig | undefined {
  const vendor = (item as { vendor?: unknown } | null)?.vendor;
  const profile = typeof vendor === "string" ? vendors.get(vendor) : undefined;
  if (!profile) {
    problems.push(
      `${formatPath([...base, "vendor"])}: ${show(vendor)} is not a known vendor (known: ${vendors.ids().join(", ")})`,
    );
    return undefined;
  }
  const parsed = integrationSchema(profile).safeParse(item);
  if (!parsed.success) {
    problems.push(...issuesOf(parsed.error, base));
    return undefined;
  }
  return toIntegrationConfig(profile, parsed.data as ParsedIntegration);
}

/** A key in the stack's own account is managed by default; another account's key can only be handed off. */
function withKmsKeyPolicy(bucket: BucketConfig, accountIdValue: string): BucketConfig {
  const key = bucket.kmsKeyArn ? parseKmsKeyArn(bucket.kmsKeyArn) : undefined;
  if (!key) return bucket;
  return { ...bucket, kmsKeyPolicy: bucket.kmsKeyPolicy ?? (key.accountId === accountIdValue ? "manage" : "handoff") };
}

/** One key policy per key and one encryption setting per bucket; a stack writes only keys of its own account. */
function kmsKeyPolicyProblems(
  integrations: IntegrationConfig[],
  rawIntegrations: unknown[],
  accountIdValue: string,
): string[] {
  const problems: string[] = [];
  const keyModes = new Map<string, { mode: string; where: string }>();
  const bucketKeys = new Map<string, { enabled: boolean; where: string }>();
  for (const integration of integrations) {
    const index = rawIntegrations.findIndex((raw) => (raw as { name?: unknown })?.name === integration.name);
    integration.buckets.forEach((bucket, b) => {
      const where = `integrations[${index}].buckets[${b}]`;
      const key = bucket.kmsKeyArn ? parseKmsKeyArn(bucket.kmsKeyArn) : undefined;
      if (!key) return;
      const mode = withKmsKeyPolicy(bucket, accountIdValue).kmsKeyPolicy!;
      if (bucket.kmsKeyPolicy === "manage" && key.accountId !== accountIdValue)
        problems.push(
          `${where}.kmsKeyPolicy: "manage" writes the key policy, but key ${bucket.kmsKeyArn} belongs to account ${key.accountId}, not this stack's ${accountIdValue}; set kmsKeyPolicy: handoff and give the key's owner the rendered statement`,
        );
      const firstMode = keyModes.get(bucket.kmsKeyArn!);
      if (!firstMode) keyModes.set(bucket.kmsKeyArn!, { mode, where });
      else if (firstMode.mode !== mode)
        problems.push(
          `${where}.kmsKeyPolicy: ${mode} conflicts with ${firstMode.mode} in ${firstMode.where}; a key has one key policy`,
        );
      const firstBucket = bucketKeys.get(bucket.name);
      if (!firstBucket) bucketKeys.set(bucket.name, { enabled: bucket.bucketKeyEnabled, where });
      else if (firstBucket.enabled !== bucket.bucketKeyEnabled)
        problems.push(
          `${where}.bucketKeyEnabled: ${bucket.bucketKeyEnabled} conflicts with ${firstBucket.enabled} in ${firstBucket.where}; a bucket has one S3 Bucket Key setting`,
        );
    });
  }
  return problems;
}

/**
 * ExternalIds given in plain text: an error outside example stacks, because a value in Git in plain text is
 * readable by everyone with the repository, and the render's `[secret]` would hide that it is.
 */
function plainTextSecretProblems(
  integrations: IntegrationConfig[],
  rawIntegrations: unknown[],
  awsExternalIds: AssumeRoleExternalIds,
  isSecret: IsSecretConfig,
): string[] {
  const plain: { key: string; path: PropertyKey[] }[] = [];
  for (const integration of integrations) {
    if (integration.externalId.kind !== "value") continue;
    const index = rawIntegrations.findIndex((raw) => (raw as { name?: unknown })?.name === integration.name);
    plain.push({ key: `${projectName}:integrations`, path: [index, "externalId"] });
  }
  const chainKey = "aws:assumeRoles";
  awsExternalIds.forEach((id, hop) => {
    if (id !== null) plain.push({ key: chainKey, path: [hop, "externalId"] });
  });
  return plain
    .filter(({ key, path }) => !isSecret(key, path))
    .map(({ key, path }) => {
      const where = key.startsWith(`${projectName}:`)
        ? formatPath([key.slice(projectName.length + 1), ...path])
        : configKeyPath(key, path);
      return `${where}: an ExternalId in plain text; make it a secret with \`pulumi config set --secret --path '${configKeyPath(key, path)}' <value>\` (or mark an example stack with vendor-access:example: true)`;
    });
}

type ParsedIntegration = {
  name: string;
  vendor: string;
  access: string;
  auth: string;
  principal?: string;
  externalId?: string;
  excludeActions?: string[];
  buckets: (Omit<BucketConfig, "baselineStatements" | "bucketKeyEnabled"> & {
    baselineStatements?: unknown[];
    bucketKeyEnabled?: boolean;
  })[];
  cors?: { origins: string[] };
  accessPoint?: { name: string };
  [key: string]: unknown;
};

function toIntegrationConfig(profile: VendorProfile, parsed: ParsedIntegration): IntegrationConfig {
  const { name, vendor, access, auth, principal, externalId, excludeActions, buckets, cors, accessPoint, ...extra } =
    parsed;
  const offered = Object.values(profile.access.levels[access as AccessLevel]!).flat();
  const mode = profile.auth.modes[auth as AuthMode]!;
  const source = mode.externalId;
  const principalArn =
    mode.takesPrincipal === false
      ? undefined
      : principal === undefined
        ? profile.defaultPrincipal!
        : principalArnOf(principal);
  return {
    name,
    vendor,
    profile,
    access: access as AccessLevel,
    auth: auth as AuthMode,
    ...(principalArn ? { principal: principalArn } : {}),
    externalId:
      source === "none"
        ? { kind: "none" }
        : externalId === undefined || externalId === "generate"
          ? { kind: "generate" }
          : { kind: "value", value: externalId },
    buckets: buckets.map((bucket) => ({
      ...bucket,
      bucketKeyEnabled: bucket.bucketKeyEnabled ?? false,
      baselineStatements: (bucket.baselineStatements ?? []) as PolicyStatement[],
      ...((bucket.accessPointName ?? accessPoint?.name)
        ? { accessPointName: bucket.accessPointName ?? accessPoint?.name }
        : {}),
    })),
    ...(profile.cors ? { cors: { origins: cors?.origins ?? [...profile.cors.defaultOrigins] } } : {}),
    // In the profile's spelling, so that later comparisons are exact.
    excludeActions: (excludeActions ?? []).map((action) =>
      offered.find((a) => a.toLowerCase() === action.toLowerCase())!,
    ),
    extra,
  };
}

function crossIntegrationProblems(integrations: IntegrationConfig[], rawIntegrations: unknown[]): string[] {
  const problems: string[] = [];
  const indexOf = (integration: IntegrationConfig) =>
    rawIntegrations.findIndex((raw) => (raw as { name?: unknown })?.name === integration.name);
  const seenNames = new Map<string, number>();
  rawIntegrations.forEach((raw, index) => {
    const name = (raw as { name?: unknown } | null)?.name;
    if (typeof name !== "string") return;
    const first = seenNames.get(name);
    if (first !== undefined)
      problems.push(`integrations[${index}].name: ${show(name)} is already used by integrations[${first}]`);
    else seenNames.set(name, index);
  });
  // A bucket shared by several integrations is one bucket: one region, one policy mode, one baseline.
  const firstUse = new Map<string, { integration: IntegrationConfig; bucket: BucketConfig; where: string }>();
  for (const integration of integrations) {
    integration.buckets.forEach((bucket, b) => {
      const where = `integrations[${indexOf(integration)}].buckets[${b}]`;
      const first = firstUse.get(bucket.name);
      if (!first) {
        firstUse.set(bucket.name, { integration, bucket, where });
        return;
      }
      if (first.bucket.region !== bucket.region)
        problems.push(
          `${where}.region: bucket ${show(bucket.name)} is in ${first.bucket.region} according to ${first.where}`,
        );
      if (first.bucket.bucketPolicyMode !== bucket.bucketPolicyMode)
        problems.push(
          `${where}.bucketPolicyMode: ${bucket.bucketPolicyMode} conflicts with ${first.bucket.bucketPolicyMode} in ${first.where}; a bucket has one policy`,
        );
      if (bucket.baselineStatements.length > 0 && first.bucket.baselineStatements.length > 0)
        problems.push(`${where}.baselineStatements: already given in ${first.where}; list a bucket's baseline once`);
    });
  }
  return problems;
}

/** One namespace of the engine's config map, keys without the namespace, JSON where structured. */
function namespaceOf(all: Record<string, string>, namespace: string): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(`${namespace}:`)) continue;
    // Structured values arrive as JSON text; scalars stay strings (an account ID is not a number).
    const name = key.slice(namespace.length + 1);
    try {
      raw[name] = /^\s*[[{]/.test(value) ? JSON.parse(value) : value;
    } catch (error) {
      throw new ConfigError([
        `${namespace === projectName ? name : key}: is not valid JSON (${(error as Error).message})`,
      ]);
    }
  }
  return raw;
}

/** Parse the engine's config map (`namespace:key` -> string): this project's keys and the `aws:` settings. */
export function parseConfigMap(
  all: Record<string, string>,
  isSecret?: IsSecretConfig,
  options: VendorOptions = {},
): StackConfig {
  return parseStackConfig(namespaceOf(all, projectName), { ...options, aws: namespaceOf(all, "aws"), isSecret });
}

/** The stack's `aws:*` settings, as the program's own AWS clients follow them. */
export interface StackAwsSettings {
  settings: AwsClientSettings;
  /** `aws:assumeRoles[i].externalId`, by hop: Pulumi secrets wherever they travel. */
  externalIds: AssumeRoleExternalIds;
}

/** The `aws:*` settings of a full config map (`namespace:key` -> value); ConfigError for one the clients cannot follow. */
export function awsSettingsOf(all: Record<string, string>): StackAwsSettings {
  const parsed = parseAwsSettings(namespaceOf(all, "aws"));
  if (parsed.problems.length > 0) throw new ConfigError(parsed.problems);
  return { settings: parsed.settings, externalIds: parsed.externalIds };
}
