// The one command-line runner every tool shares: node:util parseArgs, `--help`, and the same exit codes.
import { parseArgs } from "node:util";
import { ConfigError } from "../model/config";
import { PlanError } from "../model/plan";
import { loadStackFile, StackFileError, type StackFile } from "./stackFile";

/** Exit codes shared by every command, so CI scripts read them the same way. */
export const ExitCode = {
  /** The command did what was asked and found nothing wrong. */
  ok: 0,
  /** A check failed (a mandatory policy violation, a broken proof) or the command itself could not run. */
  failure: 1,
  /** Bad usage or bad input (arguments, stack file, config, plan): nothing was rendered or simulated. */
  configError: 2,
  /** Reserved for the access diff: the change grants new access and needs a reviewer's approval. */
  grantsNewAccess: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a command writes; tests pass their own to capture output. */
export interface CommandIo {
  write: (text: string) => void;
  writeError: (text: string) => void;
}

export const processIo: CommandIo = {
  write: (text) => process.stdout.write(text),
  writeError: (text) => process.stderr.write(text),
};

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** Placeholder shown in `--help` for a string option's value, e.g. `<file>`. */
  value?: string;
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** Parsed option values: strings for string options, booleans for flags, absent when not given. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]?: O[K]["type"] extends "string" ? string : boolean;
};

export interface Command<O extends OptionSpecs, C = undefined> {
  /** The npm script name, e.g. `synth`. */
  name: string;
  /** One line saying what the command does, first in `--help`. */
  summary: string;
  /** Usage after `npm run <name> --`, e.g. `(--stack <name> | --config-file <path>) [--quiet]`. */
  usage: string;
  options: O;
  /** Lines after the option list in `--help` (exit codes are added by the runner). */
  notes?: string[];
  /** Error types, beyond the shared ones, that mean bad input for this command (exit 2, message only). */
  inputErrors?: readonly ErrorType[];
  run: (values: OptionValues<O>, io: CommandIo, context: C) => Promise<number>;
}

/** Bad command-line usage: exits with `configError` and the usage line. */
export class UsageError extends Error {
  override name = "UsageError";
}

type ErrorType = abstract new (...args: never[]) => Error;

/** Errors that mean "fix your input", reported as one message without a stack trace. */
const inputErrors: readonly ErrorType[] = [ConfigError, PlanError, StackFileError];

/** Commands add their own input errors (e.g. a bad policy-pack config) to the shared ones. */
export function isInputError(error: unknown, extra: readonly ErrorType[] = []): boolean {
  return [...inputErrors, ...extra].some((type) => error instanceof type);
}

const helpOption: OptionSpec = { type: "boolean", short: "h", description: "show this help and exit" };

function optionLabel(name: string, option: OptionSpec): string {
  const short = option.short ? `-${option.short}, ` : "";
  const value = option.type === "string" ? ` ${option.value ?? "<value>"}` : "";
  return `${short}--${name}${value}`;
}

export function helpText<O extends OptionSpecs, C>(command: Command<O, C>): string {
  const options = Object.entries({ ...command.options, help: helpOption });
  const labels = options.map(([name, option]) => optionLabel(name, option));
  const width = Math.max(...labels.map((label) => label.length));
  const lines = [
    `${command.name}: ${command.summary}`,
    "",
    `usage: npm run ${command.name} -- ${command.usage}`,
    "",
    "options:",
    ...options.map(([, option], i) => `  ${labels[i].padEnd(width)}  ${option.description}`),
    ...(command.notes?.length ? ["", ...command.notes] : []),
    "",
    "exit codes: 0 ok; 1 a check failed or the command could not run; 2 bad usage or bad input;",
    "            3 reserved for the access diff (the change grants new access).",
  ];
  return `${lines.join("\n")}\n`;
}

function parse<O extends OptionSpecs, C>(command: Command<O, C>, argv: readonly string[]) {
  const options = Object.fromEntries(
    Object.entries({ ...command.options, help: helpOption }).map(([name, { type, short }]) => [
      name,
      short ? { type, short } : { type },
    ]),
  );
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as OptionValues<O> & {
      help?: boolean;
    };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * Parse `argv`, print `--help`, run the command and map errors to the shared exit codes. Input errors print
 * their message alone; anything else prints its stack and exits `failure`.
 */
export async function runCommand<O extends OptionSpecs, C>(
  command: Command<O, C>,
  argv: readonly string[],
  io: CommandIo = processIo,
  context?: C,
): Promise<number> {
  try {
    const values = parse(command, argv);
    if (values.help) {
      io.write(helpText(command));
      return ExitCode.ok;
    }
    return await command.run(values, io, context as C);
  } catch (error) {
    if (error instanceof UsageError) {
      io.writeError(`${command.name}: ${error.message}\nusage: npm run ${command.name} -- ${command.usage}\n`);
      return ExitCode.configError;
    }
    if (isInputError(error, command.inputErrors)) {
      io.writeError(`${(error as Error).message}\n`);
      return ExitCode.configError;
    }
    io.writeError(`${command.name} failed: ${(error as Error)?.stack ?? String(error)}\n`);
    return ExitCode.failure;
  }
}

/** Run a command as the process's entry point and exit with its code. */
export function runMain<O extends OptionSpecs, C>(command: Command<O, C>): void {
  void runCommand(command, process.argv.slice(2)).then((code) => process.exit(code));
}

/** The options every command that reads a stack file takes. */
export const stackOptions = {
  stack: { type: "string", short: "s", value: "<name>", description: "read Pulumi.<name>.yaml next to Pulumi.yaml" },
  "config-file": { type: "string", value: "<path>", description: "read this stack file instead" },
} as const satisfies OptionSpecs;

export const stackUsage = "(--stack <name> | --config-file <path>)";

/** Load the stack file named by `--stack` or `--config-file`; exactly one must be given. */
export function stackFileFrom(values: OptionValues<typeof stackOptions>): StackFile {
  const stack = values.stack;
  const configFile = values["config-file"];
  if (!stack && !configFile) throw new UsageError("give --stack <name> or --config-file <path>");
  return loadStackFile({ stack, configFile });
}
