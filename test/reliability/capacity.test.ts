// Fault suite: EC2 out of capacity in one AZ, in every AZ, and with room for only part of the
// batch per AZ. Each scenario ends with the shared invariants and a clean-up.
import { expect } from "chai";
import { TAG } from "../../src/instances/tags.js";
import { fromHuman, fromJson } from "./invariants.js";
import { verifyAndCleanUp, scenarioPerTest } from "./flow.js";

const AZS = ["us-east-1a", "us-east-1b", "us-east-1c"];

describe("fault suite: capacity", function () {
  this.timeout(60_000);
  const start = scenarioPerTest();

  it("no capacity in one AZ: the whole batch lands in the next AZ", async () => {
    const sc = await start({ seed: 101, faults: { capacityAzs: ["us-east-1a"] } });
    const r = await sc.create(["--count", "12", "--json"]);
    const createdUntil = sc.mark();
    expect(r.code, r.stderr).to.equal(0);
    const run = fromJson("create", 12, r.stdout);
    expect(run.report!.ready).to.have.length(12);
    expect(r.stderr).to.match(/No capacity .*us-east-1a/);
    expect(new Set(sc.launched().map((i) => i.availabilityZone))).to.deep.equal(new Set(["us-east-1b"]));
    const runs = sc.sim.log.filter((e) => e.action === "RunInstances").map((e) => e.outcome);
    expect(runs).to.deep.equal(["InsufficientInstanceCapacity", "ok"]);
    await verifyAndCleanUp(sc, { scenario: "capacity: none in 1 AZ", runs: [run], createdUntil, outcome: "exit 0, 12/12 ready in 1b" });
  });

  it("no capacity in any AZ: nothing launched, exit 3, the reason and what to do", async () => {
    const sc = await start({ seed: 102, faults: { capacityAzs: AZS } });
    const r = await sc.create(["--count", "10"]);
    const createdUntil = sc.mark();
    expect(r.code, r.stderr).to.equal(3);
    const run = fromHuman("create", 10, r.stdout);
    expect(run.report!.ready).to.deep.equal([]);
    expect(r.stdout).to.contain("Requested 10, 0 ready");
    expect(r.stdout).to.match(/no capacity for 10 more t3\.micro in us-east-1a, us-east-1b, us-east-1c/);
    expect(r.stdout).to.match(/run the command again in a few minutes, or use another instance type/);
    expect(r.stdout).to.not.contain("Instructions for the attendees");
    expect(sc.sim.log.filter((e) => e.action === "RunInstances").map((e) => e.outcome)).to.deep.equal(AZS.map(() => "InsufficientInstanceCapacity"));
    expect(sc.launched()).to.deep.equal([]);
    await verifyAndCleanUp(sc, { scenario: "capacity: none in any AZ", runs: [run], createdUntil, outcome: "exit 3, 0/10 launched" });
  });

  it("partial launches: 3 fit in 1a, 4 in 1b, the rest in 1c; one batch, every instance ready", async () => {
    const sc = await start({ seed: 103 });
    // Room for exactly 3 and 4 more instances next to the foreign ones already there.
    sc.sim.setFaults({ azCapacity: { "us-east-1a": sc.liveInAz("us-east-1a") + 3, "us-east-1b": sc.liveInAz("us-east-1b") + 4 } });
    const r = await sc.create(["--count", "12", "--json"]);
    const createdUntil = sc.mark();
    expect(r.code, r.stderr).to.equal(0);
    const run = fromJson("create", 12, r.stdout);
    expect(run.report!.ready).to.have.length(12);
    const perAz: Record<string, number> = {};
    for (const i of sc.launched()) perAz[i.availabilityZone] = (perAz[i.availabilityZone] ?? 0) + 1;
    expect(perAz).to.deep.equal({ "us-east-1a": 3, "us-east-1b": 4, "us-east-1c": 5 });
    expect(r.stderr).to.contain("Only 3 of 12 fit").and.contain("Only 4 of 9 fit");
    const calls = sc.sim.log.filter((e) => e.action === "RunInstances");
    expect(calls.map((e) => e.params.MaxCount)).to.deep.equal(["12", "9", "5"]);
    expect(new Set(sc.launched().map((i) => i.tags[TAG.batch])).size).to.equal(1);
    await verifyAndCleanUp(sc, { scenario: "capacity: partial 3+4+5", runs: [run], createdUntil, outcome: "exit 0, 12/12 ready over 3 AZs" });
  });
});
