// This stack's rules in one bucket's CORS configuration, which others share: one resource per bucket per stack,
// holding every integration's rules, each rule ID carrying the stack's owner key. Every other rule is kept.
import * as pulumi from "@pulumi/pulumi";
import { bucketCorsEntriesKind } from "../model/resourceSpecs";
import type { CorsRule } from "../model/plan";
import { bucketCorsFormat } from "../model/sharedDocuments/formats";
import type { LiveCorsRule } from "../model/sharedDocuments/merge";
import { s3ClientsFor } from "./awsClients";
import { defaultOwnedEntriesOptions, type OwnedEntriesOptions } from "./ownedEntries";
import { bucketCorsStore } from "./s3DocumentStores";
import {
  createSharedDocumentProvider,
  openWithStackSettings,
  sharedDocumentInputs,
  type SharedDocumentArgs,
  type SharedDocumentProps,
} from "./sharedDocumentProvider";

export { bucketCorsEntriesKind };

export interface BucketCorsEntriesArgs extends SharedDocumentArgs {
  bucket: string;
  rules: pulumi.Input<CorsRule[]>;
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
      open: openWithStackSettings(s3ClientsFor, (clients, props) =>
        bucketCorsStore(clients, props.bucket as string, props.region as string),
      ),
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
    const props = { ...sharedDocumentInputs(bucketCorsEntriesKind, args), bucket: args.bucket, rules: args.rules };
    super(bucketCorsEntriesProvider, name, props, opts);
  }
}
