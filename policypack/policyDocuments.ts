// Reads every policy document the pack inspects into one normalised shape. IAM accepts many spellings of one
// document (a JSON string or an object, one statement or an array, a string or a list of values, any case in
// action names and condition keys); the rules see only this shape, so none of them can miss a spelling.
import * as types from "./resourceTypes";

/** A value the engine cannot know during preview (it depends on a resource not yet created). */
export const unknown: unique symbol = Symbol("unknown during preview");

export type Snapshot =
  string | number | boolean | null | undefined | typeof unknown | Snapshot[] | { [key: string]: Snapshot };

// The sentinels @pulumi/policy and @pulumi/pulumi put in place of unknown values (see @pulumi/policy/proxy.js).
const unknownSentinels = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);
// The SDK's wire form of a secret; the engine unwraps secrets for policies, offline callers may not.
const secretSigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

/** Whether a value is a secret in the SDK's wire form (`{ <sig key>: <secret sig>, value }`). */
function isSecretWire(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[secretSigKey] === secretSig;
}

// By name, not instanceof: importing @pulumi/policy here would load the whole SDK into every offline render.
function isUnknownValueError(error: unknown): boolean {
  return (error as { constructor?: { name?: string } } | null)?.constructor?.name === "UnknownValueError";
}

/**
 * A plain copy of resource props in which every value unknown during preview is `unknown`. The engine's props
 * throw on reading an unknown field; copying field by field keeps the known documents of a resource checkable.
 */
export function snapshot(value: unknown): Snapshot {
  if (typeof value === "string") return unknownSentinels.has(value) ? unknown : value;
  if (value === null || value === undefined || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value !== "object") return String(value);
  const read = (key: string | number): Snapshot => {
    try {
      return snapshot((value as Record<string | number, unknown>)[key]);
    } catch (error) {
      if (isUnknownValueError(error)) return unknown;
      throw error;
    }
  };
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, index) => read(index));
  if (isSecretWire(value)) return read("value");
  return Object.fromEntries(Object.keys(value).map((key) => [key, read(key)]));
}

export function containsUnknown(value: Snapshot): boolean {
  if (value === unknown) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknown);
  return false;
}

export function isRecord(value: Snapshot): value is { [key: string]: Snapshot } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Which quota and which exceptions apply: a trust policy is not a managed policy is not a key policy. */
export type DocumentKind =
  "trust" | "managed" | "role-inline" | "user-inline" | "group-inline" | "bucket" | "access-point" | "key";

/** Resource policies: documents with a Principal, attached to the resource they govern. */
export const resourcePolicyKinds: readonly DocumentKind[] = ["bucket", "access-point", "key"];

/** The one service whose actions a resource policy can grant; undefined for identity policies (any service). */
export function serviceOfKind(kind: DocumentKind): string | undefined {
  if (kind === "bucket" || kind === "access-point") return "s3";
  if (kind === "key") return "kms";
  return undefined;
}

export interface PrincipalView {
  /** `"Principal": "*"`: everyone. */
  wildcard: boolean;
  aws: string[];
  service: string[];
  federated: string[];
  canonicalUser: string[];
}

export interface ConditionClause {
  /** The operator as written, e.g. `ForAllValues:StringEqualsIfExists`. */
  operator: string;
  setOperator?: "ForAllValues" | "ForAnyValue";
  /** Lower case, without the set prefix or `IfExists`, e.g. `stringequals`. */
  baseOperator: string;
  ifExists: boolean;
  /** StringNotEquals, ArnNotLike, NotIpAddress, ...: true for every value except the named ones, and for none. */
  negated: boolean;
  /** Lower case: IAM condition key names are case-insensitive (IAM JSON reference, "Condition element"). */
  key: string;
  writtenKey: string;
  values: string[];
}

export interface StatementView {
  index: number;
  sid?: string;
  /** How messages name the statement: by Sid where it has one, else by index. */
  label: string;
  effect: string;
  allows: boolean;
  principal?: PrincipalView;
  notPrincipal?: PrincipalView;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  conditions: ConditionClause[];
  /** Some part is unknown during preview: the rules skip the statement rather than guess. */
  unknown: boolean;
}

export interface ReadDocument {
  statements: StatementView[];
  /** The document as AWS counts it: compact JSON, no insignificant whitespace. */
  compactJson: string;
}

export type DocumentSource = { kind: DocumentKind; path: string } & DocumentReading;

const asList = (value: Snapshot): Snapshot[] => (Array.isArray(value) ? value : [value]);

function stringsOf(value: Snapshot): string[] {
  return asList(value)
    .filter((item) => item !== undefined && item !== null && item !== unknown)
    .map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
}

