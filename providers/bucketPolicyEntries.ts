// This stack's statements in one bucket's policy, which others share: one resource per bucket per stack, holding
// every integration's statements, each Sid carrying the stack's owner key. Everything else in the policy is kept.
import * as pulumi from "@pulumi/pulumi";
import { bucketPolicyEntriesKind } from "../model/resourceSpecs";
import type { PolicyStatement } from "../model/policy/document";
import { bucketPolicyFormat } from "../model/sharedDocuments/formats";
import type { LiveStatement } from "../model/sharedDocuments/merge";
import { s3ClientsFor } from "./awsClients";
import { defaultOwnedEntriesOptions, type OwnedEntriesOptions } from "./ownedEntries";
import { bucketPolicyStore } from "./s3DocumentStores";
import {
  createSharedDocumentProvider,
  openWithStackSettings,
  sharedDocumentInputs,
  type SharedDocumentArgs,
  type SharedDocumentProps,
} from "./sharedDocumentProvider";

export { bucketPolicyEntriesKind };

export interface BucketPolicyEntriesArgs extends SharedDocumentArgs {
  bucket: string;
  statements: pulumi.Input<PolicyStatement[]>;
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
      open: openWithStackSettings(s3ClientsFor, (clients, props) =>
        bucketPolicyStore(clients, props.bucket as string, props.region as string),
      ),
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
      ...sharedDocumentInputs(bucketPolicyEntriesKind, args),
      bucket: args.bucket,
      statements: args.statements,
    };
    super(bucketPolicyEntriesProvider, name, props, opts);
  }
}
