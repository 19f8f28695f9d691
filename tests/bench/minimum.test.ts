import * as assert from "node:assert/strict";
import { parseStackConfig } from "../../model/config";
import { policyDocument } from "../../model/policy/document";
import { policySize } from "../../model/policy/packing";
import { benchAccountId, benchStackName, generateStack } from "../../bench/configGenerator";
import { minimumDocuments, minimumResources, oursByTerm, totalOf } from "../../bench/minimum";

const shell = policySize(policyDocument([]));

describe("bench minimum resources", () => {
  it("counts the fewest documents that hold a grant, letting statements split anywhere", () => {
    const capacities = [100, 60, 60];
    assert.equal(minimumDocuments(0, capacities), 0);
    assert.equal(minimumDocuments(1, capacities), 1);
    assert.equal(minimumDocuments(100 - shell, capacities), 1);
    assert.equal(minimumDocuments(100 - shell + 1, capacities), 2);
    assert.equal(minimumDocuments(100 + 60 + 60 - 3 * shell, capacities), 3);
    assert.equal(minimumDocuments(100 + 60 + 60 - 3 * shell + 1, capacities), Infinity);
  });

  it("adds up five vendors sharing ten buckets term by term", () => {
    const { config } = generateStack(5, 10);
    const minimum = minimumResources(config, benchStackName);
    assert.deepEqual(minimum, {
      identities: 4, // every vendor but MLSpace acts as a role of ours
      accessKeys: 0,
      generatedExternalIds: 2, // Deep Lake and Aquarium; Isahit and AI Hub issue theirs
      inlinePolicies: 4,
      managedPolicies: 0,
      policyAttachments: 0,
      bucketPolicyContributions: 10, // MLSpace and AI Hub share each bucket's one policy
      corsContributions: 10, // Isahit
      accessPoints: 10, // Isahit
      keyPolicyContributions: 2, // MLSpace's own account, on the two keys of the four SSE-KMS buckets of ten
    });
    assert.equal(totalOf(minimum), 42);
  });

  it("gives a key-only vendor a user, one access key and managed policies only", () => {
    const config = parseStackConfig({
      accountId: benchAccountId,
      integrations: [
        { name: "aihub-keys", vendor: "aihub", auth: "accessKey", buckets: [{ name: "intake", region: "eu-west-1" }] },
      ],
    });
    const minimum = minimumResources(config, benchStackName);
    assert.equal(minimum.identities, 1);
    assert.equal(minimum.accessKeys, 1);
    assert.equal(minimum.inlinePolicies, 0);
    assert.equal(minimum.managedPolicies, 1);
    assert.equal(minimum.policyAttachments, 1);
    assert.equal(minimum.bucketPolicyContributions, 0);
  });

  it("sorts registered kinds into terms and keeps unknown kinds apart", () => {
    const { terms, unaccounted } = oursByTerm({
      "aws:iam/role:Role": 2,
      "vendor-access:BucketPolicyEntries": 3,
      "aws:s3/bucketPolicy:BucketPolicy": 1,
      "aws:sqs/queue:Queue": 1,
    });
    assert.equal(terms.identities, 2);
    assert.equal(terms.bucketPolicyContributions, 4);
    assert.deepEqual(unaccounted, { "aws:sqs/queue:Queue": 1 });
  });
});
