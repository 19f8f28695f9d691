// Which statements of a document can apply to one request. IAM evaluates only statements whose Action and
// Resource match the request (IAM: "Policy evaluation logic"), so the simulator is given just those: a request
// nothing matches is implicitly denied without a run, and requests whose matching statements are the same up
// to the bucket's name share one simulator result.
import type { PolicyDocument, PolicyStatement } from "../../model/policy/document";

/** Stands for the request's resource in a statement whose literal pattern matched it. */
export const requestResource = "\u0000resource";

interface CompiledPattern {
  text: string;
  regex: RegExp;
  /** Holds a policy variable such as `${aws:username}`: matched loosely here, kept verbatim for the simulator. */
  variable: boolean;
}

interface CompiledStatement {
  statement: PolicyStatement;
  actions: RegExp[];
  /** Resource patterns by anchor (see `anchorOf`); undefined for a statement without Resource. */
  resources: Map<string, CompiledPattern[]> | undefined;
}

const compiled = new WeakMap<PolicyDocument, CompiledStatement[]>();

function listOf(value: unknown): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
}

/** An IAM wildcard pattern (`*`, `?`) as a regular expression; policy variables match anything. */
function patternRegex(pattern: string, flags: string): RegExp {
  const body = pattern
    .split(/(\$\{[^}]*\}|\*|\?)/)
    .map((part) => (part === "?" ? "." : part === "*" || part.startsWith("${") ? ".*" : escape(part)))
    .join("");
  return new RegExp(`^${body}$`, flags);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The part of an ARN that tells buckets and access points apart: `s3:NAME` for a bucket or its objects,
 * `ap:NAME` for an access point; `*` where the name holds a wildcard or the ARN is of another kind.
 */
export function anchorOf(arn: string): string {
  const bucket = /^arn:[^:]+:s3:::([^/]+)/.exec(arn);
  if (bucket) return /[*?$]/.test(bucket[1]) ? "*" : `s3:${bucket[1]}`;
  const point = /^arn:[^:]+:s3:[^:]*:[^:]*:accesspoint\/([^/]+)/.exec(arn);
  if (point) return /[*?$]/.test(point[1]) ? "*" : `ap:${point[1]}`;
  return "*";
}

function compile(document: PolicyDocument): CompiledStatement[] {
  let statements = compiled.get(document);
  if (statements) return statements;
  statements = document.Statement.map((statement) => {
    const resources = statement.Resource === undefined ? undefined : new Map<string, CompiledPattern[]>();
    for (const text of listOf(statement.Resource)) {
      const anchor = anchorOf(text);
      const pattern = { text, regex: patternRegex(text, ""), variable: text.includes("${") };
      resources!.set(anchor, [...(resources!.get(anchor) ?? []), pattern]);
    }
    return { statement, actions: listOf(statement.Action).map((a) => patternRegex(a, "i")), resources };
  });
  compiled.set(document, statements);
  return statements;
}

/** Whether any Allow statement of the document names the action: only those can make a request allowed. */
export function documentAllowsAction(document: PolicyDocument, action: string): boolean {
  return compile(document).some((s) => s.statement.Effect === "Allow" && s.actions.some((regex) => regex.test(action)));
}

function matchingResources(entry: CompiledStatement, resource: string): string[] | undefined {
  if (!entry.resources) return undefined;
  const anchor = anchorOf(resource);
  const candidates = [
    ...(entry.resources.get(anchor) ?? []),
    ...(anchor === "*" ? [] : (entry.resources.get("*") ?? [])),
  ];
  const matched = candidates.filter((p) => p.regex.test(resource));
  if (matched.length === 0) return [];
  // A literal pattern that matched is, for this request, the request's resource; a variable one stays for IAM to resolve.
  const variables = matched.filter((p) => p.variable).map((p) => p.text);
  return variables.length === matched.length ? variables : [requestResource, ...variables];
}

/**
 * The statements of `document` that can apply to `action` on `resource`, each cut down to that action and
 * the resource patterns that match (literal ones replaced by `requestResource`). Principal and Condition are
 * kept whole: the simulator decides them.
 */
export function relevantStatements(
  document: PolicyDocument | undefined,
  action: string,
  resource: string,
): PolicyStatement[] {
  if (!document) return [];
  const relevant: PolicyStatement[] = [];
  for (const entry of compile(document)) {
    if (!entry.actions.some((regex) => regex.test(action))) continue;
    const resources = matchingResources(entry, resource);
    if (resources !== undefined && resources.length === 0) continue;
    const { Sid: _sid, ...rest } = entry.statement;
    relevant.push({ ...rest, Action: [action], ...(resources ? { Resource: resources } : {}) });
  }
  return relevant;
}

/** Put the concrete resource back where `relevantStatements` left the stand-in. */
export function withResource(statements: readonly PolicyStatement[], resource: string): PolicyDocument | undefined {
  if (statements.length === 0) return undefined;
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) =>
      s.Resource ? { ...s, Resource: s.Resource.map((r) => (r === requestResource ? resource : r)) } : s,
    ),
  };
}
