// Rule 8: S3 keeps exactly one policy and one CORS configuration per bucket (S3 PutBucketPolicy and
// PutBucketCors replace the whole document), so two writers of the same document overwrite each other.
import type { StackValidationPolicy } from "@pulumi/policy";
import { stackRule, type ResourceUnderCheck } from "../defineRule";
import { isRecord } from "../policyDocuments";
import * as types from "../resourceTypes";

type DocumentName = "policy" | "CORS configuration";

interface Writer {
  resource: ResourceUnderCheck;
  bucket: string;
  document: DocumentName;
  /** Exclusive writers replace the whole document; partial writers own the entries under one prefix. */
  mode: "exclusive" | "partial";
  prefix?: string;
}

/** `my-bucket` from `my-bucket` or `arn:aws:s3:::my-bucket`; undefined while unknown. */
function bucketName(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  return value.replace(/^arn:aws[a-z-]*:s3:::/, "");
}

const isSet = (value: unknown) =>
  value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);

/** What this resource writes to which bucket; a bucket name unknown during preview yields nothing. */
export function writersOf(resource: ResourceUnderCheck): Writer[] {
  const props = resource.props;
  if (!isRecord(props)) return [];
  const bucket = bucketName(props.bucket);
  if (bucket === undefined) return [];
  const writer = (document: DocumentName, mode: Writer["mode"], prefix?: unknown): Writer => ({
    resource,
    bucket,
    document,
    mode,
    ...(typeof prefix === "string" ? { prefix } : {}),
  });
  switch (resource.type) {
    case types.s3BucketPolicy:
      return [writer("policy", "exclusive")];
    case types.s3BucketCorsConfiguration:
    case types.s3BucketCorsConfigurationV2:
      return [writer("CORS configuration", "exclusive")];
    case types.s3Bucket:
    case types.s3BucketV2:
      return [
        ...(isSet(props.policy) ? [writer("policy", "exclusive")] : []),
        ...(isSet(props.corsRules) ? [writer("CORS configuration", "exclusive")] : []),
      ];
    case types.dynamicResource:
      if (props.resourceKind === types.bucketPolicyEntriesKind) return [writer("policy", "partial", props.ownerKey)];
      if (props.resourceKind === types.bucketCorsEntriesKind)
        return [writer("CORS configuration", "partial", props.ownerKey)];
      return [];
    default:
      return [];
  }
}

const describe = (writer: Writer) =>
  `${writer.resource.name} (${writer.resource.type === types.dynamicResource ? String((writer.resource.props as Record<string, unknown>).resourceKind) : writer.resource.type})`;

export const oneOwnerPerBucketDocument: StackValidationPolicy = stackRule({
  name: "one-owner-per-bucket-document",
  summary: "one owner per bucket policy and CORS configuration",
  details:
    "Two whole-document writers (`BucketPolicy`, a `Bucket`'s inline `policy`; `BucketCorsConfiguration`, its `V2` token, a `Bucket`'s " +
    "`corsRules`) on one bucket; a whole-document writer beside the project's statement- or rule-level resources (it wipes their entries); " +
    "the same `ownerKey` twice (one stack writing a document through two resources), or none. Distinct owner keys on one bucket are fine. " +
    "Buckets are matched by name (`arn:aws:s3:::name` too); a bucket unknown during preview is skipped. Sees this stack only.",
  description:
    "No two resources manage the same bucket's policy or CORS configuration: at most one resource writes the whole document, and never beside " +
    "statement- or rule-level resources, whose owner keys must differ.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Keep one owner per bucket document: merge the statements into one resource, or use statement-level resources with distinct owner keys.",
  check(resources, { report }) {
    const groups = new Map<string, Writer[]>();
    for (const writer of resources.flatMap(writersOf)) {
      const key = `${writer.bucket}\u0000${writer.document}`;
      groups.set(key, [...(groups.get(key) ?? []), writer]);
    }
    for (const writers of groups.values()) {
      const { bucket, document } = writers[0];
      const exclusive = writers.filter((w) => w.mode === "exclusive");
      const partial = writers.filter((w) => w.mode === "partial");
      const entries = document === "policy" ? "statements" : "rules";
      if (exclusive.length > 1) {
        for (const writer of exclusive) {
          report(
            `bucket ${JSON.stringify(bucket)}: its ${document} is written whole by ${exclusive.length} resources (${exclusive.map(describe).join(", ")}). ` +
              `S3 keeps one ${document} per bucket, so each update silently removes the other's ${entries}. Keep one of them and merge the ${entries} into it.`,
            writer.resource,
          );
        }
      }
      if (exclusive.length > 0 && partial.length > 0) {
        for (const writer of exclusive) {
          report(
            `bucket ${JSON.stringify(bucket)}: ${describe(writer)} replaces the whole ${document}, which wipes the ${entries} that ` +
              `${partial.map(describe).join(", ")} add${partial.length === 1 ? "s" : ""}. Remove it and contribute its ${entries} through a ` +
              `${document === "policy" ? types.bucketPolicyEntriesKind : types.bucketCorsEntriesKind} resource, or drop the ${entries}-level resources.`,
            writer.resource,
          );
        }
      }
      for (const writer of partial) {
        const prefix = writer.prefix ?? "";
        const clash = partial.find(
          (other) => other !== writer && (other.prefix ?? "") !== "" && prefix.startsWith(other.prefix ?? ""),
        );
        const prefixName = "ownerKey";
        if (prefix === "") {
          report(
            `bucket ${JSON.stringify(bucket)}: ${describe(writer)} has no ${prefixName}, so it cannot tell its ${entries} from anyone else's. Give it a ${prefixName} unique to this stack and integration.`,
            writer.resource,
          );
        } else if (clash) {
          const same = (clash.prefix ?? "") === prefix;
          report(
            `bucket ${JSON.stringify(bucket)}: ${describe(writer)} and ${describe(clash)} ` +
              (same
                ? `both use ${prefixName} ${JSON.stringify(prefix)}`
                : `use ${prefixName}es ${JSON.stringify(prefix)} and ${JSON.stringify(clash.prefix)}, and the second is a prefix of the first`) +
              `, so each claims the other's ${entries} and removes them on update. Give each a distinct ${prefixName} that is not a prefix of another.`,
            writer.resource,
          );
        }
      }
    }
  },
});
