// `npm run test:integration`: start moto_server on 127.0.0.1, run tests/integration/*.test.ts against it with
// mocha, and stop the server at the end, whatever happened. A missing moto_server is a failure, not a skip.
import { readdirSync } from "node:fs";
import * as path from "node:path";
import Mocha from "mocha";
import { findOnPath, motoInstallHint, startMoto, type MotoServer } from "./motoServer";

/** Point the AWS SDK at the local server only, with dummy credentials and no credential or config files. */
function useLocalS3(endpoint: string): void {
  process.env.AWS_ENDPOINT_URL_S3 = endpoint;
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_ACCESS_KEY_ID = "testing";
  process.env.AWS_SECRET_ACCESS_KEY = "testing";
  process.env.AWS_REGION = "us-east-1";
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.AWS_CONFIG_FILE = "/dev/null";
  process.env.AWS_SHARED_CREDENTIALS_FILE = "/dev/null";
  for (const key of [
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  ]) {
    delete process.env[key];
  }
}

async function runMocha(files: string[]): Promise<number> {
  const mocha = new Mocha({ timeout: 120000, reporter: "spec" });
  files.forEach((file) => mocha.addFile(file));
  await mocha.loadFilesAsync();
  return new Promise((resolve) => mocha.run(resolve));
}

async function main(): Promise<number> {
  const executable = findOnPath("moto_server");
  if (!executable) {
    process.stderr.write(
      `test:integration: moto_server is not on PATH. These tests need a local S3 API; install it with:\n  ${motoInstallHint}\n`,
    );
    return 2;
  }
  const dir = __dirname;
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".test.ts"))
    .sort()
    .map((name) => path.join(dir, name));

  let server: MotoServer | undefined;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    void (server?.stop() ?? Promise.resolve()).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);
  try {
    server = await startMoto(executable);
    process.stdout.write(`moto_server ready at ${server.endpoint}\n`);
    useLocalS3(server.endpoint);
    const failures = await runMocha(files);
    return failures > 0 ? 1 : 0;
  } finally {
    await server?.stop();
    process.stdout.write("moto_server stopped\n");
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`test:integration failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
