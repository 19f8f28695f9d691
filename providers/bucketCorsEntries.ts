// This stack's rules in one bucket's CORS configuration, which others share: one resource per bucket per stack,
// holding every integration's rules, each rule ID carrying the stack's owner key. Every other rule is kept.
import * as pulumi from "@pulumi/pulumi";
import { bucketCorsEntriesKind } from "../model/resourceSpecs";
import type { CorsRule } from "../model/plan";
import { bucketCorsFormat } from "../model/sharedDocuments/formats";
import type { LiveCorsRule } from "../model/sharedDocuments/merge";
import type { LegacyPrefix } from "../model/sharedDocuments/ownership";
import { awsClientContextOf, type AwsClientInputs } from "./awsClients";
import { defaultOwnedEntriesOptions, type OwnedEntriesOptions } from "./ownedEntries";
import { bucketCorsStore, s3ClientsFor, type CoordinationBucket } from "./s3DocumentStores";
import {
  createSharedDocumentProvider,
  sharedDocumentProviderVersion,
  type SharedDocumentProps,
} from "./sharedDocumentProvider";

export { bucketCorsEntriesKind };

export interface BucketCorsEntriesArgs {
  bucket: string;
  region: string;
  ownerKey: string;
  rules: pulumi.Input<CorsRule[]>;
  legacy?: LegacyPrefix[];
  coordination?: CoordinationBucket;
  /** The stack's AWS settings (the chain's ExternalIds as a secret), so writes run as the AWS provider does. */
  aws?: AwsClientInputs["aws"];
  awsExternalIds?: AwsClientInputs["awsExternalIds"];
}

export interface BucketCorsEntriesInputs extends SharedDocumentProps {
  bucket: string;
  region: string;
  rules: CorsRule[];
}

type Provider = pulumi.dynamic.ResourceProvider<BucketCorsEntriesInputs, BucketCorsEntriesInputs>;

export function createBucketCorsEntriesProvider(options: OwnedEntriesOptions = defaultOwnedEntriesOptions): Provider {
  return createSharedDocumentProvider<LiveCorsRule[], LiveCorsRule>(
    {
      kind: bucketCorsEntriesKind,
      entriesKey: "rules",
      identityKeys: ["bucket", "region"],
      format: (props) => bucketCorsFormat(props.bucket as string),
      open: (props, timeouts) => {
        const clients = s3ClientsFor(props.region as string, timeouts, awsClientContextOf(props));
        return {
          store: bucketCorsStore(clients, props.bucket as string, props.region as string),
          close: clients.destroy,
        };
      },
    },
    options,
  ) as Provider;
}

/** The provider every BucketCorsEntries uses; serialized into the program's state by closure serialization. */
export const bucketCorsEntriesProvider = createBucketCorsEntriesProvider();

/**
 * This stack's rules in one bucket's CORS configuration (type `pulumi-nodejs:dynamic:Resource`, `resourceKind:
 * vendor-access:BucketCorsEntries`). Every rule without this stack's owner key is preserved.
 */
export class BucketCorsEntries extends pulumi.dynamic.Resource {
  declare readonly bucket: pulumi.Output<string>;
  declare readonly rules: pulumi.Output<CorsRule[]>;
  declare readonly drift: pulumi.Output<string[]>;

  constructor(name: string, args: BucketCorsEntriesArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      resourceKind: bucketCorsEntriesKind,
      providerVersion: sharedDocumentProviderVersion,
      bucket: args.bucket,
      region: args.region,
      ownerKey: args.ownerKey,
      rules: args.rules,
      legacy: args.legacy ?? [],
      ...(args.coordination ? { coordination: args.coordination } : {}),
      ...(args.aws ? { aws: args.aws } : {}),
      ...(args.awsExternalIds ? { awsExternalIds: args.awsExternalIds } : {}),
      drift: undefined,
    };
    super(bucketCorsEntriesProvider, name, props, opts);
  }
}
