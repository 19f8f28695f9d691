// The fault suite: writers as separate processes, each behind its own fault-injecting loopback proxy, against
// moto_server. Every scenario counts what the invariants forbid; the table at the end is printed from real runs.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { GetBucketPolicyCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import type { LiveStatement } from "../../model/sharedDocuments/merge";
import { ownerKeyFor } from "../../model/sharedDocuments/ownership";
import { sharedDocumentWriteLimits } from "../../model/limits";
import type { OwnedEntriesOptions } from "../../providers/ownedEntries";
import type { CoordinationBucket } from "../../providers/s3DocumentStores";
import { client, createBucket, getPolicy, localEndpoint, putPolicy } from "./localS3";
import { PolicyHistory, startFaultProxy, type FaultRule } from "./faults/faultProxy";
import type { WriterResult, WriterSpec } from "./faults/writer";
import { compileWriter } from "./faults/compileWriter";

/**
 * Waits sized for loopback: the visibility wait outlasts a held write (1.5 s) and the stale-read lag. The rounds are
 * production's (model/limits.ts): convergence is shown with the bound `up` runs with.
 */
const options: OwnedEntriesOptions = {
  maxAttempts: sharedDocumentWriteLimits.rounds,
  backoffMs: 30,
  settleMs: 400,
  visibilityWaitMs: 4000,
  principalWaitMs: 2000,
  pollMs: 25,
  connectTimeoutMs: 1000,
  requestTimeoutMs: 2500,
};

interface Row {
  scenario: string;
  runs: number;
  foreignLost: number;
  revocationsUndone: number;
  ownLost: number;
  errors: number;
}
const table = new Map<string, Row>();

/** Independent runs of a cheap scenario, each on its own bucket, side by side: three runs for the time of one. */
const cheapRuns = 3;
async function repeat<T>(runs: number, run: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: runs }, (_, index) => run(index)));
}
function record(scenario: string, outcome: Omit<Row, "scenario" | "runs">): void {
  const row = table.get(scenario) ?? { scenario, runs: 0, foreignLost: 0, revocationsUndone: 0, ownLost: 0, errors: 0 };
  row.runs += 1;
  row.foreignLost += outcome.foreignLost;
  row.revocationsUndone += outcome.revocationsUndone;
  row.ownLost += outcome.ownLost;
  row.errors += outcome.errors;
  table.set(scenario, row);
}

const keyOf = (project: string, stack: string) => ownerKeyFor("acme", project, stack);
function statement(bucket: string, integration: string, ownerKey: string, name = "ObjectAccess"): LiveStatement {
  return {
    Sid: `${integration}--${ownerKey}--${name}`,
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::123456789012:root" },
    Action: ["s3:GetObject"],
    Resource: [`arn:aws:s3:::${bucket}/${integration}/*`],
  };
}
const customer = (bucket: string): LiveStatement[] => [
  {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  },
  {
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: `arn:aws:s3:::${bucket}/logs/*`,
  },
];

/** One writer process behind its own proxy; resolves with what it printed. */
async function runWriter(spec: WriterSpec, faults: FaultRule[], history?: PolicyHistory, staleReadMs = 0) {
  const proxy = await startFaultProxy(localEndpoint(), { history, staleReadMs });
  faults.forEach((f) => proxy.inject(f));
  const child = spawn(process.execPath, [writerScript], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_S3: proxy.endpoint,
      AWS_ENDPOINT_URL: proxy.endpoint,
      FAULT_WRITER_SPEC: JSON.stringify(spec),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  await new Promise<void>((resolve) => child.on("exit", () => resolve()));
  await proxy.close();
  const line = out.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as WriterResult;
  } catch {
    return { ok: false, error: `writer printed no result: ${out.slice(-300)}` } as WriterResult;
  }
}

interface Writer {
  ownerKey: string;
  integration: string;
  /** Create these statements, or revoke (delete) the ones state holds. */
  action: "create" | "revoke";
  faults?: FaultRule[];
  /** Start this much later than the others. */
  delayMs?: number;
}

