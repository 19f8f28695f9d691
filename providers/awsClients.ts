// AWS SDK v3 clients with the stack's own AWS settings (profile, assume-role chain, endpoints), so that the
// program's calls outside the AWS provider run as the same principal in the same account as the provider's.
// Kept free of Pulumi imports: the dynamic providers capture it by value; the SDK packages are captured as requires.
import { KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
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

/** An S3 client in `region` with the stack's credentials and endpoint. */
export function s3ClientFor(
  region: string,
  context: AwsClientContext = defaultAwsClientContext,
  extra: Omit<S3ClientConfig, "region" | "credentials" | "endpoint"> & {
    /** Credentials from `credentialsFor(context)`, to share them between clients. */
    credentials?: AwsCredentialIdentityProvider;
  } = {},
): S3Client {
  const endpoint = context.settings.endpoints.s3 ?? environmentEndpoint("S3");
  return new S3Client({
    ...extra,
    region,
    credentials: extra.credentials ?? credentialsFor(context),
    ...(endpoint ? { endpoint } : {}),
    // Local S3 servers answer on one host, so buckets go in the path, not the hostname.
    ...(context.settings.s3UsePathStyle || endpoint ? { forcePathStyle: true } : {}),
  });
}

/** A KMS client in `region` with the stack's credentials and endpoint. */
export function kmsClientFor(
  region: string,
  context: AwsClientContext = defaultAwsClientContext,
  extra: Omit<KMSClientConfig, "region" | "credentials" | "endpoint"> = {},
): KMSClient {
  const endpoint = context.settings.endpoints.kms ?? environmentEndpoint("KMS");
  return new KMSClient({ ...extra, region, credentials: credentialsFor(context), ...(endpoint ? { endpoint } : {}) });
}
