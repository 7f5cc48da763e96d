// Fault suite: an endpoint that accepts connections and never answers. Ctrl-C (SIGINT), SIGTERM
// and SIGHUP (a closed terminal, handled as SIGTERM) end every command, whatever it waits on,
// with the right exit code; a command that launched instances names them first. Every wait here
// is bounded; none asserts how long anything took.
import { expect } from "chai";
import type { ChildProcess } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { runBin } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";
import { interruptWhen, waitUntil, WORKSHOP } from "./harness.js";
import { fromInterruptMessage } from "./invariants.js";
import { idsWhere, scenarioPerTest, verifyAndCleanUp } from "./flow.js";

/** A TCP server that takes every connection and its request, and never says a word. */
async function blackHole(): Promise<{ endpoint: string; requests: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("data", () => requests++);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("fault suite: a black-hole endpoint and signals", function () {
  this.timeout(60_000);

  describe("every command ends on a signal while its request hangs", () => {
    let hole: Awaited<ReturnType<typeof blackHole>>;
    let home: WorkshopHome;
    before(async () => {
      hole = await blackHole();
      home = makeWorkshopHome([{ name: "lab" }]);
    });
    after(async () => {
      await hole.close();
      home.remove();
    });

    const cases: { args: string[]; signal: NodeJS.Signals; code: number; says?: RegExp }[] = [
      { args: ["instances", "list", "--workshop", "lab"], signal: "SIGINT", code: 130 },
      { args: ["instances", "list", "--workshop", "lab", "--json"], signal: "SIGTERM", code: 143 },
      { args: ["instances", "create", "--workshop", "lab", "--count", "2", "--yes"], signal: "SIGINT", code: 130, says: /^Stopped by Ctrl-C\.$/m },
      { args: ["instances", "create", "--workshop", "lab", "--count", "2", "--yes"], signal: "SIGHUP", code: 143, says: /^Stopped by SIGTERM\.$/m },
      { args: ["instances", "destroy", "--workshop", "lab", "--all", "--yes"], signal: "SIGTERM", code: 143, says: /^Stopped by SIGTERM\.$/m },
      { args: ["setup", "--region", "us-east-1"], signal: "SIGTERM", code: 143, says: /^Stopped by SIGTERM\.$/m },
      { args: ["workshop", "show", "lab"], signal: "SIGINT", code: 130 },
      { args: ["instances", "stop", "--workshop", "lab", "--all", "--yes"], signal: "SIGINT", code: 130, says: /^Stopped by Ctrl-C\.$/m },
      { args: ["instances", "start", "--workshop", "lab", "--all", "--yes"], signal: "SIGTERM", code: 143, says: /^Stopped by SIGTERM\.$/m },
      { args: ["instances", "extend", "--workshop", "lab", "--all", "--hours", "2", "--yes"], signal: "SIGHUP", code: 143, says: /^Stopped by SIGTERM\.$/m },
      { args: ["sweep", "--region", "us-east-1", "--yes"], signal: "SIGINT", code: 130, says: /^Stopped by Ctrl-C\.$/m },
    ];
    for (const c of cases) {
      it(`${c.args.slice(0, 2).join(" ")}, ${c.signal} while a request hangs: exit ${c.code}`, async () => {
        const before = hole.requests();
        let child: ChildProcess | undefined;
        const run = runBin(c.args, {
          env: simEnv({ endpoint: hole.endpoint, region: "us-east-1", scale: 1 }, { EC2_WORKSHOP_HOME: home.dir }),
          onSpawn: (ch) => (child = ch),
        });
        await waitUntil(() => hole.requests() > before, "a request at the black hole");
        child!.kill(c.signal);
        const r = await run;
        expect(r.code, r.stderr).to.equal(c.code);
        if (c.says) expect(r.stderr).to.match(c.says);
        expect(r.stderr).not.to.match(/\n\s+at |Error: /);
      });
    }
  });

  describe("a launched batch whose polling hangs", () => {
    const start = scenarioPerTest();

    for (const signal of ["SIGTERM", "SIGHUP", "SIGINT"] as const) {
      it(`${signal} while DescribeInstances never answers: the recovery message names every launched instance, exit ${signal === "SIGINT" ? 130 : 143}`, async () => {
        const s = await start({ seed: 171, proxy: true });
        const held: (() => void)[] = [];
        s.proxy!.hooks = {
          // The polling after the launch (the checks before it read instances too).
          beforeForward: (req) =>
            req.action === "DescribeInstances" && s.proxy!.requests.some((r) => r.action === "RunInstances")
              ? new Promise<void>((resolve) => held.push(resolve))
              : undefined,
        };
        const r = await interruptWhen((on) => s.create(["--count", "6"], on), () => held.length > 0, "a hanging DescribeInstances", signal);
        const createdUntil = s.mark();
        for (const release of held) release();
        expect(r.code, r.stderr).to.equal(signal === "SIGINT" ? 130 : 143);
        const said = fromInterruptMessage("hung", 6, r.stderr);
        expect(said.mentioned).to.have.length(6);
        expect(idsWhere(s, (i) => i.tags.Workshop === WORKSHOP)).to.deep.equal([...said.mentioned!].sort());
        await verifyAndCleanUp(s, {
          scenario: `${signal} while polling hangs`,
          runs: [{ ...said, partial: true }],
          createdUntil,
          outcome: `exit ${r.code}, all 6 named`,
        });
      });
    }
  });
});
