// The simulated account: VPCs, subnets, security groups, images, launch templates and
// instances, with the rules that change them. The HTTP layer (server.ts + actions/) reads and
// writes only through this class; seeding helpers (seed.ts) use it directly.
import { azsFor, type Az, offersType, vcpusOf } from "./catalog.js";
import type { BootFault, Faults, Timings } from "./types.js";
import {
  currentTransition,
  cutFuture,
  lastRunning,
  type StateName,
  type Transition,
  userInitiated,
} from "./lifecycle.js";
import { Prng } from "./prng.js";
import { SchedulerState } from "./scheduler.js";
import { SimError } from "./sim-error.js";

export type Tags = Map<string, string>;

export interface Vpc {
  id: string;
  cidr: string;
  isDefault: boolean;
  tags: Tags;
}

export interface Subnet {
  id: string;
  vpcId: string;
  cidr: string;
  az: Az;
  mapPublicIpOnLaunch: boolean;
  defaultForAz: boolean;
  tags: Tags;
  /** Next host offset to hand out (wraps; skips addresses in use). */
  nextHost: number;
  used: Set<string>;
}

export interface SecurityGroup {
  id: string;
  name: string;
  description: string;
  vpcId: string;
  tags: Tags;
}

export interface Image {
  id: string;
  name: string;
  ownerId: string;
  creationDate: number;
  tags: Tags;
  architecture: "x86_64" | "arm64";
  rootDeviceName: string;
  /** The root snapshot: a volume launched from the image is at least this big (GiB). */
  rootSnapshotId: string;
  rootSnapshotGiB: number;
  /** Sim time at which the image is (or was) deprecated. */
  deprecationTime?: number;
}

export interface KeyPair {
  name: string;
  id: string;
  createdAt: number;
}

export interface LtNic {
  deviceIndex?: number;
  associatePublicIpAddress?: boolean;
  deleteOnTermination?: boolean;
  subnetId?: string;
  groups: string[];
}

export interface LtBlockDevice {
  deviceName: string;
  volumeSize?: number;
  volumeType?: string;
  deleteOnTermination?: boolean;
  encrypted?: boolean;
}

export interface LtTagSpec {
  resourceType: string;
  tags: Tags;
}

export interface LaunchTemplateData {
  imageId?: string;
  instanceType?: string;
  keyName?: string;
  userData?: string;
  securityGroupIds: string[];
  networkInterfaces: LtNic[];
  tagSpecifications: LtTagSpec[];
  blockDeviceMappings: LtBlockDevice[];
  httpTokens?: string;
  httpEndpoint?: string;
  httpPutResponseHopLimit?: number;
}

export interface LaunchTemplateVersion {
  number: number;
  description?: string;
  createdAt: number;
  data: LaunchTemplateData;
}

export interface LaunchTemplate {
  id: string;
  name: string;
  createdAt: number;
  createdBy: string;
  defaultVersion: number;
  versions: LaunchTemplateVersion[];
  tags: Tags;
}

export interface Volume {
  id: string;
  deviceName: string;
  size: number;
  tags: Tags;
}

export interface SimInstance {
  /** Launch order; also the pagination cursor. */
  seq: number;
  id: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  keyName?: string;
  subnet?: Subnet;
  vpcId?: string;
  az: string;
  privateIp: string;
  /** Whether a running period gets a public IP (network interface option, else the subnet's). */
  wantsPublicIp: boolean;
  launchTime: number;
  /** Sim time of creation (eventual-consistency window). */
  createdAt: number;
  amiLaunchIndex: number;
  clientToken?: string;
  tags: Tags;
  volume: Volume;
  securityGroups: { id: string; name: string }[];
  timeline: Transition[];
  httpTokens: string;
  fault?: "impaired" | "stop" | "stuck-pending" | "launch-fail" | "stop-hang";
  /** Drawn at launch and kept across stop/start: the image boots this way every time. */
  bootFault?: BootFault;
  firstReportedReadyAt?: number;
  /** Sim time the simulator first answered a connection to its service (reachable only). */
  firstServedAt?: number;
  /** Sim time its service port last started listening (reachable only). */
  listeningSince?: number;
  /** Bumped whenever tags change: part of the render cache key. */
  tagsVersion: number;
  /** The rendered XML for one (state, tags) combination: DescribeInstances of 1000s stays cheap. */
  xmlCache?: { key: string; xml: string };
}

