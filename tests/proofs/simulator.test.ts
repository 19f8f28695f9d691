// The wrapper closes iam-simulate's known gaps: each test shows the gap, then the wrapper closing it.
import { strict as assert } from "node:assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { allow, policyDocument, type PolicyDocument } from "../../model/policy/document";
import { principalContext, ProofSetupError, simulate, simulateThroughAccessPoint } from "../../tools/proof/simulator";

const owner = "111122223333";
const stranger = "999988887777";
const roleArn = `arn:aws:iam::${owner}:role/vendor-role`;
const session = `arn:aws:sts::${owner}:assumed-role/vendor-role/vendor-session`;
const objectArn = "arn:aws:s3:::team-data/exports/report.csv";
const accessPoint = `arn:aws:s3:us-west-2:${owner}:accesspoint/vendor-point`;

const readExports = policyDocument([
  allow({ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::team-data/exports/*"] }),
]);

describe("tools/proof/simulator: iam-simulate with its gaps closed", () => {
  it("refuses a non-ARN Resource, which the raw simulator lets match every resource", async () => {
    const slip: PolicyDocument = policyDocument([allow({ actions: ["s3:GetObject"], resources: ["data/*"] })]);
    const raw = await runSimulation(
      {
        request: {
          principal: session,
          action: "s3:GetObject",
          resource: { resource: "arn:aws:s3:::any-bucket/any-key", accountId: owner },
          contextVariables: {},
        },
        identityPolicies: [{ name: "slip", policy: slip }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    assert.equal(
      raw.resultType === "single" && raw.overallResult,
      "Allowed",
      "the gap: data/* matched an unrelated bucket",
    );
    await assert.rejects(
      simulate(
        {
          caller: session,
          action: "s3:GetObject",
          resource: "arn:aws:s3:::any-bucket/any-key",
          resourceAccount: owner,
        },
        { identityPolicies: [slip] },
      ),
      (error: Error) => error instanceof ProofSetupError && /"data\/\*" is not an ARN/.test(error.message),
    );
  });

  it("refuses a Principal that is not an ARN, an account ID or *", async () => {
    const bucketPolicy = policyDocument([
      allow({ principal: { AWS: "vendor-role" }, actions: ["s3:GetObject"], resources: ["arn:aws:s3:::team-data/*"] }),
    ]);
    await assert.rejects(
      simulate(
        { caller: session, action: "s3:GetObject", resource: objectArn, resourceAccount: owner },
        { identityPolicies: [], resourcePolicy: bucketPolicy },
      ),
      (error: Error) => error instanceof ProofSetupError && /principal "vendor-role" is not an ARN/.test(error.message),
    );
  });

  it("refuses a wildcard request resource: one run proves one concrete resource", async () => {
    await assert.rejects(
      simulate(
        { caller: session, action: "s3:GetObject", resource: "arn:aws:s3:::team-data/*", resourceAccount: owner },
        { identityPolicies: [readExports] },
      ),
      /has a wildcard/,
    );
  });

  it("fails when the simulator ignores a context key, instead of evaluating a different request", async () => {
    // s3:prefix does not apply to GetObject: a condition on it would silently see it as absent.
    await assert.rejects(
      simulate(
        {
          caller: session,
          action: "s3:GetObject",
          resource: objectArn,
          resourceAccount: owner,
          context: { "s3:prefix": "exports/" },
        },
        { identityPolicies: [readExports] },
      ),
      /ignored context key\(s\) s3:prefix/,
    );
  });

  it("derives aws:PrincipalArn and aws:PrincipalAccount from the caller, and refuses them from the request", async () => {
    assert.deepEqual(principalContext(session), { "aws:PrincipalArn": roleArn, "aws:PrincipalAccount": owner });
    const byPrincipalArn = policyDocument([
      allow({
        principal: "*",
        actions: ["s3:GetObject"],
        resources: ["arn:aws:s3:::team-data/*"],
        condition: { StringEquals: { "aws:PrincipalArn": roleArn } },
      }),
    ]);
    const request = { action: "s3:GetObject", resource: objectArn, resourceAccount: owner };
    assert.equal(
      await simulate({ ...request, caller: session }, { identityPolicies: [], resourcePolicy: byPrincipalArn }),
      "Allowed",
    );
    const otherRole = `arn:aws:sts::${owner}:assumed-role/other-role/s`;
    assert.equal(
      await simulate({ ...request, caller: otherRole }, { identityPolicies: [], resourcePolicy: byPrincipalArn }),
      "ImplicitlyDenied",
    );

    const byAccount = policyDocument([
      allow({
        principal: "*",
        actions: ["s3:GetObject"],
        resources: ["arn:aws:s3:::team-data/*"],
        condition: { StringEquals: { "aws:PrincipalAccount": stranger } },
      }),
    ]);
    const strangerRole = `arn:aws:sts::${stranger}:assumed-role/reader/s`;
    assert.equal(
      await simulate(
        { ...request, caller: strangerRole },
        { identityPolicies: [readExports], resourcePolicy: byAccount },
      ),
      "Allowed",
    );
    assert.equal(
      await simulate(
        { ...request, caller: `arn:aws:sts::222233334444:assumed-role/reader/s` },
        { identityPolicies: [readExports], resourcePolicy: byAccount },
      ),
      "ImplicitlyDenied",
    );

    await assert.rejects(
      simulate(
        { ...request, caller: session, context: { "aws:PrincipalAccount": stranger } },
        { identityPolicies: [readExports] },
      ),
      /the wrapper derives them from the caller/,
    );
  });

  it("evaluates access-point requests against the access point policy and the bucket policy separately", async () => {
    const identity = policyDocument([
      allow({
        actions: ["s3:GetObject"],
        resources: [`${accessPoint}/object/exports/*`, "arn:aws:s3:::team-data/exports/*"],
      }),
    ]);
    const accessPointPolicy = policyDocument([
      allow({ principal: { AWS: roleArn }, actions: ["s3:GetObject"], resources: [`${accessPoint}/object/exports/*`] }),
    ]);
    const bucketDenies: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyVendor",
          Effect: "Deny",
          Principal: { AWS: roleArn },
          Action: ["s3:GetObject"],
          Resource: ["arn:aws:s3:::team-data/*"],
        },
      ],
    };
    const request = {
      caller: session,
      action: "s3:GetObject",
      resource: `${accessPoint}/object/exports/report.csv`,
      resourceAccount: owner,
    };

    const open = await simulateThroughAccessPoint(request, objectArn, {
      identityPolicies: [identity],
      accessPointPolicy,
    });
    assert.deepEqual(open, { accessPoint: "Allowed", bucket: "Allowed", decision: "Allowed" });
    // The simulator takes one resource policy per run: a bucket-policy Deny only shows in the bucket-side run.
    const denied = await simulateThroughAccessPoint(request, objectArn, {
      identityPolicies: [identity],
      accessPointPolicy,
      bucketPolicy: bucketDenies,
    });
    assert.deepEqual(denied, { accessPoint: "Allowed", bucket: "ExplicitlyDenied", decision: "ExplicitlyDenied" });
    const apDenies: PolicyDocument = {
      ...bucketDenies,
      Statement: [{ ...bucketDenies.Statement[0], Resource: [`${accessPoint}/object/*`] }],
    };
    const deniedAtPoint = await simulateThroughAccessPoint(request, objectArn, {
      identityPolicies: [identity],
      accessPointPolicy: apDenies,
    });
    assert.deepEqual(deniedAtPoint, {
      accessPoint: "ExplicitlyDenied",
      bucket: "Allowed",
      decision: "ExplicitlyDenied",
    });
  });
});
