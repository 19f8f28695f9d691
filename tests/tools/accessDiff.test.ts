import { ownerKeyFor } from "../../model/sharedDocuments/ownership";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { stringify } from "yaml";
import type { PolicyDocument } from "../../model/policy/document";
import { accessDiff } from "../../tools/accessDiff";
import type { AccessChange } from "../../tools/accessDiff/access";
import { diffSides } from "../../tools/accessDiff/diff";
import { toJson, toMarkdown, type AccessDiff } from "../../tools/accessDiff/report";
import { stackFileSide, type AccessSide } from "../../tools/accessDiff/side";
import type { Render } from "../../tools/render";

type Raw = Record<string, unknown> & { integrations: Record<string, unknown>[] };

const aihubExternalId = "aihub-issued-external-id-0001";
const isahitExternalId = "a6fa9c7f-7f53-4a41-812d-a29f48288a94";
const datasetsKey = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function baseConfig(): Raw {
  return {
    accountId: "111122223333",
    integrations: [
      {
        name: "aquarium-labels",
        vendor: "aquarium",
        principal: "arn:aws:iam::123456789012:root",
        buckets: [{ name: "ground-truth-images", region: "us-west-2", prefix: "exports/images/" }],
      },
      {
        name: "deeplake-training",
        vendor: "deeplake",
        access: "read-write",
        buckets: [
          { name: "ml-datasets-dev", region: "us-east-1", prefix: "deeplake/" },
          { name: "ml-archive-dev", region: "us-east-1", prefix: "deeplake/" },
        ],
      },
      {
        name: "mlspace-shared",
        vendor: "mlspace",
        access: "read",
        principal: "444455556666",
        buckets: [{ name: "ml-datasets-dev", region: "us-east-1", prefix: "mlspace/" }],
        mlspace: { scope: "project", scopeName: "vision" },
      },
      {
        name: "isahit-annotation",
        vendor: "isahit",
        principal: "arn:aws:iam::999888496268:root",
        externalId: isahitExternalId,
        buckets: [{ name: "ground-truth-images", region: "us-west-2", prefix: "to-annotate/" }],
      },
      {
        name: "aihub-drive",
        vendor: "aihub",
        auth: "role",
        principal: "arn:aws:iam::777788889999:role/aihub-connector",
        externalId: aihubExternalId,
        buckets: [{ name: "ml-datasets-dev", region: "us-east-1", prefix: "aihub/" }],
      },
    ],
  };
}

