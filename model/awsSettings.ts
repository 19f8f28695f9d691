// The stack's `aws:*` provider settings that the program's own AWS calls must share with the AWS provider, so
// that a role and the bucket policy naming it are written with the same credentials, in the same account.
import { z } from "zod";
import { isKnownRegion, parsePrincipalArn } from "./arns";

/** One hop of the stack's assume-role chain (`aws:assumeRoles[i]`, or `aws:assumeRole`). */
export interface AssumeRoleHop {
  roleArn: string;
  sessionName?: string;
  /** Seconds, from the provider's duration (`"1h"`, `"15m"`, `"900s"`). */
  durationSeconds?: number;
}

/**
 * Non-secret client settings: they go into state as plain inputs of the shared-document resources, so a reviewer
 * sees which account and role write a bucket's policy. ExternalIds of the chain travel separately, as a secret.
 */
export interface AwsClientSettings {
  /** `aws:region`: the region of the chain's STS calls; clients themselves run in the bucket's or key's region. */
  region?: string;
  /** `aws:profile`: a profile of the shared config and credentials files. */
  profile?: string;
  assumeRoles: AssumeRoleHop[];
  /** `aws:endpoints`: custom endpoints of the services the program calls. */
  endpoints: { s3?: string; kms?: string; sts?: string };
  /** `aws:s3UsePathStyle`. */
  s3UsePathStyle?: boolean;
}

/** `aws:assumeRoles[i].externalId`, aligned by index with `assumeRoles`; a Pulumi secret wherever it travels. */
export type AssumeRoleExternalIds = (string | null)[];

export interface ParsedAwsSettings {
  settings: AwsClientSettings;
  externalIds: AssumeRoleExternalIds;
  problems: string[];
}

// Static keys in stack config would have to travel as inputs into state; the environment serves both the AWS
// provider and the SDK's default chain instead (AWS SDK for JavaScript v3, "Setting credentials in Node.js").
const staticKeyKeys = ["accessKey", "secretKey", "token"];
// Settings the AWS provider honours that the program's own clients cannot reproduce: refuse rather than diverge.
const unsupportedKeys = ["assumeRoleWithWebIdentity", "sharedConfigFiles", "sharedCredentialsFiles", "stsRegion"];

const durationUnits: Record<string, number> = { h: 3600, m: 60, s: 1 };

/** The provider's assume-role duration (Go duration syntax, e.g. `1h30m`) in seconds. */
export function durationSeconds(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+)([hms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) return undefined;
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * durationUnits[unit], 0);
}

const roleArn = z.string().refine((arn) => parsePrincipalArn(arn)?.kind === "role", {
  error: (issue) => `${JSON.stringify(issue.input)} is not an IAM role ARN`,
});

const hopSchema = z.looseObject({
  roleArn,
  sessionName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, { error: "must be 2 to 64 characters of letters, digits and +=,.@- (STS)" })
    .optional(),
  // STS AssumeRole: ExternalId is 2-1224 characters of [\w+=,.@:/-].
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, { error: "must be 2 to 1224 characters of letters, digits and +=,.@:/-" })
    .optional(),
  duration: z
    .string()
    .refine((d) => durationSeconds(d) !== undefined, { error: "must be a duration such as 1h or 15m" })
    .optional(),
});

const endpointUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional();

const endpointsSchema = z.array(z.looseObject({ s3: endpointUrl, kms: endpointUrl, sts: endpointUrl }));

/** Parse the `aws:` namespace (keys without the namespace, structured values already JSON-parsed). */
export function parseAwsSettings(raw: Record<string, unknown>): ParsedAwsSettings {
  const problems: string[] = [];
  const settings: AwsClientSettings = { assumeRoles: [], endpoints: {} };
  const externalIds: AssumeRoleExternalIds = [];
  for (const key of staticKeyKeys.filter((k) => raw[k] !== undefined))
    problems.push(
      `aws:${key}: static keys in stack config are not supported: they would be needed as inputs of the shared-bucket resources and so in state; remove it and provide credentials through the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), aws:profile or aws:assumeRoles`,
    );
  for (const key of unsupportedKeys.filter((k) => raw[k] !== undefined))
    problems.push(
      `aws:${key}: not supported: the program's own S3 and KMS calls could not use the same credentials as the AWS provider; use aws:profile or aws:assumeRoles`,
    );
  if (raw.region !== undefined) {
    if (typeof raw.region === "string" && isKnownRegion(raw.region)) settings.region = raw.region;
    else problems.push(`aws:region: ${JSON.stringify(raw.region)} is not an AWS region`);
  }
  if (raw.profile !== undefined) settings.profile = String(raw.profile);
  if (raw.s3UsePathStyle !== undefined) settings.s3UsePathStyle = String(raw.s3UsePathStyle) === "true";

  const chain = raw.assumeRoles ?? (raw.assumeRole === undefined ? [] : [raw.assumeRole]);
  const chainKey = raw.assumeRoles !== undefined ? "aws:assumeRoles" : "aws:assumeRole";
  if (raw.assumeRoles !== undefined && raw.assumeRole !== undefined)
    problems.push("aws:assumeRole: give either aws:assumeRole or aws:assumeRoles, not both");
  const hops = z.array(hopSchema).safeParse(chain);
  if (!hops.success)
    problems.push(
      ...hops.error.issues.map(
        (issue) => `${chainKey}${pathText(issue.path, raw.assumeRoles !== undefined)}: ${issue.message}`,
      ),
    );
  else
    for (const hop of hops.data) {
      settings.assumeRoles.push({
        roleArn: hop.roleArn,
        ...(hop.sessionName ? { sessionName: hop.sessionName } : {}),
        ...(hop.duration ? { durationSeconds: durationSeconds(hop.duration) } : {}),
      });
      externalIds.push(hop.externalId ?? null);
    }

  if (raw.endpoints !== undefined) {
    const endpoints = endpointsSchema.safeParse(raw.endpoints);
    if (!endpoints.success)
      problems.push(
        ...endpoints.error.issues.map((issue) => `aws:endpoints${pathText(issue.path, true)}: ${issue.message}`),
      );
    else
      for (const entry of endpoints.data)
        for (const service of ["s3", "kms", "sts"] as const)
          if (entry[service]) settings.endpoints[service] = entry[service];
  }
  return { settings, externalIds, problems };
}

function pathText(path: readonly PropertyKey[], list: boolean): string {
  const parts = list ? path : path.slice(1);
  return parts.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
}
