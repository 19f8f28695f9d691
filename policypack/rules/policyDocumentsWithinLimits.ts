// Rule 7: a document AWS will refuse fails the preview, not the apply. Quotas from "IAM and AWS STS quotas"
// (IAM does not count whitespace), S3 "Bucket policy" (20 KB) and AWS KMS "Key policy document size" (32 KB).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule } from "../defineRule";
import { integerProperty } from "../packConfig";
import { quotas } from "../programFacts";
import type { DocumentKind, DocumentSource } from "../policyDocuments";

const trustPolicyMaxChars = integerProperty(
  "IAM's role trust policy length quota in characters (2,048 unless you had it raised).",
  { minimum: 2048, maximum: 8192, default: quotas.trustPolicyChars },
);

interface Limit {
  max: number;
  unit: "characters" | "bytes";
  what: string;
}

/** The quota of one document kind; role inline policies share one budget per role, checked on the sum. */
export function limitFor(kind: DocumentKind, trustPolicyMaxChars: number): Limit | undefined {
  switch (kind) {
    case "trust":
      return { max: trustPolicyMaxChars, unit: "characters", what: "a role trust policy" };
    case "managed":
      return { max: quotas.managedPolicyChars, unit: "characters", what: "a managed policy" };
    case "role-inline":
      return {
        max: quotas.inlinePolicyCharsPerRole,
        unit: "characters",
        what: "the inline policies of one role together",
      };
    case "user-inline":
      return {
        max: quotas.inlinePolicyCharsPerUser,
        unit: "characters",
        what: "the inline policies of one user together",
      };
    case "group-inline":
      return {
        max: quotas.inlinePolicyCharsPerGroup,
        unit: "characters",
        what: "the inline policies of one group together",
      };
    case "bucket":
      return { max: quotas.bucketPolicyBytes, unit: "bytes", what: "a bucket policy" };
    case "key":
      return { max: quotas.keyPolicyBytes, unit: "bytes", what: "a KMS key policy" };
    case "access-point":
      return undefined;
  }
}

/** IAM counts characters without whitespace; S3 and KMS count the bytes of the (compact) document. */
export function documentSize(compactJson: string, unit: Limit["unit"]): number {
  return unit === "characters" ? [...compactJson].length : Buffer.byteLength(compactJson, "utf8");
}

export const policyDocumentsWithinLimits: ResourceValidationPolicy = documentRule({
  name: "policy-documents-within-limits",
  summary: "policies within AWS size limits",
  details:
    "Trust policy 2,048 characters (`trustPolicyMaxChars` once you raised the quota); managed policy 6,144; a role's inline policies " +
    "together 10,240 (a user's 2,048, a group's 5,120); counted like IAM, without whitespace. Bucket policy 20 KB and KMS key policy 32 KB, " +
    "in bytes of compact JSON. Invalid JSON or a missing `Statement` is reported here (AWS: MalformedPolicyDocument).",
  description:
    "Policy documents parse and fit AWS's quotas before apply: trust policy 2,048 characters (configurable once raised), managed policy 6,144, " +
    "inline policies 10,240 per role (2,048 per user), counted without whitespace; bucket policy 20 KB; KMS key policy 32 KB.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Split the grant across several managed policies, or shorten it (fewer statements, shared resource lists).",
  config: { trustPolicyMaxChars },
  check(_resource, documents, { config, report }) {
    const read = documents.filter((source): source is DocumentSource & { status: "read" } => source.status === "read");
    for (const source of documents) {
      if (source.status === "invalid")
        report(
          `${source.path} ${source.problem}; AWS rejects it as MalformedPolicyDocument. Write it as a JSON object with a Statement.`,
        );
    }
    const kinds = [...new Set(read.map((source) => source.kind))];
    for (const kind of kinds) {
      const limit = limitFor(kind, config.trustPolicyMaxChars);
      if (!limit) continue;
      const ofKind = read.filter((source) => source.kind === kind);
      const size = ofKind.reduce((total, source) => total + documentSize(source.document.compactJson, limit.unit), 0);
      if (size <= limit.max) continue;
      const paths = ofKind.map((source) => source.path).join(" + ");
      report(
        `${paths} is ${size} ${limit.unit}${limit.unit === "characters" ? " without whitespace" : ""}; AWS allows ${limit.max} for ${limit.what}. ` +
          (kind === "trust"
            ? "Trust fewer principals per role, or raise the IAM quota and set trustPolicyMaxChars."
            : "Split the statements across several policies, or list fewer resources per statement."),
      );
    }
  },
});
