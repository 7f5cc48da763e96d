// Fault suite: between the days. A stop that hangs (machines stuck in `stopping` until forced)
// and a start without capacity (the AZ of some stopped machines has no room). Each run reports
// honestly, prints the command that helps, and the invariants hold; every scenario ends with all
// machines running again before the usual checks and clean-up.
import { expect } from "chai";
import { formatSeatList } from "../../src/instances/seats.js";
import { fromJson } from "./invariants.js";
import { idsWhere, scenarioPerTest, verifyAndCleanUp } from "./flow.js";
import { interruptWhen, type Scenario } from "./harness.js";

interface StartJson {
  ready: { seat: number; instanceId: string }[];
  failed: { seat: number; instanceId: string; reason: string }[];
  seats: { seat: number; instanceId: string; addressChanged: boolean }[];
}

function stop(sc: Scenario, args: string[]) {
  return sc.cli(["instances", "stop", "--workshop", "fault-lab", "--yes", ...args]);
}

function start(sc: Scenario, args: string[]) {
  return sc.cli(["instances", "start", "--workshop", "fault-lab", "--yes", ...args]);
}

describe("fault suite: stop and start", function () {
  this.timeout(90_000);
  const begin = scenarioPerTest();

  it("a stop that hangs: reported with the seats still stopping and the --force command, which ends it", async () => {
    const sc = await begin({ seed: 141, expiry: true });
    const created = await sc.create(["--count", "10", "--json"]);
    expect(created.code, created.stderr).to.equal(0);
    const createdUntil = sc.mark();
    const run = fromJson("create", 10, created.stdout);
    sc.sim.setFaults({ stopHangRate: 0.3 });
    const r = await stop(sc, ["--all", "--timeout", "2m"]);
    const hung = idsWhere(sc, (i) => i.fault === "stop-hang");
    expect(hung.length, "the seed hangs a few").to.be.within(1, 7);
    expect(r.code, r.stderr).to.equal(3);
    const seats = sc.launched().filter((i) => hung.includes(i.instanceId)).map((i) => run.report!.ready.find((x) => x.instanceId === i.instanceId)!.seat!);
    expect(r.stdout).to.contain(`still stopping after 2 min (seat${seats.length === 1 ? "" : "s"} ${formatSeatList(seats.sort((a, b) => a - b))})`);
    expect(idsWhere(sc, (i) => i.state === "stopped")).to.have.length(10 - hung.length);
    // The command to force it, on a line of its own (as it can be typed here: any prefix).
    const force = /Force it \(no OS shutdown, like pulling the plug\):\n {2}\S.*?ec2-workshop(?:\.js)? (instances stop .* --force --yes)$/m.exec(r.stdout)?.[1];
    expect(force, r.stdout).to.match(new RegExp(`--seats ${formatSeatList(seats)} --force --yes$`));
    sc.sim.setFaults({ stopHangRate: 0 });
    const forced = await sc.cli(force!.split(" "));
    expect(forced.code, forced.stderr).to.equal(0);
    expect(idsWhere(sc, (i) => i.state === "stopped")).to.have.length(10);
    // Day 2: every seat back, each with a new address.
    const s = await start(sc, ["--all", "--json"]);
    expect(s.code, s.stderr).to.equal(0);
    const doc = JSON.parse(s.stdout) as StartJson;
    expect(doc.ready).to.have.length(10);
    expect(doc.seats.every((x) => x.addressChanged)).to.equal(true);
    await verifyAndCleanUp(sc, { scenario: "stop that hangs", runs: [run], createdUntil, outcome: `stop exit 3, ${hung.length} hung; --force stopped them; start 10/10` });
  });

  it("Ctrl-C while a stop is waiting: exit 130, saying the machines go on stopping and how to check; then forced, started, all found", async () => {
    const sc = await begin({ seed: 143, expiry: true });
    const created = await sc.create(["--count", "4", "--json"]);
    expect(created.code, created.stderr).to.equal(0);
    const createdUntil = sc.mark();
    const run = fromJson("create", 4, created.stdout);
    sc.sim.setFaults({ stopHangRate: 1 });
    const stops = () => sc.sim.callsByAction().StopInstances ?? 0;
    const r = await interruptWhen((on) => sc.cli(["instances", "stop", "--workshop", "fault-lab", "--yes", "--all"], on), () => stops() > 0, "a StopInstances", "SIGINT");
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.match(/^Stopped while (stopping|waiting for) 4 instances: .*\. Check with `\S.*ec2-workshop(\.js)? instances list --workshop fault-lab`\.$/m);
    expect(r.stderr).to.match(/^Stopped by Ctrl-C\.$/m);
    expect(r.stderr).not.to.match(/\n\s+at /);
    sc.sim.setFaults({ stopHangRate: 0 });
    const forced = await stop(sc, ["--all", "--force"]);
    expect(forced.code, forced.stderr).to.equal(0);
    expect(idsWhere(sc, (i) => i.state === "stopped")).to.have.length(4);
    const s = await start(sc, ["--all", "--json"]);
    expect(s.code, s.stderr).to.equal(0);
    await verifyAndCleanUp(sc, { scenario: "Ctrl-C while stopping", runs: [run], createdUntil, outcome: "stop exit 130, said; forced, started 4/4" });
  });

  it("a start without capacity: the machines of the full AZ stay stopped and are named with what to do; the others start", async () => {
    const sc = await begin({ seed: 142, expiry: true });
    // Three fit in the first AZ, the rest go to the next one.
    sc.sim.setFaults({ azCapacity: { "us-east-1a": sc.liveInAz("us-east-1a") + 3 } });
    const created = await sc.create(["--count", "6", "--json"]);
    expect(created.code, created.stderr).to.equal(0);
    const createdUntil = sc.mark();
    const run = fromJson("create", 6, created.stdout);
    const inA = idsWhere(sc, (i) => i.availabilityZone === "us-east-1a");
    expect(inA).to.have.length(3);
    const st = await stop(sc, ["--all"]);
    expect(st.code, st.stderr).to.equal(0);

    sc.sim.setFaults({ azCapacity: {}, capacityAzs: ["us-east-1a"] });
    const r = await start(sc, ["--all", "--json"]);
    expect(r.code, r.stderr).to.equal(3);
    const doc = JSON.parse(r.stdout) as StartJson;
    expect(doc.failed.map((f) => f.instanceId).sort()).to.deep.equal(inA);
    for (const f of doc.failed) expect(f.reason).to.match(/^not started: .*InsufficientInstanceCapacity.*us-east-1a/);
    expect(doc.ready).to.have.length(3);
    expect(idsWhere(sc, (i) => i.state === "stopped")).to.deep.equal(inA);
    const human = await start(sc, ["--all"]);
    expect(human.code).to.equal(3);
    const seats = formatSeatList(doc.failed.map((f) => f.seat).sort((a, b) => a - b));
    expect(human.stdout).to.contain(`ec2-workshop instances start --workshop fault-lab --seats ${seats} --yes`);
    expect(human.stdout).to.contain(`ec2-workshop instances replace --workshop fault-lab --seats ${seats} --yes`);

    // Capacity comes back: the same command starts them.
    sc.sim.setFaults({ capacityAzs: [] });
    const again = await start(sc, ["--seats", seats]);
    expect(again.code, again.stderr).to.equal(0);
    expect(idsWhere(sc, (i) => i.state === "running")).to.have.length(6);
    await verifyAndCleanUp(sc, { scenario: "start without capacity", runs: [run], createdUntil, outcome: `start exit 3: 3/6 refused in us-east-1a, named; started later` });
  });
});
