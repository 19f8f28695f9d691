// `npm run prove -- --stack dev` or `--config-file path/to/Pulumi.x.yaml`: simulate what every vendor can
// and cannot do with the documents the stack renders, and print an access matrix per integration.
import {
  ExitCode,
  runCommand,
  runMain,
  stackFileFrom,
  stackOptions,
  stackUsage,
  type Command,
  type CommandIo,
  type OptionValues,
} from "./cli";
import { formatProof } from "./proof/matrix";
import { ProofSetupError } from "./proof/simulator";
import { failedChecks, proveStack, type StackProofOptions } from "./proof/stackProof";
import { stackConfigOf } from "./stackFile";

export interface ProveIo extends CommandIo {
  /** Engine options; the command sweeps the whole catalog, tests may sample it. */
  proofOptions?: StackProofOptions;
}

async function proveRun(
  values: OptionValues<typeof stackOptions>,
  io: CommandIo,
  proofOptions: StackProofOptions | undefined,
): Promise<number> {
  const stackFile = stackFileFrom(values);
  const config = stackConfigOf(stackFile);
  let proofs;
  try {
    proofs = await proveStack(config, stackFile.stack, proofOptions);
  } catch (error) {
    if (!(error instanceof ProofSetupError)) throw error;
    io.writeError(`the proof could not run: ${error.message}\n`);
    return ExitCode.failure;
  }
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
  io.write(`${lines.join("\n")}\n`);
  return failed.length === 0 ? ExitCode.ok : ExitCode.failure;
}

export const proveCommand: Command<typeof stackOptions, StackProofOptions | undefined> = {
  name: "prove",
  summary: "simulate every vendor's access with iam-simulate on the rendered documents and print access matrices",
  usage: stackUsage,
  options: stackOptions,
  notes: ["Exit 1 when any expectation does not hold, or the simulator could not run."],
  run: proveRun,
};

/** Run the proofs for a stack file; returns the exit code. Output goes through `io` so tests can capture it. */
export function prove(argv: readonly string[], io?: ProveIo): Promise<number> {
  return runCommand(proveCommand, argv, io, io?.proofOptions);
}

if (require.main === module) runMain(proveCommand);
