// The Pulumi type tokens the pack inspects, in one place so that the rules and the tests agree on them.

export const iamPolicy = "aws:iam/policy:Policy";
export const iamRolePolicy = "aws:iam/rolePolicy:RolePolicy";
export const iamUserPolicy = "aws:iam/userPolicy:UserPolicy";
export const iamRole = "aws:iam/role:Role";
export const iamGroupPolicy = "aws:iam/groupPolicy:GroupPolicy";
export const iamUser = "aws:iam/user:User";
export const iamGroup = "aws:iam/group:Group";
export const iamAccessKey = "aws:iam/accessKey:AccessKey";
export const iamGroupMembership = "aws:iam/groupMembership:GroupMembership";
export const iamUserGroupMembership = "aws:iam/userGroupMembership:UserGroupMembership";
export const iamRolePolicyAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const iamUserPolicyAttachment = "aws:iam/userPolicyAttachment:UserPolicyAttachment";
export const iamGroupPolicyAttachment = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment";
export const iamPolicyAttachment = "aws:iam/policyAttachment:PolicyAttachment";
export const iamRolePolicyAttachmentsExclusive =
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive";
export const iamUserPolicyAttachmentsExclusive =
  "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive";
export const iamGroupPolicyAttachmentsExclusive =
  "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive";
export const s3BucketPolicy = "aws:s3/bucketPolicy:BucketPolicy";
export const s3AccessPoint = "aws:s3/accessPoint:AccessPoint";
/** The token the AWS provider really registers for `aws.s3control.AccessPointPolicy`. */
export const s3controlAccessPointPolicy = "aws:s3control/accessPointPolicy:AccessPointPolicy";
/** An `aws:s3` spelling of the same resource: no provider registers it today, but a resource of that type is inspected all the same. */
export const s3AccessPointPolicy = "aws:s3/accessPointPolicy:AccessPointPolicy";
export const kmsKey = "aws:kms/key:Key";
export const kmsKeyPolicy = "aws:kms/keyPolicy:KeyPolicy";
export const kmsReplicaKey = "aws:kms/replicaKey:ReplicaKey";
export const kmsExternalKey = "aws:kms/externalKey:ExternalKey";
export const kmsReplicaExternalKey = "aws:kms/replicaExternalKey:ReplicaExternalKey";
export const kmsGrant = "aws:kms/grant:Grant";
/** A bucket's deprecated inline `policy` and `corsRules` also own the whole document (aws v7 `aws.s3.Bucket`). */
export const s3Bucket = "aws:s3/bucket:Bucket";
export const s3BucketV2 = "aws:s3/bucketV2:BucketV2";
export const s3BucketCorsConfiguration = "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration";
export const s3BucketCorsConfigurationV2 = "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2";

/** Every Pulumi dynamic resource registers under this one type; `props.resourceKind` says which of ours it is. */
export const dynamicResource = "pulumi-nodejs:dynamic:Resource";
/** Statement-level bucket policy: one stack's statements, each Sid `<integration>--<ownerKey>--<name>`. */
export const bucketPolicyEntriesKind = "vendor-access:BucketPolicyEntries";
/** Rule-level CORS: one stack's rules, each ID `<integration>--<ownerKey>`, optionally followed by `--<name>`. */
export const bucketCorsEntriesKind = "vendor-access:BucketCorsEntries";
/** Statement-level key policy: one stack's statements in one KMS key's policy, Sids as for bucket policies. */
export const keyPolicyEntriesKind = "vendor-access:KeyPolicyEntries";
