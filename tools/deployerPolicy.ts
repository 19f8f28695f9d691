// `npm run deployer-policy -- --stack <name> [--read-only]` (or `--config-file <path>`): prints the IAM policy the
// role that deploys this stack needs, or with --read-only the policy of the role that previews it.
// Exit codes: those of every tool (tools/cli.ts).
import { deployerPolicy } from "../model/deployerPolicy";
import { actionsOf, unknownActions } from "../model/policy/catalog";
import type { PolicyDocument } from "../model/policy/document";
import { PlanError } from "../model/plan";
import { planStack } from "../model/stackPlan";
import {
  ExitCode,
  runCommand,
  runMain,
  stackOptions,
  stackUsage,
  UsageError,
  type Command,
  type CommandIo,
  type OptionSpecs,
} from "./cli";
import { loadStackFile, stackConfigOf } from "./stackFile";

/** The policy for a stack file, every action checked against the IAM catalog. */
export async function deployerPolicyFor(options: {
  stack?: string;
  configFile?: string;
  readOnly?: boolean;
}): Promise<PolicyDocument> {
  const stackFile = loadStackFile(options);
  const config = stackConfigOf(stackFile);
  const { plans } = planStack(config, stackFile.stack);
  const policy = deployerPolicy(plans, config.accountId, { readOnly: options.readOnly });
  const unknown = await unknownActions(actionsOf([policy]));
  if (unknown.length > 0)
    throw new PlanError(`not IAM actions (checked against the IAM catalog): ${unknown.join(", ")}`);
  return policy;
}

const deployerPolicyOptions = {
  ...stackOptions,
  "read-only": { type: "boolean", description: "the policy of the role that previews the stack: reads only" },
} as const satisfies OptionSpecs;

export const deployerPolicyCommand: Command<typeof deployerPolicyOptions> = {
  name: "deployer-policy",
  summary: "print the least-privilege IAM policy of the role that deploys (or, --read-only, previews) a stack",
  usage: `${stackUsage} [--read-only]`,
  options: deployerPolicyOptions,
  async run(values, io) {
    if (!values.stack && !values["config-file"]) throw new UsageError("give --stack <name> or --config-file <path>");
    const policy = await deployerPolicyFor({
      stack: values.stack,
      configFile: values["config-file"],
      readOnly: values["read-only"],
    });
    io.write(`${JSON.stringify(policy, null, 2)}\n`);
    return ExitCode.ok;
  },
};

/** Print a stack's deployer policy; returns the exit code. Output goes through `io` so tests can capture it. */
export function runDeployerPolicy(argv: readonly string[], io?: CommandIo): Promise<number> {
  return runCommand(deployerPolicyCommand, argv, io);
}

if (require.main === module) runMain(deployerPolicyCommand);
