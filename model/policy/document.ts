// The one small set of functions that builds every IAM, bucket and access-point policy document.
// Documents are plain data: components serialise them, the pack and the proofs read them back.

export type PolicyEffect = "Allow" | "Deny";

/** `{ operator: { conditionKey: value(s) } }`, e.g. `{ StringEquals: { "sts:ExternalId": "..." } }`. */
export type PolicyCondition = Record<string, Record<string, string | string[]>>;

export type PolicyPrincipal =
  "*" | { AWS?: string | string[]; Service?: string | string[]; Federated?: string | string[] };

export interface PolicyStatement {
  Sid?: string;
  Effect: PolicyEffect;
  Principal?: PolicyPrincipal;
  Action: string[];
  Resource?: string[];
  Condition?: PolicyCondition;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface AllowArgs {
  sid?: string;
  actions: readonly string[];
  resources?: readonly string[];
  principal?: PolicyPrincipal;
  condition?: PolicyCondition;
}

/** An Allow statement with explicit, sorted, de-duplicated actions and resources. */
export function allow(args: AllowArgs): PolicyStatement {
  const statement: PolicyStatement = { Effect: "Allow", Action: uniqueSorted(args.actions) };
  if (args.principal !== undefined) statement.Principal = args.principal;
  // Keep the caller's resource order: it is the order the packer fills policies in.
  if (args.resources !== undefined) statement.Resource = [...new Set(args.resources)];
  if (args.condition !== undefined && Object.keys(args.condition).length > 0) statement.Condition = args.condition;
  // Sid goes first so a rendered statement reads "Sid, Effect, ..." like the AWS console shows it.
  return args.sid === undefined ? statement : { Sid: args.sid, ...statement };
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: [...statements] };
}

/**
 * The trust statement every cross-account role carries: the vendor's principal may assume the role only
 * with the ExternalId (AWS: "How to use an external ID when granting access to your AWS resources to a third party").
 */
export function assumeRoleWithExternalId(principalArns: readonly string[], externalId: string): PolicyStatement {
  return allow({
    sid: "VendorAssumeRoleWithExternalId",
    principal: { AWS: principalArns.length === 1 ? principalArns[0] : [...principalArns] },
    actions: ["sts:AssumeRole"],
    condition: { StringEquals: { "sts:ExternalId": externalId } },
  });
}

/** `s3:prefix` scoping for `s3:ListBucket` (AWS S3 condition keys: s3:prefix). */
export function listPrefixCondition(prefix: string): PolicyCondition {
  return { StringLike: { "s3:prefix": [`${prefix}*`] } };
}

/** The condition key S3 fills with the object's (or, with S3 Bucket Keys, the bucket's) ARN on every KMS call. */
export const s3EncryptionContextKey = "kms:EncryptionContext:aws:s3:arn";

/**
 * KMS use only through S3 in the bucket's region (AWS KMS: kms:ViaService), only for the given S3 resources
 * (Amazon S3 User Guide, "Using server-side encryption with AWS KMS keys (SSE-KMS)": encryption context), and,
 * in a key policy, only by principals of the caller's account (AWS KMS: kms:CallerAccount).
 */
export function kmsViaS3Condition(
  region: string,
  encryptionContextArns: readonly string[],
  callerAccount?: string,
): PolicyCondition {
  return {
    StringEquals: {
      "kms:ViaService": `s3.${region}.amazonaws.com`,
      ...(callerAccount ? { "kms:CallerAccount": callerAccount } : {}),
    },
    StringLike: { [s3EncryptionContextKey]: [...encryptionContextArns] },
  };
}

/** Serialise for the engine. IAM ignores whitespace in its size quotas, so compact JSON is what counts. */
export function toJson(document: PolicyDocument): string {
  return JSON.stringify(document);
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