/** Start writers together (as processes) on a bucket that holds the customer's statements and the revoked owners'. */
async function race(
  scenario: string,
  writers: Writer[],
  coordination?: CoordinationBucket,
  staleReadMs = 0,
  writerOptions: OwnedEntriesOptions = options,
) {
  const bucket = await createBucket("faults");
  const own = (w: Writer) => [statement(bucket, w.integration, w.ownerKey)];
  const initial = [...customer(bucket), ...writers.filter((w) => w.action === "revoke").flatMap(own)];
  await putPolicy(bucket, { Version: "2012-10-17", Statement: initial });
  const history = new PolicyHistory();
  // Head start for the processes to load; separate processes then race from one instant.
  const startAt = Date.now() + 1000 + writers.length * 75;
  const results = await Promise.all(
    writers.map((w) =>
      runWriter(
        {
          bucket,
          ownerKey: w.ownerKey,
          ...(w.action === "revoke" ? { previous: own(w) } : {}),
          desired: w.action === "create" ? own(w) : [],
          ...(coordination ? { coordination } : {}),
          options: writerOptions,
          startAt: startAt + (w.delayMs ?? 0),
        },
        w.faults ?? [],
        history,
        staleReadMs,
      ),
    ),
  );
  const final = ((await getPolicy(bucket))?.Statement ?? []) as LiveStatement[];
  const present = new Set(final.map((s) => JSON.stringify(s.Sid ?? s)));
  const has = (s: LiveStatement) => present.has(JSON.stringify(s.Sid ?? s));
  const outcome = {
    foreignLost: customer(bucket).filter((s) => !has(s)).length,
    revocationsUndone: writers.filter((w, i) => w.action === "revoke" && results[i].ok && own(w).some(has)).length,
    ownLost: writers.filter((w, i) => w.action === "create" && results[i].ok && !own(w).every(has)).length,
    errors: results.filter((r) => !r.ok).length,
  };
  for (const r of results.filter((r) => !r.ok)) assert.match(r.error ?? "", /\S/, "a failure says what happened");
  record(scenario, outcome);
  return { outcome, results };
}

/** The foreign tool's grants in the policy at any time: it adds one and removes its oldest, so the policy stays small. */
const foreignGrantsKept = 6;

const slowdownTwice: FaultRule = { method: "PUT", subresource: "policy", fault: { kind: "slowdown" }, times: 2 };
const holdPut: FaultRule = { method: "PUT", subresource: "policy", fault: { kind: "hold", ms: 1500 }, times: 1 };

let coordination: CoordinationBucket;
let writerScript: string;
before(async function () {
  this.timeout(60000);
  coordination = { bucket: await createBucket("coordination"), region: "us-east-1" };
  writerScript = compileWriter(
    path.join(__dirname, "..", "..", "node_modules", ".cache", "vendor-access-fault-writer"),
  );
});

after(() => {
  const rows = [...table.values()];
  const header = [
    "scenario",
    "runs",
    "foreign entries lost",
    "revocations undone",
    "own entries lost",
    "errors surfaced",
  ];
  const lines = [
    header,
    ...rows.map((r) => [r.scenario, r.runs, r.foreignLost, r.revocationsUndone, r.ownLost, r.errors].map(String)),
  ];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const render = (l: string[]) => `| ${l.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  process.stdout.write(
    `\nFault suite results (copy from a real run):\n${[render(lines[0]), render(widths.map((w) => "-".repeat(w))), ...lines.slice(1).map(render)].join("\n")}\n`,
  );
});

for (const mode of ["uncoordinated", "coordinated"] as const) {
  const ledger = () => (mode === "coordinated" ? coordination : undefined);
  describe(`fault suite (${mode}): concurrent writers as separate processes`, () => {
    for (const [count, runs] of [
      [2, cheapRuns],
      [5, 1],
      [20, 1],
    ] as const) {
      it(`${count} writers creating at once`, async function () {
        this.timeout(240000);
        await repeat(runs, async () => {
          const writers: Writer[] = Array.from({ length: count }, (_, i) => ({
            ownerKey: keyOf("vendor-access", `stack${i}`),
            integration: `vendor${i}`,
            action: "create",
          }));
          const { outcome } = await race(`${count} concurrent writers, ${mode}`, writers, ledger());
          assert.equal(outcome.foreignLost, 0);
          if (mode === "coordinated") assert.equal(outcome.ownLost, 0);
        });
      });
    }
  });

  // Uncoordinated, a revocation can come back (docs/shared-buckets.md): the suite counts it and asserts nothing is lost.
  const keeps =
    mode === "coordinated" ? "keeps the revocation" : "loses no foreign entry (revocations undone are counted)";

  describe(`fault suite (${mode}): a revocation racing a late writer`, () => {
    for (const [label, fault] of [
      ["two 503 SlowDown on the late PUT", slowdownTwice],
      ["late PUT held 1.5 s before it lands", holdPut],
    ] as const) {
      it(`${keeps} when the other writer's ${label}`, async function () {
        this.timeout(240000);
        await repeat(cheapRuns, async () => {
          const { outcome } = await race(
            `revoke vs late writer (${label}), ${mode}`,
            [
              { ownerKey: keyOf("vendor-access", "prod"), integration: "mlspace", action: "revoke", delayMs: 100 },
              { ownerKey: keyOf("vendor-access", "dev"), integration: "aihub", action: "create", faults: [fault] },
            ],
            ledger(),
          );
          assert.equal(outcome.foreignLost, 0);
          if (mode === "coordinated") assert.deepEqual([outcome.revocationsUndone, outcome.ownLost], [0, 0]);
        });
      });
    }

    it(`${keeps} under stale bucket-policy reads (reads lag writes by 1 s)`, async function () {
      this.timeout(240000);
      await repeat(cheapRuns, async () => {
        const { outcome } = await race(
          `revoke vs writer, stale reads (1 s lag), ${mode}`,
          [
            { ownerKey: keyOf("vendor-access", "prod"), integration: "mlspace", action: "revoke" },
            { ownerKey: keyOf("vendor-access", "dev"), integration: "aihub", action: "create", delayMs: 300 },
          ],
          ledger(),
          1000,
        );
        assert.equal(outcome.foreignLost, 0);
        if (mode === "coordinated") assert.deepEqual([outcome.revocationsUndone, outcome.ownLost], [0, 0]);
      });
    });
  });
}

