// `npm run prove`: the example stack proves clean, bad input exits 2, and a broken expectation shows in the matrix.
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { formatProof } from "../../tools/proof/matrix";
import type { IntegrationProof } from "../../tools/proof/integrationProof";
import { prove } from "../../tools/prove";

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  // A sixteenth of the catalog's other actions keeps this fast; the matrix tests cover the rest.
  const code = await prove(argv, {
    write: (t) => (out += t),
    writeError: (t) => (err += t),
    proofOptions: { sample: { index: 0, of: 16 } },
  });
  return { code, out, err };
}

describe("npm run prove", () => {
  it("proves every integration of the dev stack and prints an access matrix for each", async () => {
    const { code, out, err } = await run(["--stack", "dev"]);
    assert.equal(err, "");
    assert.equal(code, 0);
    for (const name of ["aquarium-labels", "deeplake-training", "mlspace-shared", "isahit-annotation", "aihub-drive"])
      assert.match(out, new RegExp(`^Integration ${name} `, "m"));
    assert.match(
      out,
      /^ {2}sts:AssumeRole {2}right ExternalId: allow \| wrong ExternalId: deny \| no ExternalId: deny \| ExternalId other case: deny/m,
    );
    assert.match(
      out,
      /^ {2}s3:GetObject +\. +\. +\. +allow +deny /m,
      "GetObject: allowed in the prefix, denied outside it",
    );
    assert.match(out, /other S3 actions: denied on every resource asked/);
    assert.match(out, /^All \d+ expectations hold across 5 integrations\.$/m);
    assert.doesNotMatch(
      out,
      /a6fa9c7f-7f53-4a41-812d-a29f48288a94|aihub-issued-external-id-0001/,
      "ExternalIds are secrets and never printed",
    );
  });

  it("exits 2 on bad usage and on an invalid stack file, before simulating anything", async () => {
    const usage = await run([]);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /give --stack <name> or --config-file <path>/);
    const invalid = await run(["--config-file", join(__dirname, "..", "fixtures", "bad-config.yaml")]);
    assert.equal(invalid.code, 2);
    assert.match(invalid.err, /Invalid stack config/);
    assert.equal(invalid.out, "");
  });

  it("marks a request that broke its expectation in the matrix and lists it", () => {
    const proof: IntegrationProof = {
      name: "broken",
      vendor: "aquarium",
      access: "read",
      auth: "role",
      principalType: "role",
      granteeArn: "arn:aws:iam::111122223333:role/broken-dev",
      grantedActions: ["s3:GetObject"],
      sweptS3Actions: ["s3:GetObject", "s3:PutObject"],
      checks: [
        {
          action: "s3:GetObject",
          target: "object in prefix",
          request: "GetObject in prefix",
          expected: "allow",
          actual: "Allowed",
          basis: "simulator",
        },
        {
          action: "s3:PutObject",
          target: "object in prefix",
          request: "PutObject arn:aws:s3:::b/exports/proof.txt",
          expected: "deny",
          actual: "Allowed",
          basis: "simulator",
        },
      ],
    };
    const lines = formatProof(proof);
    assert.ok(
      lines.some((l) => /^ {2}s3:PutObject +ALLOW!$/.test(l)),
      lines.join("\n"),
    );
    assert.ok(lines.includes("  2 requests simulated, 1 NOT as expected"));
    assert.ok(
      lines.includes(
        "  FAIL s3:PutObject [object in prefix]: expected deny, got Allowed: PutObject arn:aws:s3:::b/exports/proof.txt",
      ),
    );
  });
});
