import * as assert from "node:assert/strict";
import { durationSeconds, parseAwsSettings } from "../../model/awsSettings";

describe("the stack's aws settings", () => {
  it("reads region, profile, the assume-role chain and custom endpoints, keeping ExternalIds apart", () => {
    const parsed = parseAwsSettings({
      region: "eu-west-1",
      profile: "prod-admin",
      assumeRoles: [
        { roleArn: "arn:aws:iam::111122223333:role/hop-one", sessionName: "ci", duration: "1h" },
        { roleArn: "arn:aws:iam::210987654321:role/deployer", externalId: "deployer-0001" },
      ],
      endpoints: [{ s3: "http://127.0.0.1:5000" }, { sts: "http://127.0.0.1:5001", iam: "http://127.0.0.1:5002" }],
      s3UsePathStyle: "true",
    });
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.settings, {
      region: "eu-west-1",
      profile: "prod-admin",
      assumeRoles: [
        { roleArn: "arn:aws:iam::111122223333:role/hop-one", sessionName: "ci", durationSeconds: 3600 },
        { roleArn: "arn:aws:iam::210987654321:role/deployer" },
      ],
      endpoints: { s3: "http://127.0.0.1:5000", sts: "http://127.0.0.1:5001" },
      s3UsePathStyle: true,
    });
    assert.deepEqual(parsed.externalIds, [null, "deployer-0001"]);
  });

  it("takes the single aws:assumeRole as a one-hop chain", () => {
    const parsed = parseAwsSettings({
      assumeRole: { roleArn: "arn:aws:iam::111122223333:role/deployer", externalId: "x-0001" },
    });
    assert.deepEqual(parsed.settings.assumeRoles, [{ roleArn: "arn:aws:iam::111122223333:role/deployer" }]);
    assert.deepEqual(parsed.externalIds, ["x-0001"]);
  });

  it("refuses static keys and settings the program's own clients cannot follow, naming each key", () => {
    const { problems } = parseAwsSettings({
      accessKey: "AKIAEXAMPLE",
      secretKey: "wJalrXUtnFEMI",
      assumeRoleWithWebIdentity: { roleArn: "arn:aws:iam::111122223333:role/web" },
    });
    assert.equal(problems.length, 3);
    assert.match(problems[0], /^aws:accessKey: static keys in stack config are not supported: .*AWS_ACCESS_KEY_ID/);
    assert.match(problems[1], /^aws:secretKey: static keys/);
    assert.match(problems[2], /^aws:assumeRoleWithWebIdentity: not supported/);
  });

  it("names every bad value by its key path", () => {
    const { problems } = parseAwsSettings({
      region: "mars-1",
      assumeRoles: [{ roleArn: "arn:aws:iam::111122223333:user/someone", duration: "forever" }],
      endpoints: [{ s3: "not a url" }],
    });
    assert.deepEqual(problems, [
      'aws:region: "mars-1" is not an AWS region',
      'aws:assumeRoles[0].roleArn: "arn:aws:iam::111122223333:user/someone" is not an IAM role ARN',
      "aws:assumeRoles[0].duration: must be a duration such as 1h or 15m",
      "aws:endpoints[0].s3: must be an http(s) URL",
    ]);
  });

  it("converts the provider's durations to seconds", () => {
    assert.equal(durationSeconds("1h30m"), 5400);
    assert.equal(durationSeconds("900s"), 900);
    assert.equal(durationSeconds("1 hour"), undefined);
  });
});