describe("fault suite: faults on our own write", () => {
  for (const [label, rule] of [
    [
      "500 after the write landed",
      { method: "PUT", subresource: "policy", fault: { kind: "error500AfterWrite" }, times: 1 },
    ],
    [
      "connection reset after the write landed",
      { method: "PUT", subresource: "policy", fault: { kind: "resetAfterWrite" }, times: 1 },
    ],
  ] as const) {
    it(`converges after ${label}`, async function () {
      this.timeout(120000);
      const runs = [undefined, coordination].flatMap((ledger) => Array.from({ length: cheapRuns }, () => ledger));
      await repeat(runs.length, async (index) => {
        const ledger = runs[index];
        const { outcome, results } = await race(
          `own write: ${label}, ${ledger ? "coordinated" : "uncoordinated"}`,
          [
            {
              ownerKey: keyOf("vendor-access", "dev"),
              integration: "aihub",
              action: "create",
              faults: [rule as FaultRule],
            },
          ],
          ledger,
        );
        assert.deepEqual(
          outcome,
          { foreignLost: 0, revocationsUndone: 0, ownLost: 0, errors: 0 },
          JSON.stringify(results),
        );
      });
    });
  }
});

describe("fault suite: an endpoint that never answers (the proxy accepts each request and never replies)", () => {
  // Short timeouts for the test, so that it takes seconds; production's are in defaultOwnedEntriesOptions.
  const hangOptions: OwnedEntriesOptions = { ...options, maxAttempts: 3, connectTimeoutMs: 300, requestTimeoutMs: 300 };
  const everyRequest: FaultRule = { method: "*", subresource: "*", fault: { kind: "hang" }, times: 1_000_000 };
  // Every read: the SDK's 3 attempts, each cut by the request timeout, and its own backoff; then our backoff.
  const boundMs = hangOptions.maxAttempts * (3 * hangOptions.requestTimeoutMs + 2000) + 5000;

  for (const ledger of [undefined, "coordinated"] as const) {
    const mode = ledger ? "coordinated" : "uncoordinated";
    it(`fails within a bounded time with a clear message, having written nothing (${mode})`, async function () {
      this.timeout(120000);
      await repeat(cheapRuns, async () => {
        const bucket = await createBucket("never-answers");
        const revoked = statement(bucket, "mlspace", keyOf("vendor-access", "prod"));
        const before = { Version: "2012-10-17", Statement: [...customer(bucket), revoked] };
        await putPolicy(bucket, before);
        const started = Date.now();
        const result = await runWriter(
          {
            bucket,
            ownerKey: keyOf("vendor-access", "dev"),
            desired: [statement(bucket, "aihub", keyOf("vendor-access", "dev"))],
            ...(ledger ? { coordination } : {}),
            options: hangOptions,
            startAt: 0,
          },
          [everyRequest],
        );
        const elapsed = Date.now() - started;
        const final = await getPolicy(bucket);
        record(`endpoint that never answers (every request), ${mode}`, {
          foreignLost: customer(bucket).filter((c) => !final?.Statement.some((s) => s.Sid === c.Sid)).length,
          revocationsUndone: 0,
          ownLost: 0,
          errors: result.ok ? 0 : 1,
        });
        assert.equal(result.ok, false);
        assert.equal(result.errorName, "SharedDocumentWriteError");
        assert.match(
          result.error!,
          new RegExp(
            `^bucket policy of ${bucket} \\(us-east-1\\): gave up after ${hangOptions.maxAttempts} attempts \\(Get(BucketPolicy|Object) .*failed for bucket .*: TimeoutError, no answer in time, the request was abandoned \\(a request has exceeded the configured 300 ms requestTimeout\\.\\)\\)\\. Nothing of ours was written\\.$`,
          ),
        );
        assert.ok(elapsed < boundMs, `took ${elapsed} ms, bound ${boundMs} ms`);
        assert.ok(elapsed >= hangOptions.maxAttempts * hangOptions.requestTimeoutMs, `took only ${elapsed} ms`);
        assert.deepEqual(final, before, "nothing was written");
      });
    });

    it(`keeps the revocation and every foreign statement when the late writer's PUT lands and is never answered (${mode})`, async function () {
      this.timeout(120000);
      await repeat(cheapRuns, async () => {
        const { outcome, results } = await race(
          `revoke vs late writer (PUT lands, never answered), ${mode}`,
          [
            { ownerKey: keyOf("vendor-access", "prod"), integration: "mlspace", action: "revoke", delayMs: 100 },
            {
              ownerKey: keyOf("vendor-access", "dev"),
              integration: "aihub",
              action: "create",
              faults: [{ method: "PUT", subresource: "policy", fault: { kind: "hangAfterWrite" }, times: 1 }],
            },
          ],
          ledger ? coordination : undefined,
          0,
          hangOptions,
        );
        assert.equal(outcome.foreignLost, 0, JSON.stringify(results));
        if (ledger) assert.deepEqual([outcome.revocationsUndone, outcome.ownLost, outcome.errors], [0, 0, 0]);
      });
    });
  }
});

