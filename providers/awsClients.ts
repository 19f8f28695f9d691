// The one place the program's own AWS SDK v3 clients are made (S3 and KMS): the stack's AWS settings (profile,
// assume-role chain, endpoints), request timeouts, and no SDK retries of document writes, so that calls outside the
// AWS provider run as the same principal in the same account as the provider's, and never resend a stale body.
// Kept free of Pulumi imports: the dynamic providers capture it by value; the SDK packages are captured as requires.
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type * as pulumi from "@pulumi/pulumi";
import type { AssumeRoleExternalIds, AwsClientSettings } from "../model/awsSettings";

/** What a client needs besides its region: the stack's settings, and the chain's ExternalIds (secret inputs). */
export interface AwsClientContext {
  settings: AwsClientSettings;
  externalIds?: AssumeRoleExternalIds;
}

/** The props a resource whose provider calls AWS carries: settings in plain text, ExternalIds as a secret. */
export interface AwsClientProps {
  aws?: AwsClientSettings;
  awsExternalIds?: AssumeRoleExternalIds;
}

/** The same props as resource inputs: the chain's ExternalIds, when any, as a Pulumi secret. */
export interface AwsClientInputs {
  aws: AwsClientSettings;
  awsExternalIds?: pulumi.Output<AssumeRoleExternalIds>;
}

/** The client context stored in a resource's props (state from before these props: the default chain). */
export function awsClientContextOf(props: AwsClientProps): AwsClientContext {
  return {
    settings: props.aws ?? defaultAwsClientContext.settings,
    ...(props.awsExternalIds ? { externalIds: props.awsExternalIds } : {}),
  };
}

/** No stack settings: the SDK's default chain, as the AWS provider uses when nothing is configured. */
export const defaultAwsClientContext: AwsClientContext = { settings: { assumeRoles: [], endpoints: {} } };

/** An endpoint override from the environment (the SDK's own variables), for local servers in tests. */
export function environmentEndpoint(
  service: "S3" | "KMS" | "STS",
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * The credentials the AWS provider would use: the profile (or the default chain), then each role of the chain
 * assumed with the previous hop's credentials (AWS Pulumi provider, "assumeRoles"; STS AssumeRole).
 */
export function credentialsFor(context: AwsClientContext): AwsCredentialIdentityProvider {
  // Clients given one provider share one AssumeRole session instead of assuming the role each.
  return sharedUntilExpiry(chainFor(context));
}

/** Credentials fetched once and reused until five minutes before they expire. */
function sharedUntilExpiry(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: ReturnType<AwsCredentialIdentityProvider> | undefined;
  return async () => {
    const identity = current && (await current.catch(() => undefined));
    const fresh = identity && (!identity.expiration || identity.expiration.getTime() - Date.now() > 300_000);
    if (!fresh) current = provider();
    return current!;
  };
}

function chainFor(context: AwsClientContext): AwsCredentialIdentityProvider {
  const { settings } = context;
  let credentials: AwsCredentialIdentityProvider = settings.profile
    ? fromIni({ profile: settings.profile })
    : fromNodeProviderChain();
  const stsEndpoint = settings.endpoints.sts ?? environmentEndpoint("STS");
  settings.assumeRoles.forEach((hop, index) => {
    const externalId = context.externalIds?.[index] ?? undefined;
    credentials = fromTemporaryCredentials({
      masterCredentials: credentials,
      params: {
        RoleArn: hop.roleArn,
        RoleSessionName: hop.sessionName ?? "vendor-access",
        ...(externalId ? { ExternalId: externalId } : {}),
        ...(hop.durationSeconds ? { DurationSeconds: hop.durationSeconds } : {}),
      },
      clientConfig: {
        ...(settings.region ? { region: settings.region } : {}),
        ...(stsEndpoint ? { endpoint: stsEndpoint } : {}),
      },
    });
  });
  return credentials;
}

/** Time limits of every request the program's own clients send. */
export interface RequestTimeouts {
  /** Time to open the TCP connection. */
  connectTimeoutMs: number;
  /** Time without an answer before the request fails: an endpoint that never answers cannot hang `up`. */
  requestTimeoutMs: number;
}

/** Reads may be retried by the SDK; writes are sent once, since a resend could carry a body the document has outgrown. */
export interface DocumentClients<Client> {
  reads: Client;
  writes: Client;
  destroy(): void;
}

/** The settings S3 and KMS clients take alike. */
interface CommonClientConfig {
  region: string;
  credentials: AwsCredentialIdentityProvider;
  maxAttempts: number;
  requestHandler: NodeHttpHandler;
  endpoint?: string;
}

/** What every client of one pair shares: region, the stack's credentials (one session), endpoint and timeouts. */
function clientPair<Client extends { destroy(): void }>(
  service: "s3" | "kms",
  region: string,
  timeouts: RequestTimeouts,
  context: AwsClientContext,
  construct: (config: CommonClientConfig) => Client,
): DocumentClients<Client> {
  const credentials = credentialsFor(context);
  const endpoint = context.settings.endpoints[service] ?? environmentEndpoint(service === "s3" ? "S3" : "KMS");
  const make = (maxAttempts: number) =>
    construct({
      region,
      credentials,
      maxAttempts,
      // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes, and an endpoint
      // that accepts the connection and never answers would hang `up` (@smithy/node-http-handler, requestTimeout).
      requestHandler: new NodeHttpHandler({
        connectionTimeout: timeouts.connectTimeoutMs,
        requestTimeout: timeouts.requestTimeoutMs,
        throwOnRequestTimeout: true,
        socketTimeout: timeouts.requestTimeoutMs,
      }),
      ...(endpoint ? { endpoint } : {}),
    });
  const reads = make(3);
  const writes = make(1);
  return {
    reads,
    writes,
    destroy: () => {
      reads.destroy();
      writes.destroy();
    },
  };
}

/** S3 clients in the bucket's region with the stack's settings; local S3 servers get path-style addressing. */
export function s3ClientsFor(
  region: string,
  timeouts: RequestTimeouts,
  context: AwsClientContext = defaultAwsClientContext,
): DocumentClients<S3Client> {
  const pathStyle = context.settings.s3UsePathStyle || !!(context.settings.endpoints.s3 ?? environmentEndpoint("S3"));
  return clientPair(
    "s3",
    region,
    timeouts,
    context,
    (config) =>
      // Local S3 servers answer on one host, so buckets go in the path, not the hostname.
      new S3Client({ ...config, ...(pathStyle ? { forcePathStyle: true } : {}) }),
  );
}

/** KMS clients in the key's region with the stack's settings. */
export function kmsClientsFor(
  region: string,
  timeouts: RequestTimeouts,
  context: AwsClientContext = defaultAwsClientContext,
): DocumentClients<KMSClient> {
  return clientPair("kms", region, timeouts, context, (config) => new KMSClient(config));
}
