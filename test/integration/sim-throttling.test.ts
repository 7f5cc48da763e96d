// AWS-like throttling through the real SDK: token buckets per action sized by category,
// refilling in sim time, RequestLimitExceeded (HTTP 503) that the SDK's retry survives.
import {
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import type { SeededWorkshop, Simulator, ThrottlingSetting } from "../../src/sim/index.js";
import { ec2For, requireSim, startTestTarget, type TestTarget } from "../helpers/sim.js";

/** How many of `n` concurrent calls were throttled (maxAttempts 1: no SDK retry). */
async function burst(ec2: EC2Client, n: number, call: () => Promise<unknown>): Promise<{ ok: number; throttled: number; statuses: Set<number> }> {
  const results = await Promise.allSettled(Array.from({ length: n }, call));
  const statuses = new Set<number>();
  let throttled = 0;
  for (const r of results) {
    if (r.status === "rejected") {
      const e = r.reason as { name: string; $metadata?: { httpStatusCode?: number } };
      expect(e.name).to.equal("RequestLimitExceeded");
      statuses.add(e.$metadata?.httpStatusCode ?? 0);
      throttled++;
    }
  }
  void ec2;
  return { ok: n - throttled, throttled, statuses };
}

/** Sim time all but stands still (1 real s = 1 sim ms): bucket counts are exact; refill via advance(). */
const FROZEN = 0.001;

describe("simulator: throttling (real SDK)", function () {
  let t: TestTarget;
  let sim: Simulator;
  let ec2: EC2Client;
  let ws: SeededWorkshop;

  async function start(this: Mocha.Context, throttling: ThrottlingSetting, scale = 1): Promise<void> {
    t = await startTestTarget({ seed: 4, scale, throttling });
    sim = requireSim(this, t, "throttling settings");
    ec2 = ec2For(sim, { maxAttempts: 1 });
    ws = sim.seedWorkshop("thr");
  }
  afterEach(async () => {
    ec2?.destroy();
    await t?.close();
  });

  it("non-mutating calls: a bucket of 100; beyond it RequestLimitExceeded with HTTP 503, logged as throttled", async function () {
    await start.call(this, "aws", FROZEN);
    const r = await burst(ec2, 130, () => ec2.send(new DescribeSubnetsCommand({})));
    expect(r.ok).to.equal(100);
    expect(r.statuses).to.deep.equal(new Set([503]));
    expect(sim.throttledCount()).to.equal(r.throttled);
    expect(sim.log.filter((e) => e.throttled).every((e) => e.outcome === "RequestLimitExceeded" && e.status === 503)).to.equal(true);
    // Refill happens in sim time.
    sim.advance(4_500); // 20 per sim second: 90 tokens
    expect((await burst(ec2, 90, () => ec2.send(new DescribeSubnetsCommand({})))).throttled).to.equal(0);
  });

  it("unfiltered, unpaginated DescribeInstances has its own smaller bucket (50); filtered calls are not affected", async function () {
    await start.call(this, "aws", FROZEN);
    const unfiltered = await burst(ec2, 70, () => ec2.send(new DescribeInstancesCommand({})));
    expect(unfiltered.ok).to.equal(50);
    const filtered = await burst(ec2, 60, () => ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:Workshop", Values: ["thr"] }] })));
    expect(filtered.throttled).to.equal(0);
  });

  it("RunInstances: 5 requests, refilling 2 per sim second", async function () {
    await start.call(this, "aws", FROZEN);
    const launch = () =>
      ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateId: ws.launchTemplateId }, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: ws.subnetIds[0] }] }));
    const r = await burst(ec2, 8, launch);
    expect(r.ok).to.equal(5);
    sim.advance(1_000);
    expect((await burst(ec2, 2, launch)).throttled).to.equal(0);
  });

  it("the SDK's own retry sees RequestLimitExceeded and survives it", async function () {
    await start.call(this, { factor: 0.1 }, 20); // a bucket of 10, refilling 2 per sim second
    const patient = ec2For(sim, { maxAttempts: 8 });
    try {
      const results = await Promise.all(Array.from({ length: 30 }, () => patient.send(new DescribeSubnetsCommand({}))));
      expect(results.every((x) => x.Subnets!.length === 7)).to.equal(true);
      const retried = results.filter((x) => (x.$metadata.attempts ?? 1) > 1).length;
      expect(retried).to.be.greaterThan(0);
    } finally {
      patient.destroy();
    }
    expect(sim.throttledCount()).to.be.greaterThan(0);
    expect(sim.callsByAction().DescribeSubnets).to.equal(30 + sim.throttledCount());
  });

  it('"off" never throttles; per-category overrides make it stricter', async function () {
    await start.call(this, "off", FROZEN);
    expect((await burst(ec2, 300, () => ec2.send(new DescribeSubnetsCommand({})))).throttled).to.equal(0);
    sim.setThrottling({ overrides: { nonMutating: { size: 3, refillPerSecond: 1 } } });
    expect((await burst(ec2, 10, () => ec2.send(new DescribeSubnetsCommand({})))).ok).to.equal(3);
  });
});