describe("fault suite: a foreign tool doing its own read-modify-write every ~45 ms", () => {
  it("counts what it loses to ours while three writers create and revoke; each writer converges or says why not", async function () {
    this.timeout(240000);
    for (const ledger of [undefined, coordination])
      await repeat(cheapRuns, async () => {
        const scenario = `foreign read-modify-write every 45 ms, ${ledger ? "coordinated" : "uncoordinated"}`;
        const bucket = await createBucket("foreign-rmw");
        const revoked = { ownerKey: keyOf("vendor-access", "prod"), integration: "mlspace" };
        await putPolicy(bucket, {
          Version: "2012-10-17",
          Statement: [...customer(bucket), statement(bucket, revoked.integration, revoked.ownerKey)],
        });
        const s3 = client();
        // The tool keeps its last few grants, as a console user adding and removing access would: what it believes it
        // holds is every grant it added and has not removed itself; what it removed must stay removed.
        const holds: string[] = [];
        const removed: string[] = [];
        const writeTimes: number[] = [];
        let stop = false;
        const foreign = (async () => {
          for (let i = 0; !stop && i < 1000; i++) {
            const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!);
            const sid = `ConsoleGrant${i}`;
            const dropped = holds.length >= foreignGrantsKept ? holds[0] : undefined;
            policy.Statement = policy.Statement.filter((s: LiveStatement) => s.Sid !== dropped);
            policy.Statement.push({
              Sid: sid,
              Effect: "Allow",
              Principal: { AWS: "arn:aws:iam::210987654321:root" },
              Action: "s3:GetObject",
              Resource: `arn:aws:s3:::${bucket}/console/${i}/*`,
            });
            await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
            writeTimes.push(Date.now());
            holds.push(sid);
            if (dropped) removed.push(holds.shift()!);
            await new Promise((r) => setTimeout(r, 45));
          }
        })();
        const startAt = Date.now() + 1500;
        const spec = (ownerKey: string, integration: string, create: boolean): WriterSpec => ({
          bucket,
          ownerKey,
          ...(create ? {} : { previous: [statement(bucket, integration, ownerKey)] }),
          desired: create ? [statement(bucket, integration, ownerKey)] : [],
          ...(ledger ? { coordination: ledger } : {}),
          options,
          startAt,
        });
        const creators = [keyOf("vendor-access", "dev"), keyOf("vendor-access", "staging")];
        const results = await Promise.all([
          ...creators.map((k, i) => runWriter(spec(k, `vendor${i}`, true), [])),
          runWriter(spec(revoked.ownerKey, revoked.integration, false), []),
        ]);
        const finishedAt = Date.now();
        stop = true;
        await foreign;
        s3.destroy();
        const final = ((await getPolicy(bucket))?.Statement ?? []) as LiveStatement[];
        const sids = new Set(final.map((s) => s.Sid));
        const outcome = {
          // A foreign grant lost, or one the tool removed written back: either way its change was undone.
          foreignLost:
            holds.filter((sid) => !sids.has(sid)).length +
            removed.filter((sid) => sids.has(sid)).length +
            customer(bucket).filter((c) => c.Sid && !sids.has(c.Sid)).length,
          revocationsUndone:
            results[2].ok && sids.has(statement(bucket, revoked.integration, revoked.ownerKey).Sid) ? 1 : 0,
          ownLost: creators.filter((k, i) => results[i].ok && !sids.has(statement(bucket, `vendor${i}`, k).Sid)).length,
          errors: results.filter((r) => !r.ok).length,
        };
        record(scenario, outcome);
        // Each writer converges, or stops saying exactly why: the tool rewrites the policy faster than a round.
        for (const failed of results.filter((r) => !r.ok)) {
          assert.equal(failed.errorName, "DocumentKeepsChangingError", failed.error);
          assert.match(failed.error!, /another writer changed it while we wrote, in each of 8 rounds/);
          assert.match(failed.error!, /no conditional write \(compare-and-swap\)/);
        }
        // The scenario means something only if the tool was writing while ours were.
        const during = writeTimes.filter((t) => t >= startAt && t <= finishedAt).length;
        assert.ok(during > 0, `the foreign tool wrote ${writeTimes.length} times, none while our writers ran`);
      });
  });
});