/** A volume that is no instance's root: detached (status `available`), left behind, still billed. */
export interface LooseVolume {
  id: string;
  size: number;
  volumeType: string;
  az: string;
  createdAt: number;
  tags: Tags;
}

/** An Elastic IP allocation (VPC domain), billed while it exists. */
export interface ElasticAddress {
  allocationId: string;
  publicIp: string;
  tags: Tags;
}

export interface Reservation {
  id: string;
  ownerId: string;
  instances: SimInstance[];
  groups: { id: string; name: string }[];
}

/** What RunInstances asks for, resolved (template merged with overrides). */
export interface LaunchRequest {
  imageId: string;
  instanceType: string;
  keyName?: string;
  subnet?: Subnet;
  /** An AZ to place in when no subnet is given. */
  az?: string;
  securityGroups: SecurityGroup[];
  associatePublicIp?: boolean;
  minCount: number;
  maxCount: number;
  instanceTags: Tags;
  volumeTags: Tags;
  volumeSize: number;
  httpTokens: string;
  clientToken?: string;
}

export interface WorldOptions {
  /** Public addresses in 127.0.0.0/8, where the service network (service-net.ts) answers. */
  reachable?: boolean;
  /**
   * Draws for boot (service-up moments, boot faults): a PRNG of their own, so that modelling
   * boot leaves every other draw of a seeded world as it was.
   */
  bootRng?: Prng;
  /** Sim time the world starts at (the Scheduler's clock starts there too). */
  now?: number;
}

const LIVE_FOR_CAPACITY: ReadonlySet<StateName> = new Set(["pending", "running", "stopping"]);
const LIVE_FOR_QUOTA: ReadonlySet<StateName> = new Set(["pending", "running"]);

export class World {
  readonly azs: Az[];
  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  readonly images = new Map<string, Image>();
  readonly keyPairs = new Map<string, KeyPair>();
  readonly launchTemplates = new Map<string, LaunchTemplate>();
  /** In launch order (seq ascending); vanished instances are purged lazily. */
  instanceList: SimInstance[] = [];
  readonly instancesById = new Map<string, SimInstance>();
  readonly reservations = new Map<string, Reservation>();
  /** ClientToken -> the request's fingerprint and the reservation it made. */
  readonly clientTokens = new Map<string, { fingerprint: string; reservationId: string }>();
  readonly looseVolumes = new Map<string, LooseVolume>();
  readonly addresses = new Map<string, ElasticAddress>();
  /** EventBridge Scheduler: schedule groups, schedules, the roles they assume (scheduler.ts). */
  readonly scheduler: SchedulerState;
  private seq = 0;
  private publicIps = new Set<string>();
  private lastPurge = 0;
  readonly reachable: boolean;
  private readonly bootRng: Prng;

  constructor(
    readonly region: string,
    readonly accountId: string,
    readonly rng: Prng,
    public timings: Timings,
    public faults: Faults,
    o: WorldOptions = {},
  ) {
    this.azs = azsFor(region);
    this.reachable = o.reachable ?? false;
    this.bootRng = o.bootRng ?? new Prng(0xb007);
    this.scheduler = new SchedulerState(region, accountId, o.now ?? Date.now());
  }

  // ----- ids and addresses -----

  newId(prefix: string): string {
    return `${prefix}-${this.rng.hex(17)}`;
  }

  /** An address like AWS's (54.x.y.z), or on this machine's loopback (127.x.y.z) when reachable; the same draws either way. */
  newPublicIp(): string {
    const first = this.reachable ? 127 : 54;
    for (;;) {
      const ip = `${first}.${this.rng.between(80, 239)}.${this.rng.between(0, 255)}.${this.rng.between(1, 254)}`;
      if (!this.publicIps.has(ip)) {
        this.publicIps.add(ip);
        return ip;
      }
    }
  }

  private allocatePrivateIp(subnet: Subnet): string {
    const { base, size } = parseCidr(subnet.cidr);
    // AWS reserves the first four addresses and the last one of every subnet.
    const usable = size - 5;
    for (let tries = 0; tries < usable; tries++) {
      const offset = 4 + (subnet.nextHost++ % usable);
      const ip = intToIp(base + offset);
      if (!subnet.used.has(ip)) {
        subnet.used.add(ip);
        return ip;
      }
    }
    throw new SimError(
      "InsufficientFreeAddressesInSubnet",
      `There are not enough free addresses in subnet '${subnet.id}' to satisfy the requested number of instances.`,
    );
  }

