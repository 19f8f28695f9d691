import * as assert from "node:assert/strict";
import { kmsExternalUseViaServiceOnly as rule } from "../../../policypack/rules/kmsExternalUseViaServiceOnly";
import { noWildcardActions } from "../../../policypack/rules/noWildcardActions";
import { dynamicResource, keyPolicyEntriesKind } from "../../../policypack/resourceTypes";
import { runProgram, stackConfig } from "../../helpers/program";
import {
  assertHasResourceViolation,
  assertNoResourceViolations,
  documentShapes,
  keyPolicy,
  kmsKey,
  resourceArgs,
} from "../ruleHarness";

const config = { accountIds: ["111122223333"] };
const viaS3 = { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } };
const vendorUse = (actions: string | string[], condition?: Record<string, unknown>) => ({
  Sid: "VendorUse",
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::444455556666:root" },
  Action: actions,
  Resource: "*",
  ...(condition ? { Condition: condition } : {}),
});
const grant = (props: Record<string, unknown>) =>
  resourceArgs(
    "aws:kms/grant:Grant",
    {
      keyId: "arn:aws:kms:us-east-1:111122223333:key/1234",
      granteePrincipal: "arn:aws:iam::444455556666:root",
      ...props,
    },
    { config },
  );
const s3Context = [{ encryptionContextSubset: { "aws:s3:arn": "arn:aws:s3:::ml-datasets-dev" } }];