describe("fault suite: ownership", () => {
  it("two projects with the same integration and stack names keep separate statements", async function () {
    this.timeout(120000);
    const bucket = await createBucket("two-projects");
    await putPolicy(bucket, { Version: "2012-10-17", Statement: customer(bucket) });
    const a = keyOf("project-a", "dev");
    const b = keyOf("project-b", "dev");
    assert.notEqual(a, b);
    const write = (ownerKey: string, create: boolean) =>
      runWriter(
        {
          bucket,
          ownerKey,
          ...(create ? {} : { previous: [statement(bucket, "mlspace-shared", ownerKey)] }),
          desired: create ? [statement(bucket, "mlspace-shared", ownerKey)] : [],
          options,
          startAt: 0,
        },
        [],
      );
    const results = [await write(a, true), await write(b, true), await write(b, false)];
    const sids = ((await getPolicy(bucket))?.Statement ?? []).map((s) => s.Sid);
    const outcome = {
      foreignLost: customer(bucket).filter((c) => c.Sid && !sids.includes(c.Sid)).length,
      revocationsUndone: sids.includes(statement(bucket, "mlspace-shared", b).Sid) ? 1 : 0,
      ownLost: sids.includes(statement(bucket, "mlspace-shared", a).Sid) ? 0 : 1,
      errors: results.filter((r) => !r.ok).length,
    };
    record("two projects, same integration and stack names", outcome);
    assert.deepEqual(outcome, { foreignLost: 0, revocationsUndone: 0, ownLost: 0, errors: 0 });
  });

  it("refuses to touch a foreign statement under our owner key, and says so", async function () {
    this.timeout(120000);
    const bucket = await createBucket("planted");
    const ownerKey = keyOf("vendor-access", "dev");
    const planted = {
      ...statement(bucket, "cotenant", ownerKey, "Planted"),
      Principal: { AWS: "arn:aws:iam::210987654321:root" },
    };
    await putPolicy(bucket, { Version: "2012-10-17", Statement: [...customer(bucket), planted] });
    const result = await runWriter(
      { bucket, ownerKey, desired: [statement(bucket, "mlspace-shared", ownerKey)], options, startAt: 0 },
      [],
    );
    const final = ((await getPolicy(bucket))?.Statement ?? []) as LiveStatement[];
    record("foreign statement under our owner key", {
      foreignLost: [...customer(bucket), planted].filter(
        (c) => !final.some((s) => JSON.stringify(s) === JSON.stringify(c)),
      ).length,
      revocationsUndone: 0,
      ownLost: 0,
      errors: result.ok ? 0 : 1,
    });
    assert.equal(result.errorName, "OwnershipConflictError");
    assert.match(
      result.error!,
      new RegExp(
        `statement cotenant--${ownerKey}--Planted carries this stack's owner key but this stack never wrote it`,
      ),
    );
    assert.deepEqual(final, [...customer(bucket), planted], "nothing was written");
  });
});
