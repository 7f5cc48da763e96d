// A small HTTP proxy in front of the simulator for the moments the simulator cannot make by
// itself: hold a request or its answer until the test has done something (sent a signal,
// changed a tag), or lose an answer after EC2 acted on it; and, as a standing quirk, an endpoint
// that ignores the filters of some actions. Everything else passes through unchanged, so the
// simulator's request log stays the truth about what reached it.
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedRequest {
  /** 1-based, in arrival order at the proxy. */
  n: number;
  action: string;
  params: Record<string, string>;
}

export interface ProxyHooks {
  /** Before the request reaches the simulator; awaiting holds it. */
  beforeForward?(req: ProxiedRequest): void | Promise<void>;
  /**
   * After the simulator answered (so it has acted), before the answer goes back; awaiting holds
   * it, "drop" destroys the client's connection instead, as a broken network would.
   */
  beforeAnswer?(req: ProxiedRequest, status: number): void | "drop" | Promise<void | "drop">;
}

export interface FaultProxy {
  /** "http://127.0.0.1:<port>": use it as the EC2 endpoint. */
  readonly endpoint: string;
  hooks: ProxyHooks;
  /**
   * Actions whose `Filter.N.*` parameters are stripped before they reach the simulator, as an
   * EC2-compatible endpoint (or a proxy) that ignores filters would: every instance comes back.
   * Kept when the hooks are reset (a quirk of the endpoint, not a moment of a test).
   */
  ignoreFiltersOf: Set<string>;
  /** As the client sent them (filters included). */
  readonly requests: readonly ProxiedRequest[];
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string, hooks: ProxyHooks = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const requests: ProxiedRequest[] = [];
  const proxy: FaultProxy = {
    endpoint: "",
    hooks,
    ignoreFiltersOf: new Set(),
    requests,
    close: () => Promise.resolve(),
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        let body: Buffer = Buffer.concat(chunks);
        const params = Object.fromEntries(new URLSearchParams(body.toString("utf8")));
        const info: ProxiedRequest = { n: requests.length + 1, action: params.Action ?? "", params };
        requests.push(info);
        if (proxy.ignoreFiltersOf.has(info.action)) body = withoutFilters(body);
        await proxy.hooks.beforeForward?.(info);
        const up = await forward(req, body).catch(() => undefined);
        if (!up) return void req.socket.destroy();
        const verdict = await proxy.hooks.beforeAnswer?.(info, up.status);
        if (verdict === "drop") return void req.socket.destroy();
        res.writeHead(up.status, up.headers);
        res.end(up.body);
      })().catch(() => req.socket.destroy());
    });
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host, "content-length": String(body.length) };
      const up = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        (res) => {
          const parts: Buffer[] = [];
          res.on("data", (c: Buffer) => parts.push(c));
          res.on("end", () => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") out[k] = v;
            resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(parts) });
          });
          res.on("error", reject);
        },
      );
      up.on("error", reject);
      up.end(body);
    });

  const server: Server = createServer(onRequest);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  (proxy as { endpoint: string }).endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      agent.destroy();
    });
  return proxy;
}

/** The Query-protocol body without its `Filter.N.*` parameters (the signature is not checked by the simulator). */
function withoutFilters(body: Buffer): Buffer {
  const params = new URLSearchParams(body.toString("utf8"));
  for (const key of [...params.keys()]) if (/^Filter\.\d+\./.test(key)) params.delete(key);
  return Buffer.from(params.toString(), "utf8");
}
