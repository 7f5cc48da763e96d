// The service probe against real local sockets (127.0.0.1): an SSH banner, a silent port, a port
// that drops the connection, another protocol, a refused port, a plain TCP service, and Ctrl-C.
// Timeouts run on a scaled clock: a 2 s tool timeout is 20 real ms.
import { expect } from "chai";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { scaledClock } from "../../src/clock.js";
import { probeService } from "../../src/instances/probe.js";

const clock = scaledClock(100);
const opts = { clock, timeoutMs: 2000 };

async function server(onConnection: (s: Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const srv: Server = createServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
    onConnection(s);
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  return {
    port: (srv.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound once, then released). */
async function freePort(): Promise<number> {
  const s = await server(() => undefined);
  await s.close();
  return s.port;
}

describe("service probe (real sockets)", () => {
  it("SSH: usable when the banner arrives, also after other lines first (RFC 4253)", async () => {
    const plain = await server((s) => s.write("SSH-2.0-OpenSSH_9.6\r\n"));
    const chatty = await server((s) => {
      s.write("Welcome to the lab\r\n");
      setTimeout(() => s.write("SSH-2.0-OpenSSH_9.6\r\n"), 5);
    });
    try {
      expect(await probeService("127.0.0.1", { port: plain.port, kind: "ssh" }, opts)).to.deep.equal({ usable: true });
      expect(await probeService("127.0.0.1", { port: chatty.port, kind: "ssh" }, opts)).to.deep.equal({ usable: true });
    } finally {
      await plain.close();
      await chatty.close();
    }
  });

  it("SSH: a port that accepts and stays silent times out; one that drops the connection is closed; another protocol is not SSH", async () => {
    const silent = await server(() => undefined);
    const dropping = await server((s) => s.destroy());
    const http = await server((s) => s.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    try {
      expect(await probeService("127.0.0.1", { port: silent.port, kind: "ssh" }, opts)).to.deep.equal({ usable: false, why: "timeout" });
      expect(await probeService("127.0.0.1", { port: dropping.port, kind: "ssh" }, opts)).to.include({ usable: false, why: "closed" });
      expect(await probeService("127.0.0.1", { port: http.port, kind: "ssh" }, opts)).to.include({ usable: false, why: "not-ssh" });
    } finally {
      await silent.close();
      await dropping.close();
      await http.close();
    }
  });

  it("any other port: usable once the connection is accepted, silent or not; refused when nothing listens", async () => {
    const silent = await server(() => undefined);
    try {
      expect(await probeService("127.0.0.1", { port: silent.port, kind: "tcp" }, opts)).to.deep.equal({ usable: true });
      expect(await probeService("127.0.0.1", { port: await freePort(), kind: "tcp" }, opts)).to.deep.equal({ usable: false, why: "refused" });
      expect(await probeService("127.0.0.1", { port: await freePort(), kind: "ssh" }, opts)).to.deep.equal({ usable: false, why: "refused" });
    } finally {
      await silent.close();
    }
  });

  it("the run's abort signal ends a look at once, and a look never starts after it", async () => {
    const silent = await server(() => undefined);
    try {
      const ac = new AbortController();
      // A timeout of ~3 real hours: only the signal can end this look.
      const look = probeService("127.0.0.1", { port: silent.port, kind: "ssh" }, { clock, timeoutMs: 1e9, signal: ac.signal });
      setTimeout(() => ac.abort(), 20);
      expect(await look).to.deep.equal({ usable: false, why: "stopped" });
      expect(await probeService("127.0.0.1", { port: silent.port, kind: "ssh" }, { ...opts, signal: ac.signal })).to.deep.equal({ usable: false, why: "stopped" });
    } finally {
      await silent.close();
    }
  });
});
