// `npm run prove -- --stack dev` or `--config-file path/to/Pulumi.x.yaml`: simulate what every vendor can
// and cannot do with the documents the stack renders, and print an access matrix per integration.
// Exit codes: 0 every expectation holds; 1 some do not; 2 config or plan error, or bad usage; 3 the proof itself failed to run.
import { ConfigError, parseConfigMap } from "../model/config";
import { PlanError } from "../model/plan";
import { formatProof } from "./proof/matrix";
import { ProofSetupError } from "./proof/simulator";
import { failedChecks, proveStack, type StackProofOptions } from "./proof/stackProof";
import { loadStackFile } from "./stackFile";

interface ProveArgs {
  stack?: string;
  configFile?: string;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): ProveArgs {
  const args: ProveArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = argv[++i];
    if (next === undefined || next.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    if (flag === "--stack" || flag === "-s") args.stack = next;
    else if (flag === "--config-file") args.configFile = next;
    else throw new UsageError(`unknown argument ${flag}`);
  }
  if (!args.stack && !args.configFile) throw new UsageError("give --stack <name> or --config-file <path>");
  return args;
}

export interface ProveIo {
  write: (text: string) => void;
  writeError: (text: string) => void;
  /** Engine options; the command sweeps the whole catalog, tests may sample it. */
  proofOptions?: StackProofOptions;
}

const processIo: ProveIo = { write: (t) => process.stdout.write(t), writeError: (t) => process.stderr.write(t) };

/** Run the proofs for a stack file; returns the exit code. Output goes through `io` so tests can capture it. */
export async function prove(argv: readonly string[], io: ProveIo = processIo): Promise<number> {
  const { write, writeError } = io;
  let args: ProveArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    writeError(`prove: ${(error as Error).message}\nusage: npm run prove -- (--stack <name> | --config-file <path>)\n`);
    return 2;
  }
  try {
    const stackFile = loadStackFile(args);
    const config = parseConfigMap(stackFile.config);
    const proofs = await proveStack(config, stackFile.stack, io.proofOptions);
    const lines = [
      `vendor-access proofs: stack ${stackFile.stack}, account ${config.accountId} (iam-simulate on the rendered documents)`,
      "",
    ];
    for (const proof of proofs) lines.push(...formatProof(proof), "");
    const failed = failedChecks(proofs);
    const total = proofs.reduce((sum, p) => sum + p.checks.length, 0);
    lines.push(
      failed.length === 0
        ? `All ${total} expectations hold across ${proofs.length} integrations.`
        : `${failed.length} of ${total} expectations FAILED.`,
    );
    write(`${lines.join("\n")}\n`);
    return failed.length === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PlanError || (error as Error).name === "StackFileError") {
      writeError(`${(error as Error).message}\n`);
      return 2;
    }
    if (error instanceof ProofSetupError) {
      writeError(`the proof could not run: ${error.message}\n`);
      return 3;
    }
    throw error;
  }
}

if (require.main === module) {
  prove(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`prove failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(3);
    },
  );
}
