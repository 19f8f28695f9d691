import * as assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  permissions?: unknown;
  environment?: unknown;
  steps?: Step[];
  [key: string]: unknown;
}
interface Workflow {
  permissions?: unknown;
  jobs: Record<string, Job>;
}

const directory = resolve(__dirname, "../../.github/workflows");
const files = readdirSync(directory).filter((file) => /\.ya?ml$/.test(file));
const workflows = Object.fromEntries(
  files.map((file) => [file, parse(readFileSync(join(directory, file), "utf8"), { prettyErrors: true }) as Workflow]),
);
const text = (value: unknown) => JSON.stringify(value);
const allJobs = Object.entries(workflows).flatMap(([file, workflow]) =>
  Object.entries(workflow.jobs).map(([name, job]) => ({ where: `${file} ${name}`, job })),
);
const steps = allJobs.flatMap(({ where, job }) => (job.steps ?? []).map((step) => ({ where, step })));

describe(".github/workflows", () => {
  it("are valid YAML, each with jobs", () => {
    assert.deepEqual(files.sort(), ["main.yml", "pull-request.yml"]);
    for (const [file, workflow] of Object.entries(workflows))
      assert.ok(Object.keys(workflow.jobs ?? {}).length > 0, `${file} has no jobs`);
  });

  it("grant nothing by default and declare permissions on every job", () => {
    for (const [file, workflow] of Object.entries(workflows)) assert.deepEqual(workflow.permissions, {}, file);
    for (const { where, job } of allJobs) assert.ok(job.permissions !== undefined, `${where} declares no permissions`);
    const writes = allJobs.flatMap(({ where, job }) =>
      Object.entries(job.permissions as Record<string, string>)
        .filter(([, level]) => level === "write")
        .map(([scope]) => `${where}: ${scope}`),
    );
    assert.deepEqual(writes, [
      "main.yml up: id-token",
      "pull-request.yml access-diff: pull-requests",
      "pull-request.yml preview: id-token",
    ]);
  });

  it("pin every action to a full commit SHA, with its exact release tag in a trailing comment", () => {
    const uses = steps.filter(({ step }) => step.uses).map(({ where, step }) => `${where}: ${step.uses}`);
    assert.ok(uses.length > 0);
    for (const use of uses) assert.match(use, /@[0-9a-f]{40}$/, `${use}: a tag can be moved, a commit cannot`);
    // The parser drops comments, so the tag is read from the lines themselves: one pinned line per parsed step.
    const lines = files.flatMap((file) =>
      readFileSync(join(directory, file), "utf8")
        .split("\n")
        .filter((line) => /^\s*(- )?uses:/.test(line))
        .map((line) => ({ file, line: line.trim() })),
    );
    assert.equal(lines.length, uses.length);
    const tagOf = new Map<string, string>();
    for (const { file, line } of lines) {
      const pin = /^(?:- )?uses: ([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line);
      assert.ok(pin, `${file}: ${line} is not "uses: <owner>/<repo>@<40-hex commit> # v<major>.<minor>.<patch>"`);
      const [, action, sha, tag] = pin;
      // One commit per action and tag across the workflows, so an upgrade cannot leave a stale copy behind.
      const seen = tagOf.get(`${action}@${sha}`) ?? tagOf.get(`${action}#${tag}`);
      assert.ok(
        seen === undefined || seen === `${sha} ${tag}`,
        `${file}: ${action} pinned as ${sha} ${tag} and ${seen}`,
      );
      tagOf.set(`${action}@${sha}`, `${sha} ${tag}`);
      tagOf.set(`${action}#${tag}`, `${sha} ${tag}`);
    }
  });

  it("run Node 24 wherever they set up Node", () => {
    const nodes = steps.filter(({ step }) => step.uses?.startsWith("actions/setup-node@"));
    assert.equal(nodes.length, 5);
    for (const { where, step } of nodes) assert.equal(step.with?.["node-version"], 24, where);
  });

  it("never give a preview the deploy role, and never use a passphrase anywhere", () => {
    const preview = workflows["pull-request.yml"].jobs.preview;
    assert.doesNotMatch(text(preview), /AWS_DEPLOY_ROLE_ARN|PULUMI_CONFIG_PASSPHRASE|secrets\.PULUMI_ACCESS_TOKEN/);
    assert.match(text(preview), /vars\.AWS_PREVIEW_ROLE_ARN/);
    assert.equal(preview.environment, "${{ matrix.stack }}-preview");
    for (const [file, workflow] of Object.entries(workflows))
      assert.doesNotMatch(text(workflow), /PASSPHRASE/, `${file} mentions a passphrase`);
    assert.doesNotMatch(text(workflows["pull-request.yml"]), /AWS_DEPLOY_ROLE_ARN|\bup\b --/);
  });

  it("update each real stack in its own environment, creating it on first use, with refresh", () => {
    const up = workflows["main.yml"].jobs.up;
    assert.equal(up.environment, "${{ matrix.stack }}");
    assert.match(text(up), /vars\.AWS_DEPLOY_ROLE_ARN/);
    const commands = (up.steps ?? []).map((step) => step.run ?? "").join("\n");
    assert.match(commands, /pulumi stack select --create "\$STACK" --secrets-provider "\$SECRETS_PROVIDER"/);
    assert.match(commands, /pulumi up --stack "\$STACK" --yes --refresh/);
    assert.match(commands, /--policy-pack policypack/);
  });

  it("list only real stacks, and run the example consumer, the moto suite, synth and prove on every stack file", () => {
    for (const file of ["main.yml", "pull-request.yml"]) {
      const commands = (workflows[file].jobs.test.steps ?? []).map((step) => step.run ?? "").join("\n");
      for (const expected of [
        "npm test",
        "npm run test:example",
        "npm run test:integration",
        "for file in Pulumi.*.yaml",
        'npm run synth -- --config-file "$file"',
        'npm run prove -- --config-file "$file"',
        "npm run --silent stacks",
      ])
        assert.ok(commands.includes(expected), `${file} test job lacks ${expected}`);
    }
  });

  it("put no expression inside a script, where a value could inject shell code", () => {
    const scripts = steps.filter(({ step }) => step.run?.includes("${{"));
    assert.deepEqual(
      scripts.map(({ where, step }) => `${where}: ${step.run}`),
      [],
    );
  });
});