function sideOf(raw: Raw, source: string): Promise<AccessSide> {
  const config = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [`vendor-access:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  return stackFileSide(
    {
      project: "vendor-access",
      stack: "dev",
      path: source,
      // Plain-data fixtures: an example stack, so plain-text ExternalIds are allowed.
      config: { "aws:region": "us-east-1", "vendor-access:example": "true", ...config },
      secretKeys: [],
      secretPaths: [],
      secretPlaceholders: [],
    },
    source,
  );
}

function integration(raw: Raw, name: string): Record<string, unknown> & { buckets: Record<string, unknown>[] } {
  return raw.integrations.find((i) => i.name === name) as Record<string, unknown> & {
    buckets: Record<string, unknown>[];
  };
}

/** Statements of every document reversed, with new Sids: the same grants, written differently. */
function reordered(render: Render): Render {
  const rewrite = (document: PolicyDocument): PolicyDocument => ({
    ...document,
    Statement: [...document.Statement]
      .reverse()
      .map((s, i) => ({ ...s, Sid: `Renamed${i}`, Action: [...s.Action].reverse() })),
  });
  return {
    ...render,
    integrations: [...render.integrations]
      .reverse()
      .map((i) => ({ ...i, permissionPolicies: i.permissionPolicies.map(rewrite).reverse() })),
    buckets: render.buckets.map((b) => ({
      ...b,
      policy: b.policy && rewrite(b.policy),
      accessPoints: b.accessPoints.map((a) => ({ ...a, policy: rewrite(a.policy) })),
    })),
  };
}

/** Every statement split into one statement per action and resource, spread over one policy each: another packing. */
function repacked(render: Render): Render {
  const split = (document: PolicyDocument) =>
    document.Statement.flatMap((s) =>
      s.Action.flatMap((action) =>
        (s.Resource ?? []).map((resource) => ({ ...s, Sid: undefined, Action: [action], Resource: [resource] })),
      ),
    );
  return {
    ...render,
    integrations: render.integrations.map((i) => ({
      ...i,
      permissionPolicies: i.permissionPolicies
        .flatMap(split)
        .map((s) => ({ Version: "2012-10-17" as const, Statement: [s] })),
    })),
    buckets: render.buckets.map((b) => ({ ...b, policy: b.policy && { ...b.policy, Statement: split(b.policy) } })),
  };
}

function has(changes: readonly AccessChange[], want: Partial<AccessChange>): boolean {
  return changes.some((c) => Object.entries(want).every(([k, v]) => c[k as keyof AccessChange] === v));
}

interface Case {
  name: string;
  /** Change the head's stack config, or (for rewrites that config cannot express) its render. */
  config?: (raw: Raw) => void;
  render?: (render: Render) => Render;
  verdict: AccessDiff["verdict"];
  check: (diff: AccessDiff) => void;
}

const cases: Case[] = [
  {
    name: "an added action: MLSpace read -> read-write adds object writes to the MLSpace account, nothing else",
    config: (raw) => (integration(raw, "mlspace-shared").access = "read-write"),
    verdict: "grants new access",
    check: (diff) => {
      const put = {
        integration: "mlspace-shared",
        principal: "arn:aws:iam::444455556666:root",
        action: "s3:PutObject",
      };
      assert.ok(
        has(diff.added, { ...put, resource: "arn:aws:s3:::ml-datasets-dev/mlspace/*", group: "ml-datasets-dev" }),
      );
      assert.ok(!has(diff.added, { ...put, resource: "arn:aws:s3:::ml-datasets-dev/aihub/*" }));
      assert.deepEqual(new Set(diff.added.map((c) => c.integration)), new Set(["mlspace-shared"]));
      assert.deepEqual([diff.removed, diff.trust, diff.cors], [[], [], []]);
    },
  },
  {
    name: "a removed bucket: Deep Lake loses ml-archive-dev, and only that",
    config: (raw) => integration(raw, "deeplake-training").buckets.splice(1, 1),
    verdict: "removes access",
    check: (diff) => {
      assert.deepEqual(diff.added, []);
      assert.deepEqual(new Set(diff.removed.map((c) => c.group)), new Set(["ml-archive-dev"]));
      for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
        assert.ok(has(diff.removed, { action, resource: "arn:aws:s3:::ml-archive-dev/deeplake/*" }), action);
      assert.ok(has(diff.removed, { action: "s3:ListBucket", condition: 's3:prefix "deeplake/"' }));
    },
  },
  {
    name: "a widened prefix: exports/images/ -> exports/ adds the rest of exports/, not the rest of the bucket",
    config: (raw) => (integration(raw, "aquarium-labels").buckets[0].prefix = "exports/"),
    verdict: "grants new access",
    check: (diff) => {
      assert.deepEqual(
        diff.added.map((c) => [c.integration, c.action, c.resource, c.condition]),
        [
          [
            "aquarium-labels",
            "s3:GetObject",
            "arn:aws:s3:::ground-truth-images/exports/*",
            "key not under exports/images/",
          ],
        ],
      );
      assert.deepEqual(diff.removed, []);
    },
  },
  {
    name: "a principal change: Isahit's account swapped, shown as trust, the role's access unchanged",
    config: (raw) => (integration(raw, "isahit-annotation").principal = "arn:aws:iam::090680223052:root"),
    verdict: "grants new access",
    check: (diff) => {
      assert.deepEqual([diff.added, diff.removed], [[], []]);
      assert.deepEqual(
        diff.trust.map((t) => [t.integration, t.change, t.principal, t.widens]),
        [
          ["isahit-annotation", "principal added", "arn:aws:iam::090680223052:root", true],
          ["isahit-annotation", "principal removed", "arn:aws:iam::999888496268:root", false],
        ],
      );
      assert.match(diff.trust[0].detail, /^sts:AssumeRole if StringEquals sts:ExternalId = <ExternalId>$/);
      // GitHub would take the marker for an HTML tag and hide it.
      assert.match(toMarkdown(diff), /sts:ExternalId = &lt;ExternalId&gt; \|/);
    },
  },
  {
    name: "a changed ExternalId: reported, its values never printed",
    config: (raw) => (integration(raw, "aihub-drive").externalId = "aihub-issued-external-id-0002"),
    verdict: "no access change",
    check: (diff) => {
      assert.deepEqual(
        diff.trust.map((t) => [t.integration, t.change, t.widens]),
        [["aihub-drive", "ExternalId changed", false]],
      );
      for (const text of [toMarkdown(diff), toJson(diff)])
        for (const value of [aihubExternalId, "aihub-issued-external-id-0002", isahitExternalId])
          assert.ok(!text.includes(value), `${value} printed`);
    },
  },
  {
    name: "an added CORS origin on Isahit's bucket",
    config: (raw) =>
      (integration(raw, "isahit-annotation").cors = {
        origins: ["https://lab.isahit.com", "https://work.isahit.com", "https://new.example.com"],
      }),
    verdict: "grants new access",
    check: (diff) => {
      assert.deepEqual(diff.cors, [
        {
          bucket: "ground-truth-images",
          rule: `isahit-annotation--${ownerKeyFor("organization", "vendor-access", "dev")}`,
          change: "origins added",
          values: ["https://new.example.com"],
          widens: true,
        },
      ]);
      assert.deepEqual([diff.added, diff.removed, diff.trust], [[], [], []]);
    },
  },
  {
    name: "a KMS key added: Deep Lake may use it via S3 in the bucket's region, for its prefix's objects only",
    config: (raw) => (integration(raw, "deeplake-training").buckets[0].kmsKeyArn = datasetsKey),
    verdict: "grants new access",
    check: (diff) => {
      const kms = diff.added.filter((c) => c.group === datasetsKey);
      // Only what S3 calls for SSE-KMS, only via S3 in us-east-1, only for objects under deeplake/.
      assert.deepEqual(
        kms.map((c) => [c.integration, c.action, c.condition]).sort(),
        ["kms:Decrypt", "kms:GenerateDataKey"].map((action) => [
          "deeplake-training",
          action,
          "via S3 (kms:ViaService s3.us-east-1.amazonaws.com) for arn:aws:s3:::ml-datasets-dev/deeplake/*",
        ]),
      );
      assert.deepEqual(
        diff.added.filter((c) => c.group !== datasetsKey),
        [],
      );
    },
  },
  {
    name: "an exclusive bucket's baseline: a TLS-only Deny changes nothing, an Allow for another account is flagged",
    config: (raw) =>
      Object.assign(integration(raw, "deeplake-training").buckets[1], {
        bucketPolicyMode: "exclusive",
        baselineStatements: [
          {
            Sid: "TlsOnly",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:*"],
            Resource: ["arn:aws:s3:::ml-archive-dev", "arn:aws:s3:::ml-archive-dev/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "PartnerRead",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::210987654321:root" },
            Action: ["s3:GetObject"],
            Resource: ["arn:aws:s3:::ml-archive-dev/shared/*"],
          },
        ],
      }),
    verdict: "grants new access",
    check: (diff) => {
      assert.deepEqual([diff.added, diff.removed], [[], []]);
      assert.deepEqual(
        diff.baselines.map((b) => [b.bucket, b.change, b.widens]),
        [
          ["ml-archive-dev", "baseline statement added", false],
          ["ml-archive-dev", "baseline statement added", true],
        ],
      );
      assert.match(diff.baselines[1].statement, /"Principal":\{"AWS":"arn:aws:iam::210987654321:root"\}/);
    },
  },
  {
    name: "a pure reordering: integrations, statements, actions reversed and Sids renamed",
    render: reordered,
    verdict: "no access change",
    check: (diff) =>
      assert.deepEqual([diff.added, diff.removed, diff.trust, diff.cors, diff.accessPoints], [[], [], [], [], []]),
  },
  {
    name: "a packing change: one statement per action and resource, one policy per statement",
    render: repacked,
    verdict: "no access change",
    check: (diff) => assert.deepEqual([diff.added, diff.removed, diff.trust], [[], [], []]),
  },
  {
    name: "an integration renamed: its grants removed under the old role and added under the new one",
    config: (raw) => (integration(raw, "aquarium-labels").name = "aquarium-exports"),
    verdict: "grants new access",
    check: (diff) => {
      const old = "arn:aws:iam::111122223333:role/aquarium-labels-dev";
      const renamed = "arn:aws:iam::111122223333:role/aquarium-exports-dev";
      const grant = { action: "s3:GetObject", resource: "arn:aws:s3:::ground-truth-images/exports/images/*" };
      assert.deepEqual(diff.removed, [
        {
          integration: "aquarium-labels",
          vendor: "aquarium",
          principal: old,
          ...grant,
          condition: "",
          group: "ground-truth-images",
        },
      ]);
      assert.deepEqual(diff.added, [
        {
          integration: "aquarium-exports",
          vendor: "aquarium",
          principal: renamed,
          ...grant,
          condition: "",
          group: "ground-truth-images",
        },
      ]);
      assert.deepEqual(
        diff.trust.map((t) => [t.integration, t.change]),
        [
          ["aquarium-labels", "principal removed"],
          ["aquarium-exports", "principal added"],
        ],
      );
    },
  },
];

describe("tools/accessDiff", () => {
  let base: AccessSide;
  before(async () => {
    base = await sideOf(baseConfig(), "base");
  });

  for (const c of cases)
    it(c.name, async () => {
      let head: AccessSide;
      if (c.config) {
        const raw = baseConfig();
        c.config(raw);
        head = await sideOf(raw, "head");
      } else head = { ...base, source: "head", render: c.render!(base.render) };
      const diff = await diffSides(base, head);
      assert.equal(diff.verdict, c.verdict);
      c.check(diff);
      assert.equal(toMarkdown(diff).split("\n")[0].includes(`: ${c.verdict}**`), true);
    });

  it("no change at all: identical sides, no simulator run for a request nothing names", async () => {
    const diff = await diffSides(base, base);
    assert.equal(diff.verdict, "no access change");
    assert.ok(diff.stats.requests > diff.stats.simulated && diff.stats.unmatched > 0);
  });
});

/** Runs the command as `npm run access-diff` does, capturing its output. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await accessDiff(argv, { write: (t) => (out += t), writeError: (t) => (err += t) });
  return { code, out, err };
}

function stackYaml(raw: Raw): string {
  return stringify({
    config: {
      "aws:region": "us-east-1",
      // Fixtures with plain-text ExternalIds: example stacks.
      "vendor-access:example": true,
      ...Object.fromEntries(Object.entries(raw).map(([k, v]) => [`vendor-access:${k}`, v])),
    },
  });
}

function git(dir: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], {
    cwd: dir,
    stdio: "ignore",
  });
}

describe("npm run access-diff: exit codes", () => {
  const dir = mkdtempSync(join(tmpdir(), "access-diff-test-"));
  const file = (name: string) => join(dir, name);
  let widened: Raw;

  before(async () => {
    const base = await sideOf(baseConfig(), "base");
    writeFileSync(file("base.json"), JSON.stringify(base.render));
    widened = baseConfig();
    integration(widened, "aquarium-labels").buckets[0].prefix = "exports/";
    writeFileSync(file("widened.json"), JSON.stringify((await sideOf(widened, "head")).render));
    const notResource = structuredClone(base.render);
    (notResource.integrations[0].permissionPolicies[0].Statement[0] as unknown as Record<string, unknown>).NotResource =
      ["*"];
    writeFileSync(file("not-resource.json"), JSON.stringify(notResource));
    writeFileSync(file("not-a-render.json"), JSON.stringify({ stack: "dev" }));
  });

  const cases: { name: string; argv: () => string[]; code: number; out?: RegExp; err?: RegExp }[] = [
    {
      name: "0: the same render on both sides",
      argv: () => ["--base", file("base.json"), "--head", file("base.json")],
      code: 0,
      out: /^\*\*Access diff for stack `dev`: no access change\*\*/,
    },
    {
      name: "3: the head grants new access",
      argv: () => ["--base", file("base.json"), "--head", file("widened.json")],
      code: 3,
      out: /: grants new access\*\*/,
    },
    {
      name: "0: the head only removes access",
      argv: () => ["--base", file("widened.json"), "--head", file("base.json")],
      code: 0,
      out: /: removes access\*\*/,
    },
    {
      name: "2: a stack file with config errors, every key path named, no stack trace",
      argv: () => ["--base", file("base.json"), "--head", "tests/fixtures/bad-config.yaml"],
      code: 2,
      err: /head tests\/fixtures\/bad-config.yaml: Invalid stack config[^]*integrations\[0\]\.buckets\[0\]\.name/,
    },
    { name: "2: no base given", argv: () => ["--head", file("base.json")], code: 2, err: /give --base, or --base-ref/ },
    {
      name: "2: an unknown option",
      argv: () => ["--head", file("base.json"), "--bsae", file("base.json")],
      code: 2,
      err: /Unknown option '--bsae'/,
    },
    {
      name: "2: a JSON file that is not a render",
      argv: () => ["--base", file("not-a-render.json"), "--head", file("base.json")],
      code: 2,
      err: /not a render written by `npm run synth -- --json` \(missing integrations, buckets, resources, accountId\)/,
    },
    {
      name: "1: a document the simulator cannot evaluate faithfully",
      argv: () => ["--base", file("base.json"), "--head", file("not-resource.json")],
      code: 1,
      err: /NotResource is not supported/,
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const { code, out, err } = await run(c.argv());
      assert.equal(code, c.code, err);
      if (c.out) assert.match(out, c.out);
      if (c.err) assert.match(err, c.err);
      if (c.code === 2) assert.doesNotMatch(err, /^\s+at /m);
    });

  it("writes the Markdown and the JSON it is asked for", async () => {
    const { code } = await run([
      "--base",
      file("base.json"),
      "--head",
      file("widened.json"),
      "--markdown",
      file("out.md"),
      "--json",
      file("out.json"),
    ]);
    assert.equal(code, 3);
    const json = JSON.parse(readFileSync(file("out.json"), "utf8")) as AccessDiff;
    assert.equal(json.verdict, "grants new access");
    assert.deepEqual(
      json.added.map((c) => [c.integration, c.vendor, c.principal, c.action, c.resource]),
      [
        [
          "aquarium-labels",
          "aquarium",
          "arn:aws:iam::111122223333:role/aquarium-labels-dev",
          "s3:GetObject",
          "arn:aws:s3:::ground-truth-images/exports/*",
        ],
      ],
    );
    assert.match(
      readFileSync(file("out.md"), "utf8"),
      /^\*\*Access diff for stack `dev`: grants new access\*\* \(1 grant added, 0 removed/,
    );
  });

  it("--base-ref reads the base stack file from git; a stack file new at the head has an empty base", async () => {
    const repo = mkdtempSync(join(tmpdir(), "access-diff-git-"));
    git(repo, "init", "-q");
    // One integration is enough here: the engine's cases are above.
    const small = (raw: Raw): Raw => ({
      ...raw,
      integrations: [integration(raw, "aquarium-labels"), integration(raw, "aihub-drive")],
    });
    writeFileSync(join(repo, "Pulumi.dev.yaml"), stackYaml(small(baseConfig())));
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "base");
    writeFileSync(join(repo, "Pulumi.dev.yaml"), stackYaml(small(widened)));
    const changed = await run([
      "--base-ref",
      "HEAD",
      "--head",
      join(repo, "Pulumi.dev.yaml"),
      "--json",
      join(repo, "out.json"),
    ]);
    assert.equal(changed.code, 3, changed.err);
    assert.equal((JSON.parse(readFileSync(join(repo, "out.json"), "utf8")) as AccessDiff).added.length, 1);
    writeFileSync(join(repo, "Pulumi.new.yaml"), stackYaml(small(baseConfig())));
    const added = await run(["--base-ref", "HEAD", "--head", join(repo, "Pulumi.new.yaml")]);
    assert.equal(added.code, 3, added.err);
    assert.match(added.out, /base `HEAD:Pulumi\.new\.yaml \(absent: a new stack\)`/);

    // A base rendered elsewhere (by the base commit's code) hides ExternalIds; the stack file at the ref supplies them.
    writeFileSync(join(repo, "base.json"), JSON.stringify((await sideOf(small(baseConfig()), "base")).render));
    const rotated = small(baseConfig());
    integration(rotated, "aihub-drive").externalId = "aihub-issued-external-id-0002";
    writeFileSync(join(repo, "Pulumi.dev.yaml"), stackYaml(rotated));
    const trustOf = async (argv: string[]) => {
      const result = await run([...argv, "--head", join(repo, "Pulumi.dev.yaml"), "--json", join(repo, "out.json")]);
      assert.equal(result.code, 0, result.err);
      return (JSON.parse(readFileSync(join(repo, "out.json"), "utf8")) as AccessDiff).trust.map((t) => t.change);
    };
    assert.deepEqual(await trustOf(["--base-ref", "HEAD", "--base", join(repo, "base.json")]), ["ExternalId changed"]);
    assert.deepEqual(await trustOf(["--base", join(repo, "base.json")]), []);
    const badRef = await run(["--base-ref", "no-such-ref", "--head", join(repo, "Pulumi.dev.yaml")]);
    assert.equal(badRef.code, 2);
    assert.match(badRef.err, /no-such-ref is not a commit/);
  });
});
