// The owned-entries write against in-memory stores: faults injected at the store, so every branch is forced.
import * as assert from "node:assert/strict";
import type { CoordinationLedger, DocumentStore, LedgerRecord } from "../../model/sharedDocuments/documentStore";
import { bucketCorsFormat } from "../../model/sharedDocuments/formats";
import type { LiveCorsRule } from "../../model/sharedDocuments/merge";
import { sharedDocumentWriteLimits } from "../../model/limits";
import { ownedEntriesVersion } from "../../model/sharedDocuments/ownership";
import { writeOwnedEntries, type OwnedEntriesOptions } from "../../providers/ownedEntries";

const fast: OwnedEntriesOptions = {
  maxAttempts: 5,
  backoffMs: 0,
  settleMs: 0,
  visibilityWaitMs: 30,
  principalWaitMs: 50,
  pollMs: 1,
  connectTimeoutMs: 100,
  requestTimeoutMs: 100,
};
const key = "0a1b2c3d4e";
const format = bucketCorsFormat("data");
const rule = (id: string, origin = "https://a.example.com"): LiveCorsRule => ({
  ID: id,
  AllowedMethods: ["GET"],
  AllowedOrigins: [origin],
});
const foreign = rule("website", "https://www.example.com");
const ours = rule(`isahit--${key}`);

/** An HTTP-shaped error, as the SDK throws it. */
const httpError = (name: string, status: number, message = name) =>
  Object.assign(new Error(message), { name, code: name, $metadata: { httpStatusCode: status } });

function memoryStore(initial: LiveCorsRule[] | undefined) {
  let doc = initial;
  const log: string[] = [];
  const faults: ((next: LiveCorsRule[] | undefined) => void)[] = [];
  const store: DocumentStore<LiveCorsRule[]> = {
    subject: "CORS configuration of data",
    ledgerKey: "s3/bucket-cors/data",
    read: async () => doc && doc.map((r) => ({ ...r })),
    write: async (next) => {
      log.push("write");
      const fault = faults.shift();
      if (fault) return fault(next);
      doc = next;
    },
    remove: async () => {
      log.push("remove");
      doc = undefined;
    },
    isPropagationDelay: (error) => /Invalid principal/.test(String((error as Error).message)),
  };
  return { store, log, faults, set: (d: LiveCorsRule[] | undefined) => (doc = d), get: () => doc };
}

function memoryLedger(): CoordinationLedger & { record: () => LedgerRecord | undefined } {
  let record: LedgerRecord | undefined;
  let tag = 0;
  return {
    where: "memory",
    record: () => record,
    read: async () => (record ? { record, tag: String(tag) } : { record: { seq: 0, claimant: "" } }),
    claim: async (_key, expected, next) => {
      if ((record ? String(tag) : undefined) !== expected) return false;
      record = next;
      tag++;
      return true;
    },
  };
}

const request = (desired: LiveCorsRule[], previous: LiveCorsRule[] | undefined = []) => ({
  ownerKey: key,
  previous,
  desired,
  legacy: [],
});

