// Pure merge of one owner's statements and CORS rules into a bucket's single policy and CORS configuration.
// No AWS calls and no Pulumi imports: the dynamic providers capture this module by value when serialized.
import type { PolicyDocument, PolicyStatement } from "../policy/document";
import { s3Limits } from "../limits";
import type { CorsRule } from "../plan";

/** One statement as S3 returns it: any keys, any shapes. Only statements we own are typed. */
export type LiveStatement = { [key: string]: unknown };

/** A bucket policy as S3 returns it. Keys other than `Statement` (Version, Id) are kept as they are. */
export interface LivePolicy {
  Statement: LiveStatement[];
  [key: string]: unknown;
}

/** A CORS rule as S3 returns it (GetBucketCors): every field but the methods and origins may be absent. */
export interface LiveCorsRule {
  ID?: string;
  AllowedMethods?: string[];
  AllowedOrigins?: string[];
  AllowedHeaders?: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
}

/** Our typed statement as a plain JSON object, the shape every statement in a live policy has. */
function asLive(statement: PolicyStatement): LiveStatement {
  return { ...statement };
}

/** A statement is ours when its Sid starts with our prefix; statements without a Sid are never ours. */
export function ownsSid(sid: unknown, sidPrefix: string): boolean {
  return typeof sid === "string" && sid.startsWith(sidPrefix);
}

/**
 * A CORS rule is ours when its ID is our prefix or continues it after `--`. A bare startsWith would let
 * `a--dev` claim `a--dev-eu`'s rules, since stack slugs may hold single hyphens.
 */
export function ownsRuleId(id: unknown, ruleIdPrefix: string): boolean {
  return typeof id === "string" && (id === ruleIdPrefix || id.startsWith(`${ruleIdPrefix}--`));
}