function principalView(value: Snapshot): PrincipalView {
  const view: PrincipalView = { wildcard: false, aws: [], service: [], federated: [], canonicalUser: [] };
  if (typeof value === "string") {
    // "Principal": "*" is the only string form IAM accepts, and it means everyone; read any other string as AWS.
    if (value === "*") view.wildcard = true;
    else view.aws.push(value);
    return view;
  }
  if (!isRecord(value)) return view;
  for (const [type, principals] of Object.entries(value)) {
    const list = stringsOf(principals);
    const field = type.toLowerCase();
    if (field === "aws") view.aws.push(...list);
    else if (field === "service") view.service.push(...list);
    else if (field === "federated") view.federated.push(...list);
    else if (field === "canonicaluser") view.canonicalUser.push(...list);
    // An unrecognised principal type is counted as AWS, so that the stricter checks see it.
    else view.aws.push(...list);
  }
  return view;
}

function conditionClauses(value: Snapshot): ConditionClause[] {
  if (!isRecord(value)) return [];
  const clauses: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(value)) {
    if (!isRecord(block)) continue;
    const set = /^(forallvalues|foranyvalue):/i.exec(operator);
    const setOperator = set ? (set[1].toLowerCase() === "forallvalues" ? "ForAllValues" : "ForAnyValue") : undefined;
    let base = (set ? operator.slice(set[0].length) : operator).toLowerCase();
    const ifExists = base.endsWith("ifexists");
    if (ifExists) base = base.slice(0, -"ifexists".length);
    const negated = base.includes("not");
    for (const [writtenKey, values] of Object.entries(block)) {
      clauses.push({
        operator,
        ...(setOperator ? { setOperator } : {}),
        baseOperator: base,
        ifExists,
        negated,
        key: writtenKey.toLowerCase(),
        writtenKey,
        values: stringsOf(values),
      });
    }
  }
  return clauses;
}

/** `statement "ObjectAccess"` or `Statement[2]`: what a reader looks for in the document. */
export function statementLabel(index: number, sid: string | undefined): string {
  return sid ? `statement "${sid}"` : `Statement[${index}]`;
}

function statementView(raw: { [key: string]: Snapshot }, index: number): StatementView {
  const sid = typeof raw.Sid === "string" && raw.Sid !== "" ? raw.Sid : undefined;
  const effect = typeof raw.Effect === "string" ? raw.Effect : "";
  const list = (value: Snapshot) => (value === undefined ? undefined : stringsOf(value));
  return {
    index,
    sid,
    label: statementLabel(index, sid),
    effect,
    // Effect is matched case-insensitively here: a spelling AWS would reject cannot weaken a check.
    allows: effect.toLowerCase() === "allow",
    principal: raw.Principal === undefined ? undefined : principalView(raw.Principal),
    notPrincipal: raw.NotPrincipal === undefined ? undefined : principalView(raw.NotPrincipal),
    actions: list(raw.Action),
    notActions: list(raw.NotAction),
    resources: list(raw.Resource),
    notResources: list(raw.NotResource),
    conditions: conditionClauses(raw.Condition),
    unknown: containsUnknown(raw),
  };
}

export type DocumentReading =
  { status: "unknown" } | { status: "invalid"; problem: string } | { status: "read"; document: ReadDocument };

/** Read one document, given as a JSON string or as an object. */
export function readDocument(value: Snapshot): DocumentReading {
  if (value === unknown) return { status: "unknown" };
  let parsed: Snapshot;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value) as Snapshot;
    } catch (error) {
      return { status: "invalid", problem: `is not valid JSON (${(error as Error).message})` };
    }
  } else parsed = value;
  if (!isRecord(parsed)) return { status: "invalid", problem: "is not a JSON object" };
  const statement = parsed.Statement;
  if (statement === unknown) return { status: "unknown" };
  if (statement === undefined) return { status: "invalid", problem: "has no Statement" };
  return readStatements(asList(statement), parsed);
}

/** Read a list of statements: a whole document's, or the statements one statement-level resource owns. */
export function readStatements(statements: Snapshot[], document?: { [key: string]: Snapshot }): DocumentReading {
  const views: StatementView[] = [];
  for (const [index, statement] of statements.entries()) {
    if (statement === unknown) return { status: "unknown" };
    if (!isRecord(statement)) return { status: "invalid", problem: `has a Statement[${index}] that is not an object` };
    views.push(statementView(statement, index));
  }
  const whole = document ?? { Version: "2012-10-17", Statement: statements };
  return {
    status: "read",
    document: { statements: views, compactJson: JSON.stringify(whole, (_key, v: unknown) => (v === unknown ? "" : v)) },
  };
}

function source(kind: DocumentKind, path: string, value: Snapshot): DocumentSource[] {
  // No document at all (an optional `policy` left out) is nothing to inspect.
  if (value === undefined || value === null || value === "") return [];
  return [{ kind, path, ...readDocument(value) }];
}

