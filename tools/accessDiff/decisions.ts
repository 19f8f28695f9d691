// Decides requests with the IAM policy simulator (tools/proof/simulator.ts), asking it once per distinct
// question: the cache key is the request and its relevant statements with the bucket or access point name
// taken out, so 100 buckets granted alike cost one run, and a side that did not change costs none.
import type { PolicyDocument, PolicyStatement } from "../../model/policy/document";
import { simulate, type Decision } from "../proof/simulator";
import { relevantStatements, withResource } from "./relevance";

export interface DiffRequest {
  /** The ARN the simulator plays: a role session, a user, or a role in the vendor's account. */
  caller: string;
  action: string;
  resource: string;
  /** The account that owns the resource. */
  owner: string;
  context: Record<string, string>;
}

/** The bucket or access point name in an S3 ARN, replaced by a marker: what makes requests on buckets alike. */
function normalizedResource(resource: string): string {
  return resource
    .replace(/^(arn:[^:]+:s3:::)[^/]+/, "$1\u0000bucket")
    .replace(/^(arn:[^:]+:s3:[^:]*:[^:]*:accesspoint\/)[^/]+/, "$1\u0000accesspoint");
}

function keyOf(statements: readonly PolicyStatement[]): string[] {
  return statements.map((s) => JSON.stringify(s)).sort();
}

export class DecisionCache {
  private readonly results = new Map<string, Promise<Decision>>();
  /** Requests asked, requests answered without a run (no Allow matched), and simulator runs. */
  readonly counts = { requests: 0, unmatched: 0, simulated: 0 };

  /** Identity policies and at most one resource policy, as the simulator takes them. */
  decide(
    request: DiffRequest,
    identity: readonly PolicyDocument[],
    resourcePolicy?: PolicyDocument,
  ): Promise<Decision> {
    this.counts.requests++;
    const { action, resource } = request;
    const own = identity.flatMap((document) => relevantStatements(document, action, resource));
    const granted = relevantStatements(resourcePolicy, action, resource);
    // Without a matching Allow nothing can allow the request; matching Deny statements only deny it harder.
    if (![...own, ...granted].some((s) => s.Effect === "Allow")) {
      this.counts.unmatched++;
      return Promise.resolve("ImplicitlyDenied");
    }
    const key = JSON.stringify([
      request.caller,
      action,
      normalizedResource(resource),
      request.owner,
      request.context,
      keyOf(own),
      keyOf(granted),
    ]);
    let result = this.results.get(key);
    if (!result) {
      this.counts.simulated++;
      result = simulate(
        { caller: request.caller, action, resource, resourceAccount: request.owner, context: request.context },
        {
          identityPolicies: own.length > 0 ? [withResource(own, resource)!] : [],
          resourcePolicy: withResource(granted, resource),
        },
      );
      this.results.set(key, result);
    }
    return result;
  }
}
