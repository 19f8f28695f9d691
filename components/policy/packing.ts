// Quota-aware packing of identity statements into as few policy documents as IAM allows.
import { allow, policyDocument, type PolicyCondition, type PolicyDocument, type PolicyStatement } from "./document";

/** IAM quotas, counted in characters of JSON without whitespace (IAM and AWS STS quotas). */
export const iamQuotas = {
    managedPolicyChars: 6144,
    inlinePolicyCharsPerRole: 10240,
    trustPolicyChars: 2048,
    defaultManagedPoliciesPerRole: 10,
    bucketPolicyBytes: 20480,
} as const;

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
 * Fill documents of the given capacities in order with the groups' statements, splitting a group's
 * resources across documents where it does not fit. Returns the documents used, or undefined if the
 * groups do not fit in the capacities given.
 */
export function packStatements(groups: readonly StatementGroup[], capacities: readonly number[]): PolicyDocument[] | undefined {
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
    for (const group of groups) {
        let next = 0;
        while (next < group.resources.length) {
            if (docIndex >= capacities.length) return undefined;
            const capacity = capacities[docIndex];
            const separator = statements.length > 0 ? 1 : 0;
            const first = group.resources[next];
            const shell = policySize(allow({ sid: group.sid, actions: group.actions, resources: [first], condition: group.condition }));
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
    return [iamQuotas.inlinePolicyCharsPerRole, ...Array<number>(managedPoliciesPerRole).fill(iamQuotas.managedPolicyChars)];
}

/** An IAM user's identity policies: managed only, since a user's inline budget is 2,048 characters. */
export function userCapacities(managedPoliciesPerUser: number): number[] {
    return Array<number>(managedPoliciesPerUser).fill(iamQuotas.managedPolicyChars);
}