const singlePolicyField: Record<string, DocumentKind> = {
  [types.iamPolicy]: "managed",
  [types.iamRolePolicy]: "role-inline",
  [types.iamUserPolicy]: "user-inline",
  [types.iamGroupPolicy]: "group-inline",
  [types.s3BucketPolicy]: "bucket",
  [types.s3Bucket]: "bucket",
  [types.s3BucketV2]: "bucket",
  [types.s3AccessPoint]: "access-point",
  [types.s3AccessPointPolicy]: "access-point",
  [types.s3controlAccessPointPolicy]: "access-point",
  [types.kmsKey]: "key",
  [types.kmsKeyPolicy]: "key",
  [types.kmsReplicaKey]: "key",
  [types.kmsExternalKey]: "key",
  [types.kmsReplicaExternalKey]: "key",
};

/** Every policy document one resource carries, with where it sits in the resource's inputs. */
export function documentsOf(type: string, props: Snapshot): DocumentSource[] {
  if (!isRecord(props)) return [];
  const single = singlePolicyField[type];
  if (single) return source(single, "policy", props.policy);
  if (type === types.iamRole) {
    const inline = props.inlinePolicies;
    const inlineSources =
      inline === unknown
        ? [{ kind: "role-inline" as const, path: "inlinePolicies", status: "unknown" as const }]
        : asList(inline ?? []).flatMap((entry, index) =>
            entry === unknown
              ? [{ kind: "role-inline" as const, path: `inlinePolicies[${index}]`, status: "unknown" as const }]
              : isRecord(entry)
                ? source("role-inline", `inlinePolicies[${index}].policy`, entry.policy)
                : [],
          );
    return [...source("trust", "assumeRolePolicy", props.assumeRolePolicy), ...inlineSources];
  }
  if (type === types.dynamicResource) return dynamicDocuments(props);
  return [];
}

const isStatementLike = (value: Snapshot) => isRecord(value) && ("Effect" in value || "Action" in value);
const isDocumentLike = (value: Snapshot): boolean => {
  if (typeof value === "string" && /^\s*\{/.test(value) && value.includes('"Statement"')) return true;
  return isRecord(value) && "Statement" in value;
};

/**
 * A dynamic resource's policy content, wherever its inputs hold it: a list of statements (statement-level
 * resources) or whole documents, at the top level or one level down (per-owner maps). A resource whose kind or
 * field names a key holds key-policy content; any other, bucket-policy content.
 */
function dynamicDocuments(props: { [key: string]: Snapshot }): DocumentSource[] {
  const kindName = typeof props.resourceKind === "string" ? props.resourceKind : "";
  const kindOf = (path: string): DocumentKind => (/key/i.test(kindName) || /key/i.test(path) ? "key" : "bucket");
  const found: DocumentSource[] = [];
  const visit = (value: Snapshot, path: string, depth: number) => {
    if (value === unknown) {
      if (/statement|polic/i.test(path)) found.push({ kind: kindOf(path), path, status: "unknown" });
      return;
    }
    if (Array.isArray(value) && value.length > 0 && value.every((v) => v === unknown || isStatementLike(v))) {
      found.push({ kind: kindOf(path), path, ...readStatements(value) });
      return;
    }
    if (isDocumentLike(value)) {
      found.push({ kind: kindOf(path), path, ...readDocument(value) });
      return;
    }
    if (depth === 0) return;
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}[${index}]`, depth - 1));
    else if (isRecord(value))
      for (const [key, item] of Object.entries(value)) visit(item, path ? `${path}.${key}` : key, depth - 1);
  };
  for (const [key, value] of Object.entries(props)) visit(value, key, 2);
  return found;
}

/** Every statement of the read documents that is known, with the document it came from. */
export function knownStatements(
  documents: readonly DocumentSource[],
): { source: DocumentSource & { status: "read" }; statement: StatementView }[] {
  return documents.flatMap((source) =>
    source.status === "read"
      ? source.document.statements.filter((statement) => !statement.unknown).map((statement) => ({ source, statement }))
      : [],
  );
}

/** `*` and `?` are IAM's wildcards; `${*}`, `${?}` and `${$}` are their escaped literal forms (IAM policy variables). */
export function hasWildcard(value: string): boolean {
  return /[*?]/.test(value.replace(/\$\{[*?$]\}/g, ""));
}

const wildcardPatterns = new Map<string, RegExp>();

/** IAM wildcard match, case-insensitive, as IAM matches action names (IAM JSON reference, "Action element"). */
export function wildcardMatches(pattern: string, value: string): boolean {
  let regex = wildcardPatterns.get(pattern);
  if (!regex) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    regex = new RegExp(`^${source}$`, "i");
    wildcardPatterns.set(pattern, regex);
  }
  return regex.test(value);
}

/** True when the statement's Action (or the complement of its NotAction) includes `action`. */
export function statementGrantsAction(statement: StatementView, action: string): boolean {
  if (statement.actions) return statement.actions.some((pattern) => wildcardMatches(pattern, action));
  if (statement.notActions) return !statement.notActions.some((pattern) => wildcardMatches(pattern, action));
  return false;
}

export const quote = (values: readonly string[]): string => values.map((value) => JSON.stringify(value)).join(", ");
