import * as assert from "node:assert/strict";
import { s3Limits } from "../../../model/limits";
import type { PolicyStatement } from "../../../model/policy/document";
import type { CorsRule } from "../../../model/plan";
import {
  assertCorsFits,
  assertPolicyFits,
  canonicalStatement,
  corsDrift,
  foreignStatements,
  mergeCorsRules,
  mergeStatements,
  ownedCorsRules,
  ownedStatements,
  ownsRuleId,
  ownsSid,
  parsePolicy,
  policyBytes,
  type PolicyTooLargeError,
  sameCorsRules,
  sameStatements,
  statementDrift,
  vendorAccessOwner,
  type LiveCorsRule,
  type LivePolicy,
} from "../../../model/sharedDocuments/merge";
import { denyInsecureTransport } from "../../helpers/statements";

const prefix = "aquarium-labels--dev--";
const ours = (suffix: string, actions = ["s3:GetObject"]): PolicyStatement => ({
  Sid: `${prefix}${suffix}`,
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::123456789012:root" },
  Action: actions,
  Resource: ["arn:aws:s3:::shared-bucket/exports/*"],
});

// A customer's policy: several statements, a condition, a Deny, and one without a Sid.
const foreign: LivePolicy = {
  Version: "2012-10-17",
  Id: "CustomerPolicy",
  Statement: [
    denyInsecureTransport("shared-bucket"),
    {
      Sid: "AuditRead",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::210987654321:role/audit" },
      Action: ["s3:GetObject"],
      Resource: "arn:aws:s3:::shared-bucket/*",
    },
    {
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::shared-bucket/logs/*",
    },
  ],
};

describe("sharedDocuments/merge: ownership", () => {
  it("owns a statement by Sid prefix and never one without a Sid", () => {
    assert.equal(ownsSid(`${prefix}ObjectAccess`, prefix), true);
    assert.equal(ownsSid("aquarium-labels--dev-eu--ObjectAccess", prefix), false);
    assert.equal(ownsSid(undefined, prefix), false);
  });

  it("owns a CORS rule by ID, without claiming a longer stack name that starts the same", () => {
    assert.equal(ownsRuleId("isahit-annotation--dev", "isahit-annotation--dev"), true);
    assert.equal(ownsRuleId("isahit-annotation--dev--second", "isahit-annotation--dev"), true);
    assert.equal(ownsRuleId("isahit-annotation--dev-eu", "isahit-annotation--dev"), false);
    assert.equal(ownsRuleId(undefined, "isahit-annotation--dev"), false);
  });

  it("names the vendor-access owner of a Sid, and no owner for anyone else's", () => {
    assert.equal(vendorAccessOwner("mlspace-shared--prod--ObjectAccess"), "mlspace-shared--prod--");
    assert.equal(vendorAccessOwner("AuditRead"), undefined);
  });
});

describe("sharedDocuments/merge: parsePolicy", () => {
  it("reads a missing or empty policy as none", () => {
    assert.equal(parsePolicy("b", undefined), undefined);
    assert.equal(parsePolicy("b", " "), undefined);
  });

  it("normalises a single Statement object to a list and keeps other keys", () => {
    const parsed = parsePolicy("b", JSON.stringify({ Version: "2008-10-17", Id: "x", Statement: { Effect: "Allow" } }));
    assert.deepEqual(parsed, { Version: "2008-10-17", Id: "x", Statement: [{ Effect: "Allow" }] });
  });

  it("refuses text that is not a policy, naming the bucket", () => {
    assert.throws(() => parsePolicy("shared-bucket", "{not json"), /bucket shared-bucket: .*not JSON/);
    assert.throws(() => parsePolicy("shared-bucket", "[1]"), /not a JSON object/);
    assert.throws(() => parsePolicy("shared-bucket", '{"Statement":[1]}'), /not an object/);
  });
});

describe("sharedDocuments/merge: mergeStatements", () => {
  it("adds ours after the foreign statements, which stay exactly as they were", () => {
    const merged = mergeStatements(foreign, prefix, [ours("ObjectAccess")])!;
    assert.deepEqual(merged.Statement.slice(0, 3), foreign.Statement);
    assert.deepEqual(merged.Statement[3], ours("ObjectAccess"));
    assert.equal(merged.Id, "CustomerPolicy");
  });

  it("replaces ours in place, leaving the order of everything else alone", () => {
    const withOurs = {
      ...foreign,
      Statement: [foreign.Statement[0], { ...ours("Old") }, foreign.Statement[1], foreign.Statement[2]],
    };
    const merged = mergeStatements(withOurs, prefix, [ours("New1"), ours("New2")])!;
    assert.deepEqual(
      merged.Statement.map((s) => s.Sid ?? "-"),
      ["DenyInsecureTransport", `${prefix}New1`, `${prefix}New2`, "AuditRead", "-"],
    );
  });

  it("removes only ours, keeping another integration's statements", () => {
    const other = { ...ours("X"), Sid: "mlspace-shared--dev--ObjectAccess" };
    const withBoth = { ...foreign, Statement: [...foreign.Statement, { ...ours("ObjectAccess") }, { ...other }] };
    const merged = mergeStatements(withBoth, prefix, [])!;
    assert.deepEqual(merged.Statement, [...foreign.Statement, other]);
  });

  it("creates a policy with a Version on a bucket that has none", () => {
    assert.deepEqual(mergeStatements(undefined, prefix, [ours("A")]), {
      Version: "2012-10-17",
      Statement: [ours("A")],
    });
  });

  it("returns undefined, meaning delete, only when no statement is left", () => {
    assert.equal(mergeStatements({ Version: "2012-10-17", Statement: [{ ...ours("A") }] }, prefix, []), undefined);
    assert.equal(mergeStatements(undefined, prefix, []), undefined);
    assert.notEqual(mergeStatements(foreign, prefix, []), undefined);
  });

  it("lists ours and the others apart", () => {
    const policy = mergeStatements(foreign, prefix, [ours("A")]);
    assert.deepEqual(ownedStatements(policy, prefix), [ours("A")]);
    assert.deepEqual(foreignStatements(policy, prefix), foreign.Statement);
  });
});

describe("sharedDocuments/merge: meaning, not bytes", () => {
  it("treats a bare string like a one-element list, and list order as irrelevant", () => {
    const a = {
      Sid: "x",
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/b"] },
      Action: "s3:GetObject",
      Resource: ["r2", "r1"],
      Condition: { StringLike: { "s3:prefix": "p/*" } },
    };
    const b = {
      Resource: ["r1", "r2"],
      Action: ["s3:GetObject"],
      Condition: { StringLike: { "s3:prefix": ["p/*"] } },
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::1:role/b", "arn:aws:iam::1:role/a"] },
      Sid: "x",
    };
    assert.equal(canonicalStatement(a), canonicalStatement(b));
    assert.equal(sameStatements([a], [b]), true);
  });

  it("treats an account ID principal like its root ARN, as S3 rewrites it", () => {
    const byId = { ...ours("A"), Principal: { AWS: "123456789012" } };
    assert.equal(sameStatements([byId], [ours("A")]), true);
  });

  it("sees a changed action, effect or condition", () => {
    assert.equal(sameStatements([ours("A")], [ours("A", ["s3:GetObject", "s3:PutObject"])]), false);
    assert.equal(sameStatements([ours("A")], [{ ...ours("A"), Effect: "Deny" }]), false);
    assert.equal(sameStatements([ours("A")], [ours("A"), ours("B")]), false);
  });
});

describe("sharedDocuments/merge: drift", () => {
  it("names each of our statements removed, edited or added out of band", () => {
    const live = [{ ...ours("A", ["s3:GetObject", "s3:DeleteObject"]) }, { ...ours("C") }];
    assert.deepEqual(statementDrift([ours("A"), ours("B")], live), [
      `statement ${prefix}A was edited out of band`,
      `statement ${prefix}B was removed out of band`,
      `statement ${prefix}C was added out of band`,
    ]);
    assert.deepEqual(statementDrift([ours("A")], [{ ...ours("A") }]), []);
  });

  it("reports CORS rule drift by rule ID", () => {
    const rule = corsRule("isahit--dev");
    assert.deepEqual(corsDrift([rule], []), ["CORS rule isahit--dev was removed out of band"]);
    assert.deepEqual(corsDrift([rule], [{ ...rule, AllowedMethods: ["GET", "PUT"] }]), [
      "CORS rule isahit--dev was edited out of band",
    ]);
  });
});

function corsRule(id: string, origins = ["https://lab.isahit.com"]): CorsRule {
  return {
    ID: id,
    AllowedMethods: ["GET"],
    AllowedOrigins: origins,
    AllowedHeaders: ["*"],
    ExposeHeaders: [],
    MaxAgeSeconds: 3000,
  };
}

describe("sharedDocuments/merge: CORS rules", () => {
  const foreignRules: LiveCorsRule[] = [
    { ID: "website", AllowedMethods: ["GET", "HEAD"], AllowedOrigins: ["https://www.example.com"] },
    { AllowedMethods: ["PUT"], AllowedOrigins: ["https://upload.example.com"], AllowedHeaders: ["*"] },
  ];

  it("adds, replaces in place and removes only ours", () => {
    const added = mergeCorsRules(foreignRules, "isahit--dev", [corsRule("isahit--dev")]);
    assert.deepEqual(added, [...foreignRules, corsRule("isahit--dev")]);
    const replaced = mergeCorsRules([foreignRules[0], corsRule("isahit--dev"), foreignRules[1]], "isahit--dev", [
      corsRule("isahit--dev", ["https://work.isahit.com"]),
    ]);
    assert.deepEqual(replaced, [
      foreignRules[0],
      corsRule("isahit--dev", ["https://work.isahit.com"]),
      foreignRules[1],
    ]);
    assert.deepEqual(mergeCorsRules(added, "isahit--dev", []), foreignRules);
    assert.deepEqual(mergeCorsRules([corsRule("isahit--dev")], "isahit--dev", []), []);
    assert.deepEqual(ownedCorsRules(added, "isahit--dev"), [corsRule("isahit--dev")]);
  });

  it("compares rules as S3 returns them: absent lists are empty, order is irrelevant", () => {
    const written = corsRule("isahit--dev", ["https://a.example", "https://b.example"]);
    const { ExposeHeaders: _omitted, ...readBack } = {
      ...written,
      AllowedOrigins: ["https://b.example", "https://a.example"],
    };
    assert.equal(sameCorsRules([written], [readBack]), true);
    assert.equal(sameCorsRules([written], [{ ...readBack, MaxAgeSeconds: 60 }]), false);
  });

  it("refuses more than 100 rules", () => {
    const many = Array.from({ length: 101 }, (_, i) => corsRule(`r--${i}`));
    assert.throws(
      () => assertCorsFits("shared-bucket", many),
      /bucket shared-bucket: .*101 rules.*Nothing was written/,
    );
    assert.doesNotThrow(() => assertCorsFits("shared-bucket", many.slice(0, 100)));
  });
});

describe("sharedDocuments/merge: size", () => {
  const big = (owner: string, count: number): PolicyStatement[] =>
    Array.from({ length: count }, (_, i) => ({
      ...ours(`S${i}`),
      Sid: `${owner}S${i}`,
      Resource: Array.from({ length: 6 }, (_, j) => `arn:aws:s3:::shared-bucket/${owner}${i}/${j}/*`),
    }));

  it("counts the compact JSON in bytes", () => {
    const policy = { Version: "2012-10-17", Statement: [{ Sid: "é", Effect: "Allow" }] };
    assert.equal(policyBytes(policy), JSON.stringify(policy).length + 1);
  });

  it("accepts a policy of exactly 20 KB and refuses one byte more", () => {
    const base = mergeStatements(undefined, prefix, [ours("A")])!;
    const exact = { ...base, Id: "x".repeat(s3Limits.bucketPolicyBytes - policyBytes({ ...base, Id: "" })) };
    assert.equal(policyBytes(exact), s3Limits.bucketPolicyBytes);
    assert.doesNotThrow(() => assertPolicyFits("shared-bucket", exact));
    assert.throws(() => assertPolicyFits("shared-bucket", { ...exact, Id: `${exact.Id}x` }), {
      name: "PolicyTooLargeError",
    });
  });

  it("names the bucket and the largest contributors, by owner", () => {
    const policy = mergeStatements(foreign, prefix, [...big("mlspace-shared--prod--", 40), ...big(prefix, 80)])!;
    assert.ok(policyBytes(policy) > s3Limits.bucketPolicyBytes);
    assert.throws(
      () => assertPolicyFits("shared-bucket", policy),
      (error: PolicyTooLargeError) => {
        assert.equal(error.name, "PolicyTooLargeError");
        assert.match(
          error.message,
          /^bucket shared-bucket: the merged bucket policy would be \d+ bytes; S3 allows 20480/,
        );
        assert.match(
          error.message,
          /Largest contributors: aquarium-labels--dev-- \(\d+ bytes in 80 statements\), mlspace-shared--prod-- \(\d+ bytes in 40 statements\), Sid DenyInsecureTransport/,
        );
        assert.deepEqual(
          error.contributors.map((c) => c.owner),
          [
            "aquarium-labels--dev--",
            "mlspace-shared--prod--",
            "Sid DenyInsecureTransport",
            "Sid AuditRead",
            "statement #3 (no Sid)",
          ],
        );
        return true;
      },
    );
  });
});
