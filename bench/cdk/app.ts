// The peer: the same grants as an AWS CDK app, written the way a CDK user would (Role with externalIds, grants on
// imported buckets, BucketPolicy, CfnAccessPoint, AwsCustomResource for CORS and KMS grants), split into stacks
// under CloudFormation's 500-resource quota. Run as a whole process by the benchmark:
//   node -r ts-node/register/transpile-only bench/cdk/app.ts <spec.json> <outdir> <result.json>
import { readFileSync, writeFileSync } from "node:fs";
import { App, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as cr from "aws-cdk-lib/custom-resources";
import type { PeerBucket, PeerIntegration, PeerKeyPolicy, PeerResult, PeerSpec } from "../peerSpec";

/** CloudFormation's quota is 500 resources per stack; the bucket stacks stop short of it. */
const resourcesPerStack = 480;

function principalOf(principal: string): iam.IPrincipal {
  return /^\d{12}$/.test(principal) ? new iam.AccountPrincipal(principal) : new iam.ArnPrincipal(principal);
}

function importedBucket(stack: Stack, name: string, region: string): s3.IBucket {
  const id = `Bucket-${name}`;
  return (
    (stack.node.tryFindChild(id) as s3.IBucket | undefined) ??
    s3.Bucket.fromBucketAttributes(stack, id, { bucketName: name, region })
  );
}

function externalIdOf(stack: Stack, integration: PeerIntegration): string[] {
  const externalId = integration.externalId;
  if (!externalId) return [];
  if (externalId.kind === "value") return [externalId.value];
  // A generated ExternalId must stay the same across deployments: a Secrets Manager secret holds it.
  const secret = new secretsmanager.Secret(stack, "ExternalId", {
    generateSecretString: { passwordLength: externalId.length, excludePunctuation: true },
  });
  return [secret.secretValue.unsafeUnwrap()];
}

function identityOf(stack: Stack, integration: PeerIntegration): iam.IGrantable {
  if (integration.auth === "accessKey") {
    const user = new iam.User(stack, "User", { userName: integration.identityName });
    new iam.AccessKey(stack, "AccessKey", { user });
    return user;
  }
  return new iam.Role(stack, "Role", {
    roleName: integration.identityName,
    assumedBy: principalOf(integration.trustedPrincipal!),
    externalIds: externalIdOf(stack, integration),
  });
}

/** The identity side: one stack per integration, its role or user granted on each imported bucket. */
function identityStack(app: App, spec: PeerSpec, integration: PeerIntegration): void {
  // A vendor named in the bucket policy has no identity of ours, so no stack of its own.
  if (integration.auth === "bucketPolicy") return;
  const stack = new Stack(app, `VendorAccess-${integration.name}`, {
    env: { account: spec.accountId, region: spec.identityRegion },
  });
  const identity = identityOf(stack, integration);
  const { actions, listActions } = integration;
  const otherBucketActions = actions.bucket.filter((action) => !listActions.includes(action));
  for (const target of integration.buckets) {
    const bucket = importedBucket(stack, target.name, target.region);
    const apObjects = target.accessPointArn ? [`${target.accessPointArn}/object/${target.prefix}*`] : [];
    const apArns = target.accessPointArn ? [target.accessPointArn] : [];
    const grant = (statement: iam.PolicyStatementProps) =>
      identity.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement(statement));
    if (actions.object.length > 0)
      grant({ actions: [...actions.object], resources: [bucket.arnForObjects(`${target.prefix}*`), ...apObjects] });
    if (listActions.length > 0)
      grant({
        actions: [...listActions],
        resources: [bucket.bucketArn, ...apArns],
        ...(target.prefix ? { conditions: { StringLike: { "s3:prefix": [`${target.prefix}*`] } } } : {}),
      });
    if (otherBucketActions.length > 0) grant({ actions: otherBucketActions, resources: [bucket.bucketArn] });
    if (target.kmsKeyArn)
      grant({
        actions: [...actions.kms],
        resources: [target.kmsKeyArn],
        conditions: { StringEquals: { "kms:ViaService": `s3.${target.region}.amazonaws.com` } },
      });
  }
}

function bucketCost(bucket: PeerBucket): number {
  return (bucket.statements.length > 0 ? 1 : 0) + bucket.accessPoints.length + (bucket.corsRules.length > 0 ? 2 : 0);
}

