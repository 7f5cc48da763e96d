// terminateWorkshopInstances, the function both `instances destroy` and `workshop destroy
// --terminate-instances` rely on: whatever ids it is given, only instances that carry
// Workshop=<name> at the moment of the call are terminated. Real SDK client, simulator.
import { expect } from "chai";
import type { EC2Client } from "@aws-sdk/client-ec2";
import { scaledClock } from "../../src/clock.js";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { PartialTerminationError, terminateWorkshopInstances, TERMINATE_CHUNK } from "../../src/instances/terminate.js";
import { toolClientsFor } from "../helpers/sim.js";

const GONE = ["shutting-down", "terminated"];

describe("terminateWorkshopInstances: safety (simulator)", function () {
  this.timeout(120_000);
  let sim: Simulator;
  let ec2: EC2Client;
  let subnets: string[];

  beforeEach(async () => {
    sim = await startSimulator({ seed: 5, scale: 50 });
    // The client `instances destroy` makes: one request per call, the tool retries on its clock.
    ec2 = toolClientsFor(sim).ec2;
    subnets = sim.seedWorkshop("demo").subnetIds;
    sim.seedWorkshop("other");
  });
  afterEach(async () => {
    ec2?.destroy();
    await sim?.close();
  });

  const state = (id: string): string => sim.instances().find((i) => i.instanceId === id)?.state ?? "gone";
  const clock = () => scaledClock(sim.scale);
  const ours = (n: number, state: "running" | "stopped" = "running") =>
    sim.seedInstances(n, { tags: { Workshop: "demo", Name: "demo" }, state, subnetId: subnets[0] });

  it("terminates only the workshop's instances among foreign, unknown and malformed ids", async () => {
    const own = ours(3);
    const other = sim.seedInstances(2, { tags: { Workshop: "other" } });
    const untagged = sim.seedInstances(2);
    const lookalike = sim.seedInstances(1, { tags: { Workshop: "demo " } });
    const unknown = "i-0000000000000beef";
    const result = await terminateWorkshopInstances(
      ec2,
      "demo",
      [...own, ...other, ...untagged, ...lookalike, unknown, "sg-12345678", "", own[0]!],
      { clock: clock() },
    );
    expect(result.terminated.map((t) => t.instanceId).sort()).to.deep.equal([...own].sort());
    for (const t of result.terminated) expect(t).to.include({ previousState: "running", currentState: "shutting-down" });
    for (const id of own) expect(GONE).to.include(state(id));
    for (const id of [...other, ...untagged, ...lookalike]) expect(state(id), id).to.equal("running");
    const reasons = Object.fromEntries(result.skipped.map((s) => [s.instanceId, s.reason]));
    expect(reasons[other[0]!]).to.contain(`belongs to workshop "other"`);
    expect(reasons[untagged[0]!]).to.contain("has no Workshop tag");
    expect(reasons[lookalike[0]!]).to.contain(`belongs to workshop "demo "`);
    expect(reasons[unknown]).to.contain("no such instance");
    expect(reasons["sg-12345678"]).to.equal("not an EC2 instance id");
    expect(reasons[""]).to.equal("not an EC2 instance id");
  });

  it("drops an instance whose Workshop tag was removed or changed after it was listed", async () => {
    const own = ours(4);
    // The user listed and selected all four; meanwhile someone retags two of them.
    sim.setTag(own[1]!, "Workshop", undefined);
    sim.setTag(own[2]!, "Workshop", "other");
    const result = await terminateWorkshopInstances(ec2, "demo", own, { clock: clock() });
    expect(result.terminated.map((t) => t.instanceId).sort()).to.deep.equal([own[0], own[3]].sort());
    expect(state(own[1]!)).to.equal("running");
    expect(state(own[2]!)).to.equal("running");
    expect(result.skipped.map((s) => s.instanceId).sort()).to.deep.equal([own[1], own[2]].sort());
  });

  it("skips instances that are already terminated or shutting down, without calling TerminateInstances for them", async () => {
    const own = ours(3);
    await terminateWorkshopInstances(ec2, "demo", [own[0]!], { clock: clock() });
    sim.advance(5 * 60_000);
    await terminateWorkshopInstances(ec2, "demo", [own[1]!], { clock: clock() });
    expect(state(own[0]!)).to.equal("terminated");
    expect(state(own[1]!)).to.equal("shutting-down");
    sim.clearLog();
    const result = await terminateWorkshopInstances(ec2, "demo", own, { clock: clock() });
    expect(result.terminated.map((t) => t.instanceId)).to.deep.equal([own[2]]);
    expect(result.skipped).to.deep.include({ instanceId: own[0], reason: "already terminated" });
    expect(result.skipped).to.deep.include({ instanceId: own[1], reason: "already shutting down" });
    const calls = sim.log.filter((e) => e.action === "TerminateInstances");
    expect(calls).to.have.length(1);
    expect(Object.values(calls[0]!.params).filter((v) => v.startsWith("i-"))).to.deep.equal([own[2]]);
  });

  it("300 instances: one re-read, TerminateInstances in chunks of 100, no id list in filters", async () => {
    const own = [...ours(250), ...ours(50, "stopped")];
    sim.seedInstances(40, { tags: { Workshop: "other" } });
    sim.clearLog();
    const result = await terminateWorkshopInstances(ec2, "demo", own, { clock: clock() });
    expect(result.terminated).to.have.length(300);
    expect(result.skipped).to.deep.equal([]);
    const calls = sim.callsByAction();
    console.log(`      calls by action to terminate 300: ${JSON.stringify(calls)} (throttled: ${sim.throttledCount()})`);
    expect(calls).to.deep.equal({ DescribeInstances: 1, TerminateInstances: Math.ceil(300 / TERMINATE_CHUNK) });
    for (const e of sim.log.filter((x) => x.action === "TerminateInstances")) {
      expect(Object.keys(e.params).filter((k) => k.startsWith("InstanceId."))).to.have.length.at.most(TERMINATE_CHUNK);
    }
    expect(sim.instances().filter((i) => i.tags.Workshop === "other" && i.state === "running")).to.have.length(40);
  });

  it("rides out throttling storms and 5xx: every selected instance ends terminated, nothing else", async () => {
    const own = ours(300);
    const other = sim.seedInstances(20, { tags: { Workshop: "other" } });
    // One TerminateInstances request per 10 sim seconds: the second chunk is always throttled at first.
    sim.setThrottling({ overrides: { terminateInstances: { size: 1, refillPerSecond: 0.1 } } });
    sim.setFaults({ errorRate: 0.2 });
    sim.clearLog();
    const result = await terminateWorkshopInstances(ec2, "demo", own, { clock: clock() });
    sim.setFaults({ errorRate: 0 });
    expect(result.terminated.map((t) => t.instanceId).sort()).to.deep.equal([...own].sort());
    for (const id of own) expect(GONE).to.include(state(id));
    for (const id of other) expect(state(id)).to.equal("running");
    expect(sim.throttledCount(), "the storm happened").to.be.greaterThan(0);
  });

  it("a failure part-way says how far termination got and carries what was done", async () => {
    const own = ours(250);
    // One TerminateInstances request, then (practically) never again: chunk 2 is throttled past every retry.
    sim.setThrottling({ overrides: { terminateInstances: { size: 1, refillPerSecond: 0.000001 } } });
    let caught: unknown;
    try {
      await terminateWorkshopInstances(ec2, "demo", own, { clock: clock() });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(PartialTerminationError);
    const e = caught as PartialTerminationError;
    expect(e.partial.terminated).to.have.length(TERMINATE_CHUNK);
    expect(e.message).to.match(/throttling.*Termination stopped after 100 of 250 instances/);
    expect(sim.instances().filter((i) => own.includes(i.instanceId) && GONE.includes(i.state))).to.have.length(TERMINATE_CHUNK);
  });
});
