// Quota-aware packing of identity statements into as few policy documents as IAM allows, and the
// theoretical bound on how many buckets any packing could hold (docs/least-privilege.md, "Packing").
import { iamLimits } from "../limits";
import { allow, policyDocument, type PolicyCondition, type PolicyDocument, type PolicyStatement } from "./document";

/** One statement's worth of grant, whose resources may be split across several documents. */
export interface StatementGroup {
  sid: string;
  actions: readonly string[];
  resources: readonly string[];
  condition?: PolicyCondition;
}

/** Characters IAM counts for a document: compact JSON, whitespace excluded. */
export function policySize(document: PolicyDocument | PolicyStatement): number {
  return JSON.stringify(document).length;
}

const emptyDocumentSize = policySize(policyDocument([]));

/**
 * Groups that list the same resources under the same condition become one group with both action sets
 * (e.g. ListBucket and GetBucketLocation on the same buckets without a prefix), and each group lists a
 * resource once: every resource then costs its characters once per scope.
 */
export function mergeGroupsWithSameScope(groups: readonly StatementGroup[]): StatementGroup[] {
  const merged = new Map<string, StatementGroup>();
  for (const listed of groups) {
    // A resource listed twice (buckets sharing one KMS key) is granted once.
    const group = { ...listed, resources: [...new Set(listed.resources)] };
    const scope = JSON.stringify([group.resources, group.condition ?? null]);
    const earlier = merged.get(scope);
    merged.set(
      scope,
      earlier
        ? { ...earlier, sid: `${earlier.sid}And${group.sid}`, actions: [...earlier.actions, ...group.actions] }
        : group,
    );
  }
  return [...merged.values()];
}

/**
 * Fill documents of the given capacities in order with the groups' statements (same-scope groups merged),
 * splitting a group's resources across documents where it does not fit. Returns the documents used, or
 * undefined if the groups do not fit in the capacities given.
 */
export function packStatements(
  groups: readonly StatementGroup[],
  capacities: readonly number[],
): PolicyDocument[] | undefined {
  const documents: PolicyDocument[] = [];
  let docIndex = 0;
  let statements: PolicyStatement[] = [];
  let size = emptyDocumentSize;
  const closeDocument = () => {
    if (statements.length > 0) documents.push(policyDocument(statements));
    statements = [];
    size = emptyDocumentSize;
    docIndex += 1;
  };
  for (const group of mergeGroupsWithSameScope(groups)) {
    let next = 0;
    while (next < group.resources.length) {
      if (docIndex >= capacities.length) return undefined;
      const capacity = capacities[docIndex];
      const separator = statements.length > 0 ? 1 : 0;
      const first = group.resources[next];
      const shell = policySize(
        allow({ sid: group.sid, actions: group.actions, resources: [first], condition: group.condition }),
      );
      if (size + separator + shell > capacity) {
        if (statements.length === 0) return undefined; // one resource alone does not fit an empty document
        closeDocument();
        continue;
      }
      const taken = [first];
      size += separator + shell;
      next += 1;
      while (next < group.resources.length) {
        const cost = JSON.stringify(group.resources[next]).length + 1;
        if (size + cost > capacity) break;
        taken.push(group.resources[next]);
        size += cost;
        next += 1;
      }
      statements.push(allow({ sid: group.sid, actions: group.actions, resources: taken, condition: group.condition }));
      if (next < group.resources.length) closeDocument();
    }
  }
  if (statements.length > 0) documents.push(policyDocument(statements));
  return documents;
}

/** The capacities of a role's identity policies: one inline budget, then the managed policies. */
export function roleCapacities(managedPoliciesPerRole: number): number[] {
  return [
    iamLimits.inlinePolicyCharsPerRole,
    ...Array<number>(managedPoliciesPerRole).fill(iamLimits.managedPolicyChars),
  ];
}

/** An IAM user's identity policies: managed only, since a user's inline budget is that small. */
export function userCapacities(managedPoliciesPerUser: number): number[] {
  return Array<number>(managedPoliciesPerUser).fill(iamLimits.managedPolicyChars);
}

/** The largest n in 0..max with holds(n), for a predicate that is monotone (true up to some n, false after). */
export function largestCountWhere(max: number, holds: (count: number) => boolean): number {
  let low = 0;
  let high = max;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (holds(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** What a packing's size is made of, whatever the documents: see minimumPackedSize. */
interface PackingFloor {
  groups: number;
  shellChars: number;
  smallestShell: number;
  resourceChars: number;
}

function packingFloor(groups: readonly StatementGroup[]): PackingFloor {
  const filled = mergeGroupsWithSameScope(groups).filter((g) => g.resources.length > 0);
  const shells = filled.map((g) =>
    policySize(allow({ sid: g.sid, actions: g.actions, resources: [], condition: g.condition })),
  );
  let resourceChars = 0;
  for (const group of filled)
    for (const resource of group.resources) resourceChars += JSON.stringify(resource).length + 1;
  return {
    groups: filled.length,
    shellChars: shells.reduce((a, b) => a + b, 0),
    smallestShell: Math.min(...shells),
    resourceChars,
  };
}

function floorSize(floor: PackingFloor, documents: number): number {
  if (floor.groups === 0) return 0;
  return (
    documents * (emptyDocumentSize - 1) +
    floor.shellChars +
    Math.max(0, documents - floor.groups) * floor.smallestShell +
    floor.resourceChars
  );
}

/**
 * The fewest characters any packing of the groups into exactly `documents` documents takes: every document
 * its empty shell, every group at least one statement, every document past the group count one more statement
 * (at least the smallest shell), and every resource its JSON string plus one separator, less one per document.
 */
export function minimumPackedSize(groups: readonly StatementGroup[], documents: number): number {
  return floorSize(packingFloor(groups), documents);
}

/**
 * Upper bound on the buckets that any packing holds: the largest n whose groups, at their minimumPackedSize
 * for some k of the documents, fit in the k largest capacities together (IAM counts JSON without whitespace).
 * `groupsFor(n)` gives the statement groups for the first n buckets, in the order they would be granted.
 */
export function theoreticalBucketBound(
  bucketCount: number,
  groupsFor: (count: number) => readonly StatementGroup[],
  capacities: readonly number[],
): number {
  // n fits if, for some k, the k largest quotas together hold k empty documents, every statement shell and every resource once.
  const largestFirst = [...capacities].sort((a, b) => b - a);
  const room = largestFirst.map((_, index) => largestFirst.slice(0, index + 1).reduce((a, b) => a + b, 0));
  return largestCountWhere(bucketCount, (count) => {
    const floor = packingFloor(groupsFor(count));
    return room.some((chars, index) => floorSize(floor, index + 1) <= chars);
  });
}

/** The most of the first `bucketCount` buckets that packStatements fits in the capacities. */
export function largestPackableBucketCount(
  bucketCount: number,
  groupsFor: (count: number) => readonly StatementGroup[],
  capacities: readonly number[],
): number {
  return largestCountWhere(bucketCount, (count) => packStatements(groupsFor(count), capacities) !== undefined);
}
