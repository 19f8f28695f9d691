// The requests an access diff asks: for every bucket of either side, the bucket itself (with each s3:prefix,
// one outside them all, and none), an object under each prefix and one outside them all, the same through
// each access point, and each KMS key via S3 and directly. Prefixes split a bucket's keys into regions that
// every grant treats alike, so one object per region stands for all of its objects.
import { parse } from "@aws-sdk/util-arn-parser";
import type { PolicyDocument } from "../../model/policy/document";
import type { Render } from "../render";
import type { SideView } from "./sideView";

/** Where the resource policy of a request comes from. */
export type ProbeTarget =
  | { kind: "bucket"; bucket: string }
  | { kind: "accessPoint"; arn: string; bucket: string; underlying?: string }
  | { kind: "key"; keyArn: string }
  | { kind: "none" };

export interface Probe {
  /** What the report groups by: a bucket name, a KMS key ARN, or the account. */
  group: string;
  resource: string;
  /** The resource as the report shows it, e.g. `arn:aws:s3:::b/exports/*`. */
  label: string;
  /** A short summary of the request's condition context, e.g. `s3:prefix "exports/"`. */
  condition: string;
  context: Record<string, string>;
  /** The encryption context S3 sends KMS (`aws:s3:arn`), which the simulator ignores: settled before it runs. */
  encryptionContext?: Record<string, string>;
  target: ProbeTarget;
}

interface KeyRegion {
  key: string;
  label: string;
  condition: string;
}

export interface BucketUniverse {
  name: string;
  region: string;
  prefixes: string[];
  /** Key regions: one per prefix (minus deeper prefixes) and one outside every prefix. */
  regions: KeyRegion[];
  /** The s3:prefix values asked: each prefix, one outside them all (when there is one). */
  listPrefixes: { value: string; condition: string }[];
  accessPoints: { arn: string; name: string }[];
}

export interface Universe {
  buckets: BucketUniverse[];
  /** KMS keys of either side, with the regions whose S3 may use them and the S3 ARNs S3 puts in their context. */
  keys: UniverseKey[];
}

export interface UniverseKey {
  arn: string;
  regions: string[];
  /** An object of each key region of each bucket using the key, and the bucket itself (S3 Bucket Keys). */
  s3Arns: { arn: string; label: string }[];
}

const probeName = "access-diff-probe";

