// The waiter with a service probe (BatchWaiter + readiness): which signal makes a machine ready,
// what a machine handed out by its service that turns impaired becomes, what times out and why,
// and that EC2 is not asked again at the end when nothing is left to learn. EC2 is a stand-in
// answering from a script of per-instance moments; the looks at the service are a stand-in too.
import { expect } from "chai";
import { DescribeInstancesCommand, DescribeInstanceStatusCommand, EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { scaledClock, type Clock } from "../../src/clock.js";
import { createBatch } from "../../src/instances/create-batch.js";
import type { ProbeResult } from "../../src/instances/probe.js";
import type { Readiness } from "../../src/instances/readiness.js";
import { BatchWaiter, type TrackedInstance } from "../../src/instances/wait.js";
import type { WorkshopSettings } from "../../src/workshops/settings.js";

interface Script {
  /** Tool ms after the start: running (with its address), its service answering, its checks. */
  runningAt: number;
  serviceAt?: number;
  checksOkAt?: number;
  impairedAt?: number;
}

const TIMING = { firstMs: 1000, launchMaxMs: 2000, checkMs: 1000, fallbackCheckMs: 2000, watchMs: 3000, jitterMs: 0 };
const SSH: Readiness["service"] = { port: 22, kind: "ssh" };

/** EC2 and the network as the script says, from `t0` on the clock. Counts the calls. */
function world(clock: Clock, scripts: Record<string, Script>) {
  const t0 = clock.now();
  const at = (): number => clock.now() - t0;
  const calls: string[] = [];
  const tags = [
    { Key: "Workshop", Value: "demo" },
    { Key: "ec2-workshop:batch", Value: "b1" },
  ];
  const address = (id: string): string => `203.0.113.${Object.keys(scripts).indexOf(id) + 1}`;
  const state = (s: Script): string => (at() >= s.runningAt ? "running" : "pending");
  const filterValues = (input: { Filters?: { Name?: string; Values?: string[] }[] }, name: string): string[] | undefined =>
    input.Filters?.find((f) => f.Name === name)?.Values;
  const send = (command: unknown): Promise<unknown> => {
    if (command instanceof RunInstancesCommand) {
      calls.push("RunInstances");
      return Promise.resolve({ Instances: Object.keys(scripts).map((id, i) => ({ InstanceId: id, AmiLaunchIndex: i })) });
    }
    if (command instanceof DescribeInstancesCommand) {
      calls.push("DescribeInstances");
      const ids = filterValues(command.input, "instance-id");
      const states = filterValues(command.input, "instance-state-name");
      const instances = Object.entries(scripts)
        .filter(([id, s]) => (!ids || ids.includes(id)) && (!states || states.includes(state(s))))
        .map(([id, s]) => ({
          InstanceId: id,
          State: { Name: state(s) },
          AmiLaunchIndex: Object.keys(scripts).indexOf(id),
          ...(state(s) === "running" ? { PublicIpAddress: address(id) } : {}),
          Tags: [...tags, { Key: "ec2-workshop:seats", Value: Object.keys(scripts).map((_, i) => i + 1).join(",") }],
        }));
      return Promise.resolve({ Reservations: [{ Instances: instances }] });
    }
    if (command instanceof DescribeInstanceStatusCommand) {
      calls.push("DescribeInstanceStatus");
      const statuses = (command.input.InstanceIds ?? []).map((id) => {
        const s = scripts[id]!;
        const inst = s.impairedAt !== undefined && at() >= s.impairedAt ? "impaired" : s.checksOkAt !== undefined && at() >= s.checksOkAt ? "ok" : "initializing";
        return { InstanceId: id, InstanceState: { Name: state(s) }, InstanceStatus: { Status: inst }, SystemStatus: { Status: inst === "impaired" ? "ok" : inst } };
      });
      return Promise.resolve({ InstanceStatuses: statuses });
    }
    return Promise.reject(new Error(`unexpected command ${String(command)}`));
  };
  const ec2 = Object.assign(Object.create(EC2Client.prototype) as EC2Client, { send });
  const probe = async (host: string): Promise<ProbeResult> => {
    const id = Object.keys(scripts).find((k) => address(k) === host)!;
    const up = scripts[id]!.serviceAt;
    return up !== undefined && at() >= up ? { usable: true } : { usable: false, why: "refused" };
  };
  return { ec2, probe, calls, t0 };
}

function waiterFor(clock: Clock, w: ReturnType<typeof world>, readiness: Readiness, events: { ready?: (t: TrackedInstance) => void; failed?: (t: TrackedInstance) => void } = {}) {
  return new BatchWaiter(w.ec2, {
    workshop: "demo",
    batch: "b1",
    clock,
    launchTimeoutMs: 60_000,
    checkTimeoutMs: 60_000,
    readiness,
    random: () => 0,
    timing: TIMING,
    probeTiming: { retryMs: 200 },
    probe: w.probe,
    events,
  });
}

describe("BatchWaiter with the service probe", () => {
  it("service-or-checks: the first signal wins, and each ready machine says which it was", async () => {
    const clock = scaledClock(500);
    const w = world(clock, {
      "i-0a": { runningAt: 2000, serviceAt: 6000, checksOkAt: 30_000 },
      "i-0b": { runningAt: 2000, checksOkAt: 20_000 }, // its service never answers
    });
    const ready: string[] = [];
    const waiter = waiterFor(clock, w, { readyWhen: "service-or-checks", service: SSH }, { ready: (t) => ready.push(`${t.instanceId} by ${t.readyBy}`) });
    waiter.add([{ instanceId: "i-0a", seat: 1, launchedAt: w.t0 }, { instanceId: "i-0b", seat: 2, launchedAt: w.t0 }]);
    await waiter.run();
    expect(ready).to.deep.equal(["i-0a by service", "i-0b by checks"]);
    expect(waiter.tracked.get("i-0a")!.readySeenAt! - w.t0, "not before its service answered").to.be.at.least(6000);
    expect(waiter.stats.probes).to.be.greaterThan(1);
  });

  it("service only: status checks ok are not enough; a machine whose service never answers times out, saying why", async () => {
    const clock = scaledClock(500);
    const w = world(clock, { "i-0b": { runningAt: 2000, checksOkAt: 10_000 } });
    const waiter = new BatchWaiter(w.ec2, {
      workshop: "demo", batch: "b1", clock, launchTimeoutMs: 60_000, checkTimeoutMs: 20_000,
      readiness: { readyWhen: "service", service: SSH }, random: () => 0, timing: TIMING, probeTiming: { retryMs: 200 }, probe: w.probe,
    });
    waiter.add([{ instanceId: "i-0b", seat: 1, launchedAt: w.t0 }]);
    await waiter.run();
    const t = waiter.tracked.get("i-0b")!;
    expect(t.phase).to.equal("failed");
    expect(t.failure).to.equal("timed out in the check phase after 20 s (SSH (port 22): connection refused; instance ok, system ok)");
  });

  it("checks only (the original's meaning): no look at the service at all", async () => {
    const clock = scaledClock(500);
    const w = world(clock, { "i-0a": { runningAt: 2000, serviceAt: 3000, checksOkAt: 8000 } });
    const waiter = waiterFor(clock, w, { readyWhen: "checks", service: SSH });
    waiter.add([{ instanceId: "i-0a", seat: 1, launchedAt: w.t0 }]);
    await waiter.run();
    expect(waiter.tracked.get("i-0a")).to.include({ phase: "ready", readyBy: "checks" });
    expect(waiter.stats.probes).to.equal(0);
  });

  it("a machine handed out by its service whose checks turn impaired before the run ends is failed, and says so", async () => {
    const clock = scaledClock(200);
    const w = world(clock, {
      "i-0a": { runningAt: 2000, serviceAt: 4000, impairedAt: 12_000 },
      "i-0c": { runningAt: 2000, serviceAt: 55_000 }, // keeps the run going well past the impairment
    });
    const events: string[] = [];
    const waiter = waiterFor(clock, w, { readyWhen: "service-or-checks", service: SSH }, {
      ready: (t) => events.push(`ready ${t.instanceId}`),
      failed: (t) => events.push(`failed ${t.instanceId} (handed out by ${t.readyBy}): ${t.failure}`),
    });
    waiter.add([{ instanceId: "i-0a", seat: 1, launchedAt: w.t0 }, { instanceId: "i-0c", seat: 2, launchedAt: w.t0 }]);
    await waiter.run();
    expect(events).to.deep.equal([
      "ready i-0a",
      "failed i-0a (handed out by service): impaired (instance status check failed) after its service answered",
      "ready i-0c",
    ]);
  });

  it("the end of a run asks EC2 nothing more when the addresses are known (no final DescribeInstances)", async () => {
    const clock = scaledClock(500);
    const w = world(clock, { "i-0a": { runningAt: 3000, serviceAt: 5000 }, "i-0b": { runningAt: 4000, serviceAt: 6000 } });
    const settings = { name: "demo", region: "eu-west-1", maximum: 10, instructions: "", ports: [{ from: 22, to: 22 }] } as WorkshopSettings;
    const { report } = await createBatch(w.ec2, {
      settings,
      seats: [1, 2],
      batch: "b1",
      prep: { template: { id: "lt-0123456789abcdef0", name: "ec2-workshop-demo", version: "1" }, subnets: [], launchedBy: "tester", holders: [] },
      clock,
      nameSeats: false,
      readiness: { readyWhen: "service-or-checks", service: SSH },
      random: () => 0,
      timing: TIMING,
      probeTiming: { retryMs: 200 },
      probe: w.probe,
    });
    expect(report.ready.map((r) => [r.seat, r.publicIp, r.readyBy])).to.deep.equal([
      [1, "203.0.113.1", "service"],
      [2, "203.0.113.2", "service"],
    ]);
    // Reads while waiting only: the last call made is not a DescribeInstances after the hand-out.
    const lastRead = w.calls.lastIndexOf("DescribeInstances");
    expect(w.calls.slice(lastRead + 1).every((c) => c === "DescribeInstanceStatus"), w.calls.join(" ")).to.equal(true);
    expect(w.calls.filter((c) => c === "DescribeInstances").length, "one read of the workshop, then the pending ones until both run").to.be.at.most(4);
  });
});
