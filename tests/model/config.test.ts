import * as assert from "node:assert/strict";
import { ConfigError, parseStackConfig } from "../../model/config";
import { builtInVendors } from "../../model/vendors";
import { stackConfig, testAccount } from "../helpers/program";
import { configProblemsOf } from "../helpers/configProblems";

const kmsKey = (region: string) => `arn:aws:kms:${region}:${testAccount}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const aquarium = (overrides: Record<string, unknown> = {}) => ({
  name: "aquarium-labels",
  vendor: "aquarium",
  principal: "arn:aws:iam::123456789012:root",
  buckets: [{ name: "ground-truth-images", region: "us-west-2" }],
  ...overrides,
});

describe("config", () => {
  describe("valid config", () => {
    it("fills each vendor's defaults: access, auth, principal, prefix, policy mode", () => {
      const config = parseStackConfig(
        stackConfig([
          aquarium(),
          { name: "deeplake-training", vendor: "deeplake", buckets: [{ name: "ml-datasets", region: "us-east-1" }] },
        ]),
      );
      const [aq, dl] = config.integrations;
      assert.equal(aq.access, "read");
      assert.equal(aq.auth, "role");
      assert.deepEqual(aq.externalId, { kind: "generate" });
      assert.equal(aq.buckets[0].prefix, "");
      assert.equal(aq.buckets[0].bucketPolicyMode, "shared");
      assert.equal(dl.access, "read-write");
      assert.equal(dl.principal, "arn:aws:iam::597713067985:role/activeloop_backend");
      assert.equal(config.managedPoliciesPerRole, 10);
      assert.equal(config.trustPolicyMaxChars, 2048);
    });

    it("turns a bare 12-digit account into its root principal", () => {
      const config = parseStackConfig(stackConfig([aquarium({ principal: "123456789012" })]));
      assert.equal(config.integrations[0].principal, "arn:aws:iam::123456789012:root");
    });

    it("keeps a vendor-issued ExternalId and gives isahit default CORS origins and an access point name", () => {
      const config = parseStackConfig(
        stackConfig([
          {
            name: "isahit-lab",
            vendor: "isahit",
            principal: "999888496268",
            externalId: "a6fa9c7f-7f53-4a41-812d-a29f48288a94",
            buckets: [{ name: "images", region: "eu-west-3" }],
          },
        ]),
      );
      const [isahit] = config.integrations;
      assert.deepEqual(isahit.externalId, { kind: "value", value: "a6fa9c7f-7f53-4a41-812d-a29f48288a94" });
      assert.deepEqual(isahit.cors, { origins: ["https://lab.isahit.com", "https://work.isahit.com"] });
      assert.equal(isahit.buckets[0].accessPointName, undefined, "the plan derives the default, per stack");
    });

    it("takes an AI Hub access-key integration without principal or ExternalId", () => {
      const config = parseStackConfig(
        stackConfig([
          {
            name: "aihub-keys",
            vendor: "aihub",
            auth: "accessKey",
            buckets: [{ name: "intake", region: "eu-west-1" }],
          },
        ]),
      );
      assert.equal(config.integrations[0].principal, undefined);
      assert.deepEqual(config.integrations[0].externalId, { kind: "none" });
    });
  });

  describe("bad config names every bad key path", () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        "an invalid bucket name",
        stackConfig([
          aquarium({
            buckets: [
              { name: "ok-bucket", region: "us-west-2" },
              { name: "Ground_Truth", region: "us-west-2" },
            ],
          }),
        ]),
        'integrations[0].buckets[1].name: "Ground_Truth" is not a valid S3 bucket name',
      ],
      [
        "Aquarium's example bucket name",
        stackConfig([aquarium({ buckets: [{ name: "example_bucket_name", region: "us-west-2" }] })]),
        'integrations[0].buckets[0].name: "example_bucket_name" is not a valid S3 bucket name',
      ],
      [
        "a bucket name that looks like an IP",
        stackConfig([aquarium({ buckets: [{ name: "192.168.5.4", region: "us-west-2" }] })]),
        "must not look like an IP address",
      ],
      [
        "an unknown region",
        stackConfig([aquarium({ buckets: [{ name: "images", region: "us-west-9" }] })]),
        'integrations[0].buckets[0].region: "us-west-9" is not an AWS region',
      ],
      [
        "a short account ID",
        stackConfig([aquarium()], { accountId: "12345" }),
        'accountId: "12345" is not a 12-digit AWS account ID',
      ],
      [
        "a principal that is not an ARN",
        stackConfig([aquarium({ principal: "aquarium" })]),
        'integrations[0].principal: "aquarium" is not an IAM principal ARN',
      ],
      [
        "a role principal for MLSpace",
        stackConfig([
          {
            name: "ml",
            vendor: "mlspace",
            principal: "arn:aws:iam::444455556666:role/x",
            buckets: [{ name: "data", region: "us-east-1" }],
          },
        ]),
        'integrations[0].principal: "arn:aws:iam::444455556666:role/x" must be an account',
      ],
      [
        "a missing principal where the vendor names none",
        stackConfig([aquarium({ principal: undefined })]),
        "integrations[0].principal: aquarium has no default principal",
      ],
      [
        "a KMS alias instead of a key ARN",
        stackConfig([
          aquarium({
            buckets: [
              { name: "images", region: "us-west-2", kmsKeyArn: "arn:aws:kms:us-west-2:111122223333:alias/s3" },
            ],
          }),
        ]),
        'integrations[0].buckets[0].kmsKeyArn: "arn:aws:kms:us-west-2:111122223333:alias/s3" is not a KMS key ARN',
      ],
      [
        "a KMS key in another region",
        stackConfig([aquarium({ buckets: [{ name: "images", region: "us-west-2", kmsKeyArn: kmsKey("us-east-1") }] })]),
        'integrations[0].buckets[0].kmsKeyArn: key is in us-east-1 but bucket "images" is in us-west-2',
      ],
      [
        "a prefix with a leading slash",
        stackConfig([aquarium({ buckets: [{ name: "images", region: "us-west-2", prefix: "/exports/" }] })]),
        'integrations[0].buckets[0].prefix: "/exports/" must not start with "/"',
      ],
      [
        "a prefix with a wildcard",
        stackConfig([aquarium({ buckets: [{ name: "images", region: "us-west-2", prefix: "exp*/" }] })]),
        'integrations[0].buckets[0].prefix: "exp*/" must not contain "*" or "?"',
      ],
      [
        "a prefix without its trailing slash",
        stackConfig([aquarium({ buckets: [{ name: "images", region: "us-west-2", prefix: "exports" }] })]),
        'integrations[0].buckets[0].prefix: "exports" must end with "/"',
      ],
      [
        "a one-character ExternalId",
        stackConfig([aquarium({ externalId: "x" })]),
        "integrations[0].externalId: must be 2 to 1224 characters",
      ],
      [
        "an ExternalId with a space",
        stackConfig([aquarium({ externalId: "has space" })]),
        "integrations[0].externalId: must be 2 to 1224 characters of letters, digits and +=,.@:/-",
      ],
      [
        "an ExternalId over 1224 characters",
        stackConfig([aquarium({ externalId: "a".repeat(1225) })]),
        "integrations[0].externalId: must be 2 to 1224 characters",
      ],
      [
        "a missing vendor-issued ExternalId",
        stackConfig([
          {
            name: "isahit-lab",
            vendor: "isahit",
            principal: "999888496268",
            buckets: [{ name: "images", region: "eu-west-3" }],
          },
        ]),
        "integrations[0].externalId: Isahit Lab issues the ExternalId",
      ],
      [
        "an ExternalId for a bucket-policy vendor",
        stackConfig([
          {
            name: "ml",
            vendor: "mlspace",
            principal: "444455556666",
            externalId: "abc123",
            buckets: [{ name: "data", region: "us-east-1" }],
          },
        ]),
        "integrations[0].externalId: mlspace with auth bucketPolicy takes no ExternalId",
      ],
      [
        "duplicate integration names",
        stackConfig([aquarium(), aquarium()]),
        'integrations[1].name: "aquarium-labels" is already used by integrations[0]',
      ],
      [
        "a bucket listed twice",
        stackConfig([
          aquarium({
            buckets: [
              { name: "images", region: "us-west-2" },
              { name: "images", region: "us-west-2", prefix: "a/" },
            ],
          }),
        ]),
        'integrations[0].buckets[1].name: "images" is listed twice in this integration (also buckets[0])',
      ],
      [
        "an access level the vendor does not offer",
        stackConfig([aquarium({ access: "read-write" })]),
        'integrations[0].access: "read-write" is not offered by aquarium (allowed: read)',
      ],
      [
        "an auth mode the vendor does not support",
        stackConfig([aquarium({ auth: "accessKey" })]),
        'integrations[0].auth: "accessKey" is not supported by aquarium (allowed: role)',
      ],
      [
        "an unknown vendor",
        stackConfig([{ name: "acme", vendor: "acme", buckets: [] }]),
        `integrations[0].vendor: "acme" is not a known vendor (known: ${builtInVendors.map((v) => v.id).join(", ")})`,
      ],
      [
        "an unknown key in an integration",
        stackConfig([aquarium({ colour: "blue" })]),
        "integrations[0].colour: unknown key",
      ],
      [
        "an unknown key in a bucket",
        stackConfig([aquarium({ buckets: [{ name: "images", region: "us-west-2", versioned: true }] })]),
        "integrations[0].buckets[0].versioned: unknown key",
      ],
      ["an unknown top-level key", stackConfig([aquarium()], { acountId: "111122223333" }), "acountId: unknown key"],
      [
        "a vendor block on the wrong vendor",
        stackConfig([aquarium({ cors: { origins: ["https://example.com"] } })]),
        "integrations[0].cors: unknown key",
      ],
      [
        "an invalid integration name",
        stackConfig([aquarium({ name: "Aquarium_Labels" })]),
        'integrations[0].name: "Aquarium_Labels" must be lowercase letters, digits and single hyphens',
      ],
      [
        "a bucket in two regions",
        stackConfig([
          aquarium(),
          aquarium({ name: "aquarium-two", buckets: [{ name: "ground-truth-images", region: "us-east-1" }] }),
        ]),
        'integrations[1].buckets[0].region: bucket "ground-truth-images" is in us-west-2 according to integrations[0].buckets[0]',
      ],
      [
        "an http CORS origin",
        stackConfig([
          {
            name: "isahit-lab",
            vendor: "isahit",
            principal: "999888496268",
            externalId: "abc123",
            cors: { origins: ["http://lab.isahit.com"] },
            buckets: [{ name: "images", region: "eu-west-3" }],
          },
        ]),
        'integrations[0].cors.origins[0]: "http://lab.isahit.com" is not an https origin',
      ],
      [
        "buckets in two partitions",
        stackConfig([
          aquarium({
            buckets: [
              { name: "images", region: "us-west-2" },
              { name: "images-cn", region: "cn-north-1" },
            ],
          }),
        ]),
        'integrations[0].buckets[1].region: "cn-north-1" is in partition aws-cn, but this integration\'s first bucket is in aws',
      ],
      [
        "baseline statements in shared mode",
        stackConfig([
          aquarium({ buckets: [{ name: "images", region: "us-west-2", baselineStatements: [{ Effect: "Allow" }] }] }),
        ]),
        "integrations[0].buckets[0].baselineStatements: only applies with bucketPolicyMode: exclusive",
      ],
    ];
    for (const [what, raw, expected] of cases) {
      it(`reports ${what}`, () => {
        const problems = configProblemsOf(raw);
        assert.ok(
          problems.some((p) => p.startsWith(expected) || p.includes(expected)),
          `expected a problem containing ${JSON.stringify(expected)}, got:\n${problems.join("\n")}`,
        );
      });
    }

    it("reports every problem at once, not just the first", () => {
      const problems = configProblemsOf(
        stackConfig(
          [
            aquarium({ buckets: [{ name: "Ground_Truth", region: "mars-1", prefix: "/x" }] }),
            {
              name: "deeplake",
              vendor: "deeplake",
              access: "admin",
              buckets: [{ name: "ok-bucket", region: "us-east-1", kmsKeyArn: "nope" }],
            },
            { name: "mystery", vendor: "nobody" },
          ],
          { accountId: "abc" },
        ),
      );
      const paths = problems.map((p) => p.split(":")[0]);
      for (const path of [
        "accountId",
        "integrations[0].buckets[0].name",
        "integrations[0].buckets[0].region",
        "integrations[0].buckets[0].prefix",
        "integrations[1].access",
        "integrations[1].buckets[0].kmsKeyArn",
        "integrations[2].vendor",
      ]) {
        assert.ok(paths.includes(path), `missing ${path} in:\n${problems.join("\n")}`);
      }
    });

    it("formats the error as a list without a stack trace in the message", () => {
      try {
        parseStackConfig(stackConfig([aquarium({ buckets: [{ name: "Ground_Truth", region: "us-west-2" }] })]));
        assert.fail("expected a ConfigError");
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        assert.match(
          error.message,
          /^Invalid stack config \(1 problem\):\n {2}- integrations\[0\]\.buckets\[0\]\.name: "Ground_Truth" is not a valid S3 bucket name/,
        );
        assert.doesNotMatch(error.message, /\n\s+at /);
      }
    });
  });
});