/** The literal start of an object pattern's key: `exports/` of `arn:aws:s3:::b/exports/*`. */
function literalKeyPrefix(pattern: string): { bucket: string; prefix: string } | undefined {
  const match = /^arn:[^:]+:s3:::([^/*?$]+)\/(.*)$/.exec(pattern);
  if (!match) return undefined;
  const prefix = match[2].split(/[*?]|\$\{/)[0];
  return { bucket: match[1], prefix };
}

function statementResources(documents: readonly PolicyDocument[]): string[] {
  return documents.flatMap((d) => d.Statement.flatMap((s) => (s.Resource ? [s.Resource].flat() : [])));
}

function keyRegions(bucket: string, prefixes: readonly string[]): KeyRegion[] {
  const regions: KeyRegion[] = prefixes.map((prefix) => {
    const deeper = prefixes.filter((p) => p !== prefix && p.startsWith(prefix));
    let key = `${prefix}${probeName}`;
    while (deeper.some((p) => key.startsWith(p))) key += "~";
    return {
      key,
      label: `arn:aws:s3:::${bucket}/${prefix}*`,
      condition: deeper.length > 0 ? `key not under ${deeper.join(", ")}` : "",
    };
  });
  const outside = [probeName, `~${probeName}`, `0${probeName}`].find((k) => !prefixes.some((p) => k.startsWith(p)));
  if (outside !== undefined)
    regions.push({
      key: outside,
      label: `arn:aws:s3:::${bucket}/*`,
      condition: prefixes.length > 0 ? `key outside ${prefixes.join(", ")}` : "",
    });
  return regions;
}

function bucketEntry(
  universe: Map<string, { region: string; prefixes: Set<string>; points: Map<string, string> }>,
  name: string,
) {
  let entry = universe.get(name);
  if (!entry) universe.set(name, (entry = { region: "", prefixes: new Set(), points: new Map() }));
  return entry;
}

/** The union of both sides' buckets, prefixes (configured, and the literal starts of object patterns), access points and keys. */
export function universeOf(renders: readonly Render[], views: readonly SideView[]): Universe {
  const buckets = new Map<string, { region: string; prefixes: Set<string>; points: Map<string, string> }>();
  const keys = new Map<string, Set<string>>();
  const keyBuckets = new Map<string, Set<string>>();
  for (const render of renders) {
    for (const bucket of render.buckets) {
      const entry = bucketEntry(buckets, bucket.name);
      entry.region ||= bucket.region;
      for (const point of bucket.accessPoints) entry.points.set(point.arn, point.name);
    }
    for (const integration of render.integrations)
      for (const bucket of integration.buckets) {
        const entry = bucketEntry(buckets, bucket.name);
        entry.region ||= bucket.region;
        entry.prefixes.add(bucket.prefix);
        if (bucket.kmsKeyArn) keys.set(bucket.kmsKeyArn, (keys.get(bucket.kmsKeyArn) ?? new Set()).add(bucket.region));
        if (bucket.kmsKeyArn)
          keyBuckets.set(bucket.kmsKeyArn, (keyBuckets.get(bucket.kmsKeyArn) ?? new Set()).add(bucket.name));
      }
  }
  addPatternPrefixes(buckets, views);
  for (const view of views)
    for (const grant of view.grants)
      if (!keys.has(grant.keyArn)) keys.set(grant.keyArn, new Set([parse(grant.keyArn).region]));
  const bucketUniverses = [...buckets].map(([name, entry]) => bucketUniverse(name, entry));
  return {
    buckets: bucketUniverses,
    keys: [...keys].map(([arn, regions]) => ({
      arn,
      regions: [...regions].sort(),
      s3Arns: bucketUniverses
        .filter((b) => keyBuckets.get(arn)?.has(b.name))
        .flatMap((b) => [
          ...b.regions.map((r) => ({ arn: `arn:aws:s3:::${b.name}/${r.key}`, label: r.label })),
          { arn: `arn:aws:s3:::${b.name}`, label: `arn:aws:s3:::${b.name} (S3 Bucket Key)` },
        ]),
    })),
  };
}

function addPatternPrefixes(
  buckets: Map<string, { region: string; prefixes: Set<string>; points: Map<string, string> }>,
  views: readonly SideView[],
): void {
  for (const view of views) {
    const documents = [
      ...[...view.principals.values()].flatMap((p) => p.identityPolicies),
      ...view.bucketPolicies.values(),
    ];
    for (const resource of statementResources(documents)) {
      const literal = literalKeyPrefix(resource);
      if (literal && buckets.has(literal.bucket)) buckets.get(literal.bucket)!.prefixes.add(literal.prefix);
    }
    for (const point of view.accessPoints.values())
      for (const resource of statementResources([point.policy])) {
        const key = /\/object\/(.*)$/.exec(resource)?.[1];
        if (key !== undefined && buckets.has(point.bucket))
          buckets.get(point.bucket)!.prefixes.add(key.split(/[*?]|\$\{/)[0]);
      }
  }
}

function bucketUniverse(
  name: string,
  entry: { region: string; prefixes: Set<string>; points: Map<string, string> },
): BucketUniverse {
  const prefixes = [...entry.prefixes].filter((p) => p !== "").sort();
  const regions = keyRegions(name, prefixes);
  const outside = regions.find(
    (r) => r.condition.startsWith("key outside") || (prefixes.length === 0 && r.condition === ""),
  );
  return {
    name,
    region: entry.region,
    prefixes,
    regions,
    listPrefixes: [
      ...prefixes.map((p) => ({ value: p, condition: `s3:prefix "${p}"` })),
      ...(outside && prefixes.length > 0
        ? [{ value: outside.key, condition: `s3:prefix outside ${prefixes.join(", ")}` }]
        : []),
    ],
    accessPoints: [...entry.points]
      .map(([arn, pointName]) => ({ arn, name: pointName }))
      .sort((a, b) => a.arn.localeCompare(b.arn)),
  };
}

/** An action's resource types and condition keys, from the IAM catalog. */
export interface ActionShape {
  resourceTypes: readonly string[];
  conditionKeys: readonly string[];
}

function listContexts(
  bucket: BucketUniverse,
  shape: ActionShape,
): { context: Record<string, string>; condition: string }[] {
  if (!shape.conditionKeys.includes("s3:prefix")) return [{ context: {}, condition: "" }];
  return [
    ...bucket.listPrefixes.map((p) => ({ context: { "s3:prefix": p.value }, condition: p.condition })),
    { context: {}, condition: "no s3:prefix" },
  ];
}

function bucketProbes(bucket: BucketUniverse, shape: ActionShape): Probe[] {
  const probes: Probe[] = [];
  const bucketResource = `arn:aws:s3:::${bucket.name}`;
  const base = { group: bucket.name };
  if (shape.resourceTypes.includes("bucket"))
    for (const { context, condition } of listContexts(bucket, shape))
      probes.push({
        ...base,
        resource: bucketResource,
        label: bucketResource,
        condition,
        context,
        target: { kind: "bucket", bucket: bucket.name },
      });
  if (shape.resourceTypes.includes("object"))
    for (const region of bucket.regions)
      probes.push({
        ...base,
        resource: `${bucketResource}/${region.key}`,
        label: region.label,
        condition: region.condition,
        context: {},
        target: { kind: "bucket", bucket: bucket.name },
      });
  for (const point of bucket.accessPoints) probes.push(...accessPointProbes(bucket, point.arn, shape));
  return probes;
}

/** Through an access point S3 checks the access point's policy and the bucket's (tools/proof/simulator.ts). */
function accessPointProbes(bucket: BucketUniverse, pointArn: string, shape: ActionShape): Probe[] {
  const probes: Probe[] = [];
  const bucketResource = `arn:aws:s3:::${bucket.name}`;
  if (shape.resourceTypes.includes("accesspoint")) {
    const underlying = shape.resourceTypes.includes("bucket") ? bucketResource : undefined;
    for (const { context, condition } of listContexts(bucket, shape))
      probes.push({
        group: bucket.name,
        resource: pointArn,
        label: pointArn,
        condition: condition ? `through the access point, ${condition}` : "through the access point",
        context,
        target: { kind: "accessPoint", arn: pointArn, bucket: bucket.name, underlying },
      });
  }
  if (shape.resourceTypes.includes("accesspointobject"))
    for (const region of bucket.regions)
      probes.push({
        group: bucket.name,
        resource: `${pointArn}/object/${region.key}`,
        label: `${pointArn}/object/${region.label.slice(bucketResource.length + 1)}`,
        condition: ["through the access point", region.condition].filter(Boolean).join(", "),
        context: {},
        target: {
          kind: "accessPoint",
          arn: pointArn,
          bucket: bucket.name,
          underlying: `${bucketResource}/${region.key}`,
        },
      });
  return probes;
}

/** A key via S3 from each region, for an object of each bucket and prefix using it (its encryption context), and directly. */
function keyProbes(key: UniverseKey, shape: ActionShape): Probe[] {
  const target: ProbeTarget = { kind: "key", keyArn: key.arn };
  const base = { group: key.arn, resource: key.arn, label: key.arn, target };
  const takesContext = shape.conditionKeys.some((k) => k.toLowerCase().startsWith("kms:encryptioncontext:"));
  const contexts = takesContext && key.s3Arns.length > 0 ? key.s3Arns : [undefined];
  const withContext = (condition: string, s3Arn?: { arn: string; label: string }) => ({
    condition: s3Arn ? `${condition} for ${s3Arn.label}` : condition,
    ...(s3Arn ? { encryptionContext: { "aws:s3:arn": s3Arn.arn } } : {}),
  });
  if (!shape.conditionKeys.includes("kms:ViaService"))
    return contexts.map((s3Arn) => ({ ...base, context: {}, ...withContext("", s3Arn) }));
  return contexts.flatMap((s3Arn) => [
    ...key.regions.map((region) => ({
      ...base,
      context: { "kms:ViaService": `s3.${region}.amazonaws.com` },
      ...withContext(`via S3 (kms:ViaService s3.${region}.amazonaws.com)`, s3Arn),
    })),
    { ...base, context: {}, ...withContext("directly, not via S3", s3Arn) },
  ]);
}

/** Every request to ask for one action, by the resource types the catalog gives it. */
export function probesFor(action: string, shape: ActionShape, universe: Universe): Probe[] {
  if (shape.resourceTypes.length === 0)
    return [{ group: "account", resource: "*", label: "*", condition: "", context: {}, target: { kind: "none" } }];
  if (action.startsWith("kms:"))
    return shape.resourceTypes.includes("key") ? universe.keys.flatMap((key) => keyProbes(key, shape)) : [];
  return universe.buckets.flatMap((bucket) => bucketProbes(bucket, shape));
}
