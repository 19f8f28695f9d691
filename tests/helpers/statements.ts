/** The TLS-only Deny a customer's bucket policy often holds: a statement that is not ours, to be preserved. */
export function denyInsecureTransport(bucket: string, sid = "DenyInsecureTransport") {
  return {
    Sid: sid,
    Effect: "Deny" as const,
    Principal: "*" as const,
    Action: "s3:*",
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