/** The vendor-access owner of a Sid, `<integration>--<stack>--`, or undefined for anyone else's statement. */
export function vendorAccessOwner(sid: unknown): string | undefined {
  if (typeof sid !== "string") return undefined;
  return /^([a-z0-9]+(?:-[a-z0-9]+)*--[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*--)/.exec(sid)?.[1];
}

// Errors here are plain Errors with a name, not subclasses: closure serialization rewrites classes into
// functions, and an Error subclass rebuilt that way loses its message. Callers test `error.name`.

/** A plain Error whose `name` says what went wrong, with extra fields for callers. */
export function namedError<T extends object>(name: string, message: string, fields?: T): Error & T {
  const error = new Error(message) as Error & T;
  error.name = name;
  return Object.assign(error, fields);
}

function policyParseError(bucket: string, detail: string): Error {
  return namedError(
    "PolicyParseError",
    `bucket ${bucket}: the live bucket policy is not a policy document we can merge into (${detail}); fix it by hand first`,
  );
}

/** Parse a live policy. The IAM grammar allows `Statement` to be one object, so it is normalised to a list. */
export function parsePolicy(bucket: string, text: string | undefined): LivePolicy | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw policyParseError(bucket, `not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw policyParseError(bucket, "not a JSON object");
  const document = parsed as Record<string, unknown>;
  const statement = document.Statement;
  const statements = Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];
  if (!statements.every((s) => typeof s === "object" && s !== null && !Array.isArray(s)))
    throw policyParseError(bucket, "a Statement entry is not an object");
  return { ...document, Statement: statements as LiveStatement[] };
}

export function ownedStatements(policy: LivePolicy | undefined, sidPrefix: string): LiveStatement[] {
  return (policy?.Statement ?? []).filter((statement) => ownsSid(statement.Sid, sidPrefix));
}

export function foreignStatements(policy: LivePolicy | undefined, sidPrefix: string): LiveStatement[] {
  return (policy?.Statement ?? []).filter((statement) => !ownsSid(statement.Sid, sidPrefix));
}

/**
 * Replace our statements in a policy with `ours`, leaving every other statement and key as it was.
 * Ours go where the first of ours stood, else at the end. Returns undefined when no statement is left,
 * which means "delete the policy": S3 has no empty policy.
 */
export function mergeStatements(
  policy: LivePolicy | undefined,
  sidPrefix: string,
  ours: readonly PolicyStatement[],
): LivePolicy | undefined {
  const current = policy?.Statement ?? [];
  const first = current.findIndex((statement) => ownsSid(statement.Sid, sidPrefix));
  const others = current.filter((statement) => !ownsSid(statement.Sid, sidPrefix));
  const at =
    first === -1
      ? others.length
      : current.slice(0, first).filter((statement) => !ownsSid(statement.Sid, sidPrefix)).length;
  const statements = [...others.slice(0, at), ...ours.map(asLive), ...others.slice(at)];
  if (statements.length === 0) return undefined;
  // A new policy gets the current policy language version (IAM JSON reference: Version).
  return { Version: "2012-10-17", ...(policy ?? {}), Statement: statements };
}

/** Same for CORS rules. Returns an empty list when no rule is left, which means "delete the configuration". */
export function mergeCorsRules(
  rules: readonly LiveCorsRule[] | undefined,
  ruleIdPrefix: string,
  ours: readonly CorsRule[],
): LiveCorsRule[] {
  const current = rules ?? [];
  const first = current.findIndex((rule) => ownsRuleId(rule.ID, ruleIdPrefix));
  const others = current.filter((rule) => !ownsRuleId(rule.ID, ruleIdPrefix));
  const at =
    first === -1 ? others.length : current.slice(0, first).filter((rule) => !ownsRuleId(rule.ID, ruleIdPrefix)).length;
  return [...others.slice(0, at), ...ours, ...others.slice(at)];
}

export function ownedCorsRules(rules: readonly LiveCorsRule[] | undefined, ruleIdPrefix: string): LiveCorsRule[] {
  return (rules ?? []).filter((rule) => ownsRuleId(rule.ID, ruleIdPrefix));
}

// Plain arrays, not Sets: closure serialization cannot carry a Set's contents into the provider.
const arrayValuedStatementKeys: readonly string[] = ["Action", "NotAction", "Resource", "NotResource"];

function sortedUnique(values: unknown[]): unknown[] {
  const keyed = new Map(values.map((value) => [JSON.stringify(canonicalValue(value)), canonicalValue(value)] as const));
  return [...keyed.keys()].sort().map((key) => keyed.get(key));
}

function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonicalValue((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** S3 stores a bare account ID principal as its root ARN (IAM JSON reference: Principal, "AWS account principals"). */
function canonicalPrincipalBlock(principal: unknown): unknown {
  if (typeof principal !== "object" || principal === null || Array.isArray(principal)) return principal;
  return Object.fromEntries(
    Object.keys(principal)
      .sort()
      .map((kind) => {
        const raw = (principal as Record<string, unknown>)[kind];
        const list = (Array.isArray(raw) ? raw : [raw]).map((p) =>
          kind === "AWS" && typeof p === "string" && /^\d{12}$/.test(p) ? `arn:aws:iam::${p}:root` : p,
        );
        return [kind, sortedUnique(list)];
      }),
  );
}

/**
 * A statement reduced to its meaning: keys sorted, one-element lists and bare strings alike, list order
 * ignored (IAM evaluates Action, Resource, Principal and condition values as sets).
 */
export function canonicalStatement(statement: unknown): string {
  if (typeof statement !== "object" || statement === null || Array.isArray(statement)) return JSON.stringify(statement);
  const source = statement as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source).sort()) {
    const value = source[key];
    if (arrayValuedStatementKeys.includes(key)) out[key] = sortedUnique(Array.isArray(value) ? value : [value]);
    else if (key === "Principal" || key === "NotPrincipal") out[key] = canonicalPrincipalBlock(value);
    else if (key === "Condition" && typeof value === "object" && value !== null) {
      out[key] = Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((operator) => {
            const block = (value as Record<string, unknown>)[operator] as Record<string, unknown>;
            const keys = typeof block === "object" && block !== null ? Object.keys(block).sort() : [];
            return [
              operator,
              Object.fromEntries(
                keys.map((k) => [k, sortedUnique(Array.isArray(block[k]) ? (block[k] as unknown[]) : [block[k]])]),
              ),
            ];
          }),
      );
    } else out[key] = canonicalValue(value);
  }
  return JSON.stringify(out);
}

/** A CORS rule reduced to its meaning: header, method and origin lists are sets; absent lists are empty. */
export function canonicalCorsRule(rule: LiveCorsRule): string {
  const list = (values: string[] | undefined) => [...new Set(values ?? [])].sort();
  return JSON.stringify({
    ID: rule.ID ?? null,
    AllowedHeaders: list(rule.AllowedHeaders),
    AllowedMethods: list(rule.AllowedMethods),
    AllowedOrigins: list(rule.AllowedOrigins),
    ExposeHeaders: list(rule.ExposeHeaders),
    MaxAgeSeconds: rule.MaxAgeSeconds ?? null,
  });
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const left = [...a].sort();
  const right = [...b].sort();
  return left.every((value, index) => value === right[index]);
}

/** True when two statement lists mean the same, in any order. */
export function sameStatements(a: readonly unknown[], b: readonly unknown[]): boolean {
  return sameMultiset(a.map(canonicalStatement), b.map(canonicalStatement));
}

export function sameCorsRules(a: readonly LiveCorsRule[], b: readonly LiveCorsRule[]): boolean {
  return sameMultiset(a.map(canonicalCorsRule), b.map(canonicalCorsRule));
}

/** How our live items differ from what we wrote, keyed by Sid or rule ID, one line each. */
function driftBy<T>(
  key: (item: T) => unknown,
  canonical: (item: T) => string,
  what: string,
  desired: readonly T[],
  live: readonly T[],
): string[] {
  const lines: string[] = [];
  const liveByKey = new Map(live.map((item) => [String(key(item)), item] as const));
  const desiredKeys = new Set(desired.map((item) => String(key(item))));
  for (const item of desired) {
    const id = String(key(item));
    const found = liveByKey.get(id);
    if (!found) lines.push(`${what} ${id} was removed out of band`);
    else if (canonical(found) !== canonical(item)) lines.push(`${what} ${id} was edited out of band`);
  }
  for (const item of live)
    if (!desiredKeys.has(String(key(item)))) lines.push(`${what} ${String(key(item))} was added out of band`);
  return lines;
}

export function statementDrift(desired: readonly PolicyStatement[], live: readonly LiveStatement[]): string[] {
  return driftBy<LiveStatement>((s) => s.Sid, canonicalStatement, "statement", desired.map(asLive), live);
}

export function corsDrift(desired: readonly LiveCorsRule[], live: readonly LiveCorsRule[]): string[] {
  return driftBy<LiveCorsRule>((r) => r.ID, canonicalCorsRule, "CORS rule", desired, live);
}

/** Bytes S3 counts for a policy we send: we send compact JSON. */
export function policyBytes(policy: LivePolicy | PolicyDocument): number {
  return Buffer.byteLength(JSON.stringify(policy), "utf8");
}

export interface Contributor {
  owner: string;
  statements: number;
  bytes: number;
}

/** Who takes the room in a policy: vendor-access owners by Sid prefix, everyone else statement by statement. */
export function policyContributors(policy: LivePolicy): Contributor[] {
  const byOwner = new Map<string, Contributor>();
  policy.Statement.forEach((statement, index) => {
    const owner =
      vendorAccessOwner(statement.Sid) ??
      (typeof statement.Sid === "string" ? `Sid ${statement.Sid}` : `statement #${index + 1} (no Sid)`);
    const entry = byOwner.get(owner) ?? { owner, statements: 0, bytes: 0 };
    entry.statements += 1;
    entry.bytes += Buffer.byteLength(JSON.stringify(statement), "utf8");
    byOwner.set(owner, entry);
  });
  return [...byOwner.values()].sort((a, b) => b.bytes - a.bytes || a.owner.localeCompare(b.owner));
}

