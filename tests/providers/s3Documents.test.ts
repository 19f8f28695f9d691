import * as assert from "node:assert/strict";
import {
  describeS3Error,
  keyedQueue,
  readModifyWrite,
  s3ClientFor,
  s3EndpointOverride,
  type DocumentStore,
} from "../../providers/s3Documents";

const fast = { maxAttempts: 5, settleMs: 0, backoffMs: 0 };

/** An in-memory document with a log of writes; `interfere` runs after each of our writes, like a racing writer. */
function memoryStore(
  initial: string[] | undefined,
  interfere?: (doc: string[] | undefined, writes: number) => string[] | undefined,
) {
  let doc = initial;
  let writes = 0;
  const store: DocumentStore<string[]> = {
    get: async () => (doc ? [...doc] : undefined),
    put: async (next) => {
      doc = [...next];
      writes++;
      if (interfere) doc = interfere(doc, writes);
    },
    remove: async () => {
      doc = undefined;
      writes++;
      if (interfere) doc = interfere(doc, writes);
    },
  };
  return { store, current: () => doc, writes: () => writes };
}

const addOurs = (doc: string[] | undefined) => [...(doc ?? []).filter((x) => !x.startsWith("ours")), "ours:1"];
const hasOurs = (doc: string[] | undefined) => (doc ?? []).includes("ours:1");

describe("providers/s3Documents: readModifyWrite", () => {
  it("merges, writes once and verifies by reading back", async () => {
    const memory = memoryStore(["foreign"]);
    const result = await readModifyWrite("test", memory.store, addOurs, hasOurs, fast);
    assert.deepEqual(memory.current(), ["foreign", "ours:1"]);
    assert.deepEqual({ attempts: result.attempts, wrote: result.wrote }, { attempts: 1, wrote: true });
  });

  it("writes nothing when the document already holds what we want", async () => {
    const memory = memoryStore(["foreign", "ours:1"]);
    const result = await readModifyWrite("test", memory.store, addOurs, hasOurs, fast);
    assert.equal(memory.writes(), 0);
    assert.equal(result.wrote, false);
  });

  it("merges again after losing a race to a writer who read before our write", async () => {
    // The other writer's document, written just after ours, lacks our statement but adds its own.
    const memory = memoryStore(["foreign"], (doc, writes) => (writes === 1 ? ["foreign", "theirs"] : doc));
    const result = await readModifyWrite("test", memory.store, addOurs, hasOurs, fast);
    assert.deepEqual(memory.current(), ["foreign", "theirs", "ours:1"]);
    assert.equal(result.attempts, 2);
  });

  it("deletes the document when the change leaves nothing", async () => {
    const memory = memoryStore(["ours:1"]);
    await readModifyWrite(
      "test",
      memory.store,
      () => undefined,
      (doc) => !hasOurs(doc),
      fast,
    );
    assert.equal(memory.current(), undefined);
  });

  it("writes nothing when the change refuses", async () => {
    const memory = memoryStore(["foreign"]);
    const refuse = () => {
      throw new Error("too large");
    };
    await assert.rejects(readModifyWrite("test", memory.store, refuse, hasOurs, fast), /too large/);
    assert.equal(memory.writes(), 0);
  });

  it("gives up after its attempts against a writer that always wins, naming what it was writing", async () => {
    const memory = memoryStore(["foreign"], () => ["foreign"]);
    await assert.rejects(
      readModifyWrite("bucket b: statements x--dev--*", memory.store, addOurs, hasOurs, fast),
      /^Error: bucket b: statements x--dev--\*: gave up after 5 attempts/,
    );
    assert.equal(memory.writes(), 5);
  });
});

describe("providers/s3Documents: keyedQueue", () => {
  it("runs tasks on one key one at a time, in order, even after a failure, and other keys alongside", async () => {
    const queue = keyedQueue();
    const events: string[] = [];
    const task =
      (name: string, fail = false) =>
      async () => {
        events.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`end ${name}`);
        if (fail) throw new Error(name);
      };
    const results = await Promise.allSettled([
      queue("a", task("a1", true)),
      queue("a", task("a2")),
      queue("b", task("b1")),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["rejected", "fulfilled", "fulfilled"],
    );
    assert.ok(events.indexOf("end a1") < events.indexOf("start a2"));
    assert.ok(events.indexOf("start b1") < events.indexOf("end a1"));
  });
});

describe("providers/s3Documents: client and errors", () => {
  const saved = { s3: process.env.AWS_ENDPOINT_URL_S3, any: process.env.AWS_ENDPOINT_URL };
  afterEach(() => {
    for (const [key, value] of [
      ["AWS_ENDPOINT_URL_S3", saved.s3],
      ["AWS_ENDPOINT_URL", saved.any],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it("prefers AWS_ENDPOINT_URL_S3 over AWS_ENDPOINT_URL", () => {
    assert.equal(
      s3EndpointOverride({ AWS_ENDPOINT_URL: "http://127.0.0.1:1", AWS_ENDPOINT_URL_S3: "http://127.0.0.1:2" }),
      "http://127.0.0.1:2",
    );
    assert.equal(s3EndpointOverride({ AWS_ENDPOINT_URL: "http://127.0.0.1:1" }), "http://127.0.0.1:1");
    assert.equal(s3EndpointOverride({}), undefined);
  });

  it("uses path-style addressing at an overridden endpoint, in the bucket's region", async () => {
    delete process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL_S3 = "http://127.0.0.1:4566";
    const client = s3ClientFor("eu-west-3");
    assert.equal(client.config.forcePathStyle, true);
    assert.equal(await client.config.region(), "eu-west-3");
    const endpoint = await client.config.endpoint!();
    assert.equal(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`, "http://127.0.0.1:4566");
    client.destroy();
  });

  it("uses virtual-hosted addressing against AWS itself", () => {
    delete process.env.AWS_ENDPOINT_URL_S3;
    delete process.env.AWS_ENDPOINT_URL;
    const client = s3ClientFor("us-east-1");
    assert.notEqual(client.config.forcePathStyle, true);
    client.destroy();
  });

  it("says what to do about a missing bucket, a denied call and a wrong region", () => {
    const missing = describeS3Error(
      Object.assign(new Error("The specified bucket does not exist"), { name: "NoSuchBucket" }),
      "b",
      "us-east-1",
      "GetBucketPolicy",
    );
    assert.equal(missing.name, "BucketNotFoundError");
    assert.match(
      missing.message,
      /^GetBucketPolicy failed for bucket b in us-east-1: bucket b does not exist in us-east-1.*NoSuchBucket/,
    );
    assert.match(
      describeS3Error({ name: "AccessDenied" }, "b", "us-east-1", "PutBucketPolicy").message,
      /s3:PutBucketPolicy/,
    );
    assert.match(
      describeS3Error({ name: "PermanentRedirect" }, "b", "us-east-1", "GetBucketCors").message,
      /not in us-east-1/,
    );
    assert.match(
      describeS3Error(new Error("socket hang up"), "b", "us-east-1", "GetBucketCors").message,
      /Error: socket hang up/,
    );
  });
});
