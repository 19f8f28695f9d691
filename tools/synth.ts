// `npm run synth -- --stack dev [--json render.json]` or `--config-file path/to/Pulumi.x.yaml`:
// renders what `pulumi up` would create, offline: from the plan (the default), or with `--engine mocks` by running
// the real program under the SDK's mocks (slower; the two are tested to agree resource by resource).
import { writeJsonFile } from "./jsonFile";
import { loadPolicyConfig, PolicyConfigError } from "../policypack/validate";
import {
  ExitCode,
  runCommand,
  runMain,
  stackFileFrom,
  stackOptions,
  stackUsage,
  type Command,
  type CommandIo,
  type OptionSpecs,
  type OptionValues,
  UsageError,
} from "./cli";
import type { PolicyStatement } from "../model/policy/document";
import { vendorSource } from "../model/vendors/registry";
import { renderStack, type Render, type RenderedBucket, type RenderEngine } from "./render";

const synthOptions = {
  ...stackOptions,
  json: { type: "string", value: "<file>", description: "also write the whole render as JSON to this file" },
  "policy-config": {
    type: "string",
    value: "<file>",
    description: "policy-pack config (enforcement levels, exemptions) to run the pack with",
  },
  engine: {
    type: "string",
    value: "plan|mocks",
    description: "render from the plan (default), or run the real program under the SDK's mocks",
  },
  quiet: { type: "boolean", description: "skip the summary; policy violations still print" },
} as const satisfies OptionSpecs;

/** One line per statement, the way the bucket-policy statements print. */
function statementLine(statement: PolicyStatement): string {
  return `${statement.Sid ?? "(no Sid)"}: ${statement.Effect}${statement.Principal ? ` ${JSON.stringify(statement.Principal)}` : ""} ${[statement.Action].flat().join(", ")} on ${[statement.Resource ?? []].flat().join(", ")}${statement.Condition ? ` if ${JSON.stringify(statement.Condition)}` : ""}`;
}

/** Every KMS statement that uses a bucket's key for the bucket, and the grants (always none). */
export function kmsSummary(bucket: RenderedBucket): string[] {
  const out: string[] = [];
  for (const kms of bucket.kms) {
    out.push(
      `  KMS key ${kms.keyArn} (S3 Bucket Keys ${kms.bucketKeyEnabled ? "on" : "off"}; key policy: ${kms.keyPolicy === "manage" ? "manage, this stack writes its own statements" : "handoff, the key's owner adds the statements below"})`,
    );
    for (const { integration, statement } of kms.keyPolicyStatements)
      out.push(`    key-policy statement for ${integration}: ${statementLine(statement)}`);
    if (kms.keyPolicyStatements.length === 0)
      out.push("    no key-policy statements: every principal is in the key's account, whose IAM policies decide");
    for (const { integration, where, statement } of kms.identityStatements)
      out.push(`    ${where} of ${integration}: ${statementLine(statement)}`);
    out.push("    KMS grants: none");
  }
  return out;
}

/** What the stack writes into each key's policy, or hands to the key's owner. */
function keyPolicySummary(render: Render): string[] {
  const lines = render.keyPolicies.map((key) =>
    key.mode === "manage"
      ? `Key policy ${key.keyArn}: this stack writes ${key.statements.length} statement(s) (owner key ${key.owner}); every other statement is kept, and no write may drop one that grants kms:PutKeyPolicy`
      : `Key policy ${key.keyArn}: handoff to account ${key.keyAccount}, which adds ${key.statements.length} statement(s) (pulumi stack output keyPolicyHandoffs)`,
  );
  return lines.length > 0 ? [...lines, ""] : [];
}

