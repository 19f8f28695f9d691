import * as assert from "node:assert/strict";
import type { DocumentFormat } from "../../../model/sharedDocuments/documentStore";
import {
  documentVersion,
  ownedEntriesVersion,
  holdsExactly,
  isUnderOwnerKey,
  migratedId,
  ownedDrift,
  ownerKeyFor,
  planOwnedWrite,
} from "../../../model/sharedDocuments/ownership";

/** A document of `{id, value}` entries: the smallest format, to test ownership apart from S3's grammar. */
type Entry = { id?: string; value: string };
const format: DocumentFormat<Entry[], Entry> = {
  entryNoun: "entry",
  entries: (doc) => doc ?? [],
  idOf: (entry) => entry.id,
  withId: (entry, id) => ({ ...entry, id }),
  canonical: (entry) => JSON.stringify([entry.id ?? null, entry.value]),
  canonicalDocument: (doc) => JSON.stringify((doc ?? []).map((e) => [e.id ?? null, e.value])),
  withEntries: (_doc, entries) => (entries.length === 0 ? undefined : entries),
  assertFits: (doc) => {
    if ((doc ?? []).length > 5) throw new Error("too many entries");
  },
  problems: () => [],
};

const key = ownerKeyFor("acme", "vendor-access", "dev");
const ours = (name: string, value = "v1"): Entry => ({ id: `mlspace-shared--${key}--${name}`, value });
const foreign: Entry = { id: "AuditRead", value: "audit" };
const anonymous: Entry = { value: "no id" };

describe("sharedDocuments/ownership: owner keys", () => {
  it("gives every organisation, project and stack its own 10-hex key, including stacks a slug would merge", () => {
    const keys = [
      ownerKeyFor("acme", "vendor-access", "dev.eu"),
      ownerKeyFor("acme", "vendor-access", "dev_eu"),
      ownerKeyFor("acme", "vendor-access", "dev-eu"),
      ownerKeyFor("acme", "other-project", "dev-eu"),
      ownerKeyFor("globex", "vendor-access", "dev-eu"),
    ];
    assert.equal(new Set(keys).size, keys.length);
    keys.forEach((k) => assert.match(k, /^[0-9a-f]{10}$/));
    assert.equal(ownerKeyFor("acme", "vendor-access", "dev"), key, "stable");
  });

  it("owns `<integration>--<key>` and `<integration>--<key>--<name>` only", () => {
    assert.equal(isUnderOwnerKey(`isahit--${key}`, key), true);
    assert.equal(isUnderOwnerKey(`mlspace-shared--${key}--ObjectAccess`, key), true);
    assert.equal(isUnderOwnerKey(`mlspace-shared--${key}x--ObjectAccess`, key), false);
    assert.equal(isUnderOwnerKey(`Audit${key}--x`, key), false, "an ID that merely contains the key");
    assert.equal(isUnderOwnerKey(`mlspace-shared--dev--ObjectAccess`, key), false);
    assert.equal(isUnderOwnerKey(undefined, key), false);
  });

  it("maps legacy IDs to the new form, exactly or after `--`", () => {
    const legacy = [{ from: "isahit--dev", to: `isahit--${key}` }];
    assert.equal(migratedId("isahit--dev", legacy), `isahit--${key}`);
    assert.equal(migratedId("isahit--dev--Read", legacy), `isahit--${key}--Read`);
    assert.equal(migratedId("isahit--dev-eu", legacy), undefined);
  });
});