/** The bucket side of one bucket: its policy, access points and CORS configuration, all in the bucket's region. */
function bucketResources(stack: Stack, bucket: PeerBucket): void {
  const imported = importedBucket(stack, bucket.name, bucket.region);
  if (bucket.statements.length > 0) {
    const policy = new s3.BucketPolicy(stack, `Policy-${bucket.name}`, { bucket: imported });
    policy.document.addStatements(...bucket.statements.map((statement) => iam.PolicyStatement.fromJson(statement)));
  }
  for (const accessPoint of bucket.accessPoints)
    new s3.CfnAccessPoint(stack, `AccessPoint-${accessPoint.name}`, {
      bucket: bucket.name,
      name: accessPoint.name,
      policy: accessPoint.policy,
      publicAccessBlockConfiguration: {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    });
  if (bucket.corsRules.length > 0) {
    // CloudFormation cannot set CORS on a bucket it does not own: an SDK call does.
    const corsCall: cr.AwsSdkCall = {
      service: "S3",
      action: "putBucketCors",
      parameters: { Bucket: bucket.name, CORSConfiguration: { CORSRules: bucket.corsRules } },
      physicalResourceId: cr.PhysicalResourceId.of(`${bucket.name}-cors`),
    };
    new cr.AwsCustomResource(stack, `Cors-${bucket.name}`, {
      onCreate: corsCall,
      onUpdate: corsCall,
      onDelete: { service: "S3", action: "deleteBucketCors", parameters: { Bucket: bucket.name } },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [imported.bucketArn] }),
      installLatestAwsSdk: false,
    });
  }
}

/** Buckets in stacks per region, each stack filled up to the resource quota. */
function bucketStacks(app: App, spec: PeerSpec): void {
  const open = new Map<string, { stack: Stack; resources: number; index: number }>();
  for (const bucket of spec.buckets) {
    const cost = bucketCost(bucket);
    if (cost === 0) continue;
    let current = open.get(bucket.region);
    if (!current || current.resources + cost > resourcesPerStack) {
      const index = (current?.index ?? 0) + 1;
      const stack = new Stack(app, `VendorAccess-Buckets-${bucket.region}-${index}`, {
        env: { account: spec.accountId, region: bucket.region },
      });
      // The custom-resource provider function and its role, once per stack.
      current = { stack, resources: 2, index };
      open.set(bucket.region, current);
    }
    bucketResources(current.stack, bucket);
    current.resources += cost;
  }
}

/**
 * A principal outside the key's account needs the key's consent: CDK cannot edit an existing key's policy, so the
 * peer sets it by an SDK call, one per key (which writes the whole policy: the statement-level merge is ours).
 */
function keyPolicyStack(app: App, spec: PeerSpec, keyPolicies: PeerKeyPolicy[]): void {
  if (keyPolicies.length === 0) return;
  const stack = new Stack(app, "VendorAccess-KeyPolicies", {
    env: { account: spec.accountId, region: spec.identityRegion },
  });
  keyPolicies.forEach((keyPolicy, index) => {
    const call = {
      service: "KMS",
      action: "putKeyPolicy",
      region: keyPolicy.region,
      parameters: {
        KeyId: keyPolicy.keyArn,
        PolicyName: "default",
        Policy: JSON.stringify({ Version: "2012-10-17", Statement: keyPolicy.statements }),
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${keyPolicy.keyArn}/vendor-access`),
    };
    new cr.AwsCustomResource(stack, `KeyPolicy-${index}`, {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [keyPolicy.keyArn] }),
      installLatestAwsSdk: false,
    });
  });
}

function main(): void {
  const [specFile, outdir, resultFile] = process.argv.slice(2);
  const spec = JSON.parse(readFileSync(specFile, "utf8")) as PeerSpec;
  // A new CDK project's cdk.json turns on minimizePolicies; version reporting adds a resource per stack.
  const app = new App({ outdir, analyticsReporting: false, context: { "@aws-cdk/aws-iam:minimizePolicies": true } });
  for (const integration of spec.integrations) identityStack(app, spec, integration);
  bucketStacks(app, spec);
  keyPolicyStack(app, spec, spec.keyPolicies);
  const assembly = app.synth();
  const counts = assembly.stacks.map(
    (stack) => Object.keys((stack.template as { Resources?: object }).Resources ?? {}).length,
  );
  const result: PeerResult = {
    stacks: counts.length,
    resources: counts.reduce((a, b) => a + b, 0),
    largestStack: Math.max(...counts),
  };
  writeFileSync(resultFile, JSON.stringify(result));
}

main();
