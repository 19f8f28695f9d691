// Starts and stops a local moto_server (a real S3 HTTP API) on 127.0.0.1 for the integration suite.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export const motoInstallHint = "pip install 'moto[server]==5.2.1'";

export interface MotoServer {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** The executable `name` on PATH, or undefined. */
export function findOnPath(name: string, searchPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** A port that was free on 127.0.0.1 a moment ago: bind port 0, read what the kernel chose, release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilReady(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`moto_server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    try {
      // moto's own dashboard API answers once the server accepts requests.
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs / 1000}s:\n${output()}`);
}

/** Start moto_server on a free loopback port and wait until it answers. Stops it again if it never does. */
export async function startMoto(executable: string, timeoutMs = 30000): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Its own process group, so that stop() reaches the Python process behind pyenv's shim too.
  const child = spawn(executable, ["-H", "127.0.0.1", "-p", String(port)], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    signalGroup("SIGTERM");
    const stopped = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
    if (!stopped) {
      signalGroup("SIGKILL");
      await exited;
    }
  };

  try {
    await waitUntilReady(endpoint, child, () => log, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, stop };
}
