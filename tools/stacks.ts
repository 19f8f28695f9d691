// `npm run stacks -- [--examples]`: the stack files CI deploys, as a JSON list of stack names. A stack file is
// real unless it says `vendor-access:example: true`; the same marker lets an example keep plain-text values.
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ExitCode, runCommand, runMain, type Command, type CommandIo } from "./cli";
import { loadStackFile } from "./stackFile";

const projectRoot = resolve(__dirname, "..");

/** Every `Pulumi.<stack>.yaml` in the project directory, split into real stacks and examples. */
export function stackFiles(root = projectRoot): { real: string[]; examples: string[] } {
  const names = readdirSync(root)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
  const isExample = (stack: string) =>
    loadStackFile({ stack, configFile: join(root, `Pulumi.${stack}.yaml`) }).config["vendor-access:example"] === "true";
  return { real: names.filter((name) => !isExample(name)), examples: names.filter(isExample) };
}

const stacksOptions = {
  examples: { type: "boolean", description: "list the example stacks instead of the real ones" },
} as const;

export const stacksCommand: Command<typeof stacksOptions, string | undefined> = {
  name: "stacks",
  summary: "print the stacks CI deploys (every Pulumi.<stack>.yaml not marked vendor-access:example) as a JSON list",
  usage: "[--examples]",
  options: stacksOptions,
  async run(values, io, root) {
    const { real, examples } = stackFiles(root);
    io.write(`${JSON.stringify(values.examples ? examples : real)}\n`);
    return ExitCode.ok;
  },
};

/** List the stacks of `root` (the project directory by default); returns the exit code. */
export function runStacks(argv: readonly string[], io?: CommandIo, root?: string): Promise<number> {
  return runCommand(stacksCommand, argv, io, root);
}

if (require.main === module) runMain(stacksCommand);
