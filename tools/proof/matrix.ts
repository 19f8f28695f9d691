// The compact access matrix `npm run prove` prints: one row per action, one column per kind of request.
import { checkPassed, targetOrder, type Check, type IntegrationProof } from "./integrationProof";

/** Short column headings; the legend under each matrix spells them out. */
const columnCodes: Record<string, string> = {
  bucket: "bucket",
  "bucket, no s3:prefix": "no-pfx",
  "bucket, other s3:prefix": "oth-pfx",
  "object in prefix": "prefix/*",
  "object outside prefix": "outside/*",
  "other bucket": "oth-bkt",
  "other bucket object": "oth-bkt/*",
  "access point": "ap",
  "access point, no s3:prefix": "ap-no-pfx",
  "AP object in prefix": "ap/prefix/*",
  "AP object outside prefix": "ap/outside/*",
  "other access point": "oth-ap",
  "other AP object": "oth-ap/*",
  "other S3 resource": "oth-type",
  "no resource (*)": "*",
  "bucket policy only": "bp-only",
  "identity policy only": "id-only",
  "boundary lacks statement": "no-bndry",
  "other account, same policy": "oth-acct",
  "KMS via S3": "via-s3",
  "KMS direct": "direct",
  "KMS via S3, other region": "via-s3-oth-rgn",
  "KMS via S3, object outside prefix": "ctx-outside/*",
  "KMS via S3, other bucket object": "ctx-oth-bkt/*",
  "KMS via S3, bucket ARN": "ctx-bucket",
  "KMS via S3, key policy without ours": "no-key-stmt",
};

/** One cell: what the checks in it returned, marked `!` where any broke its expectation. */
function cell(checks: readonly Check[]): string {
  if (checks.length === 0) return ".";
  const outcomes = new Set(checks.map((c) => (c.actual === "Allowed" ? "allow" : "deny")));
  const value = outcomes.size > 1 ? "mixed" : [...outcomes][0];
  return checks.every(checkPassed) ? value : `${value.toUpperCase()}!`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => `  ${row.map((value, column) => value.padEnd(widths[column])).join("  ")}`.trimEnd());
}

function matrixFor(checks: readonly Check[], alwaysShown: ReadonlySet<string>, otherLabel: string): string[] {
  if (checks.length === 0) return [];
  const targets = targetOrder.filter((t) => checks.some((c) => c.target === t));
  const actions = [...new Set(checks.map((c) => c.action))];
  const shown = actions.filter(
    (a) => alwaysShown.has(a) || checks.some((c) => c.action === a && (c.actual === "Allowed" || !checkPassed(c))),
  );
  const rest = actions.filter((a) => !shown.includes(a));
  const rows = [["action", ...targets.map((t) => columnCodes[t] ?? t)]];
  // A row whose outcomes rest on the encryption-context check, which the simulator cannot do, says so.
  const label = (action: string) =>
    checks.some((c) => c.action === action && c.basis === "context-check") ? `${action} (ctx)` : action;
  for (const action of shown)
    rows.push([
      label(action),
      ...targets.map((t) => cell(checks.filter((c) => c.action === action && c.target === t))),
    ]);
  const lines = table(rows);
  if (rest.length > 0) {
    const restChecks = checks.filter((c) => rest.includes(c.action));
    lines.push(
      `  ${rest.length} other ${otherLabel} actions: denied on every resource asked (${restChecks.length} requests)`,
    );
  }
  lines.push(`  columns: ${targets.map((t) => `${columnCodes[t] ?? t} = ${t}`).join("; ")}`);
  if (shown.some((action) => checks.some((c) => c.action === action && c.basis === "context-check")))
    lines.push(
      "  (ctx) = the row rests on the encryption-context check (tools/proof/encryptionContext.ts), not on iam-simulate, which ignores kms:EncryptionContext:* keys",
    );
  return lines;
}

export function formatProof(proof: IntegrationProof): string[] {
  const lines = [
    `Integration ${proof.name} (${proof.vendor}, ${proof.access}, auth ${proof.auth}) as ${proof.principalType} ${proof.granteeArn}`,
  ];
  const trust = proof.checks.filter((c) => c.action === "sts:AssumeRole");
  if (trust.length > 0)
    lines.push(
      `  sts:AssumeRole  ${targetOrder
        .filter((t) => trust.some((c) => c.target === t))
        .map((t) => `${t}: ${cell(trust.filter((c) => c.target === t))}`)
        .join(" | ")}`,
    );
  const shown = new Set(proof.grantedActions);
  lines.push(
    ...matrixFor(
      proof.checks.filter((c) => c.action.startsWith("s3:")),
      shown,
      "S3",
    ),
  );
  lines.push(
    ...matrixFor(
      proof.checks.filter((c) => c.action.startsWith("kms:")),
      shown,
      "KMS",
    ),
  );
  const failed = proof.checks.filter((c) => !checkPassed(c));
  lines.push(
    `  ${proof.checks.length} requests simulated, ${failed.length === 0 ? "every one as expected" : `${failed.length} NOT as expected`}`,
  );
  for (const check of failed)
    lines.push(
      `  FAIL ${check.action} [${check.target}]: expected ${check.expected}, got ${check.actual}: ${check.request}`,
    );
  return lines;
}
