import * as assert from "node:assert/strict";
import { tagKeys } from "../../../policypack/programFacts";
import { noUnseenPolicyAttachments as rule } from "../../../policypack/rules/noUnseenPolicyAttachments";
import { noWildcardActions } from "../../../policypack/rules/noWildcardActions";
import { noWildcardResources } from "../../../policypack/rules/noWildcardResources";
import { assertHasResourceViolation, resourceArgs, runStackRule, stackArgs, type StackResource } from "../ruleHarness";

const config = { accountIds: ["111122223333"] };
const trust = (principal: Record<string, unknown>) =>
  JSON.stringify({
    Statement: {
      Effect: "Allow",
      Principal: principal,
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:ExternalId": "a6fa9c7f-7f53-4a41-812d-a29f48288a94" } },
    },
  });
const vendorRole: StackResource = {
  type: "aws:iam/role:Role",
  name: "vendor-role",
  props: { name: "aquarium-labels-dev", assumeRolePolicy: trust({ AWS: "arn:aws:iam::123456789012:root" }) },
};
const taggedRole: StackResource = {
  type: "aws:iam/role:Role",
  name: "tagged-role",
  props: {
    name: "deeplake-training-dev",
    assumeRolePolicy: trust({ AWS: "111122223333" }),
    tags: { [tagKeys.vendor]: "deeplake", [tagKeys.integration]: "deeplake-training" },
  },
};
const internalRole: StackResource = {
  type: "aws:iam/role:Role",
  name: "lambda-role",
  props: { name: "ingest-lambda", assumeRolePolicy: trust({ Service: "lambda.amazonaws.com" }) },
};
const ownPolicy: StackResource = {
  type: "aws:iam/policy:Policy",
  name: "vendor-grant",
  props: { name: "aquarium-labels-dev-1", policy: "{}" },
};
const s3FullAccess = "arn:aws:iam::aws:policy/AmazonS3FullAccess";
const attach = (role: string, policyArn: unknown, name = "attachment"): StackResource => ({
  type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  name,
  props: { role, policyArn },
});

async function violations(resources: StackResource[]): Promise<string[]> {
  return (await runStackRule(rule, stackArgs(resources, config))).byResource;
}

