// Fault suite: an assistant runs `instances create` for the same workshop in other terminals at
// the same time: 2 runs competing for one small AZ, and 5 runs at once. Each run reports only its
// own batch, the batches are disjoint, and together they are exactly what EC2 holds.
import { expect } from "chai";
import { Scenario } from "./harness.js";
import { fromJson, type RunRecord } from "./invariants.js";
import { verifyAndCleanUp, scenarioPerTest } from "./flow.js";

describe("fault suite: concurrent runs for one workshop", function () {
  this.timeout(90_000);
  const start = scenarioPerTest();

  async function concurrently(s: Scenario, counts: number[]): Promise<RunRecord[]> {
    const results = await Promise.all(counts.map((n) => s.create(["--count", String(n), "--json"])));
    return results.map((r, k) => {
      expect(r.code, `run ${k + 1}: ${r.stderr}`).to.equal(0);
      return fromJson(`run ${k + 1}`, counts[k]!, r.stdout);
    });
  }

  it("two runs competing for an AZ with room for 6: each gets its own count, the overflow goes to the next AZ", async () => {
    const sc = await start({ seed: 161 });
    sc.sim.setFaults({ azCapacity: { "us-east-1a": sc.liveInAz("us-east-1a") + 6 } });
    const runs = await concurrently(sc, [9, 11]);
    const createdUntil = sc.mark();
    expect(runs.map((r) => r.report!.ready.length)).to.deep.equal([9, 11]);
    expect(sc.launched()).to.have.length(20);
    expect(sc.launched().filter((i) => i.availabilityZone === "us-east-1a")).to.have.length(6);
    await verifyAndCleanUp(sc, { scenario: "2 concurrent runs (9 + 11)", runs, createdUntil, outcome: "exit 0 ×2, 20/20 ready, 6 in 1a" });
  });

  it("five runs at once: five disjoint batches, each waited for and reported by its own run only", async () => {
    const sc = await start({ seed: 162 });
    const counts = [6, 7, 5, 8, 4];
    const runs = await concurrently(sc, counts);
    const createdUntil = sc.mark();
    expect(runs.map((r) => r.report!.ready.length)).to.deep.equal(counts);
    expect(sc.launched()).to.have.length(30);
    const tokens = sc.sim.log.filter((e) => e.action === "RunInstances" && e.outcome === "ok").map((e) => e.params.ClientToken);
    expect(new Set(tokens).size, "one ClientToken per run").to.equal(5);
    await verifyAndCleanUp(sc, {
      scenario: "5 concurrent runs (30)",
      runs,
      createdUntil,
      outcome: `exit 0 ×5, 30/30 ready${sc.sim.throttledCount() ? `, ${sc.sim.throttledCount()} throttled` : ""}`,
    });
  });
});
