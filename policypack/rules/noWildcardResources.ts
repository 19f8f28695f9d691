// Rule 2: an Allow statement names its resources. The one wildcard allowed is in the object-key part of a
// literal bucket's or access point's object ARN (S3 User Guide, "Policy resources for Amazon S3").
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { documentRule } from "../defineRule";
import { isWildcardOnly } from "../catalog";
import { hasWildcard, knownStatements, type DocumentKind } from "../policyDocuments";

const arnParts = ["partition", "service", "region", "account"] as const;

/** Why this resource is a wildcard grant, or undefined when it is not one. */
export function wildcardResourceProblem(resource: string, kind: DocumentKind): string | undefined {
  // In a key policy "*" means "this key" (AWS KMS: "Key policies in AWS KMS", the Resource element).
  if (resource === "*") return kind === "key" ? undefined : '"*" is every resource of every service';
  if (!hasWildcard(resource)) return undefined;
  const parts = resource.split(":");
  if (parts[0] !== "arn" || parts.length < 6) return "it is not an ARN and it contains a wildcard";
  const wildPart = arnParts.find((_, i) => hasWildcard(parts[i + 1]));
  if (wildPart) return `the wildcard is in the ${wildPart} part of the ARN`;
  const [, , service, region, account] = parts;
  const name = parts.slice(5).join(":");
  if (service === "s3" && region === "" && account === "") {
    // arn:aws:s3:::BUCKET/KEY: the bucket must be literal; the key may hold wildcards (S3: "Policy resources").
    const slash = name.indexOf("/");
    const bucket = slash < 0 ? name : name.slice(0, slash);
    if (slash < 0 || bucket === "" || hasWildcard(bucket))
      return "the wildcard is in the bucket name, so it matches other buckets";
    return undefined;
  }
  if (service === "s3" && name.startsWith("accesspoint/")) {
    // Objects through an access point are accesspoint/NAME/object/KEY (S3: "Configuring IAM policies for using access points").
    const objectPath = /^accesspoint\/([^/]+)\/object\/(.*)$/.exec(name);
    if (objectPath && !hasWildcard(objectPath[1])) return undefined;
    // Contested, accepted: objects are the only resources under an access point, so accesspoint/NAME/* is
    // accesspoint/NAME/object/* (the form the Isahit instructions use): one literal access point, nothing more.
    if (/^accesspoint\/[^/*?]+\/\*$/.test(name)) return undefined;
    return "the wildcard is in the access point name or outside its object path, so it matches other access points";
  }
  return `the wildcard is in the resource part of a ${service} ARN, outside any object key`;
}

export const noWildcardResources: ResourceValidationPolicy = documentRule({
  name: "no-wildcard-resources",
  summary: "no wildcard resources",
  details:
    "Allowed: a wildcard only in the object key of a literal bucket (`arn:aws:s3:::data/*`, `arn:aws:s3:::data/exports/*`) or of a literal " +
    'access point\'s object path (`…:accesspoint/NAME/object/PREFIX*`); `Resource: "*"` in a KMS key policy (it means the key). ' +
    "`${*}` is IAM's escaped literal asterisk. Contested, accepted: `accesspoint/NAME/*` (the form in Isahit's instructions; objects are the only " +
    'resources under an access point, so it names one access point\'s objects) and `"*"` for actions the IAM catalog lists with no ' +
    "resource type (`s3:ListAllMyBuckets`): there is no narrower way to grant them, and the action names are visible to the other rules.",
  description:
    "Allow statements name their resources: no `*`, and no wildcard in an ARN's partition, service, region, account or resource name. " +
    "Allowed: a wildcard in the object-key part of a literal bucket's or access point's object ARN, and `*` in a KMS key policy.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Name each bucket exactly and put the wildcard only in the object key: `arn:aws:s3:::BUCKET/PREFIX*`, `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/object/PREFIX*`.",
  async check(_resource, documents, { report }) {
    for (const { source, statement } of knownStatements(documents)) {
      if (!statement.allows || !statement.resources) continue;
      // An action that supports no resource type can only be granted on "*" (Service Authorization Reference).
      const onlyWildcardOnly =
        statement.actions !== undefined &&
        statement.actions.length > 0 &&
        (await Promise.all(statement.actions.map(isWildcardOnly))).every(Boolean);
      for (const resource of statement.resources) {
        if (resource === "*" && onlyWildcardOnly) continue;
        const problem = wildcardResourceProblem(resource, source.kind);
        if (!problem) continue;
        report(
          `${source.path}: ${statement.label} allows wildcard resource ${JSON.stringify(resource)}: ${problem}. ` +
            "Name the resource exactly; in S3, put a wildcard only in the object key of a named bucket or access point, e.g. " +
            '"arn:aws:s3:::BUCKET/PREFIX*" or "arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME/object/PREFIX*".',
        );
      }
    }
  },
});
