// KeyPolicyEntries' provider against a real KMS API (moto_server, started by run.ts): foreign statements kept,
// ours added, updated and removed, the key administrators' statement never touched, lockouts refused.
import * as assert from "node:assert/strict";
import { CreateKeyCommand, GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from "@aws-sdk/client-kms";
import type { PolicyStatement } from "../../model/policy/document";
import {
  createKeyPolicyEntriesProvider,
  keyPolicyEntriesKind,
  type KeyPolicyEntriesInputs,
} from "../../providers/keyPolicyEntries";
import { sharedDocumentProviderVersion } from "../../providers/sharedDocumentProvider";
import { serializeAndLoad } from "../providers/serializedProvider";
import { localEndpoint, localOptions } from "./localS3";

type Provider = ReturnType<typeof createKeyPolicyEntriesProvider>;

const account = "111122223333";
/** This stack's owner key (ownerKeyFor), and another stack's that shares the key. */
const owner = "0a1b2c3d4e";
const otherStack = "9f8e7d6c5b";

function kms(): KMSClient {
  return new KMSClient({ region: "us-east-1", endpoint: localEndpoint() });
}

/** A key policy as a security team writes it: the account root, the administrators, CloudTrail, another stack's statement. */
function adminPolicy() {
  return {
    Version: "2012-10-17",
    Id: "key-consolepolicy-3",
    Statement: [
      {
        Sid: "Enable IAM User Permissions",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "Allow access for Key Administrators",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:role/KeyAdmins` },
        Action: ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:Put*", "kms:Update*", "kms:ScheduleKeyDeletion"],
        Resource: "*",
      },
      {
        Sid: `aihub-drive--${otherStack}--KmsViaS3`,
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::777788889999:root" },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
      },
    ],
  };
}

async function createKey(policy: object): Promise<string> {
  const client = kms();
  try {
    const created = await client.send(new CreateKeyCommand({ Policy: JSON.stringify(policy) }));
    return created.KeyMetadata!.Arn!;
  } finally {
    client.destroy();
  }
}

async function keyPolicyText(keyArn: string): Promise<string> {
  const client = kms();
  try {
    return (await client.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default" }))).Policy!;
  } finally {
    client.destroy();
  }
}

async function putKeyPolicy(keyArn: string, policy: object): Promise<void> {
  const client = kms();
  try {
    await client.send(
      new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: "default", Policy: JSON.stringify(policy) }),
    );
  } finally {
    client.destroy();
  }
}

async function livePolicy(keyArn: string): Promise<{ Statement: { Sid?: string }[]; [key: string]: unknown }> {
  return JSON.parse(await keyPolicyText(keyArn));
}

function statement(integration: string, vendorAccount: string, contexts: string[]): PolicyStatement {
  return {
    Sid: `${integration}--${owner}--KmsViaS3`,
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${vendorAccount}:root` },
    Action: ["kms:Decrypt"],
    Resource: ["*"],
    Condition: {
      StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:CallerAccount": vendorAccount },
      StringLike: { "kms:EncryptionContext:aws:s3:arn": contexts },
    },
  };
}

function inputs(keyArn: string, statements: PolicyStatement[]): KeyPolicyEntriesInputs {
  return {
    resourceKind: keyPolicyEntriesKind,
    providerVersion: sharedDocumentProviderVersion,
    keyArn,
    region: "us-east-1",
    ownerKey: owner,
    legacy: [],
    statements,
  };
}

/** Everything but our statements, exactly as the security team wrote it. */
async function assertForeignIntact(keyArn: string): Promise<void> {
  const policy = await livePolicy(keyArn);
  const original = adminPolicy();
  assert.equal(policy.Id, original.Id);
  assert.deepEqual(
    policy.Statement.filter((s) => !s.Sid?.includes(`--${owner}--`)),
    original.Statement,
  );
}

before(() => {
  localEndpoint();
});

for (const variant of ["in-process", "serialized"] as const) {
  describe(`KeyPolicyEntries on KMS (${variant} provider): a key with its administrators' policy`, () => {
    let provider: Provider;
    let keyArn: string;
    const mlspace = statement("mlspace-shared", "444455556666", ["arn:aws:s3:::ml-datasets/mlspace/*"]);
    // What state holds after each step: the engine passes it as `olds`, and ownership is by state.
    let state: PolicyStatement[] = [];
    const id = () => `${keyArn}/us-east-1/${owner}`;
    before(async function () {
      this.timeout(60000);
      const fresh = createKeyPolicyEntriesProvider(localOptions);
      provider = variant === "serialized" ? (await serializeAndLoad(fresh)).provider : fresh;
      keyArn = await createKey(adminPolicy());
    });

    it("adds ours after the foreign statements, which stay exactly as they were", async () => {
      const created = await provider.create(inputs(keyArn, [mlspace]));
      assert.equal(created.id, `${keyArn}/us-east-1/${owner}`);
      assert.deepEqual(created.outs!.drift, []);
      const policy = await livePolicy(keyArn);
      assert.deepEqual(policy.Statement.slice(3), [mlspace]);
      await assertForeignIntact(keyArn);
      state = [mlspace];
    });

    it("updates ours (a second integration, a new prefix) and nothing else", async () => {
      const widened = statement("mlspace-shared", "444455556666", [
        "arn:aws:s3:::ml-datasets",
        "arn:aws:s3:::ml-datasets/mlspace/*",
      ]);
      const second = statement("isahit-annotation", "999888496268", ["arn:aws:s3:::ground-truth/exports/*"]);
      await provider.update!(id(), { ...inputs(keyArn, state), drift: [] }, inputs(keyArn, [widened, second]));
      assert.deepEqual((await livePolicy(keyArn)).Statement.slice(3), [widened, second]);
      await assertForeignIntact(keyArn);
      state = [widened, second];
    });

    it("reports ours edited out of band as drift, and the next update restores it", async () => {
      const ours = [statement("mlspace-shared", "444455556666", ["arn:aws:s3:::ml-datasets/mlspace/*"])];
      await provider.update!(id(), { ...inputs(keyArn, state), drift: [] }, inputs(keyArn, ours));
      assert.deepEqual((await livePolicy(keyArn)).Statement.slice(3), ours, "the second integration's is removed");
      const edited = await livePolicy(keyArn);
      edited.Statement = edited.Statement.map((s) =>
        s.Sid === ours[0].Sid ? { ...s, Condition: { StringEquals: { "kms:CallerAccount": "444455556666" } } } : s,
      );
      await putKeyPolicy(keyArn, edited);
      const read = await provider.read!(`${keyArn}/us-east-1/${owner}`, { ...inputs(keyArn, ours), drift: [] });
      assert.deepEqual(read.props!.drift, [`statement ${ours[0].Sid} was edited out of band`]);
      await provider.update!(`${keyArn}/us-east-1/${owner}`, read.props!, inputs(keyArn, ours));
      assert.deepEqual((await livePolicy(keyArn)).Statement.slice(3), ours);
      await assertForeignIntact(keyArn);
      state = ours;
    });

    it("deletes ours, leaving the key policy exactly as its administrators wrote it", async () => {
      await provider.delete!(id(), { ...inputs(keyArn, state), drift: [] });
      assert.deepEqual(await livePolicy(keyArn), adminPolicy());
    });
  });
}

describe("KeyPolicyEntries on KMS: writes that could lock out the key's administrators are refused", () => {
  const provider = createKeyPolicyEntriesProvider(localOptions);
  const ours = statement("mlspace-shared", "444455556666", ["arn:aws:s3:::ml-datasets/mlspace/*"]);

  it("refuses to adopt a statement under our owner key that this stack never wrote, and writes nothing", async () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        adminPolicy().Statement[0],
        { ...adminPolicy().Statement[1], Sid: `mlspace-shared--${owner}--Admins` },
      ],
    };
    const keyArn = await createKey(policy);
    const before = await keyPolicyText(keyArn);
    await assert.rejects(
      provider.create(inputs(keyArn, [ours])),
      (error: Error) => error.name === "OwnershipConflictError",
    );
    assert.equal(await keyPolicyText(keyArn), before);
  });

  it("refuses to overwrite ours when it was rewritten out of band into the only administrators' statement", async () => {
    const keyArn = await createKey(adminPolicy());
    await provider.create(inputs(keyArn, [ours]));
    // The key's administrators, by hand, turn our statement into theirs and drop their own: ours by state, but theirs now.
    const live = await livePolicy(keyArn);
    const hijacked = { ...adminPolicy().Statement[1], Sid: ours.Sid };
    await putKeyPolicy(keyArn, {
      ...live,
      Statement: [adminPolicy().Statement[2], hijacked],
    });
    const before = await keyPolicyText(keyArn);
    await assert.rejects(
      provider.update!(
        `${keyArn}/us-east-1/${owner}`,
        { ...inputs(keyArn, [ours]), drift: [] },
        inputs(keyArn, [ours]),
      ),
      (error: Error) =>
        error.name === "KeyAdministratorLockoutError" && /nobody could change the policy again/.test(error.message),
    );
    assert.equal(await keyPolicyText(keyArn), before);
  });

  it("refuses a key whose policy grants kms:PutKeyPolicy to nobody, and writes nothing", async () => {
    const policy = { Version: "2012-10-17", Statement: [adminPolicy().Statement[2]] };
    const keyArn = await createKey(policy);
    const before = await keyPolicyText(keyArn);
    await assert.rejects(provider.create(inputs(keyArn, [ours])), (error: Error) =>
      /nobody could change the policy again/.test(error.message),
    );
    assert.equal(await keyPolicyText(keyArn), before);
  });

  it("refuses statements that are not KMS-via-S3 for a named principal, before reading the key", async () => {
    const keyArn = await createKey(adminPolicy());
    const before = await keyPolicyText(keyArn);
    const unscoped = { ...ours, Condition: { StringEquals: { "kms:CallerAccount": "444455556666" } } };
    await assert.rejects(provider.create(inputs(keyArn, [unscoped])), (error: Error) =>
      /kms:ViaService/.test(error.message),
    );
    const admin = { ...ours, Action: ["kms:Decrypt", "kms:PutKeyPolicy"] };
    await assert.rejects(provider.create(inputs(keyArn, [admin])), (error: Error) =>
      /Action may list only/.test(error.message),
    );
    assert.equal(await keyPolicyText(keyArn), before);
  });

  it("says what is wrong when the key does not exist", async () => {
    const missing = `arn:aws:kms:us-east-1:${account}:key/00000000-0000-4000-8000-000000000000`;
    await assert.rejects(provider.create(inputs(missing, [ours])), (error: Error) =>
      /GetKeyPolicy failed for key .*NotFoundException/.test(error.message),
    );
  });
});
