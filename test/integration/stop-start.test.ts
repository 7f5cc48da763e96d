// Between the days of a workshop, end to end against the simulator: `instances stop` then
// `instances start` keep every seat and tag, and the start prints the hand-out with the new
// addresses marked. Only this workshop's machines are touched; scripts need --yes; 300 machines
// take a handful of calls.
import { expect } from "chai";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { TAG } from "../../src/instances/tags.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

const FAST = { pendingMs: [10_000, 20_000] as [number, number], checksMs: [20_000, 40_000] as [number, number] };
const GONE = ["shutting-down", "terminated"];

interface StartJson {
  workshop: string;
  started: { seat: number; instanceId: string }[];
  ready: { seat: number; instanceId: string }[];
  failed: { seat: number; instanceId: string; reason: string }[];
  seats: { seat: number; instanceId: string; address: string; addressChanged: boolean; instructions: string }[];
}

describe("instances stop / start (simulator)", function () {
  this.timeout(180_000);
  let sim: Simulator;
  let home: WorkshopHome;
  let foreign: string[];

  before(async () => {
    sim = await startSimulator({ scale: 40, seed: 1402, timings: FAST });
    const demo = sim.seedWorkshop("demo");
    home = makeWorkshopHome([
      {
        name: "demo",
        maximum: 400,
        instructions: "ssh student@{address}",
        outputs: { vpcId: demo.vpcId, subnetIds: demo.subnetIds, schedulerRoleArn: demo.schedulerRoleArn, scheduleGroupName: demo.scheduleGroupName },
      },
    ]);
    foreign = [...sim.seedInstances(2, { tags: { Workshop: "other" } }), ...sim.seedInstances(1, { tags: { Workshop: "demo-old" } }), ...sim.seedInstances(1)];
  });
  after(async () => {
    await sim?.close();
    home?.remove();
  });
  afterEach(async () => {
    await cli(["instances", "destroy", "--workshop", "demo", "--all", "--yes"]);
    for (const id of foreign) expect(view(id)?.state, `foreign ${id}`).to.equal("running");
  });

  const cli = (args: string[]): Promise<RunResult> => runBin(args, { env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, TZ: "UTC" }) });
  const view = (id: string) => sim.instances().find((i) => i.instanceId === id);
  const mine = () => sim.instances().filter((i) => i.tags.Workshop === "demo" && !GONE.includes(i.state));

  async function launch(count: number): Promise<void> {
    const r = await cli(["instances", "create", "--workshop", "demo", "--count", String(count), "--yes", "--lifetime", "36h"]);
    expect(r.code, r.stderr).to.equal(0);
  }

  it("stop then start keeps every seat and tag, and prints the hand-out with the new addresses marked", async () => {
    await launch(6);
    const before = new Map(mine().map((i) => [i.instanceId, { tags: { ...i.tags }, ip: i.publicIp!, az: i.availabilityZone }]));
    const seatsBefore = JSON.parse((await cli(["instances", "list", "--workshop", "demo", "--json"])).stdout) as { seat: number; instanceId: string }[];

    const stop = await cli(["instances", "stop", "--workshop", "demo", "--all", "--yes"]);
    expect(stop.code, stop.stderr).to.equal(0);
    expect(stop.stdout).to.contain("will be STOPPED");
    expect(stop.stdout).to.match(/Stopped 6 machines \(seats 1-6\)/);
    expect(stop.stdout).to.contain("They still end");
    expect(stop.stdout).to.match(/Start them again:\n {2}\S.*ec2-workshop(\.js)? instances start --workshop demo --seats 1-6\n/);
    expect(mine().map((i) => i.state)).to.deep.equal(Array(6).fill("stopped"));
    for (const i of mine()) {
      const { [TAG.runHours]: hours, ...rest } = i.tags;
      expect(rest, `${i.instanceId}: tags kept`).to.deep.equal(before.get(i.instanceId)!.tags);
      expect(Number(hours), `${i.instanceId}: running time recorded`).to.be.at.least(0);
      expect(i.publicIp).to.equal(undefined);
    }

    const start = await cli(["instances", "start", "--workshop", "demo", "--all", "--yes", "--json"]);
    expect(start.code, start.stderr).to.equal(0);
    const doc = JSON.parse(start.stdout) as StartJson;
    expect(doc.started).to.have.length(6);
    expect(doc.ready).to.have.length(6);
    expect(doc.failed).to.deep.equal([]);
    // Same seats, same machines, same AZs; a new public address each.
    const seatsAfter = JSON.parse((await cli(["instances", "list", "--workshop", "demo", "--json"])).stdout) as { seat: number; instanceId: string }[];
    expect(seatsAfter.map((r) => [r.seat, r.instanceId])).to.deep.equal(seatsBefore.map((r) => [r.seat, r.instanceId]));
    expect(doc.seats.map((s) => s.seat)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    for (const s of doc.seats) {
      const was = before.get(s.instanceId)!;
      const now = view(s.instanceId)!;
      expect(now.state).to.equal("running");
      expect(now.availabilityZone).to.equal(was.az);
      expect(s.address).to.equal(now.publicIp).and.not.equal(was.ip);
      expect(s.addressChanged).to.equal(true);
      expect(s.instructions).to.equal(`ssh student@${now.publicIp}`);
      const { [TAG.runHours]: _hours, ...rest } = now.tags;
      expect(rest, `${s.instanceId}: tags kept`).to.deep.equal(was.tags);
    }

    // The human hand-out marks them.
    const again = await cli(["instances", "stop", "--workshop", "demo", "--seats", "2", "--yes"]);
    expect(again.code, again.stderr).to.equal(0);
    const human = await cli(["instances", "start", "--workshop", "demo", "--seats", "2", "--yes"]);
    expect(human.code, human.stderr).to.equal(0);
    expect(human.stdout).to.match(/Started 1, 1 ready/);
    expect(human.stdout).to.match(/New address for seat 2/);
    expect(human.stdout).to.match(/^ +2 +54\.\S+ \(new address\)/m);
    expect(human.stdout, "seats not restarted are handed out unmarked").to.match(/^ +1 +54\.[\d.]+ +demo-001/m);
  });

  it("refuses without --yes in a script, and with bad input, changing nothing", async () => {
    await launch(2);
    const cases: [string[], number, RegExp][] = [
      [["instances", "stop", "--workshop", "demo", "--all"], 1, /Refusing to stop 2 instances without confirmation/],
      [["instances", "stop", "--workshop", "demo"], 2, /Nothing selected, and no terminal to ask in/],
      [["instances", "stop", "--workshop", "demo", "--seats", "1", "--all", "--yes"], 2, /Give --seats or --all, not both/],
      [["instances", "stop", "--workshop", "demo", "--seats", "3-1", "--yes"], 2, /--seats: "3-1" runs backwards/],
      [["instances", "stop", "--workshop", "demo", "--seats", "9", "--yes"], 1, /has no machine in seat 9/],
      [["instances", "stop", "--workshop", "demo", "--all", "--yes", "--timeout", "soon"], 2, /--timeout "soon" is not a duration/],
      [["instances", "extend", "--workshop", "demo", "--all", "--yes"], 2, /--hours/],
      [["instances", "extend", "--workshop", "demo", "--all", "--hours", "0", "--yes"], 2, /--hours/],
    ];
    for (const [args, code, words] of cases) {
      const r = await cli(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).to.equal(code);
      expect(`${r.stderr}${r.stdout}`, args.join(" ")).to.match(words);
    }
    expect(mine().map((i) => i.state)).to.deep.equal(["running", "running"]);
    // Starting running machines is nothing to do (exit 0).
    const r = await cli(["instances", "start", "--workshop", "demo", "--all", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`Nothing to start in workshop "demo": no selected machine is stopped.`);
  });

  it("300 machines: stop and start take a handful of calls, within EC2's buckets (the calls are printed)", async () => {
    await launch(300);
    sim.clearLog();
    const stop = await cli(["instances", "stop", "--workshop", "demo", "--all", "--yes"]);
    expect(stop.code, stop.stderr).to.equal(0);
    const stopCalls = sim.callsByAction();
    sim.clearLog();
    const start = await cli(["instances", "start", "--workshop", "demo", "--all", "--yes", "--json"]);
    expect(start.code, start.stderr).to.equal(0);
    const startCalls = sim.callsByAction();
    console.log(`      calls to stop 300 (CLI): ${JSON.stringify(stopCalls)}`);
    console.log(`      calls to start 300 (CLI): ${JSON.stringify(startCalls)} (throttled: ${sim.throttledCount()})`);
    expect(stopCalls.StopInstances).to.equal(3);
    expect(stopCalls.CreateTags, "run-hours: one tag value per batch launched together").to.be.at.most(3);
    expect(startCalls.StartInstances).to.equal(3);
    expect(sim.throttledCount()).to.equal(0);
    for (const e of sim.log.filter((x) => x.action === "DescribeInstances")) expect(Object.keys(e.params).some((k) => k.startsWith("InstanceId."))).to.equal(false);
    expect((JSON.parse(start.stdout) as StartJson).ready).to.have.length(300);
  });
});
