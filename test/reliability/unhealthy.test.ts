// Fault suite: instances that launch but are not usable: 10% with an impaired status check,
// and instances that stop on their own while their checks are still running.
import { expect } from "chai";
import { formatSeatList } from "../../src/instances/seats.js";
import { fromHuman, fromJson } from "./invariants.js";
import { idsWhere, verifyAndCleanUp, scenarioPerTest } from "./flow.js";

describe("fault suite: unhealthy instances", function () {
  this.timeout(60_000);
  const start = scenarioPerTest();

  it("10% impaired: exactly those are failed with the check that failed, the rest ready, exit 3", async () => {
    const sc = await start({ seed: 121, faults: { impairedRate: 0.1 } });
    const r = await sc.create(["--count", "30", "--json"]);
    const createdUntil = sc.mark();
    const run = fromJson("create", 30, r.stdout);
    const impaired = idsWhere(sc, (i) => i.fault === "impaired");
    expect(impaired.length, "the seed impairs a few").to.be.within(1, 8);
    expect(r.code, r.stderr).to.equal(3);
    expect(run.report!.failed.map((f) => f.instanceId).sort()).to.deep.equal(impaired);
    for (const f of run.report!.failed) expect(f.reason).to.equal("impaired (instance status check failed)");
    expect(run.report!.ready).to.have.length(30 - impaired.length);
    await verifyAndCleanUp(sc, {
      scenario: "10% impaired",
      runs: [run],
      createdUntil,
      outcome: `exit 3, ${30 - impaired.length}/30 ready, ${impaired.length} impaired reported`,
    });
  });

  it("instances stopping during their checks: reported with EC2's reason; the printed clean-up command terminates exactly them", async () => {
    // Stops come 5-15 s after running, checks take 20-40 s: every stop happens mid-check.
    const sc = await start({ seed: 125, faults: { stopRate: 0.2 }, timings: { faultStopAfterMs: [5_000, 15_000] } });
    const r = await sc.create(["--count", "20"]);
    const createdUntil = sc.mark();
    const run = fromHuman("create", 20, r.stdout);
    const stopping = idsWhere(sc, (i) => i.fault === "stop");
    expect(stopping.length, "the seed stops a few").to.be.within(1, 10);
    expect(r.code, r.stderr).to.equal(3);
    expect(run.report!.failed.map((f) => f.instanceId).sort()).to.deep.equal(stopping);
    for (const f of run.report!.failed) expect(f.reason).to.match(/^stopp(ing|ed): Client\.InstanceInitiatedShutdown/);
    // Printed as it can be typed here: `npx ec2-workshop …` in the package folder the tests run in.
    const cleanup = /^ {2}npx ec2-workshop (instances destroy .*)$/m.exec(r.stdout)?.[1];
    expect(cleanup, r.stdout).to.match(/--seats (\S+) --yes$/);
    expect(/--seats (\S+) --yes$/.exec(cleanup!)![1]).to.equal(formatSeatList(run.report!.failed.map((f) => f.seat!)));
    // Run the command exactly as printed (the binary stands in for `npx ec2-workshop`).
    const argv = cleanup!.split(" ");
    const d = await sc.cli(argv);
    expect(d.code, d.stderr).to.equal(0);
    expect(idsWhere(sc, (i) => ["shutting-down", "terminated"].includes(i.state))).to.deep.equal(stopping);
    await verifyAndCleanUp(sc, {
      scenario: "stopping during checks",
      runs: [run],
      createdUntil,
      outcome: `exit 3, ${20 - stopping.length}/20 ready, ${stopping.length} stopped reported; printed cleanup ok`,
    });
  });
});
