// This stack's statements in one KMS key's policy, which others own too (the key's administrators, other stacks):
// one resource per key per stack, holding every integration's statements, each Sid carrying the stack's owner key.
// Every other statement is kept as it is, and no write may drop one that lets someone change the key policy.
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../model/policy/document";
import { keyPolicyEntriesKind } from "../model/resourceSpecs";
import { keyPolicyFormat } from "../model/sharedDocuments/keyPolicy";
import type { LivePolicy, LiveStatement } from "../model/sharedDocuments/merge";
import { kmsClientsFor } from "./awsClients";
import { keyPolicyStore } from "./kmsKeyPolicies";
import { defaultOwnedEntriesOptions, type OwnedEntriesOptions } from "./ownedEntries";
import {
  createSharedDocumentProvider,
  openWithStackSettings,
  sharedDocumentInputs,
  type SharedDocumentArgs,
  type SharedDocumentProps,
} from "./sharedDocumentProvider";

export { keyPolicyEntriesKind };

export interface KeyPolicyEntriesArgs extends SharedDocumentArgs {
  keyArn: string;
  /** Plain key-policy statements (`Resource: ["*"]`, the key itself): what the policy pack reads. */
  statements: pulumi.Input<PolicyStatement[]>;
}

export interface KeyPolicyEntriesInputs extends SharedDocumentProps {
  keyArn: string;
  region: string;
  statements: PolicyStatement[];
}

type Provider = pulumi.dynamic.ResourceProvider<KeyPolicyEntriesInputs, KeyPolicyEntriesInputs>;

export function createKeyPolicyEntriesProvider(options: OwnedEntriesOptions = defaultOwnedEntriesOptions): Provider {
  return createSharedDocumentProvider<LivePolicy, LiveStatement>(
    {
      kind: keyPolicyEntriesKind,
      entriesKey: "statements",
      identityKeys: ["keyArn", "region"],
      format: (props) => keyPolicyFormat(props.keyArn as string, props.ownerKey),
      open: openWithStackSettings(kmsClientsFor, (clients, props) => keyPolicyStore(clients, props.keyArn as string)),
    },
    options,
  ) as Provider;
}

/** The provider every KeyPolicyEntries uses; serialized into the program's state by closure serialization. */
export const keyPolicyEntriesProvider = createKeyPolicyEntriesProvider();

/**
 * This stack's statements in one KMS key's policy (type `pulumi-nodejs:dynamic:Resource`, `resourceKind:
 * vendor-access:KeyPolicyEntries`, the statements in its `statements` input). Statements without this stack's owner
 * key are preserved, and a write that would drop or change one granting kms:PutKeyPolicy is refused.
 */
export class KeyPolicyEntries extends pulumi.dynamic.Resource {
  declare readonly keyArn: pulumi.Output<string>;
  declare readonly statements: pulumi.Output<PolicyStatement[]>;
  declare readonly drift: pulumi.Output<string[]>;

  constructor(name: string, args: KeyPolicyEntriesArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...sharedDocumentInputs(keyPolicyEntriesKind, args),
      keyArn: args.keyArn,
      statements: args.statements,
    };
    super(keyPolicyEntriesProvider, name, props, opts);
  }
}
