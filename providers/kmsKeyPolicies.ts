// KMS I/O for one key's policy: GetKeyPolicy and PutKeyPolicy on the policy named "default", the only one KMS has.
// Kept free of Pulumi imports: the key-policy provider captures it by value; @aws-sdk/client-kms is captured as a require.
import { GetKeyPolicyCommand, PutKeyPolicyCommand, type KMSClient } from "@aws-sdk/client-kms";
import type { DocumentClients } from "./awsClients";
import type { DocumentStore } from "../model/sharedDocuments/documentStore";
import { namedError, parsePolicy, type LivePolicy } from "../model/sharedDocuments/merge";

/** KMS has one key policy per key, named "default" (AWS KMS API Reference, GetKeyPolicy: PolicyName). */
export const keyPolicyName = "default";

/** The KMS clients of one key (providers/awsClients.ts): reads retried by the SDK, writes sent once. */
export type KmsClients = DocumentClients<KMSClient>;

/** A KMS error turned into a message that says what to do; KMS's code and HTTP status stay on it. */
export function describeKmsError(error: unknown, keyArn: string, operation: string): Error {
  const name = (error as { name?: string })?.name ?? "Error";
  const message = (error as { message?: string })?.message ?? String(error);
  const reason =
    name === "NotFoundException"
      ? `key ${keyArn} does not exist, or these credentials cannot see it (NotFoundException): fix kmsKeyArn in config`
      : name === "AccessDeniedException"
        ? `access denied (${name}): the deploying credentials need kms:GetKeyPolicy and kms:PutKeyPolicy on ${keyArn}, from an IAM policy the key policy lets decide`
        : `${name}: ${message}`;
  return namedError(
    name === "NotFoundException" ? "DocumentNotFoundError" : "KmsKeyPolicyError",
    `${operation} failed for key ${keyArn}: ${reason}`,
    { code: name, $metadata: (error as { $metadata?: unknown })?.$metadata },
  );
}

/** KMS refuses a policy naming a principal IAM has not propagated yet: "MalformedPolicyDocumentException ... invalid principals". */
export function isInvalidKeyPolicyPrincipal(error: unknown): boolean {
  const text = `${(error as { code?: string })?.code ?? ""} ${(error as Error)?.message ?? ""}`;
  return /MalformedPolicyDocument/.test(text) && /principal/i.test(text);
}

/**
 * The key policy as a store. A key always has a policy, and KMS has no delete: there is no `remove`, so the
 * owned-entries write refuses a merge that would leave the policy without statements.
 */
export function keyPolicyStore(clients: KmsClients, keyArn: string): DocumentStore<LivePolicy> {
  return {
    subject: `key policy of ${keyArn}`,
    ledgerKey: `kms/key-policy/${keyArn}`,
    async read() {
      let text: string | undefined;
      try {
        text = (await clients.reads.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: keyPolicyName }))).Policy;
      } catch (error) {
        throw describeKmsError(error, keyArn, "GetKeyPolicy");
      }
      try {
        return parsePolicy(keyArn, text);
      } catch (error) {
        throw namedError(
          "PolicyParseError",
          `key ${keyArn}: the live key policy is not a policy document we can merge into (${(error as Error).message}); fix it by hand first`,
        );
      }
    },
    async write(policy) {
      try {
        // KMS's own lockout check stays on: it refuses a policy that would stop the caller from changing it again.
        await clients.writes.send(
          new PutKeyPolicyCommand({
            KeyId: keyArn,
            PolicyName: keyPolicyName,
            Policy: JSON.stringify(policy),
            BypassPolicyLockoutSafetyCheck: false,
          }),
        );
      } catch (error) {
        throw describeKmsError(error, keyArn, "PutKeyPolicy");
      }
    },
    isPropagationDelay: isInvalidKeyPolicyPrincipal,
  };
}
