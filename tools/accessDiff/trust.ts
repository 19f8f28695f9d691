// Who may become an integration's principal, before and after: trusted principals added or removed, their
// conditions changed, the ExternalId changed. ExternalId values never appear: conditions show a marker, and
// values are compared by the sides' in-memory fingerprints.
import type { PolicyCondition, PolicyDocument } from "../../model/policy/document";
import type { RenderedIntegration } from "../render";
import type { AccessSide } from "./side";

export interface TrustChange {
  integration: string;
  vendor: string;
  change:
    | "principal added"
    | "principal removed"
    | "conditions changed"
    | "ExternalId changed"
    | "identity changed"
    | "auth changed";
  /** The trusted principal (or our identity, for identity and auth changes). */
  principal: string;
  detail: string;
  /** Whether the change may let someone in who could not get in before. */
  widens: boolean;
}

const externalIdMarker = "<ExternalId>";

function listOf(value: unknown): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value.map(String).sort() : [String(value)];
}

/** `StringEquals sts:ExternalId = <ExternalId>; ...`, operators and keys sorted, ExternalId values masked. */
export function conditionSummary(condition: PolicyCondition | undefined): string {
  if (!condition) return "no condition";
  const parts: string[] = [];
  for (const operator of Object.keys(condition).sort())
    for (const key of Object.keys(condition[operator]).sort()) {
      const values = key.toLowerCase() === "sts:externalid" ? [externalIdMarker] : listOf(condition[operator][key]);
      parts.push(`${operator} ${key} = ${values.join(" | ")}`);
    }
  return parts.join("; ");
}

/** Per trusted principal: how it may get in (actions and conditions), one line per statement that lets it. */
function trustedBy(integration: RenderedIntegration): Map<string, string> {
  const trusted = new Map<string, string[]>();
  const add = (principal: string, how: string) => trusted.set(principal, [...(trusted.get(principal) ?? []), how]);
  if (integration.trustPolicy) {
    for (const statement of (integration.trustPolicy as PolicyDocument).Statement) {
      if (statement.Effect !== "Allow") continue;
      const principal = statement.Principal;
      const entries =
        principal === "*"
          ? ["*"]
          : Object.entries(principal ?? {}).flatMap(([kind, v]) =>
              listOf(v).map((p) => (kind === "AWS" ? p : `${kind}:${p}`)),
            );
      for (const entry of entries)
        add(entry, `${listOf(statement.Action).join(", ")} if ${conditionSummary(statement.Condition)}`);
    }
  } else if (integration.principal.type === "account") {
    for (const principal of integration.vendorPrincipals) add(principal, "named in bucket policies");
  } else {
    add(integration.principal.arn, `holder of the ${integration.principal.type}'s access key`);
  }
  return new Map([...trusted].map(([principal, how]) => [principal, how.sort().join(" / ")]));
}

function identityChanges(
  integration: string,
  vendor: string,
  before: RenderedIntegration,
  after: RenderedIntegration,
): TrustChange[] {
  const changes: TrustChange[] = [];
  if (before.auth !== after.auth)
    changes.push({
      integration,
      vendor,
      change: "auth changed",
      principal: after.principal.arn,
      detail: `${before.auth} -> ${after.auth}`,
      widens: false,
    });
  if (before.principal.arn !== after.principal.arn)
    changes.push({
      integration,
      vendor,
      change: "identity changed",
      principal: after.principal.arn,
      detail: `${before.principal.type} ${before.principal.arn} -> ${after.principal.type} ${after.principal.arn}`,
      widens: false,
    });
  return changes;
}

function externalIdChange(
  name: string,
  vendor: string,
  sides: readonly [AccessSide, AccessSide],
  principal: string,
): TrustChange[] {
  const [before, after] = sides.map((side) => side.externalIds.get(name));
  if (before === undefined || after === undefined || before === after) return [];
  const encrypted = sides.some((side) => side.encryptedExternalIds.has(name));
  return [
    {
      integration: name,
      vendor,
      change: "ExternalId changed",
      principal,
      detail: encrypted
        ? "the encrypted value changed: a new value, or the same value encrypted again (value not shown)"
        : "a new value (not shown): after `pulumi up` the trust accepts only the new one",
      widens: false,
    },
  ];
}

/** Trust changes of every integration of either side, matched by integration name. */
export function compareTrust(base: AccessSide, head: AccessSide): TrustChange[] {
  const names = [...new Set([...base.render.integrations, ...head.render.integrations].map((i) => i.name))];
  const changes: TrustChange[] = [];
  for (const name of names) {
    const [before, after] = [base, head].map((side) => side.render.integrations.find((i) => i.name === name));
    const vendor = (after ?? before)!.vendor;
    const [was, is] = [before, after].map((i) => (i ? trustedBy(i) : new Map<string, string>()));
    for (const [principal, how] of is) {
      const old = was.get(principal);
      if (old === undefined)
        changes.push({ integration: name, vendor, change: "principal added", principal, detail: how, widens: true });
      else if (old !== how)
        changes.push({
          integration: name,
          vendor,
          change: "conditions changed",
          principal,
          detail: `${old} -> ${how}`,
          widens: true,
        });
    }
    for (const [principal, how] of was)
      if (!is.has(principal))
        changes.push({ integration: name, vendor, change: "principal removed", principal, detail: how, widens: false });
    if (before && after) {
      changes.push(...identityChanges(name, vendor, before, after));
      changes.push(...externalIdChange(name, vendor, [base, head], after.principal.arn));
    }
  }
  return changes;
}
