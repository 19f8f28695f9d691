import * as assert from "node:assert/strict";
import { defaultAccessPointName } from "../../../model/plan";
import { isahit } from "../../../model/vendors/isahit";
import { documentProp, onlyOfType, runProgram, stackConfig, testOwnerKey } from "../../helpers/program";

const integration = (extra: Record<string, unknown> = {}) => ({
  name: "isahit-lab",
  vendor: "isahit",
  principal: "999888496268",
  externalId: "a6fa9c7f-7f53-4a41-812d-a29f48288a94",
  buckets: [{ name: "my-bucket", region: "eu-west-3", prefix: "batches/", bucketPolicyMode: "exclusive" }],
  accessPoint: { name: "isahit-lab-access-point" },
  ...extra,
});

describe("vendors/isahit", () => {
  it("lists ListBucket and GetObject, the CORS defaults of Isahit's instructions, an access point, and no default principal", () => {
    assert.deepEqual(isahit.access.levels.read, {
      bucket: ["s3:ListBucket"],
      object: ["s3:GetObject"],
      kms: ["kms:Decrypt"],
    });
    assert.deepEqual(isahit.cors, {
      defaultOrigins: ["https://lab.isahit.com", "https://work.isahit.com"],
      methods: ["GET"],
      headers: ["*"],
    });
    assert.equal(isahit.accessPoint, true);
    assert.equal(isahit.defaultPrincipal, undefined, "its instructions name two different accounts");
  });

  it("trusts Isahit with its ExternalId and grants the bucket and the access point's object path, scoped to the prefix", async () => {
    const { resources, result } = await runProgram(stackConfig([integration()]));
    const trust = documentProp(onlyOfType(resources, "aws:iam/role:Role"), "assumeRolePolicy");
    assert.deepEqual(trust.Statement[0].Condition, {
      StringEquals: { "sts:ExternalId": "a6fa9c7f-7f53-4a41-812d-a29f48288a94" },
    });
    const ap = "arn:aws:s3:eu-west-3:111122223333:accesspoint/isahit-lab-access-point";
    const policy = documentProp(onlyOfType(resources, "aws:iam/rolePolicy:RolePolicy"), "policy");
    assert.deepEqual(policy.Statement, [
      {
        Sid: "ObjectAccess",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: ["arn:aws:s3:::my-bucket/batches/*", `${ap}/object/batches/*`],
      },
      {
        Sid: "ListUnderPrefix1",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: ["arn:aws:s3:::my-bucket", ap],
        Condition: { StringLike: { "s3:prefix": ["batches/*"] } },
      },
    ]);
    const accessPoint = onlyOfType(resources, "aws:s3/accessPoint:AccessPoint");
    assert.equal(accessPoint.props.name, "isahit-lab-access-point");
    assert.equal(accessPoint.props.bucket, "my-bucket");
    assert.equal(accessPoint.props.region, "eu-west-3");
    assert.deepEqual(accessPoint.props.publicAccessBlockConfiguration, {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    assert.equal(accessPoint.props.vpcConfiguration, undefined, "internet origin, as Isahit asks");
    const apPolicy = JSON.parse(accessPoint.props.policy as string);
    assert.deepEqual(
      apPolicy.Statement.map((s: { Resource: string[] }) => s.Resource),
      [[`${ap}/object/batches/*`], [ap]],
    );
    assert.deepEqual(apPolicy.Statement[0].Principal, { AWS: "arn:aws:iam::111122223333:role/isahit-lab-test" });

    const cors = onlyOfType(resources, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration");
    assert.equal(cors.props.region, "eu-west-3");
    assert.deepEqual(cors.props.corsRules, [
      {
        id: `isahit-lab--${testOwnerKey}`,
        allowedMethods: ["GET"],
        allowedOrigins: ["https://lab.isahit.com", "https://work.isahit.com"],
        allowedHeaders: ["*"],
        exposeHeaders: [],
        maxAgeSeconds: 3000,
      },
    ]);
    const handoff = result.handoffs["isahit-lab"];
    assert.deepEqual(handoff.buckets, [{ name: "my-bucket", region: "eu-west-3", accessPointArn: ap }]);
    assert.equal(handoff.externalId, undefined, "Isahit issued the ExternalId; it is not handed back");
  });

  it("names a default access point per stack and bucket, so dev and prod in one account do not clash", async () => {
    const raw = stackConfig([integration({ accessPoint: undefined })]);
    const names: string[] = [];
    for (const stack of ["dev", "prod"])
      names.push(
        onlyOfType((await runProgram(raw, { stack })).resources, "aws:s3/accessPoint:AccessPoint").props.name as string,
      );
    for (const name of names) assert.match(name, /^isahit-lab-[0-9a-f]{8}$/);
    assert.notEqual(names[0], names[1]);
    assert.equal(names[0], defaultAccessPointName("isahit-lab", "dev", "my-bucket"));
  });

  it("takes CORS origins from config", async () => {
    const { resources } = await runProgram(
      stackConfig([integration({ cors: { origins: ["https://lab.isahit.com"] } })]),
    );
    const cors = onlyOfType(resources, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration");
    assert.deepEqual((cors.props.corsRules as { allowedOrigins: string[] }[])[0].allowedOrigins, [
      "https://lab.isahit.com",
    ]);
  });
});
