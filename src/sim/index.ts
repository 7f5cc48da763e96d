// The EC2-compatible simulator: a real HTTP server on 127.0.0.1 speaking the EC2 Query
// protocol (and STS GetCallerIdentity), so the real AWS SDK works against it unchanged.
// Light to import: no AWS SDK, only node:http.
import { SimClock } from "./clock.js";
import { defaultTimings, mergeFaults, noFaults } from "./faults.js";
import { currentTransition, lastRunning, readyAt, statusAt } from "./lifecycle.js";
import { Prng } from "./prng.js";
import { seedAccount, seedInstances, seedWorkshop } from "./seed.js";
import { addImage } from "./actions/catalog.js";
import { addKeyPair } from "./actions/keypairs.js";
import { SimServer } from "./server.js";
import { ServiceNet } from "./service-net.js";
import { Throttler } from "./throttle.js";
import type { SimInstanceView, Simulator, SimulatorOptions } from "./types.js";
import { World } from "./world.js";

export type * from "./types.js";
export { FAULT_SPEC_HELP, parseFaultSpec } from "./faults.js";
export { AWS_BUCKETS } from "./throttle.js";
export { WORKSHOP_AMI, AMAZON_LINUX_AMI } from "./seed.js";

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startSimulator(o: SimulatorOptions = {}): Promise<Simulator> {
  const clock = new SimClock(o.scale ?? 1);
  const seed = o.seed ?? 1;
  const region = o.region ?? "us-east-1";
  const accountId = o.accountId ?? "123456789012";
  if (!/^\d{12}$/.test(accountId)) throw new RangeError(`accountId must be 12 digits, got "${accountId}"`);
  const world = new World(
    region,
    accountId,
    new Prng(seed),
    { ...defaultTimings(), ...o.timings },
    mergeFaults(noFaults(), o.faults ?? {}),
    { reachable: o.reachable ?? false, bootRng: new Prng(seed ^ 0xb007), now: clock.now() },
  );
  const throttler = new Throttler(o.throttling ?? "aws");
  seedAccount(world, clock.now());
  const server = new SimServer({
    world,
    clock,
    throttler,
    requestRng: new Prng(seed ^ 0x5eed),
    maxLogEntries: o.maxLogEntries ?? 200_000,
  });
  const port = await server.listen(o.port ?? 0);
  let serviceNet: ServiceNet | undefined;
  if (o.reachable) {
    serviceNet = new ServiceNet(world, clock);
    try {
      await serviceNet.start();
    } catch (err) {
      await server.close();
      throw err;
    }
  }

  const view = (now: number) => (inst: World["instanceList"][number]): SimInstanceView => {
    const cur = currentTransition(inst.timeline, now);
    const running = cur.state === "running" || cur.state === "stopping" || cur.state === "shutting-down";
    const period = lastRunning(inst.timeline, now);
    const status = statusAt(inst.timeline, now);
    return {
      instanceId: inst.id,
      state: cur.state,
      tags: Object.fromEntries(inst.tags),
      subnetId: inst.subnet?.id,
      vpcId: inst.vpcId,
      availabilityZone: inst.az,
      instanceType: inst.instanceType,
      imageId: inst.imageId,
      publicIp: running ? lastRunning(inst.timeline, now)?.publicIp : undefined,
      privateIp: inst.privateIp,
      launchTime: inst.launchTime,
      amiLaunchIndex: inst.amiLaunchIndex,
      stateReason: cur.reason?.message,
      instanceStatus: status.instance,
      readyAt: readyAt(inst.timeline, now),
      firstReportedReadyAt: inst.firstReportedReadyAt,
      fault: inst.fault,
      ...(inst.bootFault ? { bootFault: inst.bootFault } : {}),
      ...(period?.serviceAt !== undefined && period.serviceAt <= now ? { serviceUpAt: period.serviceAt } : {}),
      ...(inst.firstServedAt !== undefined ? { firstServedAt: inst.firstServedAt } : {}),
      ...(inst.listeningSince !== undefined ? { listeningSince: inst.listeningSince } : {}),
      ...(status.impairedSince !== undefined ? { impairedAt: status.impairedSince } : {}),
    };
  };

  /** Sim time now, after the schedules due by then have fired: every look at the world goes through here. */
  const settled = (): number => {
    const now = clock.now();
    world.scheduler.fireDue(world, now);
    return now;
  };

  const sim: Simulator = {
    endpoint: `http://127.0.0.1:${port}`,
    ...(serviceNet ? { servicePort: serviceNet.port } : {}),
    region,
    accountId,
    scale: clock.scale,
    now: () => clock.now(),
    get timeOrigin() {
      return clock.scale > 1 ? Math.round(clock.base - clock.advanced / (clock.scale - 1)) : clock.base;
    },
    advance: (ms) => {
      clock.advance(ms);
      settled();
    },
    get log() {
      return server.log;
    },
    callsByAction() {
      const counts: Record<string, number> = {};
      for (const e of server.log) counts[e.action] = (counts[e.action] ?? 0) + 1;
      return counts;
    },
    throttledCount: () => server.log.filter((e) => e.throttled).length,
    clearLog: () => server.clearLog(),
    setFaults(f) {
      world.faults = mergeFaults(world.faults, f);
    },
    setThrottling: (t) => throttler.set(t),
    seedWorkshop: (name, opts = {}) => seedWorkshop(world, name, opts, clock.now()),
    seedInstances: (count, opts = {}) => seedInstances(world, count, opts, clock.now()),
    seedImage(imageId, name, o = {}) {
      if (!world.images.has(imageId)) addImage(world, imageId, name ?? imageId, accountId, clock.now(), o);
    },
    seedKeyPair: (name) => void addKeyPair(world, name, clock.now()),
    instances() {
      const now = settled();
      return world.liveInstances(now).map(view(now));
    },
    schedules() {
      settled();
      return [...world.scheduler.schedules.values()].map((s) => ({
        groupName: s.groupName,
        name: s.name,
        expression: s.expression,
        ...(s.fireAt !== undefined ? { fireAt: s.fireAt } : {}),
        state: s.completed ? "COMPLETED" : s.state,
        actionAfterCompletion: s.actionAfterCompletion,
        targetArn: s.target.arn,
        roleArn: s.target.roleArn,
        ...(s.target.input !== undefined ? { input: parseJson(s.target.input) } : {}),
      }));
    },
    scheduleRuns() {
      settled();
      return world.scheduler.runs.map((r) => ({ ...r, instanceIds: [...r.instanceIds] }));
    },
    seedVolume(o = {}) {
      const id = world.newId("vol");
      world.looseVolumes.set(id, { id, size: o.sizeGiB ?? 8, volumeType: "gp3", az: o.availabilityZone ?? world.azs[0]!.name, createdAt: clock.now(), tags: new Map(Object.entries(o.tags ?? {})) });
      return id;
    },
    seedAddress(o = {}) {
      const allocationId = world.newId("eipalloc");
      world.addresses.set(allocationId, { allocationId, publicIp: world.newPublicIp(), tags: new Map(Object.entries(o.tags ?? {})) });
      return allocationId;
    },
    setTag(instanceId, key, value) {
      const inst = world.instancesById.get(instanceId);
      if (!inst) throw new RangeError(`no instance ${instanceId}`);
      if (value === undefined) inst.tags.delete(key);
      else inst.tags.set(key, value);
      inst.tagsVersion++;
    },
    close: async () => {
      await serviceNet?.close();
      await server.close();
    },
  };
  return sim;
}