  freeAddressCount(subnet: Subnet): number {
    return parseCidr(subnet.cidr).size - 5 - subnet.used.size;
  }

  // ----- lookups -----

  azByName(name: string): Az | undefined {
    return this.azs.find((a) => a.name === name);
  }

  findLaunchTemplateByName(name: string): LaunchTemplate | undefined {
    for (const lt of this.launchTemplates.values()) if (lt.name === name) return lt;
    return undefined;
  }

  /** Whether `azName` offers the type: the static catalog, minus the `unofferedTypes` fault. */
  offers(azName: string, instanceType: string): boolean {
    return offersType(azName, instanceType) && !this.faults.unofferedTypes.includes(`${azName}:${instanceType}`);
  }

  /** An image's state: `available`, or `deregistered` under the `deregisteredImages` fault. */
  imageState(image: Image): "available" | "deregistered" {
    return this.faults.deregisteredImages.includes(image.id) ? "deregistered" : "available";
  }

  defaultSubnetFor(azName?: string): Subnet | undefined {
    const defaults = [...this.subnets.values()].filter((s) => s.defaultForAz);
    if (azName) return defaults.find((s) => s.az.name === azName);
    return defaults[0];
  }

  /** Every instance not yet vanished, in launch order. */
  liveInstances(now: number): SimInstance[] {
    this.purgeVanished(now);
    return this.instanceList;
  }

  getInstance(id: string, now: number): SimInstance | undefined {
    this.purgeVanished(now);
    return this.instancesById.get(id);
  }

  state(inst: SimInstance, now: number): Transition {
    return currentTransition(inst.timeline, now);
  }

  publicIpOf(inst: SimInstance, now: number): string | undefined {
    const cur = currentTransition(inst.timeline, now);
    if (cur.state !== "running" && cur.state !== "stopping" && cur.state !== "shutting-down") return undefined;
    return lastRunning(inst.timeline, now)?.publicIp;
  }

  /** Terminated instances vanish `terminatedRetentionMs` after reaching terminated. */
  private purgeVanished(now: number): void {
    // At most once per sim second: the scan is cheap but happens on every read.
    if (now - this.lastPurge < 1000) return;
    this.lastPurge = now;
    const keep: SimInstance[] = [];
    for (const inst of this.instanceList) {
      const cur = currentTransition(inst.timeline, now);
      if (cur.state === "terminated" && now >= cur.at + this.timings.terminatedRetentionMs) {
        this.instancesById.delete(inst.id);
        inst.subnet?.used.delete(inst.privateIp);
      } else keep.push(inst);
    }
    if (keep.length !== this.instanceList.length) this.instanceList = keep;
  }

  private between([min, max]: [number, number]): number {
    return this.rng.between(Math.round(min), Math.round(max));
  }

  // ----- launching -----