describe("providers/ownedEntries: writeOwnedEntries", () => {
  it("adds ours beside the foreign rules, once, and reads it back", async () => {
    const memory = memoryStore([foreign]);
    const result = await writeOwnedEntries({ format, store: memory.store }, request([ours]), fast);
    assert.deepEqual(memory.get(), [foreign, ours]);
    assert.deepEqual(memory.log, ["write"]);
    assert.equal(result.wrote, true);
  });

  it("writes nothing when the document already holds ours", async () => {
    const memory = memoryStore([foreign, ours]);
    const result = await writeOwnedEntries({ format, store: memory.store }, request([ours], [ours]), fast);
    assert.deepEqual(memory.log, []);
    assert.equal(result.wrote, false);
  });

  it("deletes the document only when ours were all it held", async () => {
    const memory = memoryStore([ours]);
    await writeOwnedEntries({ format, store: memory.store }, request([], [ours]), fast);
    assert.deepEqual(memory.log, ["remove"]);
    assert.equal(memory.get(), undefined);
  });

  it("goes back through the read after a refused write (503 SlowDown): the resent body includes what changed", async () => {
    const memory = memoryStore([foreign]);
    const late = rule("added-by-console", "https://late.example.com");
    memory.faults.push(() => {
      // The console adds a rule while our write is refused: the retry must keep it.
      memory.set([foreign, late]);
      throw httpError("SlowDown", 503);
    });
    await writeOwnedEntries({ format, store: memory.store }, request([ours]), fast);
    assert.deepEqual(memory.get(), [foreign, late, ours]);
  });

  it("converges after an error from a write that landed (500 after the write), without a second write", async () => {
    const memory = memoryStore([foreign]);
    memory.faults.push((next) => {
      memory.set(next);
      throw httpError("InternalError", 500);
    });
    const result = await writeOwnedEntries({ format, store: memory.store }, request([ours]), fast);
    assert.deepEqual(memory.get(), [foreign, ours]);
    assert.deepEqual(memory.log, ["write"]);
    assert.equal(result.attempts, 2);
  });

  it("says a write may have landed when it gives up after one", async () => {
    const memory = memoryStore([foreign]);
    for (let i = 0; i < 5; i++)
      memory.faults.push(() => {
        throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
      });
    await assert.rejects(writeOwnedEntries({ format, store: memory.store }, request([ours]), fast), (error: Error) => {
      assert.equal(error.name, "SharedDocumentWriteError");
      assert.match(
        error.message,
        /gave up after 5 attempts \(socket hang up\)\. A write may have landed: run `pulumi up` again/,
      );
      return true;
    });
  });

  it("retries a document that changed since its read with jittered backoff, bounded, and converges once it holds still", async () => {
    const memory = memoryStore([foreign]);
    // Another tool rewrites the document on each of our first three reads after the base read.
    let reads = 0;
    const read = memory.store.read;
    memory.store.read = async () => {
      reads++;
      if (reads % 2 === 0 && reads <= 6) memory.set([...(memory.get() ?? []), rule(`console-${reads}`)]);
      return read();
    };
    const result = await writeOwnedEntries({ format, store: memory.store }, request([ours]), fast);
    assert.equal(result.attempts, 4);
    assert.deepEqual(
      memory.get()!.map((r) => r.ID),
      ["website", "console-2", "console-4", "console-6", `isahit--${key}`],
    );
    assert.deepEqual(memory.log, ["write"]);
  });

  it("says exactly why it stops when another tool changes the document in every round, having written nothing", async () => {
    const memory = memoryStore([foreign]);
    let reads = 0;
    const read = memory.store.read;
    memory.store.read = async () => {
      reads++;
      memory.set([...(memory.get() ?? []), rule(`console-${reads}`)]);
      return read();
    };
    await assert.rejects(writeOwnedEntries({ format, store: memory.store }, request([ours]), fast), (error: Error) => {
      assert.equal(error.name, "DocumentKeepsChangingError");
      assert.equal(
        error.message,
        "CORS configuration of data: another writer changed it while we wrote, in each of 5 rounds (last: the " +
          "document changed between our read and our write), so we stopped. It has no conditional write (compare-and-swap), so a tool outside this project's " +
          "coordination that rewrites it faster than one read-merge-write round keeps winning, and writing anyway " +
          "would drop its change. Pause that tool, or wait for it to finish, and run `pulumi up` again. Nothing of " +
          "ours was written.",
      );
      return true;
    });
    assert.deepEqual(memory.log, []);
  });

  it("retries `Invalid principal` within its time budget, and reports it after", async () => {
    const memory = memoryStore([foreign]);
    memory.faults.push(() => {
      throw httpError("MalformedPolicy", 400, "Invalid principal in policy");
    });
    await writeOwnedEntries({ format, store: memory.store }, request([ours]), fast);
    assert.deepEqual(memory.get(), [foreign, ours]);
    const never = memoryStore([foreign]);
    for (let i = 0; i < 1000; i++)
      never.faults.push(() => {
        throw httpError("MalformedPolicy", 400, "Invalid principal in policy");
      });
    await assert.rejects(writeOwnedEntries({ format, store: never.store }, request([ours]), fast), /Invalid principal/);
  });

  it("refuses, writing nothing, a rule under our key that state does not hold", async () => {
    const planted = rule(`other--${key}`);
    const memory = memoryStore([foreign, planted]);
    await assert.rejects(writeOwnedEntries({ format, store: memory.store }, request([ours]), fast), {
      name: "OwnershipConflictError",
    });
    assert.deepEqual(memory.log, []);
  });

  it("claims the ledger before writing, and starts over when another writer claimed first", async () => {
    const memory = memoryStore([foreign]);
    const ledger = memoryLedger();
    await writeOwnedEntries({ format, store: memory.store, ledger }, request([ours]), fast);
    assert.equal(ledger.record()!.seq, 1);
    const racing = memoryLedger();
    let first = true;
    const lossy: CoordinationLedger = {
      ...racing,
      claim: async (k, tag, next) => {
        if (first) {
          first = false;
          await racing.claim(k, tag, { seq: 1, claimant: "someone else" });
          return false;
        }
        return racing.claim(k, tag, next);
      },
    };
    const again = memoryStore([foreign]);
    const result = await writeOwnedEntries({ format, store: again.store, ledger: lossy }, request([ours]), fast);
    // A claim lost to another writer of this project is not one of its rounds: that writer went ahead.
    assert.equal(result.attempts, 1);
    assert.equal(racing.record()!.seq, 2);
  });

  it("gets through more lost claims than it has rounds, and stops after its bound on lost claims", async () => {
    const losing = (losses: number) => {
      const racing = memoryLedger();
      let calls = 0;
      const ledger: CoordinationLedger = {
        ...racing,
        claim: async (k, tag, next) => {
          calls++;
          if (calls <= losses) {
            await racing.claim(k, tag, { seq: (racing.record()?.seq ?? 0) + 1, claimant: `peer-${calls}` });
            return false;
          }
          return racing.claim(k, tag, next);
        },
      };
      return { ledger, calls: () => calls };
    };
    const some = losing(2 * fast.maxAttempts);
    const memory = memoryStore([foreign]);
    const result = await writeOwnedEntries({ format, store: memory.store, ledger: some.ledger }, request([ours]), fast);
    assert.deepEqual([result.wrote, some.calls()], [true, 2 * fast.maxAttempts + 1]);

    const endless = losing(Infinity);
    await assert.rejects(
      writeOwnedEntries({ format, store: memoryStore([foreign]).store, ledger: endless.ledger }, request([ours]), fast),
      /another writer of this project claimed the document first/,
    );
    assert.equal(endless.calls(), sharedDocumentWriteLimits.lostClaims + fast.maxAttempts);
  });

  it("coordinated, merges onto the re-read when only another tool's entries changed since the base read", async () => {
    const memory = memoryStore([foreign]);
    const ledger = memoryLedger();
    let reads = 0;
    const read = memory.store.read;
    memory.store.read = async () => {
      reads++;
      // The second read is the one right before the write: another tool added a rule after our base read.
      if (reads === 2) memory.set([...(memory.get() ?? []), rule("console-1")]);
      return read();
    };
    const result = await writeOwnedEntries({ format, store: memory.store, ledger }, request([ours]), fast);
    assert.equal(result.attempts, 1);
    assert.deepEqual(
      memory.get()!.map((r) => r.ID),
      ["website", "console-1", `isahit--${key}`],
    );
    assert.deepEqual(memory.log, ["write"]);
    assert.equal(ledger.record()!.version, ownedEntriesVersion(format, [ours]));

    // An owner-keyed entry changed in between (another stack of this project): start over instead.
    const other = memoryStore([foreign]);
    reads = 0;
    const otherRead = other.store.read;
    other.store.read = async () => {
      reads++;
      if (reads === 2) other.set([...(other.get() ?? []), rule("mlspace--9f8e7d6c5b")]);
      return otherRead();
    };
    const again = await writeOwnedEntries(
      { format, store: other.store, ledger: memoryLedger() },
      request([ours]),
      fast,
    );
    assert.equal(again.attempts, 2);
    assert.deepEqual(
      other.get()!.map((r) => r.ID),
      ["website", "mlspace--9f8e7d6c5b", `isahit--${key}`],
    );
  });

  it("withdraws its claim when its write is refused, so the next writer need not wait", async () => {
    const memory = memoryStore([foreign]);
    const ledger = memoryLedger();
    for (let i = 0; i < 5; i++)
      memory.faults.push(() => {
        throw httpError("AccessDenied", 403);
      });
    await assert.rejects(writeOwnedEntries({ format, store: memory.store, ledger }, request([ours]), fast), {
      code: "AccessDenied",
    });
    assert.deepEqual(
      { seq: ledger.record()!.seq, points: ledger.record()!.version },
      // The ledger tracks owner-keyed entries only: a document holding none of them is "none".
      { seq: 2, points: ownedEntriesVersion(format, [foreign]) },
    );
  });
});
