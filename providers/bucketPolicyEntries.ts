// This stack's statements in one bucket's policy, which others share: one resource per bucket per stack, holding
// every integration's statements, each Sid carrying the stack's owner key. Everything else in the policy is kept.
import * as pulumi from "@pulumi/pulumi";
import { bucketPolicyEntriesKind } from "../model/resourceSpecs";
import type { PolicyStatement } from "../model/policy/document";
import { bucketPolicyFormat } from "../model/sharedDocuments/formats";
import type { LiveStatement } from "../model/sharedDocuments/merge";
import type { LegacyPrefix } from "../model/sharedDocuments/ownership";
import { awsClientContextOf, type AwsClientInputs } from "./awsClients";
import { defaultOwnedEntriesOptions, type OwnedEntriesOptions } from "./ownedEntries";
import { bucketPolicyStore, s3ClientsFor, type CoordinationBucket } from "./s3DocumentStores";
import {
  createSharedDocumentProvider,
  sharedDocumentProviderVersion,
  type SharedDocumentProps,
} from "./sharedDocumentProvider";

export { bucketPolicyEntriesKind };

export interface BucketPolicyEntriesArgs {
  bucket: string;
  region: string;
  ownerKey: string;
  statements: pulumi.Input<PolicyStatement[]>;
  legacy?: LegacyPrefix[];
  coordination?: CoordinationBucket;
  /** The stack's AWS settings (the chain's ExternalIds as a secret), so writes run as the AWS provider does. */
  aws?: AwsClientInputs["aws"];
  awsExternalIds?: AwsClientInputs["awsExternalIds"];
}

export interface BucketPolicyEntriesInputs extends SharedDocumentProps {
  bucket: string;
  region: string;
  statements: PolicyStatement[];
}

type Provider = pulumi.dynamic.ResourceProvider<BucketPolicyEntriesInputs, BucketPolicyEntriesInputs>;

export function createBucketPolicyEntriesProvider(options: OwnedEntriesOptions = defaultOwnedEntriesOptions): Provider {
  return createSharedDocumentProvider<{ Statement: LiveStatement[] }, LiveStatement>(
    {
      kind: bucketPolicyEntriesKind,
      entriesKey: "statements",
      identityKeys: ["bucket", "region"],
      format: (props) => bucketPolicyFormat(props.bucket as string),
      open: (props, timeouts) => {
        const clients = s3ClientsFor(props.region as string, timeouts, awsClientContextOf(props));
        return {
          store: bucketPolicyStore(clients, props.bucket as string, props.region as string),
          close: clients.destroy,
        };
      },
    },
    options,
  ) as Provider;
}

/** The provider every BucketPolicyEntries uses; serialized into the program's state by closure serialization. */
export const bucketPolicyEntriesProvider = createBucketPolicyEntriesProvider();

/**
 * This stack's statements in one bucket's policy (type `pulumi-nodejs:dynamic:Resource`, `resourceKind:
 * vendor-access:BucketPolicyEntries`). Every statement without this stack's owner key is preserved.
 */
export class BucketPolicyEntries extends pulumi.dynamic.Resource {
  declare readonly bucket: pulumi.Output<string>;
  declare readonly statements: pulumi.Output<PolicyStatement[]>;
  declare readonly drift: pulumi.Output<string[]>;

  constructor(name: string, args: BucketPolicyEntriesArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      resourceKind: bucketPolicyEntriesKind,
      providerVersion: sharedDocumentProviderVersion,
      bucket: args.bucket,
      region: args.region,
      ownerKey: args.ownerKey,
      statements: args.statements,
      legacy: args.legacy ?? [],
      ...(args.coordination ? { coordination: args.coordination } : {}),
      ...(args.aws ? { aws: args.aws } : {}),
      ...(args.awsExternalIds ? { awsExternalIds: args.awsExternalIds } : {}),
      drift: undefined,
    };
    super(bucketPolicyEntriesProvider, name, props, opts);
  }
}
