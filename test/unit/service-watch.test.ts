// Watching many machines' service ports: bounded connections, a look per machine every retryMs,
// an answer reported once, the batch's shortest boot learned, everything ended by the signal.
// The looks are a stand-in here (probe.test.ts covers the real sockets); time is a scaled clock.
import { expect } from "chai";
import { scaledClock, type Clock } from "../../src/clock.js";
import type { ProbeResult } from "../../src/instances/probe.js";
import { answeringNow, ServiceWatch } from "../../src/instances/service-watch.js";

/** Machines that answer from a given tool time on; every look takes `lookMs` tool ms; counts what happens. */
function fakeNetwork(clock: Clock, upAt: Map<string, number>, lookMs = 50) {
  const looks: { address: string; at: number }[] = [];
  let open = 0;
  let mostOpen = 0;
  const probe = async (address: string): Promise<ProbeResult> => {
    looks.push({ address, at: clock.now() });
    open++;
    mostOpen = Math.max(mostOpen, open);
    await clock.sleep(lookMs);
    open--;
    const up = upAt.get(address);
    return up !== undefined && clock.now() >= up ? { usable: true } : { usable: false, why: "refused" };
  };
  return { probe, looks, mostOpen: () => mostOpen };
}

async function until(cond: () => boolean, what: string, realMs = 5000): Promise<void> {
  const end = Date.now() + realMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe("service watch", () => {
  it("never opens more than `concurrency` connections; each machine answers once, when its service is up", async () => {
    const clock = scaledClock(200);
    const t0 = clock.now();
    const upAt = new Map(Array.from({ length: 60 }, (_, i) => [`10.0.0.${i}`, t0 + 500 + i * 20]));
    const net = fakeNetwork(clock, upAt);
    const answered = new Map<string, number>();
    const watch = new ServiceWatch({
      target: { port: 22, kind: "ssh" },
      clock,
      timing: { concurrency: 8, retryMs: 200 },
      probe: net.probe,
      onUsable: (id, at) => {
        expect(answered.has(id), `${id} answered twice`).to.equal(false);
        answered.set(id, at);
      },
    });
    for (const address of upAt.keys()) watch.watch(`i-${address}`, address);
    await until(() => answered.size === 60, "all 60 answers");
    await watch.stop();
    expect(net.mostOpen()).to.equal(8);
    for (const [address, up] of upAt) expect(answered.get(`i-${address}`)!, address).to.be.at.least(up);
    // Nobody is looked at again after answering.
    const last = new Map(net.looks.map((l) => [l.address, l.at]));
    for (const [address] of upAt) expect(last.get(address)!).to.be.at.most(answered.get(`i-${address}`)!);
  });

  it("looks again every retryMs after a look that found nothing; unwatch ends the looks at one machine", async () => {
    const clock = scaledClock(100);
    const net = fakeNetwork(clock, new Map(), 10);
    const watch = new ServiceWatch({ target: { port: 22, kind: "ssh" }, clock, timing: { retryMs: 500 }, probe: net.probe, onUsable: () => undefined });
    watch.watch("i-a", "10.0.0.1");
    await until(() => net.looks.length >= 4, "four looks");
    const gaps = net.looks.slice(1, 4).map((l, k) => l.at - net.looks[k]!.at);
    for (const gap of gaps) expect(gap, "a look, then the retry interval").to.be.at.least(500);
    expect(watch.lastFailure("i-a")).to.equal("connection refused");
    watch.unwatch("i-a");
    const seen = net.looks.length;
    await clock.sleep(2000);
    expect(net.looks.length, "at most the look in flight").to.be.at.most(seen + 1);
    await watch.stop();
  });

  it("once a few machines have answered, a new one is not looked at before the batch's shortest boot has passed", async () => {
    const clock = scaledClock(200);
    const t0 = clock.now();
    // Three machines boot in 2 s; the fourth, running since t0 + 3 s, comes up at t0 + 5 s.
    const upAt = new Map([["a", t0 + 2000], ["b", t0 + 2000], ["c", t0 + 2000], ["d", t0 + 5000]]);
    const net = fakeNetwork(clock, upAt, 10);
    const answered = new Set<string>();
    const watch = new ServiceWatch({ target: { port: 22, kind: "ssh" }, clock, timing: { retryMs: 100 }, probe: net.probe, onUsable: (id) => answered.add(id) });
    for (const a of ["a", "b", "c"]) watch.watch(a, a, t0);
    await until(() => answered.size === 3, "three answers");
    await clock.sleep(3000 - (clock.now() - t0));
    watch.watch("d", "d", t0 + 3000);
    await until(() => answered.has("d"), "the fourth");
    await watch.stop();
    const first = net.looks.find((l) => l.address === "d")!.at;
    // Shortest boot ~2 s (from watched to answered), 80% of it: no look before t0 + 3 s + 1.6 s.
    expect(first - t0).to.be.at.least(3000 + 1500);
    expect(net.looks.filter((l) => l.address === "d").length, "then a look per retry until it answers").to.be.at.most(12);
  });

  it("the run's abort signal ends the watch: no look starts after it", async () => {
    const clock = scaledClock(100);
    const net = fakeNetwork(clock, new Map(), 10);
    const ac = new AbortController();
    const watch = new ServiceWatch({ target: { port: 22, kind: "ssh" }, clock, signal: ac.signal, timing: { retryMs: 100 }, probe: net.probe, onUsable: () => undefined });
    for (let i = 0; i < 5; i++) watch.watch(`i-${i}`, `10.0.0.${i}`);
    await until(() => net.looks.length >= 10, "some looks");
    ac.abort();
    const seen = net.looks.length;
    await clock.sleep(1000);
    expect(net.looks.length).to.equal(seen);
    watch.watch("i-late", "10.0.0.99");
    await clock.sleep(500);
    expect(net.looks.length, "nothing is watched after the stop").to.equal(seen);
  });

  it("one look each (the hand-out's): the ids that answer now, a few connections at a time", async () => {
    const clock = scaledClock(100);
    const t0 = clock.now();
    const net = fakeNetwork(clock, new Map([["10.0.0.1", t0], ["10.0.0.3", t0]]), 10);
    const machines = Array.from({ length: 5 }, (_, i) => ({ instanceId: `i-${i}`, address: `10.0.0.${i}` }));
    const ids = await answeringNow(machines, { port: 22, kind: "ssh" }, { clock, timing: { concurrency: 2 }, probe: net.probe });
    expect([...ids].sort()).to.deep.equal(["i-1", "i-3"]);
    expect(net.looks).to.have.length(5);
    expect(net.mostOpen()).to.equal(2);
  });
});