describe("policypack rule kms-external-use-via-service-only", () => {
  for (const { label, document } of documentShapes(vendorUse(["kms:Decrypt", "kms:GenerateDataKey"], viaS3))) {
    it(`accepts an outside account using the key via S3 (${label})`, () =>
      assertNoResourceViolations(rule, keyPolicy(document, { config })));
  }

  it("rejects kms:Decrypt for an outside account without kms:ViaService", () =>
    assertHasResourceViolation(
      rule,
      keyPolicy({ Statement: vendorUse("kms:Decrypt") }, { config }),
      'policy: statement "VendorUse" lets "arn:aws:iam::444455556666:root" use the key directly: it has no kms:ViaService condition',
    ));
  for (const action of [
    "kms:CreateGrant",
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:RetireGrant",
    "kms:DisableKey",
  ]) {
    it(`rejects ${action} for an outside account, even via a service`, () =>
      assertHasResourceViolation(
        rule,
        kmsKey({ Statement: vendorUse(["kms:Decrypt", action], viaS3) }, { config }),
        "administer the key",
        `"${action}"`,
      ));
  }
  it("expands wildcards and NotAction with the IAM catalog", async () => {
    await assertHasResourceViolation(
      rule,
      keyPolicy({ Statement: vendorUse("kms:*", viaS3) }, { config }),
      '"kms:CreateGrant"',
    );
    await assertHasResourceViolation(
      rule,
      keyPolicy({ Statement: vendorUse("kms:Put*", viaS3) }, { config }),
      '"kms:PutKeyPolicy"',
    );
    const notAction = { ...vendorUse([], viaS3), Action: undefined, NotAction: "kms:Decrypt" };
    await assertHasResourceViolation(
      rule,
      keyPolicy({ Statement: notAction }, { config }),
      '"kms:ScheduleKeyDeletion"',
    );
  });
  it("rejects weak kms:ViaService conditions", async () => {
    for (const condition of [
      { StringEqualsIfExists: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
      { StringNotEquals: { "kms:ViaService": "ec2.us-east-1.amazonaws.com" } },
      { StringLike: { "kms:ViaService": "*" } },
    ])
      await assertHasResourceViolation(
        rule,
        keyPolicy({ Statement: vendorUse("kms:Decrypt", condition) }, { config }),
        "use the key directly",
      );
  });
  it("treats everyone (*) as outside unless kms:CallerAccount pins your accounts", async () => {
    const everyone = { ...vendorUse("kms:Decrypt", viaS3), Principal: { AWS: "*" } };
    await assertHasResourceViolation(rule, keyPolicy({ Statement: { ...everyone, Condition: {} } }, { config }), '"*"');
    await assertNoResourceViolations(
      rule,
      keyPolicy(
        {
          Statement: {
            ...everyone,
            Condition: {
              StringEquals: { "kms:CallerAccount": "111122223333", "kms:ViaService": "s3.us-east-1.amazonaws.com" },
            },
          },
        },
        { config },
      ),
    );
  });

  it("accepts the AWS default key policy: your own account root with kms:* (contested, see README)", async () => {
    const defaultPolicy = {
      Statement: {
        Sid: "Enable IAM User Permissions",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111122223333:root" },
        Action: "kms:*",
        Resource: "*",
      },
    };
    await assertNoResourceViolations(rule, kmsKey(defaultPolicy, { config }));
    await assertNoResourceViolations(noWildcardActions, kmsKey(defaultPolicy, { config }));
    // Without accountIds the root is another account's, and so is the wildcard.
    await assertHasResourceViolation(noWildcardActions, kmsKey(defaultPolicy), '"kms:*"');
  });

  it("reads the key-policy statements of the program's KeyPolicyEntries", () =>
    assertHasResourceViolation(
      rule,
      resourceArgs(
        dynamicResource,
        {
          resourceKind: keyPolicyEntriesKind,
          keyArn: "arn:aws:kms:us-east-1:111122223333:key/1234",
          statements: [vendorUse("kms:Decrypt")],
        },
        { config },
      ),
      'statements: statement "VendorUse"',
      "no kms:ViaService condition",
    ));

  it("accepts the KeyPolicyEntries the program registers for MLSpace on an SSE-KMS bucket", async function () {
    this.timeout(60000);
    const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { resources } = await runProgram(
      stackConfig([
        {
          name: "mlspace-shared",
          vendor: "mlspace",
          principal: "444455556666",
          buckets: [{ name: "ml-datasets", region: "us-east-1", kmsKeyArn: key }],
        },
      ]),
    );
    const [entries] = resources.filter((r) => r.props.resourceKind === keyPolicyEntriesKind);
    assert.equal(entries.type, dynamicResource);
    assert.equal((entries.props.statements as unknown[]).length, 1);
    await assertNoResourceViolations(rule, resourceArgs(entries.type, entries.props, { name: entries.name, config }));
    // The same statement without its kms:ViaService condition is what the rule exists to stop.
    const [statement] = entries.props.statements as { Condition: { StringEquals: Record<string, string> } }[];
    const { "kms:ViaService": _via, ...withoutVia } = statement.Condition.StringEquals;
    const loosened = [{ ...statement, Condition: { ...statement.Condition, StringEquals: withoutVia } }];
    await assertHasResourceViolation(
      rule,
      resourceArgs(entries.type, { ...entries.props, statements: loosened }, { name: entries.name, config }),
      "no kms:ViaService condition",
    );
  });

  describe("grants", () => {
    it("accepts a grant to an outside account constrained to the bucket's encryption context", () =>
      assertNoResourceViolations(rule, grant({ operations: ["Decrypt", "GenerateDataKey"], constraints: s3Context })));
    it("rejects a grant to an outside account with no encryption-context constraint", () =>
      assertHasResourceViolation(rule, grant({ operations: ["Decrypt"] }), "has no encryption-context constraint"));
    it("rejects an empty constraint", () =>
      assertHasResourceViolation(
        rule,
        grant({ operations: ["Decrypt"], constraints: [{ encryptionContextEquals: {} }] }),
        "no encryption-context",
      ));
    it("rejects CreateGrant and RetireGrant in a grant to an outside account", () =>
      assertHasResourceViolation(
        rule,
        grant({ operations: ["Decrypt", "CreateGrant", "RetireGrant"], constraints: s3Context }),
        '"CreateGrant", "RetireGrant"',
      ));
    it("leaves grants to your own accounts and to services alone", async () => {
      await assertNoResourceViolations(
        rule,
        grant({ granteePrincipal: "arn:aws:iam::111122223333:role/app", operations: ["CreateGrant"] }),
      );
      await assertNoResourceViolations(
        rule,
        grant({ granteePrincipal: "dynamodb.amazonaws.com", operations: ["Decrypt"] }),
      );
    });
  });
});
