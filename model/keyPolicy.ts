// KMS for SSE-KMS buckets: the encryption-context scope of every KMS statement, and the key-policy statements a
// principal outside the key's account needs, one key policy per key and stack. Pure: no Pulumi, no I/O.
import { bucketArn, bucketObjectsArn, parseKmsKeyArn, parsePrincipalArn } from "./arns";
import { type BucketConfig, type KmsKeyPolicyMode } from "./config";
import { allow, kmsViaS3Condition, policyDocument, type PolicyStatement } from "./policy/document";
import { policySize } from "./policy/packing";
import { keyPolicyMaxBytes } from "./sharedDocuments/keyPolicy";

/**
 * The values S3 puts in `kms:EncryptionContext:aws:s3:arn` for this bucket's objects under the prefix: the object
 * ARN, or the bucket ARN for objects written with S3 Bucket Keys (Amazon S3 User Guide, "Using server-side
 * encryption with AWS KMS keys (SSE-KMS)", encryption context). Objects written before Bucket Keys were enabled
 * keep their object ARN, so enabling them adds the bucket ARN rather than replacing the object form.
 */
export function encryptionContextArns(bucket: BucketConfig): string[] {
  return [
    bucketObjectsArn(bucket.name, bucket.region, bucket.prefix),
    ...(bucket.bucketKeyEnabled ? [bucketArn(bucket.name, bucket.region)] : []),
  ];
}

/** A statement's Sid part for one key: letters and digits of the key ID, stable across config order. */
export function keyIdSid(keyArn: string): string {
  return keyArn.slice(keyArn.lastIndexOf("/") + 1).replace(/[^A-Za-z0-9]/g, "");
}

/** One integration's statement in one key's policy, or the statement the key's owner is asked to add. */
export interface KeyPolicyContribution {
  keyArn: string;
  mode: KmsKeyPolicyMode;
  integration: string;
  statement: PolicyStatement;
}

export interface KeyPolicyContributionArgs {
  integration: string;
  /** The principal that calls S3: our role or user, or the vendor's own principal for bucket-policy vendors. */
  principal: string;
  kmsActions: readonly string[];
  buckets: readonly BucketConfig[];
  /** The integration's Sid prefix, `<integration>--<owner>--`: the same owner form as its bucket-policy statements. */
  sidPrefix: string;
}

/**
 * The key-policy statements an integration needs: one per key whose account is not the principal's. A key in the
 * principal's own account lets that account's IAM policies decide (AWS KMS: "Default key policy"), so our roles
 * need none on our own keys; a vendor account, or any principal on another account's key, needs the key's consent.
 */
export function keyPolicyContributions(args: KeyPolicyContributionArgs): KeyPolicyContribution[] {
  if (args.kmsActions.length === 0) return [];
  const principal = parsePrincipalArn(args.principal);
  const keys = [...new Set(args.buckets.flatMap((b) => (b.kmsKeyArn ? [b.kmsKeyArn] : [])))].sort();
  return keys.flatMap((keyArn) => {
    const key = parseKmsKeyArn(keyArn)!;
    if (!principal || principal.accountId === key.accountId) return [];
    const buckets = args.buckets.filter((b) => b.kmsKeyArn === keyArn);
    const statement = allow({
      sid: `${args.sidPrefix}KmsViaS3`,
      principal: { AWS: args.principal },
      actions: args.kmsActions,
      // In a key policy, "*" is the key the policy is attached to (AWS KMS: "Key policies", Resource element).
      resources: ["*"],
      condition: kmsViaS3Condition(key.region, buckets.flatMap(encryptionContextArns).sort(), principal.accountId),
    });
    return [{ keyArn, mode: buckets[0].kmsKeyPolicy ?? "manage", integration: args.integration, statement }];
  });
}

/** Everything this stack puts in (or asks the owner to put in) one key's policy. */
export interface KeyPolicyPlan {
  keyArn: string;
  region: string;
  keyAccount: string;
  mode: KmsKeyPolicyMode;
  /** The stack's owner part of every Sid (`<integration>--<owner>--...`): one key-policy resource per key and stack. */
  owner: string;
  statements: PolicyStatement[];
}

/** Why the stack's own statements cannot fit a key's policy, or undefined when they can. */
export function keyPolicyOverflow(plan: KeyPolicyPlan): string | undefined {
  const size = policySize(policyDocument(plan.statements));
  return size > keyPolicyMaxBytes
    ? `key ${plan.keyArn}: this stack's statements alone are ${size} bytes; a key policy holds ${keyPolicyMaxBytes}. Use fewer buckets or prefixes per key.`
    : undefined;
}

/** Group the stack's contributions by key: one key-policy resource (or one handoff) per key and stack. */
export function planKeyPolicies(contributions: readonly KeyPolicyContribution[], owner: string): KeyPolicyPlan[] {
  const keys = [...new Set(contributions.map((c) => c.keyArn))].sort();
  return keys.map((keyArn) => {
    const mine = contributions.filter((c) => c.keyArn === keyArn);
    const key = parseKmsKeyArn(keyArn)!;
    const statements = mine.map((c) => c.statement);
    return {
      keyArn,
      region: key.region,
      keyAccount: key.accountId,
      mode: mine[0].mode,
      owner,
      statements,
    };
  });
}
