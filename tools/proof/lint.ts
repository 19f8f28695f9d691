// Lint before simulating: iam-simulate treats a Resource that is not an ARN (e.g. "data/*", a slip of
// bucket.id for bucket.arn) as matching everything, so a document that names one would prove nothing.
import { parse, validate } from "@aws-sdk/util-arn-parser";
import { catalogResourceType, principalProblem } from "../../model/policy/arnCatalog";
import type { PolicyDocument, PolicyStatement } from "../../model/policy/document";

const lintedDocuments = new WeakMap<PolicyDocument, Promise<string[]>>();

async function resourceProblem(resource: string, actionServices: readonly string[] = []): Promise<string | undefined> {
  if (resource === "*") return undefined;
  return (await catalogResourceType(resource, actionServices))
    ? undefined
    : `resource ${JSON.stringify(resource)} is not an ARN of a catalog resource type or "*"`;
}

/** IAM accepts a string or a list wherever a list goes; baseline statements from config may use either. */
function listOf(value: unknown): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];
}

async function simulatableStatementProblems(statement: PolicyStatement): Promise<string[]> {
  const loose = statement as unknown as Record<string, unknown>;
  const problems: string[] = [];
  // Not* elements invert matching: a proof over them needs a review, not a lint, so they are refused.
  for (const inverted of ["NotResource", "NotPrincipal", "NotAction"])
    if (inverted in loose) problems.push(`${inverted} is not supported by the proofs`);
  const actionServices = listOf(loose.Action).map((action) => action.split(":")[0]);
  for (const resource of listOf(loose.Resource)) {
    const problem = await resourceProblem(resource, actionServices);
    if (problem) problems.push(problem);
  }
  const principal = loose.Principal;
  if (principal !== undefined && principal !== "*") {
    const keyed = (typeof principal === "object" && principal !== null ? principal : { AWS: principal }) as Record<
      string,
      unknown
    >;
    for (const key of Object.keys(keyed))
      if (key !== "AWS" && key !== "Service") problems.push(`Principal.${key} is not supported by the proofs`);
    // A service principal (logging.s3.amazonaws.com) is never the caller the proofs play, so it cannot widen what they see.
    for (const service of listOf(keyed.Service))
      if (!service.endsWith(".amazonaws.com"))
        problems.push(`Principal.Service ${JSON.stringify(service)} is not an AWS service principal`);
    for (const arn of listOf(keyed.AWS)) {
      const problem = await principalProblem(arn);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

/** Problems with a document's Resource and Principal entries: each must be a real ARN, an account ID or `*`. */
export function lintDocument(document: PolicyDocument): Promise<string[]> {
  let linted = lintedDocuments.get(document);
  if (!linted) {
    linted = Promise.all(
      document.Statement.map(async (statement, index) =>
        (await simulatableStatementProblems(statement)).map((p) => `statement ${statement.Sid ?? `#${index}`}: ${p}`),
      ),
    ).then((lists) => lists.flat());
    lintedDocuments.set(document, linted);
  }
  return linted;
}

/** Problems with a request's caller: an IAM role or user ARN, or an STS assumed-role session ARN. */
export function callerProblem(caller: string): string | undefined {
  if (!validate(caller)) return `caller ${JSON.stringify(caller)} is not an ARN`;
  const fields = parse(caller);
  const kind = fields.resource.split("/")[0];
  if (fields.service === "sts" && kind === "assumed-role" && fields.resource.split("/").length >= 3) return undefined;
  if (fields.service === "iam" && (kind === "role" || kind === "user")) return undefined;
  return `caller ${caller} is not an IAM role or user, or an assumed-role session`;
}

/** Problems with a request's resource: a concrete ARN of a catalog resource type, or `*` for actions that take none. */
export async function requestResourceProblem(resource: string): Promise<string | undefined> {
  if (resource !== "*" && (resource.includes("*") || resource.includes("?")))
    return `request resource ${resource} has a wildcard: simulate one concrete resource`;
  return resourceProblem(resource);
}