export function summaryLines(render: Render): string[] {
  const out: string[] = [];
  out.push(`vendor-access render: project ${render.project}, stack ${render.stack}, account ${render.accountId}`);
  out.push(
    `${render.resources.length} resources, ${render.integrations.length} integrations, ${render.buckets.length} buckets`,
    "",
  );
  out.push("Vendors:");
  for (const vendor of render.vendors) {
    const levels = Object.entries(vendor.levels)
      .map(([level, set]) => `${level} ${set.bucket.length + set.object.length} S3 + ${set.kms.length} KMS actions`)
      .join(", ");
    out.push(`  ${vendor.id} (${vendor.displayName}; ${vendorSource(vendor)}): ${levels}`);
  }
  out.push("");
  for (const integration of render.integrations) {
    out.push(
      `Integration ${integration.name} (${integration.vendor}, ${integration.access}, auth ${integration.auth})`,
    );
    out.push(`  principal:      ${integration.principal.type} ${integration.principal.arn}`);
    out.push(
      `  trusted vendor: ${integration.vendorPrincipals.join(", ")}${integration.externalId ? `  (sts:ExternalId ${integration.externalId})` : ""}`,
    );
    for (const bucket of integration.buckets) {
      out.push(
        `  bucket:         ${bucket.name} (${bucket.region})${bucket.prefix ? ` prefix ${bucket.prefix}` : ""}${bucket.kmsKeyArn ? ` KMS ${bucket.kmsKeyArn}` : ""}`,
      );
    }
    const { bucket, object, kms } = integration.actions;
    out.push(
      `  actions:        bucket [${bucket.join(", ")}] object [${object.join(", ")}]${integration.buckets.some((b) => b.kmsKeyArn) ? ` kms [${kms.join(", ")}]` : ""}`,
    );
    out.push(
      `  policies:       ${integration.permissionPolicies.length} document(s), ${integration.permissionPolicies.map((d) => d.Statement.length).join("+")} statement(s)`,
    );
    out.push(`  handoff:        ${JSON.stringify(integration.handoff)}`, "");
  }
  for (const bucket of render.buckets) {
    out.push(`Bucket ${bucket.name} (${bucket.region}, ${bucket.policyMode} policy)`, `  ${bucket.note}`);
    for (const statement of bucket.policy?.Statement ?? []) {
      out.push(
        `  statement ${statement.Sid ?? "(no Sid)"}: ${statement.Effect} ${JSON.stringify(statement.Principal)} ${[statement.Action].flat().join(", ")} on ${[statement.Resource ?? []].flat().join(", ")}${statement.Condition ? ` if ${JSON.stringify(statement.Condition)}` : ""}`,
      );
    }
    if (!bucket.policy) out.push("  no bucket-policy statements");
    for (const rule of bucket.cors ?? [])
      out.push(`  CORS ${rule.ID}: ${rule.AllowedMethods.join(",")} from ${rule.AllowedOrigins.join(", ")}`);
    for (const accessPoint of bucket.accessPoints) out.push(`  access point ${accessPoint.name}: ${accessPoint.arn}`);
    out.push(...kmsSummary(bucket));
    out.push("");
  }
  return [...out, ...keyPolicySummary(render), ...violationLines(render)];
}

/** The policy pack's findings; printed even with `--quiet`, which only hides the summary. */
export function violationLines(render: Render): string[] {
  if (render.violations.length === 0) return ["Policy pack: no violations."];
  return render.violations.map(
    (violation) =>
      `Policy ${violation.enforcementLevel.toUpperCase()} ${violation.policy} on ${violation.resource}: ${violation.message}`,
  );
}

export const synthCommand: Command<typeof synthOptions> = {
  name: "synth",
  summary: "render offline what `pulumi up` would create for a stack, and run the policy pack on it",
  usage: `${stackUsage} [--json <file>] [--policy-config <file>] [--engine plan|mocks] [--quiet]`,
  options: synthOptions,
  notes: ["Exit 1 when the policy pack reports a mandatory violation; violations print even with --quiet."],
  inputErrors: [PolicyConfigError],
  run: synth,
};

async function synth(values: OptionValues<typeof synthOptions>, io: CommandIo): Promise<number> {
  const stackFile = stackFileFrom(values);
  const policyConfigPath = values["policy-config"];
  const policyConfig = policyConfigPath ? loadPolicyConfig(policyConfigPath) : undefined;
  const engine = values.engine ?? "plan";
  if (engine !== "plan" && engine !== "mocks") throw new UsageError(`--engine is plan or mocks, not ${engine}`);
  const render = await renderStack(stackFile, {
    engine: engine as RenderEngine,
    ...(policyConfig ? { policyConfig } : {}),
  });
  if (values.json) writeJsonFile(values.json, render);
  const lines = values.quiet ? (render.violations.length ? violationLines(render) : []) : summaryLines(render);
  if (lines.length) io.write(`${lines.join("\n")}\n`);
  if (values.json) io.write(`Wrote ${values.json}\n`);
  return render.violations.some((v) => v.enforcementLevel === "mandatory") ? ExitCode.failure : ExitCode.ok;
}

/** Run synth with `argv`; returns the exit code. */
export function runSynth(argv: readonly string[], io?: CommandIo): Promise<number> {
  return runCommand(synthCommand, argv, io);
}

if (require.main === module) runMain(synthCommand);
