// Fault suite: a flaky API. A throttling storm (one Describe call per 5 s per action, one
// RunInstances per 20 s), and 5% of requests answered with a 5xx plus 5% of connections dropped
// after EC2 acted. Neither may cost an instance, double a launch, or end the run early.
import { expect } from "chai";
import { fromHuman, fromJson } from "./invariants.js";
import { verifyAndCleanUp, scenarioPerTest } from "./flow.js";

describe("fault suite: throttling and a flaky network", function () {
  this.timeout(60_000);
  const start = scenarioPerTest();

  it("throttling storm: every instance ready, the batch launched once, calls slowed down not multiplied", async () => {
    const sc = await start({
      seed: 131,
      throttling: {
        overrides: {
          nonMutating: { size: 1, refillPerSecond: 0.2 },
          unfilteredDescribe: { size: 1, refillPerSecond: 0.2 },
          runInstances: { size: 1, refillPerSecond: 0.05 },
        },
      },
    });
    const r = await sc.create(["--count", "30", "--json"]);
    const createdUntil = sc.mark();
    expect(r.code, r.stderr).to.equal(0);
    const run = fromJson("create", 30, r.stdout);
    expect(run.report!.ready).to.have.length(30);
    const throttled = sc.sim.throttledCount();
    expect(throttled, "the storm happened").to.be.greaterThan(5);
    // Backoff, not a retry loop: throttled calls stay a fraction of the admitted ones.
    const admitted = sc.sim.log.filter((e) => !e.throttled).length;
    expect(throttled).to.be.lessThan(admitted * 2);
    await verifyAndCleanUp(sc, { scenario: "throttling storm", runs: [run], createdUntil, outcome: `exit 0, 30/30 ready, ${throttled} throttled` });
  });

  it("5% 5xx and 5% dropped connections: exactly N instances, all ready, nothing launched twice", async () => {
    const sc = await start({ seed: 132, faults: { errorRate: 0.05, dropRate: 0.05 } });
    const r = await sc.create(["--count", "30"]);
    const createdUntil = sc.mark();
    expect(r.code, r.stderr).to.equal(0);
    const run = fromHuman("create", 30, r.stdout);
    expect(run.report!.ready).to.have.length(30);
    expect(sc.launched()).to.have.length(30);
    const errors = sc.sim.log.filter((e) => e.status >= 500).length;
    const drops = sc.sim.log.filter((e) => e.status === 0).length;
    expect(errors + drops, "the faults happened").to.be.greaterThan(1);
    // Every RunInstances attempt, retried or not, carried the same ClientToken: one batch.
    const tokens = new Set(sc.sim.log.filter((e) => e.action === "RunInstances").map((e) => e.params.ClientToken));
    expect(tokens.size).to.equal(1);
    await verifyAndCleanUp(sc, {
      scenario: "5% 5xx + 5% drops",
      runs: [run],
      createdUntil,
      outcome: `exit 0, 30/30 ready (${errors} 5xx, ${drops} dropped)`,
    });
  });
});
