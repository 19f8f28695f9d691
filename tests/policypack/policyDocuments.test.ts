import * as assert from "node:assert/strict";
import { unknownCheckingProxy } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import {
  documentsOf,
  hasWildcard,
  knownStatements,
  readDocument,
  snapshot,
  statementGrantsAction,
  unknown,
  wildcardMatches,
  type DocumentSource,
} from "../../policypack/policyDocuments";
import { classifyAwsPrincipal, isExternal, principalMatchesEntry } from "../../policypack/principals";

const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const statement = {
  Sid: "Read",
  Effect: "Allow",
  Principal: { AWS: "444455556666" },
  Action: "S3:GetObject",
  Resource: "arn:aws:s3:::data/*",
};

function read(value: unknown) {
  const result = readDocument(snapshot(value));
  if (result.status !== "read") assert.fail(`expected a readable document, got ${JSON.stringify(result)}`);
  return result.document;
}

describe("policypack policyDocuments: one shape for every spelling IAM accepts", () => {
  it("reads a JSON string and an object, one Statement or an array, into the same statements", () => {
    const shapes = [
      JSON.stringify({ Version: "2012-10-17", Statement: statement }),
      JSON.stringify({ Version: "2012-10-17", Statement: [statement] }, null, 4),
      { Version: "2012-10-17", Statement: statement },
      { Version: "2012-10-17", Statement: [statement] },
    ];
    const views = shapes.map((shape) => read(shape).statements);
    for (const view of views) assert.deepEqual(view, views[0]);
    assert.deepEqual(views[0][0].actions, ["S3:GetObject"]);
    assert.deepEqual(views[0][0].principal?.aws, ["444455556666"]);
    assert.equal(views[0][0].label, 'statement "Read"');
    assert.equal(
      read({ Statement: [{ Effect: "Allow", Action: "s3:GetObject" }] }).statements[0].label,
      "Statement[0]",
    );
  });

  it("counts size on compact JSON, whatever the input's whitespace", () => {
    assert.equal(
      read(JSON.stringify({ Statement: [statement] }, null, 8)).compactJson,
      JSON.stringify({ Statement: [statement] }),
    );
  });

  it("splits condition operators and lower-cases condition keys", () => {
    const [clause] = read({
      Statement: { ...statement, Condition: { "ForAllValues:StringEqualsIfExists": { "STS:ExternalID": ["a", 7] } } },
    }).statements[0].conditions;
    assert.deepEqual(clause, {
      operator: "ForAllValues:StringEqualsIfExists",
      setOperator: "ForAllValues",
      baseOperator: "stringequals",
      ifExists: true,
      negated: false,
      key: "sts:externalid",
      writtenKey: "STS:ExternalID",
      values: ["a", "7"],
    });
    assert.equal(
      read({ Statement: { ...statement, Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-1" } } } })
        .statements[0].conditions[0].negated,
      true,
    );
  });

  it('reads Principal "*" as everyone, and principal types in any case', () => {
    const [everyone, typed] = read({
      Statement: [
        { ...statement, Principal: "*" },
        { ...statement, Principal: { aws: "*", SERVICE: "s3.amazonaws.com" } },
      ],
    }).statements;
    assert.equal(everyone.principal?.wildcard, true);
    assert.deepEqual([typed.principal?.aws, typed.principal?.service], [["*"], ["s3.amazonaws.com"]]);
  });

  it("reports documents AWS cannot parse", () => {
    assert.equal(readDocument("{not json").status, "invalid");
    assert.deepEqual(readDocument({ Version: "2012-10-17" }), { status: "invalid", problem: "has no Statement" });
    assert.deepEqual(readDocument({ Statement: ["s3:GetObject"] }), {
      status: "invalid",
      problem: "has a Statement[0] that is not an object",
    });
  });

  describe("values unknown during preview", () => {
    it("turns the engine's unknowns into `unknown` instead of throwing", () => {
      const props = unknownCheckingProxy({
        assumeRolePolicy: unknownString,
        inlinePolicies: [{ name: "a", policy: JSON.stringify({ Statement: statement }) }],
      });
      const copy = snapshot(props) as Record<string, unknown>;
      assert.equal(copy.assumeRolePolicy, unknown);
      const sources = documentsOf("aws:iam/role:Role", snapshot(props));
      assert.deepEqual(
        sources.map((s: DocumentSource) => [s.path, s.status]),
        [
          ["assumeRolePolicy", "unknown"],
          ["inlinePolicies[0].policy", "read"],
        ],
      );
    });
    it("skips only the statements that hold an unknown value", () => {
      const props = unknownCheckingProxy({
        resourceKind: "vendor-access:BucketPolicyEntries",
        bucket: "data",
        statements: [statement, { ...statement, Sid: "Later", Resource: [unknownString] }],
      });
      const statements = knownStatements(documentsOf("pulumi-nodejs:dynamic:Resource", snapshot(props)));
      assert.deepEqual(
        statements.map((s) => s.statement.sid),
        ["Read"],
      );
    });
    it("unwraps secrets the SDK left wrapped", () => {
      const wrapped = {
        [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
        value: JSON.stringify({ Statement: statement }),
      };
      assert.equal(documentsOf("aws:iam/policy:Policy", snapshot({ policy: wrapped }))[0].status, "read");
    });
  });

  it("finds the documents of every inspected resource type", () => {
    const policy = JSON.stringify({ Statement: statement });
    const kinds = (type: string, props: Record<string, unknown>) =>
      documentsOf(type, snapshot(props)).map((s) => `${s.kind}@${s.path}`);
    assert.deepEqual(
      kinds("aws:iam/role:Role", { assumeRolePolicy: policy, inlinePolicies: [{ name: "a", policy }] }),
      ["trust@assumeRolePolicy", "role-inline@inlinePolicies[0].policy"],
    );
    assert.deepEqual(kinds("aws:iam/policy:Policy", { policy }), ["managed@policy"]);
    assert.deepEqual(kinds("aws:iam/rolePolicy:RolePolicy", { policy }), ["role-inline@policy"]);
    assert.deepEqual(kinds("aws:iam/userPolicy:UserPolicy", { policy }), ["user-inline@policy"]);
    assert.deepEqual(kinds("aws:s3/bucketPolicy:BucketPolicy", { policy }), ["bucket@policy"]);
    assert.deepEqual(kinds("aws:s3/accessPoint:AccessPoint", { policy }), ["access-point@policy"]);
    assert.deepEqual(kinds("aws:s3/accessPointPolicy:AccessPointPolicy", { policy }), ["access-point@policy"]);
    assert.deepEqual(kinds("aws:s3control/accessPointPolicy:AccessPointPolicy", { policy }), ["access-point@policy"]);
    assert.deepEqual(kinds("aws:kms/key:Key", { policy }), ["key@policy"]);
    assert.deepEqual(kinds("aws:kms/keyPolicy:KeyPolicy", { policy }), ["key@policy"]);
    assert.deepEqual(
      kinds("pulumi-nodejs:dynamic:Resource", {
        resourceKind: "vendor-access:BucketPolicyEntries",
        statements: [statement],
      }),
      ["bucket@statements"],
    );
    assert.deepEqual(
      kinds("pulumi-nodejs:dynamic:Resource", { resourceKind: "vendor-access:BucketCorsEntries", rules: [] }),
      [],
    );
    assert.deepEqual(kinds("aws:s3/accessPoint:AccessPoint", { bucket: "data" }), []);
  });

  it("matches actions the way IAM does: case-insensitive, with * and ?", () => {
    assert.ok(wildcardMatches("STS:ASSUME*", "sts:AssumeRole"));
    assert.ok(wildcardMatches("sts:AssumeRol?", "sts:AssumeRole"));
    assert.ok(!wildcardMatches("sts:AssumeRoleWithSAML", "sts:AssumeRole"));
    const [notAction] = read({ Statement: { Effect: "Allow", NotAction: "iam:*", Resource: "*" } }).statements;
    assert.ok(statementGrantsAction(notAction, "sts:AssumeRole"));
    assert.ok(!statementGrantsAction(notAction, "iam:PassRole"));
    assert.ok(hasWildcard("arn:aws:s3:::data/*") && !hasWildcard("arn:aws:s3:::data/${*}"));
  });

  it("classifies principals: public, an account, or unidentified", () => {
    assert.deepEqual(classifyAwsPrincipal("*"), { kind: "public", value: "*" });
    assert.equal(classifyAwsPrincipal("arn:aws:iam::*:root").kind, "public");
    assert.deepEqual(classifyAwsPrincipal("arn:aws:sts::444455556666:assumed-role/r/s"), {
      kind: "account",
      value: "arn:aws:sts::444455556666:assumed-role/r/s",
      accountId: "444455556666",
    });
    assert.equal(classifyAwsPrincipal("AROAEXAMPLEUNIQUEID123").kind, "unidentified");
    assert.ok(!isExternal(classifyAwsPrincipal("111122223333"), ["111122223333"]));
    assert.ok(isExternal(classifyAwsPrincipal("111122223333"), []));
    assert.ok(principalMatchesEntry("arn:aws:iam::123456789012:root", "123456789012"));
    assert.ok(principalMatchesEntry("arn:aws:iam::123456789012:role/x", "arn:aws:iam::123456789012:root"));
    assert.ok(!principalMatchesEntry("arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:role/x"));
  });
});
