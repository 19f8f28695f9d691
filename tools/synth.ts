// `npm run synth -- --stack dev [--json render.json]` or `--config-file path/to/Pulumi.x.yaml`:
// renders what `pulumi up` would create, offline: from the plan (the default), or with `--engine mocks` by running
// the real program under the SDK's mocks (slower; the two are tested to agree resource by resource).
// Exit codes: 0 rendered; 2 config error; 1 mandatory policy violations.
import { writeFileSync } from "node:fs";
import { ConfigError } from "../model/config";
import { PlanError } from "../model/plan";
import { loadPolicyConfig, PolicyConfigError } from "../policypack/validate";
import { renderStack, type Render, type RenderEngine } from "./render";
import { loadStackFile } from "./stackFile";

interface SynthArgs {
  stack?: string;
  configFile?: string;
  json?: string;
  policyConfig?: string;
  engine: RenderEngine;
  quiet: boolean;
}

function parseArgs(argv: string[]): SynthArgs {
  const args: SynthArgs = { quiet: false, engine: "plan" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === "--stack" || flag === "-s") args.stack = value();
    else if (flag === "--config-file") args.configFile = value();
    else if (flag === "--json") args.json = value();
    else if (flag === "--policy-config") args.policyConfig = value();
    else if (flag === "--engine") {
      const engine = value();
      if (engine !== "plan" && engine !== "mocks") throw new UsageError(`--engine is plan or mocks, not ${engine}`);
      args.engine = engine;
    } else if (flag === "--quiet") args.quiet = true;
    else throw new UsageError(`unknown argument ${flag}`);
  }
  if (!args.stack && !args.configFile) throw new UsageError("give --stack <name> or --config-file <path>");
  return args;
}

class UsageError extends Error {}

export function printSummary(render: Render): void {
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
    out.push(`  ${vendor.id} (${vendor.displayName}; ${vendor.origin}, ${vendor.definedAt}): ${levels}`);
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
    out.push("");
  }
  if (render.violations.length === 0) out.push("Policy pack: no violations.");
  for (const violation of render.violations)
    out.push(
      `Policy ${violation.enforcementLevel.toUpperCase()} ${violation.policy} on ${violation.resource}: ${violation.message}`,
    );
  process.stdout.write(`${out.join("\n")}\n`);
}

async function main(): Promise<number> {
  let args: SynthArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `synth: ${(error as Error).message}\nusage: npm run synth -- (--stack <name> | --config-file <path>) [--json <file>] [--policy-config <file>] [--engine plan|mocks] [--quiet]\n`,
    );
    return 2;
  }
  try {
    const stackFile = loadStackFile({ stack: args.stack, configFile: args.configFile });
    const render = await renderStack(stackFile, {
      engine: args.engine,
      ...(args.policyConfig ? { policyConfig: loadPolicyConfig(args.policyConfig) } : {}),
    });
    if (args.json) writeFileSync(args.json, `${JSON.stringify(render, null, 2)}\n`);
    if (!args.quiet) printSummary(render);
    if (args.json) process.stdout.write(`Wrote ${args.json}\n`);
    return render.violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof PlanError ||
      error instanceof PolicyConfigError ||
      (error as Error).name === "StackFileError"
    ) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`synth failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(3);
    },
  );
}