  /**
   * How many of the request's instances can be placed in `azName` now (capacity faults and
   * quotas), or the error EC2 gives when not even MinCount fit.
   */
  placeable(req: LaunchRequest, azName: string, now: number): number {
    const f = this.faults;
    const otherAzs = this.azs.filter((a) => a.name !== azName && !f.capacityAzs.includes(a.name)).map((a) => a.name);
    const ice = (): SimError =>
      new SimError(
        "InsufficientInstanceCapacity",
        `We currently do not have sufficient ${req.instanceType} capacity in the Availability Zone you requested (${azName}). ` +
          `Our system will be working on provisioning additional capacity. You can currently get ${req.instanceType} capacity ` +
          `by not specifying an Availability Zone in your request or choosing ${otherAzs.join(", ")}.`,
        500,
      );
    if (f.capacityAzs.includes(azName) || f.capacityInstanceTypes.includes(req.instanceType)) throw ice();
    let n = req.maxCount;
    const live = this.instanceList.filter((i) => LIVE_FOR_CAPACITY.has(currentTransition(i.timeline, now).state));
    const azLimit = f.azCapacity[azName];
    if (azLimit !== undefined) {
      const inAz = live.filter((i) => i.az === azName).length;
      n = Math.min(n, Math.max(0, azLimit - inAz));
      if (n < req.minCount) throw ice();
    }
    const counted = live.filter((i) => LIVE_FOR_QUOTA.has(currentTransition(i.timeline, now).state));
    // Quotas are not capacity: RunInstances' MaxCount must stay within them ("Constraints:
    // between 1 and the quota ..."), so exceeding one fails the whole request, even with a
    // lower MinCount.
    if (f.instanceLimit !== undefined && counted.length + req.maxCount > f.instanceLimit)
      throw new SimError(
        "InstanceLimitExceeded",
        `You have requested more instances (${counted.length + req.maxCount}) than your current instance limit of ${f.instanceLimit} allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`,
      );
    if (f.vcpuLimit !== undefined) {
      const used = counted.reduce((sum, i) => sum + vcpusOf(i.instanceType), 0);
      if (used + req.maxCount * vcpusOf(req.instanceType) > f.vcpuLimit)
        throw new SimError(
          "VcpuLimitExceeded",
          `You have requested more vCPU capacity than your current vCPU limit of ${f.vcpuLimit} allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.`,
        );
    }
    if (req.subnet) {
      const free = this.freeAddressCount(req.subnet);
      if (free < req.minCount)
        throw new SimError(
          "InsufficientFreeAddressesInSubnet",
          `There are not enough free addresses in subnet '${req.subnet.id}' to satisfy the requested number of instances.`,
        );
      n = Math.min(n, free);
    }
    return n;
  }

  launch(req: LaunchRequest, count: number, now: number): Reservation {
    const reservation: Reservation = {
      id: this.newId("r"),
      ownerId: this.accountId,
      instances: [],
      groups: req.securityGroups.map((g) => ({ id: g.id, name: g.name })),
    };
    const subnet = req.subnet;
    const az = subnet?.az.name ?? req.az ?? this.azs[0]!.name;
    const wantsPublicIp = req.associatePublicIp ?? subnet?.mapPublicIpOnLaunch ?? false;
    for (let i = 0; i < count; i++) {
      const inst: SimInstance = {
        seq: ++this.seq,
        id: this.newId("i"),
        reservationId: reservation.id,
        imageId: req.imageId,
        instanceType: req.instanceType,
        keyName: req.keyName,
        subnet,
        vpcId: subnet?.vpcId,
        az,
        privateIp: subnet ? this.allocatePrivateIp(subnet) : `10.255.${(this.seq >> 8) & 255}.${this.seq & 255}`,
        wantsPublicIp,
        launchTime: now,
        createdAt: now,
        amiLaunchIndex: i,
        clientToken: req.clientToken,
        tags: new Map(req.instanceTags),
        volume: { id: this.newId("vol"), deviceName: "/dev/xvda", size: req.volumeSize, tags: new Map(req.volumeTags) },
        securityGroups: reservation.groups,
        timeline: [],
        httpTokens: req.httpTokens,
        tagsVersion: 0,
      };
      this.scheduleLaunch(inst, now, true);
      reservation.instances.push(inst);
      this.instanceList.push(inst);
      this.instancesById.set(inst.id, inst);
    }
    this.reservations.set(reservation.id, reservation);
    return reservation;
  }

