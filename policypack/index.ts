// The CrossGuard pack: `pulumi preview --policy-pack policypack [--policy-pack-config policypack/policy-config.json]`.
// Offline runs (synth, tests) import ./validate instead, which never starts the pack.
import { PolicyPack } from "@pulumi/policy";
import { packDescription } from "./docs";
import { packEnforcementLevel, policies } from "./rules";

new PolicyPack("vendor-access", {
  displayName: "vendor-access guardrails",
  description: packDescription(),
  enforcementLevel: packEnforcementLevel,
  provider: "aws",
  tags: ["aws", "iam", "s3", "kms", "third-party-access"],
  policies,
});
