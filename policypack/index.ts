// The CrossGuard pack: `pulumi preview --policy-pack policypack [--policy-pack-config policypack/policy-config.json]`.
// Offline runs (synth, tests) import ./validate instead, which never starts the pack.
import { PolicyPack } from "@pulumi/policy";
import { packEnforcementLevel, policies } from "./rules";

new PolicyPack("vendor-access", {
  displayName: "vendor-access guardrails",
  description:
    "Third-party access to our S3 buckets: no wildcard grants, no public principals, no cross-account trust without a strong ExternalId.",
  enforcementLevel: packEnforcementLevel,
  provider: "aws",
  tags: ["aws", "iam", "s3", "third-party-access"],
  policies,
});