  /** pending now, then running (and checks) later; with `withFaults`, a drawn fault bends the path. */
  private scheduleLaunch(inst: SimInstance, now: number, withFaults: boolean): void {
    const t = this.timings;
    const f = this.faults;
    inst.timeline.push({ at: now, state: "pending" });
    if (withFaults) {
      if (this.rng.chance(f.stuckPendingRate)) {
        inst.fault = "stuck-pending";
        return;
      }
      if (this.rng.chance(f.launchFailRate)) {
        inst.fault = "launch-fail";
        const failAt = now + this.between(t.faultLaunchFailAfterMs);
        const reason = { code: "Server.InternalError", message: "Server.InternalError: Internal error on launch" };
        inst.timeline.push({ at: failAt, state: "shutting-down", reason, transitionReason: reason.message });
        inst.timeline.push({ at: failAt + this.between(t.shuttingDownMs), state: "terminated", reason, transitionReason: reason.message });
        return;
      }
    }
    const runningAt = now + this.between(t.pendingMs);
    const checksAt = runningAt + this.between(t.checksMs);
    const impaired = withFaults && this.rng.chance(f.impairedRate);
    if (impaired) inst.fault = "impaired";
    if (withFaults) inst.bootFault = this.drawBootFault();
    inst.timeline.push({
      at: runningAt,
      state: "running",
      checksAt,
      checksResult: impaired ? "impaired" : "ok",
      publicIp: inst.wantsPublicIp ? this.newPublicIp() : undefined,
      ...this.boot(inst, runningAt),
    });
    if (withFaults && !impaired && this.rng.chance(f.stopRate)) {
      inst.fault = "stop";
      const stopAt = runningAt + this.between(t.faultStopAfterMs);
      const reason = { code: "Client.InstanceInitiatedShutdown", message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown" };
      inst.timeline.push({ at: stopAt, state: "stopping", reason, transitionReason: reason.message });
      inst.timeline.push({ at: stopAt + this.between(t.stoppingMs), state: "stopped", reason, transitionReason: reason.message });
    }
  }

  private drawBootFault(): BootFault | undefined {
    const f = this.faults;
    if (this.bootRng.chance(f.noServiceRate)) return "no-service";
    if (this.bootRng.chance(f.slowBootRate)) return "slow-boot";
    if (this.bootRng.chance(f.hungServiceRate)) return "hung-service";
    return undefined;
  }

  /** A running period's service: up some time after `runningAt` (every start boots again), per the instance's boot fault. */
  private boot(inst: SimInstance, runningAt: number): { serviceAt?: number; serviceHung?: boolean } {
    const t = this.timings;
    if (inst.bootFault === "no-service") return {};
    const [min, max] = inst.bootFault === "slow-boot" ? t.slowBootServiceMs : t.serviceMs;
    const serviceAt = runningAt + this.bootRng.between(Math.round(min), Math.round(max));
    return inst.bootFault === "hung-service" ? { serviceAt, serviceHung: true } : { serviceAt };
  }

  /** Seeding: an instance already in `state` (running ones with checks passed). */
  placeSeeded(inst: SimInstance, state: "running" | "stopped" | "pending", now: number): void {
    const long = now - 10 * 60_000;
    if (state === "pending") return this.scheduleLaunch(inst, now, false);
    inst.launchTime = long;
    inst.createdAt = long;
    inst.timeline.push({ at: long, state: "pending" });
    inst.timeline.push({
      at: long + 30_000,
      state: "running",
      checksAt: long + 90_000,
      checksResult: "ok",
      publicIp: inst.wantsPublicIp ? this.newPublicIp() : undefined,
      serviceAt: long + 60_000,
    });
    if (state === "stopped") {
      const reason = { code: "Client.UserInitiatedShutdown", message: "Client.UserInitiatedShutdown: User initiated shutdown" };
      inst.timeline.push({ at: long + 120_000, state: "stopping", reason, transitionReason: userInitiated(long + 120_000) });
      inst.timeline.push({ at: long + 150_000, state: "stopped", reason, transitionReason: userInitiated(long + 120_000) });
    }
  }

  nextSeq(): number {
    return ++this.seq;
  }

  addInstance(inst: SimInstance): void {
    this.instanceList.push(inst);
    this.instancesById.set(inst.id, inst);
  }

  newPrivateIp(subnet: Subnet): string {
    return this.allocatePrivateIp(subnet);
  }

  // ----- state changes by the user -----

  terminate(inst: SimInstance, now: number): { previous: StateName; current: StateName } {
    const cur = currentTransition(inst.timeline, now);
    if (cur.state === "terminated" || cur.state === "shutting-down") return { previous: cur.state, current: cur.state };
    cutFuture(inst.timeline, now);
    const reason = { code: "Client.UserInitiatedShutdown", message: "Client.UserInitiatedShutdown: User initiated shutdown" };
    const transitionReason = userInitiated(now);
    inst.timeline.push({ at: now, state: "shutting-down", reason, transitionReason });
    inst.timeline.push({ at: now + this.between(this.timings.shuttingDownMs), state: "terminated", reason, transitionReason });
    return { previous: cur.state, current: "shutting-down" };
  }

  /**
   * A user's stop. Under the `stophang` fault the instance stays in `stopping` until stopped with
   * Force (EC2's answer to a stuck stop: no OS shutdown, as if the power were cut).
   */
  stop(inst: SimInstance, now: number, force = false): { previous: StateName; current: StateName } {
    const cur = currentTransition(inst.timeline, now);
    if (cur.state === "stopping" && force && inst.fault === "stop-hang") {
      cutFuture(inst.timeline, now);
      inst.fault = undefined;
      inst.timeline.push({ at: now + this.between(this.timings.forcedStopMs), state: "stopped", reason: cur.reason, transitionReason: cur.transitionReason });
      return { previous: cur.state, current: cur.state };
    }
    if (cur.state === "stopped" || cur.state === "stopping") return { previous: cur.state, current: cur.state };
    if (cur.state !== "running")
      throw new SimError("IncorrectInstanceState", `This instance '${inst.id}' is not in a state from which it can be stopped.`);
    cutFuture(inst.timeline, now);
    const reason = { code: "Client.UserInitiatedShutdown", message: "Client.UserInitiatedShutdown: User initiated shutdown" };
    const transitionReason = userInitiated(now);
    inst.timeline.push({ at: now, state: "stopping", reason, transitionReason });
    if (!force && this.faults.stopHangRate > 0 && this.rng.chance(this.faults.stopHangRate)) {
      inst.fault = "stop-hang";
      return { previous: cur.state, current: "stopping" };
    }
    inst.timeline.push({ at: now + this.between(force ? this.timings.forcedStopMs : this.timings.stoppingMs), state: "stopped", reason, transitionReason });
    return { previous: cur.state, current: "stopping" };
  }

  /**
   * StartInstances' capacity check, all or nothing as the simulator models it: the stopped
   * instances to start must fit the capacity faults of their AZs (a stopped instance starts only
   * in its own AZ, where its volume is), else InsufficientInstanceCapacity names the AZ.
   */
  checkStartCapacity(instances: readonly SimInstance[], now: number): void {
    const f = this.faults;
    const starting = instances.filter((i) => currentTransition(i.timeline, now).state === "stopped");
    const byAz = new Map<string, SimInstance[]>();
    for (const i of starting) byAz.set(i.az, [...(byAz.get(i.az) ?? []), i]);
    for (const [az, list] of byAz) {
      const type = list[0]!.instanceType;
      const limit = f.azCapacity[az];
      const live = limit === undefined ? 0 : this.instanceList.filter((i) => i.az === az && LIVE_FOR_CAPACITY.has(currentTransition(i.timeline, now).state)).length;
      const full = f.capacityAzs.includes(az) || list.some((i) => f.capacityInstanceTypes.includes(i.instanceType)) || (limit !== undefined && live + list.length > limit);
      if (full)
        throw new SimError(
          "InsufficientInstanceCapacity",
          `Insufficient capacity. We currently do not have sufficient ${type} capacity in the Availability Zone you requested (${az}). ` +
            `Our system will be working on provisioning additional capacity. You can currently get ${type} capacity by not specifying an Availability Zone in your request or choosing ${this.azs.filter((a) => a.name !== az && !f.capacityAzs.includes(a.name)).map((a) => a.name).join(", ")}.`,
          500,
        );
    }
  }

  start(inst: SimInstance, now: number): { previous: StateName; current: StateName } {
    const cur = currentTransition(inst.timeline, now);
    if (cur.state === "running" || cur.state === "pending") return { previous: cur.state, current: cur.state };
    if (cur.state !== "stopped")
      throw new SimError("IncorrectInstanceState", `The instance '${inst.id}' is not in a state from which it can be started.`);
    cutFuture(inst.timeline, now);
    inst.launchTime = now;
    if (inst.fault !== "impaired") inst.fault = undefined;
    this.scheduleLaunch(inst, now, false);
    return { previous: cur.state, current: "pending" };
  }

  vcpusOf(instanceType: string): number {
    return vcpusOf(instanceType);
  }
}

export function parseCidr(cidr: string): { base: number; size: number; prefix: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) throw SimError.invalidParameterValue(`Value (${cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32)
    throw SimError.invalidParameterValue(`Value (${cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block.`);
  const base = ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!;
  const size = 2 ** (32 - prefix);
  return { base: base - (base % size), size, prefix };
}

export function intToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}
