// `npm run deployer-policy -- --stack <name> [--read-only]` (or `--config-file <path>`): prints the IAM policy the
// role that deploys this stack needs, or with --read-only the policy of the role that previews it.
// Exit codes: 0 printed; 2 usage or config error.
import { parseArgs } from "node:util";
import { ConfigError } from "../model/config";
import { deployerPolicy } from "../model/deployerPolicy";
import { actionsOf, unknownActions } from "../model/policy/catalog";
import type { PolicyDocument } from "../model/policy/document";
import { PlanError } from "../model/plan";
import { planStack } from "../program/vendorAccess";
import { loadStackFile, stackConfigOf } from "./stackFile";

const usage = "usage: npm run deployer-policy -- (--stack <name> | --config-file <path>) [--read-only]";

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

async function main(): Promise<number> {
  let values: { stack?: string; "config-file"?: string; "read-only"?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        stack: { type: "string", short: "s" },
        "config-file": { type: "string" },
        "read-only": { type: "boolean" },
      },
    }));
    if (!values.stack && !values["config-file"]) throw new Error("give --stack <name> or --config-file <path>");
  } catch (error) {
    process.stderr.write(`deployer-policy: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  try {
    const policy = await deployerPolicyFor({
      stack: values.stack,
      configFile: values["config-file"],
      readOnly: values["read-only"],
    });
    process.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PlanError || (error as Error).name === "StackFileError") {
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
      process.stderr.write(`deployer-policy failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(3);
    },
  );
}
