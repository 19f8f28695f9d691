// `npm run access-diff -- --base <stack file or render.json> --head <stack file or render.json>
// [--markdown out.md] [--json out.json] [--base-ref <git ref>]`: what a change grants or takes away, by
// simulating both sides' rendered documents. Exit codes: 0 no new access; 3 grants new access; 2 config or
// usage error; 1 failure.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError } from "../model/config";
import { PlanError } from "../model/plan";
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

const usage = `usage: npm run access-diff -- --head <stack file or render.json> (--base <stack file or render.json> | --base-ref <git ref>)
       [--markdown <out.md>] [--json <out.json>]
  --base-ref <ref>  the base is the --head stack file as it is at git <ref> (\`git show <ref>:<path>\`); with --base
                    <render.json> too, that render is the base and the stack file at <ref> adds the ExternalIds it hides
exit codes: 0 no new access; 3 grants new access; 2 config or usage error; 1 failure`;

export interface AccessDiffArgs {
  base?: string;
  head: string;
  baseRef?: string;
  markdown?: string;
  json?: string;
}

class UsageError extends Error {}

export function parseAccessDiffArgs(argv: readonly string[]): AccessDiffArgs | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        base: { type: "string" },
        head: { type: "string" },
        "base-ref": { type: "string" },
        markdown: { type: "string" },
        json: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help";
  const head = values.head as string | undefined;
  if (!head) throw new UsageError("--head is required");
  if (!values.base && !values["base-ref"]) throw new UsageError("give --base, or --base-ref to read the base from git");
  if (values["base-ref"] && head.endsWith(".json"))
    throw new UsageError("--base-ref reads the --head stack file from git: --head must be a stack file");
  if (values["base-ref"] && values.base && !String(values.base).endsWith(".json"))
    throw new UsageError("with --base-ref, --base must be a render.json of the base (e.g. by the base commit's synth)");
  return {
    head,
    base: values.base as string | undefined,
    baseRef: values["base-ref"] as string | undefined,
    markdown: values.markdown as string | undefined,
    json: values.json as string | undefined,
  };
}

/** A config error of one side, named by the side it came from. */
async function labelled<T>(label: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isConfigError(error) && !(error instanceof AccessDiffInputError))
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

export interface AccessDiffIo {
  write: (text: string) => void;
  writeError: (text: string) => void;
}

const processIo: AccessDiffIo = { write: (t) => process.stdout.write(t), writeError: (t) => process.stderr.write(t) };

function isConfigError(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof PlanError ||
    error instanceof AccessDiffInputError ||
    (error as Error).name === "StackFileError"
  );
}

function publish(diff: AccessDiff, args: AccessDiffArgs, io: AccessDiffIo): void {
  const markdown = toMarkdown(diff);
  if (args.markdown) writeFileSync(args.markdown, markdown);
  if (args.json) writeFileSync(args.json, toJson(diff));
  io.write(args.markdown ? `${markdown.split("\n")[0]}\nWrote ${args.markdown}\n` : markdown);
  if (args.json) io.write(`Wrote ${args.json}\n`);
}

/** Run the diff; returns the exit code. Output goes through `io` so tests can capture it. */
export async function accessDiff(argv: readonly string[], io: AccessDiffIo = processIo): Promise<number> {
  try {
    const args = parseAccessDiffArgs(argv);
    if (args === "help") {
      io.write(`${usage}\n`);
      return 0;
    }
    const head = await labelled(`head ${args.head}`, () => loadSide(args.head));
    const base = await baseSide(args, head);
    const diff = await diffSides(base, head);
    publish(diff, args, io);
    return diff.verdict === "grants new access" ? 3 : 0;
  } catch (error) {
    if (isConfigError(error)) {
      io.writeError(`access-diff: ${(error as Error).message}\n${error instanceof UsageError ? `${usage}\n` : ""}`);
      return 2;
    }
    io.writeError(`access-diff failed: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

if (require.main === module) accessDiff(process.argv.slice(2)).then((code) => process.exit(code));
