// The shared-document providers (bucket policy, key policy) run as the stack's assumed role: every call goes through
// a loopback proxy in front of moto_server that records who signed it (SigV4 Authorization, "Credential=<key ID>/...").
import * as assert from "node:assert/strict";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { AwsClientSettings } from "../../model/awsSettings";
import { ownerKeyFor } from "../../model/sharedDocuments/ownership";
import { bucketPolicyEntriesKind, createBucketPolicyEntriesProvider } from "../../providers/bucketPolicyEntries";
import { createKeyPolicyEntriesProvider, keyPolicyEntriesKind } from "../../providers/keyPolicyEntries";
import { sharedDocumentProviderVersion } from "../../providers/sharedDocumentProvider";
import { serializeAndLoad } from "../providers/serializedProvider";
import { createBucket, getPolicy, localEndpoint, localOptions } from "./localS3";

interface RecordedCall {
  method: string;
  path: string;
  /** The JSON API operation (KMS: X-Amz-Target, "TrentService.<Operation>"), if any. */
  target: string;
  /** The access key ID that signed the request. */
  signedBy: string;
  requestBody: string;
  responseBody: string;
}

/** A loopback HTTP proxy to `target` that records every call. */
async function recordingProxy(
  target: string,
): Promise<{ endpoint: string; calls: RecordedCall[]; close(): Promise<void> }> {
  const calls: RecordedCall[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const requestBody = Buffer.concat(chunks);
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "connection"),
      ) as Record<string, string>,
      body: requestBody.length > 0 ? requestBody : undefined,
    });
    const responseBody = Buffer.from(await upstream.arrayBuffer());
    const signedBy = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "(unsigned)";
    calls.push({
      method: req.method!,
      path: req.url!,
      target: String(req.headers["x-amz-target"] ?? ""),
      signedBy,
      requestBody: requestBody.toString(),
      responseBody: responseBody.toString(),
    });
    res.writeHead(
      upstream.status,
      Object.fromEntries([...upstream.headers].filter(([k]) => k !== "content-encoding" && k !== "transfer-encoding")),
    );
    res.end(responseBody);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const roleArn = "arn:aws:iam::123456789012:role/vendor-access-deployer";

/** The chain's settings, every service's calls through the proxy. */
function chainThrough(endpoint: string): AwsClientSettings {
  return {
    region: "us-east-1",
    assumeRoles: [{ roleArn, sessionName: "vendor-access-test" }],
    endpoints: { s3: endpoint, kms: endpoint, sts: endpoint },
  };
}

/** The one AssumeRole call: signed by the environment, with the chain's settings. Returns the assumed key ID. */
function assumedKeyOf(calls: RecordedCall[]): { assume: RecordedCall; assumedKey: string } {
  const assume = calls.filter((call) => call.requestBody.includes("Action=AssumeRole"));
  assert.equal(assume.length, 1, "one AssumeRole call");
  assert.equal(assume[0].signedBy, "testing");
  const params = new URLSearchParams(assume[0].requestBody);
  assert.equal(params.get("RoleArn"), roleArn);
  assert.equal(params.get("ExternalId"), "deployer-external-0001");
  assert.equal(params.get("RoleSessionName"), "vendor-access-test");
  const assumedKey = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(assume[0].responseBody)?.[1];
  assert.ok(assumedKey && assumedKey !== "testing", `moto returned ${assumedKey}`);
  return { assume: assume[0], assumedKey };
}

describe("the stack's assume-role chain, against moto", () => {
  it("writes the bucket policy with the assumed role's credentials, not the environment's", async () => {
    const bucket = await createBucket("assumed");
    const proxy = await recordingProxy(localEndpoint());
    try {
      const settings = chainThrough(proxy.endpoint);
      const ownerKey = ownerKeyFor("organization", "vendor-access-it", "prod");
      const { provider } = await serializeAndLoad(createBucketPolicyEntriesProvider(localOptions));
      const statement = {
        Sid: `aquarium-labels--${ownerKey}--ObjectAccess`,
        Effect: "Allow" as const,
        Principal: { AWS: "arn:aws:iam::444455556666:root" },
        Action: ["s3:GetObject"],
        Resource: [`arn:aws:s3:::${bucket}/*`],
      };
      await provider.create!({
        resourceKind: bucketPolicyEntriesKind,
        providerVersion: sharedDocumentProviderVersion,
        bucket,
        region: "us-east-1",
        ownerKey,
        legacy: [],
        statements: [statement],
        aws: settings,
        awsExternalIds: ["deployer-external-0001"],
      });

      // The first hop is signed by the environment's credentials and carries the chain's settings.
      const { assume, assumedKey } = assumedKeyOf(proxy.calls);

      const s3Calls = proxy.calls.filter((call) => call !== assume);
      assert.ok(
        s3Calls.some((call) => call.method === "PUT" && call.path.includes("policy")),
        "the policy was written through the proxy",
      );
      assert.deepEqual([...new Set(s3Calls.map((call) => call.signedBy))], [assumedKey]);
      assert.deepEqual(
        (await getPolicy(bucket))?.Statement.map((s) => s.Sid),
        [statement.Sid],
      );
    } finally {
      await proxy.close();
    }
  });

  it("reads and writes the key policy with the assumed role's credentials (GetKeyPolicy, PutKeyPolicy)", async () => {
    const account = "123456789012";
    const admin = {
      Sid: "Enable IAM User Permissions",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: "kms:*",
      Resource: "*",
    };
    const kms = new KMSClient({ region: "us-east-1", endpoint: localEndpoint() });
    const keyArn = (
      await kms.send(new CreateKeyCommand({ Policy: JSON.stringify({ Version: "2012-10-17", Statement: [admin] }) }))
    ).KeyMetadata!.Arn!;
    kms.destroy();
    const proxy = await recordingProxy(localEndpoint());
    try {
      const ownerKey = ownerKeyFor("organization", "vendor-access-it", "prod");
      const { provider } = await serializeAndLoad(createKeyPolicyEntriesProvider(localOptions));
      const statement = {
        Sid: `mlspace-shared--${ownerKey}--KmsViaS3`,
        Effect: "Allow" as const,
        Principal: { AWS: "arn:aws:iam::444455556666:root" },
        Action: ["kms:Decrypt"],
        Resource: ["*"],
        Condition: {
          StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:CallerAccount": "444455556666" },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::ml-datasets/mlspace/*"] },
        },
      };
      await provider.create!({
        resourceKind: keyPolicyEntriesKind,
        providerVersion: sharedDocumentProviderVersion,
        keyArn,
        region: "us-east-1",
        ownerKey,
        legacy: [],
        statements: [statement],
        aws: chainThrough(proxy.endpoint),
        awsExternalIds: ["deployer-external-0001"],
      });

      const { assume, assumedKey } = assumedKeyOf(proxy.calls);
      const kmsCalls = proxy.calls.filter((call) => call !== assume);
      const operations = new Set(kmsCalls.map((call) => call.target));
      assert.ok(operations.has("TrentService.GetKeyPolicy"), [...operations].join(", "));
      assert.ok(operations.has("TrentService.PutKeyPolicy"), [...operations].join(", "));
      assert.deepEqual([...new Set(kmsCalls.map((call) => call.signedBy))], [assumedKey]);
      const written = kmsCalls.find((call) => call.target === "TrentService.PutKeyPolicy")!;
      assert.deepEqual(
        JSON.parse(JSON.parse(written.requestBody).Policy).Statement.map((s: { Sid: string }) => s.Sid),
        [admin.Sid, statement.Sid],
      );
    } finally {
      await proxy.close();
    }
  });
});
