// `instances create` under pressure: 300 instances, throttling storms, 5xx and dropped
// connections, a lost RunInstances answer, two runs at once, and interruptions.
import { expect } from "chai";
import { scaledClock } from "../../src/clock.js";
import { launchBatch } from "../../src/instances/launch.js";
import { prepareBatch } from "../../src/instances/create-batch.js";
import { TAG } from "../../src/instances/tags.js";
import { parseSettings } from "../../src/workshops/settings.js";
import { startSimulator } from "../../src/sim/index.js";
import type { Simulator, SimInstanceView } from "../../src/sim/types.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { simEnv, toolClientsFor } from "../helpers/sim.js";
import { detectionLags } from "../helpers/metrics.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

/** Fast lifecycle (sim time): pending 10-20 s, checks 20-40 s more. */
const FAST = { pendingMs: [10_000, 20_000] as [number, number], checksMs: [20_000, 40_000] as [number, number] };

interface JsonReport {
  batch: string;
  requested: number;
  ready: { instanceId: string }[];
  failed: { instanceId: string; reason: string }[];
}

function batchOf(sim: Simulator, batch: string): SimInstanceView[] {
  return sim.instances().filter((i) => i.tags[TAG.batch] === batch);
}

describe("instances create under pressure", function () {
  this.timeout(120_000);
  let sim: Simulator | undefined;
  let home: WorkshopHome | undefined;
  afterEach(async () => {
    await sim?.close();
    home?.remove();
    sim = undefined;
    home = undefined;
  });

  const cli = (args: string[], onSpawn?: (c: import("node:child_process").ChildProcess) => void): Promise<RunResult> =>
    runBin(["instances", "create", "--workshop", "demo", "--yes", ...args], {
      env: simEnv(sim!, { EC2_WORKSHOP_HOME: home!.dir }),
      ...(onSpawn ? { onSpawn } : {}),
    });

  // How soon readiness is noticed (the detection lag) is a timing: `npm run bench` measures it.
  it("N = 300 with EC2's own timings and throttling: all ready, each one's readiness noticed, few calls", async () => {
    // Scale 20: request latency counts in tool time too (20 ms real = 0.4 s), so keep it moderate here.
    sim = await startSimulator({ scale: 20, seed: 21 });
    sim.seedWorkshop("demo");
    home = makeWorkshopHome([{ name: "demo", maximum: 300 }]);
    const r = await cli(["--count", "300", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as JsonReport;
    expect(doc.ready).to.have.length(300);
    const calls = sim.callsByAction();
    console.log(`      calls by action, N = 300: ${JSON.stringify(calls)} (throttled: ${sim.throttledCount()})`);
    expect(calls.RunInstances).to.equal(1);
    // Status checks take 60-120 s after running: ~60 rounds at most, 3 chunks of 100 each.
    expect(calls.DescribeInstanceStatus ?? 0).to.be.at.most(3 * 70);
    expect(calls.DescribeInstances ?? 0).to.be.at.most(40);
    // Every instance was reported ready to the tool by EC2 (the simulator notes the first time it
    // said so) before the tool counted it ready: none declared ready on a guess.
    const lags = detectionLags(sim.instances(), new Set(batchOf(sim, doc.batch).map((i) => i.instanceId)));
    expect(lags).to.have.length(300);
  });

  it("throttling storms, 5xx and dropped connections: still exactly N instances, all ready", async () => {
    // A seed whose storm spares RunInstances' own answer: at factor 0.02 its resource bucket holds
    // 20 instances refilling at 0.04/s, so a dropped 25-instance call could not be re-sent in time.
    sim = await startSimulator({
      scale: 40,
      seed: 26,
      timings: FAST,
      throttling: { factor: 0.02 },
      faults: { errorRate: 0.1, dropRate: 0.05 },
    });
    // Built by the tool: its settings record the stack's subnets.
    home = makeWorkshopHome([{ name: "demo", maximum: 25, outputs: sim.seedWorkshop("demo") }]);
    const r = await cli(["--count", "25", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as JsonReport;
    expect(doc.ready).to.have.length(25);
    expect(batchOf(sim, doc.batch)).to.have.length(25, "a retried RunInstances never doubles the batch");
    expect(sim.instances()).to.have.length(25);
    const outcomes = new Set(sim.log.map((e) => e.outcome));
    expect(sim.throttledCount(), "the storm happened").to.be.greaterThan(0);
    expect([...outcomes].some((o) => o !== "ok" && o !== "RequestLimitExceeded"), "5xx/drops happened").to.equal(true);
  });

  it("a RunInstances answer lost on the way back is retried with the same ClientToken: no second batch", async () => {
    sim = await startSimulator({ scale: 40, seed: 23, timings: FAST });
    sim.seedWorkshop("demo");
    const settings = parseSettings("demo", "config:\n  aws:region: us-east-1\n  ec2-workshop:maximum: 25\n");
    // The clients `instances create` makes: one request per call, the tool retries.
    const { ec2, sts } = toolClientsFor(sim);
    let lost = 0;
    // Drop the first RunInstances response after EC2 has acted on it, as a broken connection would.
    ec2.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === "RunInstancesCommand" && lost++ === 0)
          throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        return result;
      },
      { step: "initialize", name: "loseFirstRunInstancesAnswer" },
    );
    try {
      const clock = scaledClock(sim.scale);
      const prep = await prepareBatch(ec2, sts, settings, clock);
      const out = await launchBatch(ec2, {
        workshop: "demo",
        seats: [1, 2, 3, 4, 5, 6, 7],
        maximum: 25,
        batch: "tokentst",
        launchedBy: prep.launchedBy,
        launchedAt: new Date(),
        template: prep.template,
        subnets: prep.subnets,
        clock,
        deadline: clock.now() + 60_000,
      });
      const runs = sim.log.filter((e) => e.action === "RunInstances");
      expect(runs).to.have.length(2);
      expect(runs[0]!.params.ClientToken).to.be.a("string").and.equal(runs[1]!.params.ClientToken);
      expect(out.instances).to.have.length(7);
      expect(sim.instances().map((i) => i.instanceId).sort()).to.deep.equal(out.instances.map((i) => i.instanceId).sort());
    } finally {
      ec2.destroy();
      sts.destroy();
    }
  });

  it("two runs at once for the same workshop each wait for and report only their own batch", async () => {
    sim = await startSimulator({ scale: 40, seed: 24, timings: FAST });
    sim.seedWorkshop("demo");
    home = makeWorkshopHome([{ name: "demo", maximum: 25 }]);
    const [a, b] = await Promise.all([cli(["--count", "10", "--json"]), cli(["--count", "12", "--json"])]);
    expect(a.code, a.stderr).to.equal(0);
    expect(b.code, b.stderr).to.equal(0);
    const da = JSON.parse(a.stdout) as JsonReport;
    const db = JSON.parse(b.stdout) as JsonReport;
    expect(da.batch).to.not.equal(db.batch);
    expect(da.ready).to.have.length(10);
    expect(db.ready).to.have.length(12);
    const ia = new Set(da.ready.map((x) => x.instanceId));
    expect(db.ready.filter((x) => ia.has(x.instanceId))).to.deep.equal([]);
    expect([...ia].sort()).to.deep.equal(batchOf(sim, da.batch).map((i) => i.instanceId).sort());
    expect(sim.instances()).to.have.length(22);
  });

  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal} mid-wait (no terminal): stops waiting, exits ${code}, every instance found by its tags`, async () => {
      sim = await startSimulator({ scale: 20, seed: 25, timings: FAST });
      sim.seedWorkshop("demo");
      home = makeWorkshopHome([{ name: "demo", maximum: 25 }]);
      let sent = false;
      const r = await cli(["--count", "6"], (child) => {
        child.stderr!.on("data", () => undefined);
        child.stdout!.on("data", (d: Buffer) => {
          if (!sent && /Launched \d+/.test(String(d))) {
            sent = true;
            child.kill(signal);
          }
        });
      });
      expect(sent, "the launch line appeared").to.equal(true);
      expect(r.code, r.stderr).to.equal(code);
      expect(r.stderr).to.contain("Stopped waiting");
      const all = sim.instances();
      expect(all).to.have.length(6);
      const batch = all[0]!.tags[TAG.batch]!;
      for (const i of all) {
        expect(i.tags).to.include({ [TAG.workshop]: "demo", [TAG.batch]: batch });
        expect(i.tags[TAG.launchedBy]).to.match(/^arn:aws:/);
        expect(r.stderr).to.contain(i.instanceId);
      }
      expect(r.stderr).to.contain(`ec2-workshop instances destroy --workshop demo --ids `);
      expect(r.stderr).to.contain(`ec2-workshop:batch=${batch}`);
    });
  }
});