describe("sharedDocuments/ownership: planOwnedWrite", () => {
  it("replaces ours where they stood and keeps every other entry in order", () => {
    const current = [foreign, ours("A"), anonymous];
    const plan = planOwnedWrite(format, current, {
      ownerKey: key,
      previous: [ours("A")],
      desired: [ours("A", "v2"), ours("B")],
      legacy: [],
    });
    assert.deepEqual(plan.next, [foreign, ours("A", "v2"), ours("B"), anonymous]);
    assert.equal(plan.changed, true);
  });

  it("deletes the document only when ours were all it held", () => {
    assert.equal(
      planOwnedWrite(format, [ours("A")], { ownerKey: key, previous: [ours("A")], desired: [], legacy: [] }).next,
      undefined,
    );
    assert.deepEqual(
      planOwnedWrite(format, [ours("A"), anonymous], { ownerKey: key, previous: [ours("A")], desired: [], legacy: [] })
        .next,
      [anonymous],
    );
  });

  it("says unchanged when the document already holds what we want", () => {
    const plan = planOwnedWrite(format, [foreign, ours("A")], {
      ownerKey: key,
      previous: [ours("A")],
      desired: [ours("A")],
      legacy: [],
    });
    assert.equal(plan.changed, false);
  });

  it("refuses, naming it, an entry under our key that state does not say we wrote", () => {
    const planted = { id: `other--${key}--Planted`, value: "someone else's" };
    assert.throws(
      () =>
        planOwnedWrite(format, [foreign, planted], { ownerKey: key, previous: [ours("A")], desired: [], legacy: [] }),
      (error: Error & { conflicts: string[] }) => {
        assert.equal(error.name, "OwnershipConflictError");
        assert.equal(error.conflicts.length, 1);
        assert.match(error.conflicts[0], new RegExp(`entry other--${key}--Planted carries this stack's owner key`));
        assert.match(error.message, /nothing was written/);
        return true;
      },
    );
  });

  it("restores an entry of ours that was edited out of band (drift), and adopts one identical to what it writes", () => {
    const edited = ours("A", "hijacked");
    const plan = planOwnedWrite(format, [edited], {
      ownerKey: key,
      previous: [ours("A")],
      desired: [ours("A")],
      legacy: [],
    });
    assert.deepEqual(plan.next, [ours("A")]);
    const adopted = planOwnedWrite(format, [ours("A")], {
      ownerKey: key,
      previous: undefined,
      desired: [ours("A")],
      legacy: [],
    });
    assert.equal(adopted.changed, false);
  });

  it("migrates a legacy entry to the new ID in the same write, and refuses one that differs", () => {
    const legacy = [{ from: "mlspace-shared--dev", to: `mlspace-shared--${key}` }];
    const old = { id: "mlspace-shared--dev--A", value: "v1" };
    const plan = planOwnedWrite(format, [foreign, old], {
      ownerKey: key,
      previous: undefined,
      desired: [ours("A")],
      legacy,
    });
    assert.deepEqual(plan.next, [foreign, ours("A")]);
    assert.deepEqual(plan.migrated, ["mlspace-shared--dev--A"]);
    const other = { id: "mlspace-shared--dev--A", value: "another project's vendor" };
    assert.throws(
      () => planOwnedWrite(format, [other], { ownerKey: key, previous: undefined, desired: [ours("A")], legacy }),
      /mlspace-shared--dev--A has this stack's pre-owner-key ID but differs/,
    );
    // After the first write, legacy-looking entries are someone else's and left alone.
    const later = planOwnedWrite(format, [other, ours("A")], {
      ownerKey: key,
      previous: [ours("A")],
      desired: [ours("A")],
      legacy,
    });
    assert.equal(later.changed, false);
  });

  it("lets the format refuse a document that would not fit", () => {
    const many = Array.from({ length: 6 }, (_, i) => ours(`E${i}`));
    assert.throws(
      () => planOwnedWrite(format, [], { ownerKey: key, previous: [], desired: many, legacy: [] }),
      /too many entries/,
    );
  });
});

describe("sharedDocuments/ownership: versions, verification and drift", () => {
  it("versions a document by meaning", () => {
    assert.equal(documentVersion(format, undefined), "none");
    assert.equal(documentVersion(format, [foreign]), documentVersion(format, [{ ...foreign }]));
    assert.notEqual(documentVersion(format, [foreign]), documentVersion(format, [foreign, ours("A")]));
    // What the ledger records: owner-keyed entries only, in any order; another tool's entries do not count.
    const other: Entry = { id: "isahit--9f8e7d6c5b--B", value: "v1" };
    assert.equal(ownedEntriesVersion(format, undefined), "none");
    assert.equal(ownedEntriesVersion(format, [foreign]), "none");
    assert.equal(
      ownedEntriesVersion(format, [foreign, ours("A"), other]),
      ownedEntriesVersion(format, [other, ours("A")]),
    );
    assert.notEqual(ownedEntriesVersion(format, [ours("A")]), ownedEntriesVersion(format, [ours("A"), other]));
  });

  it("checks that ours are exactly what we wrote, in any order", () => {
    assert.equal(holdsExactly(format, [ours("B"), foreign, ours("A")], key, [ours("A"), ours("B")]), true);
    assert.equal(holdsExactly(format, [ours("A"), foreign], key, [ours("A"), ours("B")]), false);
    assert.equal(holdsExactly(format, undefined, key, []), true);
  });

  it("describes drift entry by entry", () => {
    assert.deepEqual(ownedDrift(format, [ours("A", "edited"), ours("C")], key, [ours("A"), ours("B")]), [
      `entry mlspace-shared--${key}--A was edited out of band`,
      `entry mlspace-shared--${key}--B was removed out of band`,
      `entry mlspace-shared--${key}--C was added out of band`,
    ]);
  });
});
