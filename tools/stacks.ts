// `npm run stacks -- [--examples]`: the stack files CI deploys, as a JSON list of stack names. A stack file is
// real unless it says `vendor-access:example: true`; the same marker lets an example keep plain-text values.
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
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

if (require.main === module) {
  const { values } = parseArgs({ options: { examples: { type: "boolean", default: false } } });
  const { real, examples } = stackFiles();
  process.stdout.write(`${JSON.stringify(values.examples ? examples : real)}\n`);
}