/** The error `assertPolicyFits` throws (name `PolicyTooLargeError`). */
export type PolicyTooLargeError = Error & { bucket: string; bytes: number; contributors: Contributor[] };

/** Throw, naming the bucket and the largest contributors, when a policy would exceed S3's size limit. */
export function assertPolicyFits(bucket: string, policy: LivePolicy | undefined): void {
  if (!policy) return;
  const bytes = policyBytes(policy);
  if (bytes <= s3Limits.bucketPolicyBytes) return;
  const contributors = policyContributors(policy);
  const largest = contributors
    .slice(0, 3)
    .map((c) => `${c.owner} (${c.bytes} bytes in ${c.statements} statement${c.statements === 1 ? "" : "s"})`);
  throw namedError(
    "PolicyTooLargeError",
    `bucket ${bucket}: the merged bucket policy would be ${bytes} bytes; S3 allows ${s3Limits.bucketPolicyBytes} (${s3Limits.bucketPolicyBytes / 1024} KB). Nothing was written. Largest contributors: ${largest.join(", ")}.`,
    { bucket, bytes, contributors },
  );
}

/** Throw when a CORS configuration would exceed S3's rule count or size limit. */
export function assertCorsFits(bucket: string, rules: readonly LiveCorsRule[]): void {
  const bytes = Buffer.byteLength(JSON.stringify({ CORSRules: rules }), "utf8");
  if (rules.length > s3Limits.corsRules || bytes > s3Limits.corsBytes) {
    throw namedError(
      "CorsTooLargeError",
      `bucket ${bucket}: the merged CORS configuration would have ${rules.length} rules and about ${bytes} bytes; S3 allows ${s3Limits.corsRules} rules and ${s3Limits.corsBytes / 1024} KB. Nothing was written.`,
    );
  }
}
