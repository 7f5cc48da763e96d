// Fault suite: the account's vCPU quota is reached in the middle of a batch. EC2 judges a quota
// on the whole request (MaxCount), so a single run cannot cross it half-way on its own; here
// someone else in the account launches an instance between the run's first (partial) and second
// RunInstances, as a colleague's script would. The fault proxy makes that moment exact.
import { expect } from "chai";
import { fromHuman } from "./invariants.js";
import { verifyAndCleanUp, scenarioPerTest } from "./flow.js";

describe("fault suite: quota", function () {
  this.timeout(60_000);
  const start = scenarioPerTest();

  it("vCPU quota reached mid-batch: what launched is waited for, the rest is not tried, exit 3 with the quota to raise", async () => {
    const sc = await start({ seed: 111, proxy: true });
    const s = sc;
    const count = 10;
    // Room for 4 in us-east-1a (a partial launch), and a quota with room for exactly this batch.
    s.sim.setFaults({ azCapacity: { "us-east-1a": s.liveInAz("us-east-1a") + 4 }, vcpuLimit: s.vcpusInUse() + count * 2 });
    let intruders: string[] = [];
    s.proxy!.hooks = {
      beforeForward: (req) => {
        const runs = s.proxy!.requests.filter((r) => r.action === "RunInstances");
        if (req.action === "RunInstances" && runs.length === 2 && intruders.length === 0) {
          intruders = s.sim.seedInstances(1, { tags: { Workshop: "someone-else" } });
          s.addForeign(intruders);
        }
      },
    };
    const r = await s.create(["--count", String(count)]);
    const createdUntil = s.mark();
    expect(intruders, "the colleague's launch happened between our RunInstances calls").to.have.length(1);
    expect(r.code, r.stderr).to.equal(3);
    const run = fromHuman("create", count, r.stdout);
    expect(run.report!.ready).to.have.length(4);
    // The seats never launched are named, each with why.
    expect(run.report!.failed).to.deep.equal([5, 6, 7, 8, 9, 10].map((seat) => ({ seat, instanceId: null, reason: "not launched: over the account's quota" })));
    expect(r.stdout).to.contain("Requested 10, 4 ready");
    expect(r.stdout).to.contain("VcpuLimitExceeded").and.contain("L-1216C47A").and.contain("in us-east-1");
    expect(r.stdout).to.contain("Instructions for the attendees", "the 4 ready attendees still get the instructions");
    const runs = s.sim.log.filter((e) => e.action === "RunInstances").map((e) => e.outcome);
    expect(runs, "after the quota error no other AZ is tried").to.deep.equal(["ok", "VcpuLimitExceeded"]);
    await verifyAndCleanUp(s, { scenario: "quota reached mid-batch", runs: [run], createdUntil, outcome: "exit 3, 4/10 ready, quota named" });
  });

  // BUG (src/commands/instances/create.ts, run()): with --json the launch stops (quota advice,
  // "no capacity for N more") are rendered only by renderReport, i.e. never: a script gets exit 3,
  // `"ready": [], "failed": []` and no reason on stdout or stderr. Unskip once they go to stderr.
  it("with --json the quota error still says why (on stderr), not just exit 3", async () => {
    const sc = await start({ seed: 112 });
    sc.sim.setFaults({ vcpuLimit: sc.vcpusInUse() + 8 });
    // --skip-checks: the pre-launch quota check would stop this run before it launched anything.
    const r = await sc.create(["--count", "6", "--json", "--skip-checks"]);
    expect(r.code, r.stderr).to.equal(3);
    expect(JSON.parse(r.stdout)).to.include({ requested: 6 });
    expect(r.stderr).to.contain("VcpuLimitExceeded").and.contain("L-1216C47A");
  });
});