describe("policypack rule no-unseen-policy-attachments", () => {
  it("rejects AmazonS3FullAccess attached to a role a vendor assumes (RolePolicyAttachment)", async () => {
    const found = await violations([vendorRole, attach("aquarium-labels-dev", s3FullAccess)]);
    assert.equal(found.length, 1);
    assert.match(
      found[0],
      /^attachment: role "aquarium-labels-dev" gets the AWS-managed policy "arn:aws:iam::aws:policy\/AmazonS3FullAccess"/,
    );
    assert.match(found[0], /its trust admits arn:aws:iam::123456789012:root/);
  });

  it("rejects AdministratorAccess in a vendor role's managedPolicyArns", async () => {
    const role = {
      ...vendorRole,
      props: { ...vendorRole.props, managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
    };
    const found = await violations([role]);
    assert.deepEqual(found.length, 1);
    assert.match(
      found[0],
      /^vendor-role: role "aquarium-labels-dev" gets the AWS-managed policy .*AdministratorAccess/,
    );
  });

  it("rejects a customer policy the stack does not create, on a role tagged for a vendor", async () => {
    const found = await violations([
      taggedRole,
      attach("deeplake-training-dev", "arn:aws:iam::111122223333:policy/hand-made"),
    ]);
    assert.match(found[0], /which this stack does not create.*tagged vendor-access:vendor=deeplake/);
  });

  it("accepts the stack's own managed policy, matched by ARN or by path and name", async () => {
    assert.deepEqual(
      await violations([
        vendorRole,
        ownPolicy,
        attach("aquarium-labels-dev", "arn:aws:iam::111122223333:policy/aquarium-labels-dev-1"),
      ]),
      [],
    );
    const withArn = { ...ownPolicy, props: { ...ownPolicy.props, arn: "arn:aws:iam::111122223333:policy/x/y" } };
    assert.deepEqual(
      await violations([vendorRole, withArn, attach("aquarium-labels-dev", "arn:aws:iam::111122223333:policy/x/y")]),
      [],
    );
  });

  it("accepts an AWS-managed policy on a role only AWS services and your accounts assume", async () =>
    assert.deepEqual(
      await violations([
        internalRole,
        attach("ingest-lambda", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
      ]),
      [],
    ));

  it("rejects an attachment to a role outside the stack, whose trust it cannot see", async () => {
    const found = await violations([attach("someone-elses-role", s3FullAccess)]);
    assert.match(found[0], /the role is not in this stack, so the pack cannot tell who may assume it/);
  });

  it("rejects AWS-managed and unseen policies on users with access keys and on their groups", async () => {
    const user: StackResource = { type: "aws:iam/user:User", name: "aihub-user", props: { name: "aihub-prod" } };
    const key: StackResource = {
      type: "aws:iam/accessKey:AccessKey",
      name: "aihub-key",
      props: { user: "aihub-prod" },
    };
    const group: StackResource = { type: "aws:iam/group:Group", name: "vendors", props: { name: "vendors" } };
    const membership: StackResource = {
      type: "aws:iam/groupMembership:GroupMembership",
      name: "members",
      props: { group: "vendors", users: ["aihub-prod"] },
    };
    const found = await violations([
      user,
      key,
      group,
      membership,
      {
        type: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        name: "u",
        props: { user: "aihub-prod", policyArn: s3FullAccess },
      },
      {
        type: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        name: "g",
        props: { group: "vendors", policyArn: s3FullAccess },
      },
      {
        type: "aws:iam/policyAttachment:PolicyAttachment",
        name: "p",
        props: {
          users: ["aihub-prod"],
          groups: ["vendors"],
          roles: [],
          policyArn: "arn:aws:iam::111122223333:policy/other",
        },
      },
      {
        type: "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
        name: "x",
        props: { groupName: "vendors", policyArns: [s3FullAccess] },
      },
    ]);
    assert.deepEqual(
      found.map((line) => line.split(" gets ")[0]),
      [
        'u: user "aihub-prod"',
        'g: group "vendors"',
        'p: user "aihub-prod"',
        'p: group "vendors"',
        'x: group "vendors"',
      ],
    );
    assert.match(found[0], /the stack creates an access key for it/);
    assert.match(found[1], /its member aihub-prod is usable by a vendor/);
  });

  it("accepts a group whose members no vendor uses", async () => {
    const user: StackResource = { type: "aws:iam/user:User", name: "ops", props: { name: "ops" } };
    const group: StackResource = { type: "aws:iam/group:Group", name: "ops", props: { name: "ops" } };
    const membership: StackResource = {
      type: "aws:iam/userGroupMembership:UserGroupMembership",
      name: "m",
      props: { user: "ops", groups: ["ops"] },
    };
    assert.deepEqual(
      await violations([
        user,
        group,
        membership,
        {
          type: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
          name: "g",
          props: { group: "ops", policyArn: s3FullAccess },
        },
      ]),
      [],
    );
  });

  it("skips an attachment whose policy ARN is unknown during preview", async () =>
    assert.deepEqual(await violations([vendorRole, attach("aquarium-labels-dev", undefined)]), []));

  it("sends group inline policies through the document rules, as a role's", async () => {
    const groupPolicy = resourceArgs("aws:iam/groupPolicy:GroupPolicy", {
      group: "vendors",
      policy: JSON.stringify({ Statement: { Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" } }),
    });
    await assertHasResourceViolation(
      noWildcardActions,
      groupPolicy,
      'policy: statement "Everything" allows wildcard action "*"',
    );
    await assertHasResourceViolation(noWildcardResources, groupPolicy, '"*" is every resource');
  });
});
