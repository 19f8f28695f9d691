// Bucket-side changes that are not IAM access: CORS origins and methods (what a browser page may do with a
// vendor's signed requests), and access points' public-access blocks.
import type { Render } from "../render";

export interface CorsChange {
  bucket: string;
  rule: string;
  change: "rule added" | "rule removed" | "origins added" | "origins removed" | "methods added" | "methods removed";
  values: string[];
  widens: boolean;
}

export interface AccessPointChange {
  bucket: string;
  accessPoint: string;
  change: "access point added" | "access point removed" | "public access block changed";
  /** The public-access block settings that are off, or changed, e.g. `blockPublicPolicy: true -> false`. */
  detail: string;
  widens: boolean;
}

function corsRules(render: Render): Map<string, { bucket: string; origins: string[]; methods: string[] }> {
  const rules = new Map<string, { bucket: string; origins: string[]; methods: string[] }>();
  for (const bucket of render.buckets)
    for (const [index, rule] of (bucket.cors ?? []).entries())
      rules.set(`${bucket.name}\0${rule.ID ?? `#${index}`}`, {
        bucket: bucket.name,
        origins: [...rule.AllowedOrigins].sort(),
        methods: [...rule.AllowedMethods].sort(),
      });
  return rules;
}

function setDiff(from: readonly string[], to: readonly string[]): string[] {
  return to.filter((value) => !from.includes(value));
}

export function compareCors(base: Render, head: Render): CorsChange[] {
  const [was, is] = [corsRules(base), corsRules(head)];
  const changes: CorsChange[] = [];
  for (const [key, rule] of is) {
    const ruleId = key.split("\0")[1];
    const old = was.get(key);
    if (!old) {
      changes.push({
        bucket: rule.bucket,
        rule: ruleId,
        change: "rule added",
        values: [...rule.methods, ...rule.origins],
        widens: true,
      });
      continue;
    }
    const pairs = [
      ["origins added", setDiff(old.origins, rule.origins), true],
      ["origins removed", setDiff(rule.origins, old.origins), false],
      ["methods added", setDiff(old.methods, rule.methods), true],
      ["methods removed", setDiff(rule.methods, old.methods), false],
    ] as const;
    for (const [change, values, widens] of pairs)
      if (values.length > 0) changes.push({ bucket: rule.bucket, rule: ruleId, change, values: [...values], widens });
  }
  for (const [key, rule] of was)
    if (!is.has(key))
      changes.push({
        bucket: rule.bucket,
        rule: key.split("\0")[1],
        change: "rule removed",
        values: [...rule.methods, ...rule.origins],
        widens: false,
      });
  return changes;
}

const blockFlags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

function accessPoints(render: Render): Map<string, { bucket: string; flags: Record<string, boolean> }> {
  const points = new Map<string, { bucket: string; flags: Record<string, boolean> }>();
  for (const resource of render.resources.filter((r) => r.type === "aws:s3/accessPoint:AccessPoint")) {
    const block = (resource.props.publicAccessBlockConfiguration ?? {}) as Record<string, unknown>;
    // S3 blocks every kind of public access on a new access point unless told otherwise (S3: "Managing public access to access points").
    const flags = Object.fromEntries(blockFlags.map((flag) => [flag, block[flag] !== false]));
    points.set(String(resource.props.name), { bucket: String(resource.props.bucket), flags });
  }
  return points;
}

function offFlags(flags: Record<string, boolean>): string {
  const off = blockFlags.filter((flag) => !flags[flag]);
  return off.length === 0 ? "all public access blocked" : `public access NOT blocked: ${off.join(", ")} off`;
}

export function compareAccessPoints(base: Render, head: Render): AccessPointChange[] {
  const [was, is] = [accessPoints(base), accessPoints(head)];
  const changes: AccessPointChange[] = [];
  for (const [name, point] of is) {
    const old = was.get(name);
    if (!old) {
      changes.push({
        bucket: point.bucket,
        accessPoint: name,
        change: "access point added",
        detail: offFlags(point.flags),
        widens: blockFlags.some((f) => !point.flags[f]),
      });
      continue;
    }
    const changed = blockFlags.filter((flag) => old.flags[flag] !== point.flags[flag]);
    if (changed.length > 0)
      changes.push({
        bucket: point.bucket,
        accessPoint: name,
        change: "public access block changed",
        detail: changed.map((flag) => `${flag}: ${old.flags[flag]} -> ${point.flags[flag]}`).join(", "),
        widens: changed.some((flag) => !point.flags[flag]),
      });
  }
  for (const [name, point] of was)
    if (!is.has(name))
      changes.push({
        bucket: point.bucket,
        accessPoint: name,
        change: "access point removed",
        detail: offFlags(point.flags),
        widens: false,
      });
  return changes;
}

export interface BaselineChange {
  bucket: string;
  change: "baseline statement added" | "baseline statement removed";
  /** The statement without its Sid, actions and resources sorted. */
  statement: string;
  /** An added Allow may grant someone outside the stack's integrations, whom the access tables do not ask about. */
  widens: boolean;
}

/** An exclusive bucket's statements that no integration owns (its baselineStatements), normalized for comparison. */
function baselineStatements(render: Render): Map<string, { bucket: string; statement: string; allow: boolean }> {
  const statements = new Map<string, { bucket: string; statement: string; allow: boolean }>();
  for (const bucket of render.buckets.filter((b) => b.policyMode === "exclusive" && b.policy))
    for (const statement of bucket.policy!.Statement) {
      if (bucket.ownedBy.sidPrefixes.some((prefix) => statement.Sid?.startsWith(prefix))) continue;
      const { Sid: _sid, ...rest } = statement;
      const sorted = Object.fromEntries(
        Object.entries(rest)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => [key, Array.isArray(value) ? [...value].sort() : value]),
      );
      const text = JSON.stringify(sorted);
      statements.set(`${bucket.name}\0${text}`, {
        bucket: bucket.name,
        statement: text,
        allow: statement.Effect === "Allow",
      });
    }
  return statements;
}

export function compareBaselines(base: Render, head: Render): BaselineChange[] {
  const [was, is] = [baselineStatements(base), baselineStatements(head)];
  return [
    ...[...is]
      .filter(([key]) => !was.has(key))
      .map(([, s]) => ({
        bucket: s.bucket,
        change: "baseline statement added" as const,
        statement: s.statement,
        widens: s.allow,
      })),
    ...[...was]
      .filter(([key]) => !is.has(key))
      .map(([, s]) => ({
        bucket: s.bucket,
        change: "baseline statement removed" as const,
        statement: s.statement,
        widens: !s.allow,
      })),
  ];
}
