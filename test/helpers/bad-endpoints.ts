// Endpoints no EC2 would be, for the tests that prove the tool ends anyway: one that answers
// every request with 503 (and counts them, by action), and a black hole that accepts
// connections and never answers.
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";

export interface CountingEndpoint {
  /** "http://127.0.0.1:<port>". */
  readonly endpoint: string;
  /** Every request received, by its Action (EC2 and STS Query protocol). */
  readonly actions: string[];
  count(action: string): number;
  reset(): void;
  close(): Promise<void>;
}

/** Answers every request with 503 and EC2's "Unavailable" error document. */
export async function startAlways503(): Promise<CountingEndpoint> {
  const actions: string[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      actions.push(new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("Action") ?? "?");
      res.writeHead(503, { "content-type": "text/xml" });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>Unavailable</Code>` +
          `<Message>The server is overloaded.</Message></Error></Errors><RequestID>test</RequestID></Response>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    actions,
    count: (action) => actions.filter((a) => a === action).length,
    reset: () => void actions.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface BlackHole {
  readonly endpoint: string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Accepts TCP connections, reads what comes, and never answers. */
export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("data", () => undefined);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
