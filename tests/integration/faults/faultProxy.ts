// A loopback HTTP proxy between one writer process and moto_server that injects the faults S3 and networks
// produce: 503 SlowDown, 500 after the write landed, connection resets after it landed, writes held before they
// land, requests that never answer (before or after they reach moto), and bucket-policy reads that lag behind writes (a model of eventual consistency).
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export type Fault =
  | { kind: "slowdown" }
  | { kind: "error500AfterWrite" }
  | { kind: "resetAfterWrite" }
  | { kind: "hold"; ms: number }
  | { kind: "hang" }
  | { kind: "hangAfterWrite" };

/** Which requests a fault hits: method and the bucket subresource (`policy`, `cors`); `*` matches any. */
export interface FaultRule {
  method: string;
  subresource: string;
  fault: Fault;
  /** How many matching requests it hits, then it is spent. */
  times: number;
}

/** Every bucket-policy body written through any proxy, with the time it landed: what a lagging read serves. */
export class PolicyHistory {
  private readonly versions = new Map<string, { at: number; status: number; body: Buffer }[]>();

  record(path: string, status: number, body: Buffer): void {
    const list = this.versions.get(path) ?? [];
    list.push({ at: Date.now(), status, body });
    this.versions.set(path, list);
  }

  /** The answer a read lagging `lagMs` behind would get, or undefined when nothing was written that long ago. */
  asOf(path: string, lagMs: number): { status: number; body: Buffer } | undefined {
    const list = this.versions.get(path) ?? [];
    const old = list.filter((v) => v.at <= Date.now() - lagMs);
    return old.length > 0 && old.length < list.length ? old[old.length - 1] : undefined;
  }
}

export interface FaultProxy {
  endpoint: string;
  inject(rule: FaultRule): void;
  /** Faults that fired, by kind, for the report. */
  fired: Record<string, number>;
  close(): Promise<void>;
}

const slowDownXml =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';
const internalErrorXml =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>';

function subresourceOf(url: string): string {
  const query = url.split("?")[1] ?? "";
  return query.split("&")[0].split("=")[0];
}

/** Forward one request to moto; resolves with its status, headers and body. */
function forward(
  target: URL,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    upstream.on("error", reject);
    upstream.end(body);
  });
}

interface ProxyOptions {
  /** Shared across proxies, so that every writer's policy writes are in one history. */
  history?: PolicyHistory;
  /** Serve bucket-policy reads this far behind the writes (0: strongly consistent, as moto is). */
  staleReadMs?: number;
}

export async function startFaultProxy(motoEndpoint: string, options: ProxyOptions = {}): Promise<FaultProxy> {
  const target = new URL(motoEndpoint);
  const rules: FaultRule[] = [];
  const fired: Record<string, number> = {};
  const hung: http.ServerResponse[] = [];
  const take = (req: http.IncomingMessage): Fault | undefined => {
    const rule = rules.find(
      (r) =>
        r.times > 0 &&
        (r.method === "*" || r.method === req.method) &&
        (r.subresource === "*" || r.subresource === subresourceOf(req.url ?? "")),
    );
    if (!rule) return undefined;
    rule.times -= 1;
    fired[rule.fault.kind] = (fired[rule.fault.kind] ?? 0) + 1;
    return rule.fault;
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void handle(req, res, Buffer.concat(chunks)));
  });
  const isPolicy = (req: http.IncomingMessage) => subresourceOf(req.url ?? "") === "policy";
  const pathOf = (req: http.IncomingMessage) => (req.url ?? "").split("?")[0];

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const fault = take(req);
    if (fault?.kind === "slowdown") {
      res.writeHead(503, { "content-type": "application/xml" }).end(slowDownXml);
      return;
    }
    if (fault?.kind === "hang") {
      hung.push(res);
      return;
    }
    if (fault?.kind === "hold") await new Promise((r) => setTimeout(r, fault.ms));
    if (req.method === "GET" && isPolicy(req) && options.history && options.staleReadMs) {
      const stale = options.history.asOf(pathOf(req), options.staleReadMs);
      if (stale) {
        fired.staleRead = (fired.staleRead ?? 0) + 1;
        const type = stale.status < 300 ? "application/json" : "application/xml";
        res.writeHead(stale.status, { "content-type": type }).end(stale.body);
        return;
      }
    }
    let answer;
    try {
      answer = await forward(target, req, body);
    } catch {
      res.destroy();
      return;
    }
    if (options.history && isPolicy(req) && answer.status < 300 && (req.method === "PUT" || req.method === "DELETE")) {
      // What a GET answers now: the new policy, or NoSuchBucketPolicy after a delete.
      const now = await forward(
        target,
        { ...req, method: "GET", headers: { host: req.headers.host } } as never,
        Buffer.alloc(0),
      );
      options.history.record(pathOf(req), now.status, now.body);
    }
    if (fault?.kind === "error500AfterWrite") {
      res.writeHead(500, { "content-type": "application/xml" }).end(internalErrorXml);
      return;
    }
    if (fault?.kind === "hangAfterWrite") {
      hung.push(res);
      return;
    }
    if (fault?.kind === "resetAfterWrite") {
      res.socket?.destroy();
      return;
    }
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    inject: (rule) => rules.push({ ...rule }),
    fired,
    close: () =>
      new Promise<void>((resolve) => {
        hung.forEach((res) => res.socket?.destroy());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
