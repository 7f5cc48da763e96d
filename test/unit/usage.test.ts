// Cost so far, pure: running hours across stop/start (the run-hours tag), public IPv4 and disk
// hours, and the cost at given prices.
import { expect } from "chai";
import type { WorkshopInstance } from "../../src/instances/describe.js";
import { TAG } from "../../src/instances/tags.js";
import { runHoursAfterStop, runningHours, usageSoFar } from "../../src/instances/usage.js";
import { costOfUsage, spentPhrase } from "../../src/preflight/spent.js";

const NOW = new Date("2025-03-04T12:00:00.000Z");
const hoursAgo = (h: number): Date => new Date(NOW.getTime() - h * 3_600_000);

function machine(o: Partial<WorkshopInstance> & { state: string }): WorkshopInstance {
  return { instanceId: "i-0123456789abcdef0", name: "", instanceType: "t3.micro", tags: {}, ...o } as WorkshopInstance;
}

describe("usage so far", () => {
  it("running time: this period from LaunchTime, earlier ones from the run-hours tag; a stopped machine adds nothing now", () => {
    expect(runningHours(machine({ state: "running", launchTime: hoursAgo(3) }), NOW)).to.equal(3);
    expect(runningHours(machine({ state: "running", launchTime: hoursAgo(2), tags: { [TAG.runHours]: "8.5" } }), NOW)).to.equal(10.5);
    expect(runningHours(machine({ state: "stopped", launchTime: hoursAgo(20), tags: { [TAG.runHours]: "8.5" } }), NOW)).to.equal(8.5);
    expect(runningHours(machine({ state: "stopped", launchTime: hoursAgo(20), tags: { [TAG.runHours]: "garbage" } }), NOW)).to.equal(0);
  });

  it("the tag a stop writes: everything run so far, one decimal; only for running machines", () => {
    expect(runHoursAfterStop(machine({ state: "running", launchTime: hoursAgo(8.04), tags: { [TAG.runHours]: "1.0" } }), NOW)).to.equal("9.0");
    expect(runHoursAfterStop(machine({ state: "stopped", launchTime: hoursAgo(8) }), NOW)).to.equal(undefined);
  });

  it("counts live machines only; disks from launch (stopped or not); public IPv4 while running", () => {
    const u = usageSoFar(
      [
        machine({ state: "running", launchTime: hoursAgo(2), publicIp: "54.1.2.3", tags: { [TAG.launchedAt]: hoursAgo(24).toISOString(), [TAG.runHours]: "8" } }),
        machine({ state: "stopped", launchTime: hoursAgo(10), tags: { [TAG.launchedAt]: hoursAgo(24).toISOString(), [TAG.runHours]: "8" } }),
        machine({ state: "terminated", launchTime: hoursAgo(5), publicIp: "54.1.2.4" }),
        machine({ state: "shutting-down", launchTime: hoursAgo(5) }),
      ],
      NOW,
    );
    expect(u.instances).to.equal(2);
    expect(u.instanceHours).to.equal(18);
    expect(u.hoursByType.get("t3.micro")).to.equal(18);
    expect(u.publicIpv4Hours).to.equal(18);
    expect(u.volumeHours).to.equal(48);
  });

  it("prices it: hours by type, public IPv4 at $0.005/h, disks pro rata per GB-month; unknown without the type's price", () => {
    const u = usageSoFar([machine({ state: "running", launchTime: hoursAgo(10), publicIp: "54.1.2.3", tags: { [TAG.launchedAt]: hoursAgo(10).toISOString() } })], NOW);
    const spent = costOfUsage(u, { hourlyByType: new Map([["t3.micro", 0.0104]]), ebsGbMonth: 0.08, volumeGiB: 73 });
    expect(spent.known).to.equal(true);
    if (!spent.known) return;
    expect(spent.parts.instances).to.be.closeTo(0.104, 1e-9);
    expect(spent.parts.publicIpv4).to.be.closeTo(0.05, 1e-9);
    expect(spent.parts.volumes).to.be.closeTo(0.08, 1e-9);
    expect(spentPhrase(spent)).to.equal("about $0.23 so far");
    const unknown = costOfUsage(u, { hourlyByType: new Map(), volumeGiB: 16, problem: "the Price List denied the request" });
    expect(spentPhrase(unknown)).to.equal("cost so far unknown (the Price List denied the request)");
    const noDisk = costOfUsage(u, { hourlyByType: new Map([["t3.micro", 0.0104]]), volumeGiB: 16 });
    expect(spentPhrase(noDisk)).to.match(/so far \(disks not included \(price unknown\)\)/);
  });
});
