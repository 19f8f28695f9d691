// The access diff as a pull-request comment (Markdown) and as JSON.
import type { AccessChange, AccessComparison } from "./access";
import type { AccessPointChange, BaselineChange, CorsChange } from "./bucketSettings";
import type { TrustChange } from "./trust";

export type Verdict = "grants new access" | "removes access" | "no access change";

export interface AccessDiff {
  verdict: Verdict;
  stack: string;
  base: string;
  head: string;
  added: AccessChange[];
  removed: AccessChange[];
  trust: TrustChange[];
  cors: CorsChange[];
  accessPoints: AccessPointChange[];
  /** Exclusive buckets' statements that no integration owns. */
  baselines: BaselineChange[];
  stats: AccessComparison["stats"] & { seconds: number };
}

export function verdictOf(diff: Omit<AccessDiff, "verdict">): Verdict {
  const widens = [...diff.trust, ...diff.cors, ...diff.accessPoints, ...diff.baselines].some((c) => c.widens);
  if (diff.added.length > 0 || widens) return "grants new access";
  return diff.removed.length > 0 ? "removes access" : "no access change";
}

/** GitHub refuses comments over 65,536 characters; leave room for the other stacks' sections. */
const commentBudget = 60000;

/** A table cell's text: pipes escaped, HTML escaped (GitHub would swallow a marker like `<ExternalId>`), one line. */
function cell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/[\r\n]+/g, " ");
}

/** A code span that a backtick in the text cannot end early; pipes escaped for tables. */
function code(text: string): string {
  const line = text.replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|");
  return line.includes("`") ? `\`\` ${line} \`\`` : `\`${line}\``;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Rows of one vendor, integration and bucket, with actions on the same resource and condition in one row. */
function accessTable(changes: readonly AccessChange[], maxRows: number): string[] {
  const rows = new Map<string, { actions: string[]; resource: string; condition: string }>();
  for (const change of changes) {
    const key = `${change.resource}\0${change.condition}`;
    const row = rows.get(key) ?? { actions: [], resource: change.resource, condition: change.condition };
    row.actions.push(change.action);
    rows.set(key, row);
  }
  const lines = ["| action | resource | condition |", "|---|---|---|"];
  const all = [...rows.values()];
  for (const row of all.slice(0, maxRows))
    lines.push(`| ${row.actions.map(code).join(", ")} | ${code(row.resource)} | ${cell(row.condition) || "none"} |`);
  if (all.length > maxRows) lines.push(`| ... | ${all.length - maxRows} more rows in the JSON output | |`);
  return lines;
}

function accessSection(title: string, changes: readonly AccessChange[], maxRows: number): string[] {
  if (changes.length === 0) return [];
  const groups = new Map<string, AccessChange[]>();
  for (const change of changes) {
    const key = [change.vendor, change.integration, change.principal, change.group].join("\0");
    groups.set(key, [...(groups.get(key) ?? []), change]);
  }
  const lines = [`### ${title}`, ""];
  for (const key of [...groups.keys()].sort()) {
    const [vendor, integration, principal, group] = key.split("\0");
    const where =
      group === "account"
        ? "account-wide"
        : group.startsWith("arn:")
          ? `KMS key ${code(group)}`
          : `bucket ${code(group)}`;
    lines.push(
      `**${vendor}** · ${code(integration)} as ${code(principal)} · ${where}`,
      "",
      ...accessTable(groups.get(key)!, maxRows),
      "",
    );
  }
  return lines;
}

function trustSection(changes: readonly TrustChange[]): string[] {
  if (changes.length === 0) return [];
  const lines = [
    "### Trust: who may act as the integration",
    "",
    "| vendor | integration | change | principal | detail |",
    "|---|---|---|---|---|",
  ];
  for (const c of changes)
    lines.push(
      `| ${c.vendor} | ${code(c.integration)} | ${c.widens ? "**" + c.change + "**" : c.change} | ${code(c.principal)} | ${cell(c.detail)} |`,
    );
  return [...lines, ""];
}

function bucketSection(diff: AccessDiff): string[] {
  const { cors, accessPoints: points, baselines } = diff;
  if (cors.length + points.length + baselines.length === 0) return [];
  const lines = [
    "### Bucket settings (not IAM access)",
    "",
    "| bucket | rule or access point | change | values |",
    "|---|---|---|---|",
  ];
  for (const c of cors)
    lines.push(`| ${code(c.bucket)} | CORS ${code(c.rule)} | ${c.change} | ${c.values.map(code).join(", ")} |`);
  for (const p of points)
    lines.push(`| ${code(p.bucket)} | access point ${code(p.accessPoint)} | ${p.change} | ${cell(p.detail)} |`);
  for (const b of baselines) lines.push(`| ${code(b.bucket)} | bucket policy | ${b.change} | ${code(b.statement)} |`);
  return [...lines, ""];
}

function headline(diff: AccessDiff): string {
  const counts = [
    `${plural(diff.added.length, "grant")} added`,
    `${diff.removed.length} removed`,
    plural(diff.trust.length, "trust change"),
    plural(diff.cors.length + diff.accessPoints.length + diff.baselines.length, "bucket-setting change"),
  ];
  return `**Access diff for stack ${code(diff.stack)}: ${diff.verdict}** (${counts.join(", ")})`;
}

function markdownWith(diff: AccessDiff, maxRows: number): string {
  const { stats } = diff;
  return [
    headline(diff),
    "",
    `<sub>base ${code(diff.base)} · head ${code(diff.head)} · ${stats.principals} principals × ${stats.catalogActions} catalog actions (S3 and KMS; ${stats.actionsAsked} named by a statement) · ${stats.requests} requests, ${stats.simulated} simulator runs · ${stats.seconds.toFixed(1)} s</sub>`,
    "",
    ...accessSection("Added access", diff.added, maxRows),
    ...accessSection("Removed access", diff.removed, maxRows),
    ...trustSection(diff.trust),
    ...bucketSection(diff),
  ]
    .join("\n")
    .trimEnd();
}

/** The comment: the verdict on the first line, then tables; long tables are cut to fit a GitHub comment. */
export function toMarkdown(diff: AccessDiff): string {
  for (const maxRows of [Infinity, 50, 10, 3]) {
    const text = markdownWith(diff, maxRows);
    if (text.length <= commentBudget) return `${text}\n`;
  }
  return `${headline(diff)}\n\nThe tables do not fit in a comment; see the JSON output.\n`;
}

/** The JSON output: `{verdict, added, removed, trust, cors}` plus access points and run statistics. */
export function toJson(diff: AccessDiff): string {
  return `${JSON.stringify(diff, null, 2)}\n`;
}
