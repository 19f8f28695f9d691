import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { ConfigError } from "../../model/config";
import { accessDiffCommand } from "../../tools/accessDiff";
import { ExitCode, helpText, runCommand, type Command, type CommandIo, type OptionSpecs } from "../../tools/cli";
import { deployerPolicyCommand } from "../../tools/deployerPolicy";
import { proveCommand } from "../../tools/prove";
import { stacksCommand } from "../../tools/stacks";
import { runSynth, synthCommand } from "../../tools/synth";

function capture(): CommandIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    write: (t: string) => void (io.out += t),
    writeError: (t: string) => void (io.err += t),
  };
  return io;
}

const echo: Command<{
  name: { type: "string"; value: "<name>"; description: string };
  loud: { type: "boolean"; description: string };
}> = {
  name: "echo",
  summary: "say a name",
  usage: "--name <name> [--loud]",
  options: {
    name: { type: "string", value: "<name>", description: "who to greet" },
    loud: { type: "boolean", description: "shout" },
  },
  async run(values, io) {
    if (values.name === "bad") throw new ConfigError(['name: "bad" is not allowed']);
    if (values.name === "crash") throw new Error("boom");
    io.write(values.loud ? `HELLO ${values.name?.toUpperCase()}\n` : `hello ${values.name}\n`);
    return ExitCode.ok;
  },
};

describe("tools/cli", () => {
  it("parses string and boolean options and runs the command", async () => {
    const io = capture();
    assert.equal(await runCommand(echo, ["--name", "ada", "--loud"], io), 0);
    assert.equal(io.out, "HELLO ADA\n");
  });

  it("prints --help with every option, the usage line and the shared exit codes, and exits 0", async () => {
    const io = capture();
    assert.equal(await runCommand(echo, ["--help"], io), 0);
    assert.match(io.out, /^echo: say a name\n\nusage: npm run echo -- --name <name> \[--loud\]\n/);
    assert.match(io.out, /^ {2}--name <name> {2}who to greet$/m);
    assert.match(io.out, /^ {2}--loud +shout$/m);
    assert.match(io.out, /^ {2}-h, --help +show this help and exit$/m);
    assert.match(io.out, /exit codes: 0 ok; 1 a check failed/);
    assert.equal(io.err, "");
  });

  it("exits 2 with the usage line on an unknown option or a missing value", async () => {
    for (const argv of [["--nmae", "ada"], ["--name"], ["stray"]]) {
      const io = capture();
      assert.equal(await runCommand(echo, argv, io), ExitCode.configError, argv.join(" "));
      assert.match(io.err, /^echo: .+\nusage: npm run echo -- --name <name> \[--loud\]\n$/);
    }
  });

  it("exits 2 on an input error with its message alone, and 1 with a stack on anything else", async () => {
    const bad = capture();
    assert.equal(await runCommand(echo, ["--name", "bad"], bad), ExitCode.configError);
    assert.match(bad.err, /name: "bad" is not allowed/);
    assert.doesNotMatch(bad.err, /\n\s+at /);
    const crash = capture();
    assert.equal(await runCommand(echo, ["--name", "crash"], crash), ExitCode.failure);
    assert.match(crash.err, /^echo failed: Error: boom\n\s+at /);
  });

  it("gives synth and prove the same stack options and help", () => {
    for (const command of [synthCommand, proveCommand]) {
      const help = helpText(command);
      assert.match(help, /^ {2}-s, --stack <name> +read Pulumi\.<name>\.yaml/m);
      assert.match(help, /^ {2}--config-file <path> +read this stack file instead/m);
    }
    assert.match(helpText(synthCommand), /^ {2}--quiet +skip the summary; policy violations still print$/m);
  });

  it("synth --quiet still prints mandatory policy violations and exits 1", async () => {
    const io = capture();
    const code = await runSynth(["--config-file", "tests/fixtures/policypack-bad-stack.yaml", "--quiet"], io);
    assert.equal(code, ExitCode.failure, io.err);
    assert.doesNotMatch(io.out, /^Integration /m, "the summary is hidden");
    assert.match(io.out, /^Policy MANDATORY no-public-principals on \S+: /m);
  });

  it("synth --quiet prints nothing for a clean stack and exits 0", async () => {
    const io = capture();
    assert.equal(await runSynth(["--stack", "dev", "--quiet"], io), ExitCode.ok, io.err);
    assert.equal(io.out, "");
  });
});

describe("stacks, deployer-policy and access-diff run on the shared runner", () => {
  // Each tool's bad usages: an unknown option, a stray positional, a missing value or a missing required option.
  const tools: { command: Command<OptionSpecs, never>; usage: RegExp; bad: string[][] }[] = [
    { command: stacksCommand as Command<OptionSpecs, never>, usage: /\[--examples\]/, bad: [["--example"], ["dev"]] },
    {
      command: deployerPolicyCommand as Command<OptionSpecs, never>,
      usage: /\(--stack <name> \| --config-file <path>\) \[--read-only\]/,
      bad: [[], ["--read-only"], ["--stack"], ["--stack", "dev", "--readonly"]],
    },
    {
      command: accessDiffCommand as Command<OptionSpecs, never>,
      usage: /--head <file> \(--base <file> \| --base-ref <ref>\)/,
      bad: [[], ["--head", "a.yaml"], ["--head", "a.json", "--base-ref", "HEAD"], ["--head", "a.yaml", "--bsae", "b"]],
    },
  ];
  for (const { command, usage, bad } of tools) {
    it(`${command.name} --help prints its usage, options and the shared exit codes, and exits 0`, async () => {
      const io = capture();
      assert.equal(await runCommand(command, ["--help"], io), ExitCode.ok);
      assert.equal(io.out, helpText(command));
      assert.match(io.out, new RegExp(`^${command.name}: .+\\n\\nusage: npm run ${command.name} -- `));
      assert.match(io.out, usage);
      assert.match(io.out, /^ {2}-h, --help +show this help and exit$/m);
      assert.match(io.out, /exit codes: 0 ok; 1 a check failed or the command could not run; 2 bad usage/);
      assert.equal(io.err, "");
    });

    it(`${command.name} exits 2 on bad usage, with the usage line and no stack trace`, async () => {
      for (const argv of bad) {
        const io = capture();
        assert.equal(await runCommand(command, argv, io), ExitCode.configError, `${argv.join(" ")}: ${io.err}`);
        assert.match(io.err, new RegExp(`^${command.name}: .+\\nusage: npm run ${command.name} -- `), argv.join(" "));
        assert.doesNotMatch(io.err, /\n\s+at /);
        assert.equal(io.out, "");
      }
    });
  }

  it("exits with the runner's codes as a process: npm run stacks -- --help (0), --bogus (2)", function () {
    this.timeout(60000);
    const root = resolve(__dirname, "..", "..");
    const tsNode = resolve(root, "node_modules", ".bin", "ts-node");
    const run = (...args: string[]) =>
      spawnSync(tsNode, ["--transpile-only", "tools/stacks.ts", ...args], { cwd: root, encoding: "utf8" });
    const help = run("--help");
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^stacks: /);
    const bogus = run("--bogus");
    assert.equal(bogus.status, 2);
    assert.match(bogus.stderr, /^stacks: Unknown option '--bogus'/);
  });
});
