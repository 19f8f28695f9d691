// `npm run access-diff -- --base <stack file or render.json> --head <stack file or render.json>
// [--markdown out.md] [--json out.json] [--base-ref <git ref>]`: what a change grants or takes away, by
// simulating both sides' rendered documents. Exit codes: those of every tool (tools/cli.ts), and 3 when the change
// grants new access.
import { writeFileSync } from "node:fs";
import { diffSides } from "./accessDiff/diff";
import { toJson, toMarkdown, type AccessDiff } from "./accessDiff/report";
import {
  AccessDiffInputError,
  emptySide,
  loadSide,
  stackFileAtRef,
  stackFileSide,
  withStackFileExternalIds,
  type AccessSide,
} from "./accessDiff/side";
import {
  ExitCode,
  isInputError,
  runCommand,
  runMain,
  UsageError,
  type Command,
  type CommandIo,
  type OptionSpecs,
  type OptionValues,
} from "./cli";

const accessDiffOptions = {
  head: { type: "string", value: "<file>", description: "the head side: a stack file or a render.json" },
  base: { type: "string", value: "<file>", description: "the base side: a stack file or a render.json" },
  "base-ref": {
    type: "string",
    value: "<ref>",
    description: "the base is the --head stack file as it is at git <ref> (`git show <ref>:<path>`)",
  },
  markdown: { type: "string", value: "<out.md>", description: "write the Markdown report there" },
  json: { type: "string", value: "<out.json>", description: "write the JSON report there" },
} as const satisfies OptionSpecs;

export interface AccessDiffArgs {
  base?: string;
  head: string;
  baseRef?: string;
  markdown?: string;
  json?: string;
}

/** The options as the diff needs them; usage errors for combinations parseArgs cannot check. */
export function accessDiffArgsOf(values: OptionValues<typeof accessDiffOptions>): AccessDiffArgs {
  const { head, base } = values;
  const baseRef = values["base-ref"];
  if (!head) throw new UsageError("--head is required");
  if (!base && !baseRef) throw new UsageError("give --base, or --base-ref to read the base from git");
  if (baseRef && head.endsWith(".json"))
    throw new UsageError("--base-ref reads the --head stack file from git: --head must be a stack file");
  if (baseRef && base && !base.endsWith(".json"))
    throw new UsageError("with --base-ref, --base must be a render.json of the base (e.g. by the base commit's synth)");
  return { head, base, baseRef, markdown: values.markdown, json: values.json };
}

/** A config error of one side, named by the side it came from. */
async function labelled<T>(label: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isInputError(error) && !(error instanceof AccessDiffInputError))
      throw new AccessDiffInputError(`${label}: ${(error as Error).message}`);
    throw error;
  }
}

async function baseSide(args: AccessDiffArgs, head: AccessSide): Promise<AccessSide> {
  const { baseRef, base } = args;
  if (!baseRef) return labelled(`base ${base}`, () => loadSide(base!));
  const atRef = stackFileAtRef(baseRef, args.head);
  if ("absentAt" in atRef) return emptySide(head.render, `${atRef.absentAt} (absent: a new stack)`);
  // A render of the base by the base commit's own program; the stack file at the ref adds the ExternalIds it hides.
  if (base)
    return labelled(`base ${base}`, async () => withStackFileExternalIds(await loadSide(base), atRef.stackFile));
  return labelled(`base ${atRef.source}`, () => stackFileSide(atRef.stackFile, atRef.source));
}

function publish(diff: AccessDiff, args: AccessDiffArgs, io: CommandIo): void {
  const markdown = toMarkdown(diff);
  if (args.markdown) writeFileSync(args.markdown, markdown);
  if (args.json) writeFileSync(args.json, toJson(diff));
  io.write(args.markdown ? `${markdown.split("\n")[0]}\nWrote ${args.markdown}\n` : markdown);
  if (args.json) io.write(`Wrote ${args.json}\n`);
}

export const accessDiffCommand: Command<typeof accessDiffOptions> = {
  name: "access-diff",
  summary: "what a change grants or takes away, by simulating both sides' rendered documents",
  usage: "--head <file> (--base <file> | --base-ref <ref>) [--markdown <out.md>] [--json <out.json>]",
  options: accessDiffOptions,
  notes: [
    "A <file> is a stack file or a render.json (`npm run synth -- --json`). With --base-ref and --base <render.json>,",
    "that render is the base and the stack file at <ref> adds the ExternalIds it hides.",
    "Exit 3 when the head grants new access (a reviewer must approve); 0 when it grants nothing new.",
  ],
  inputErrors: [AccessDiffInputError],
  async run(values, io) {
    const args = accessDiffArgsOf(values);
    const head = await labelled(`head ${args.head}`, () => loadSide(args.head));
    const base = await baseSide(args, head);
    const diff = await diffSides(base, head);
    publish(diff, args, io);
    return diff.verdict === "grants new access" ? ExitCode.grantsNewAccess : ExitCode.ok;
  },
};

/** Run the diff; returns the exit code. Output goes through `io` so tests can capture it. */
export function accessDiff(argv: readonly string[], io?: CommandIo): Promise<number> {
  return runCommand(accessDiffCommand, argv, io);
}

if (require.main === module) runMain(accessDiffCommand);
