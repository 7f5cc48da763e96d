// Public types of the EC2-compatible simulator. Kept free of runtime code so that anything
// (tests, the benchmark, the CLI's own helpers) can import them for nothing.

/** Lifecycle durations in SIM milliseconds; each one is a [min, max] range drawn from the seeded PRNG. */
export interface Timings {
  /** pending -> running. */
  pendingMs: [number, number];
  /** running -> instance and system status checks ok (further, after running). */
  checksMs: [number, number];
  /** running -> the service port (e.g. sshd) answers: the OS has booted (further, after running). */
  serviceMs: [number, number];
  /** The same under the "slowboot" fault: a long first boot (e.g. heavy user data), after the checks pass. */
  slowBootServiceMs: [number, number];
  /** shutting-down -> terminated. */
  shuttingDownMs: [number, number];
  /** stopping -> stopped. */
  stoppingMs: [number, number];
  /** stopping -> stopped for StopInstances with Force (no OS shutdown), also ending a hung stop. */
  forcedStopMs: [number, number];
  /** How long after running a "stop" fault makes the instance stop on its own. */
  faultStopAfterMs: [number, number];
  /** How long after launch a "launchfail" fault makes the instance terminate (Server.InternalError). */
  faultLaunchFailAfterMs: [number, number];
  /** How long a terminated instance stays listed before it vanishes. */
  terminatedRetentionMs: number;
  /**
   * Eventual consistency: for this long after launch, naming the new instance by id
   * (InstanceId.N) answers InvalidInstanceID.NotFound, as EC2 sometimes does. 0 = off.
   */
  eventualConsistencyMs: number;
}

/** Faults on demand. Rates are shares in [0, 1]; all randomness comes from the seeded PRNG. */
export interface Faults {
  /**
   * AZs (e.g. "us-east-1a") with no capacity at all: InsufficientInstanceCapacity. The capacity
   * faults apply to StartInstances too (a stopped instance starts only in its own AZ).
   */
  capacityAzs: string[];
  /** Instance types with no capacity in any AZ. */
  capacityInstanceTypes: string[];
  /**
   * Per-AZ limit on instances holding capacity (pending, running, stopping; stopped ones free theirs). With
   * MinCount < MaxCount a launch places what fits (a partial launch); below MinCount it fails whole.
   */
  azCapacity: Record<string, number>;
  /** Share of launched instances whose instance status check ends `impaired`. */
  impairedRate: number;
  /** Share that stop on their own after running (Client.InstanceInitiatedShutdown). */
  stopRate: number;
  /** Share that terminate during launch (Server.InternalError: Internal error on launch). */
  launchFailRate: number;
  /** Share that never leave `pending`. */
  stuckPendingRate: number;
  /** Share whose service never comes up, while their status checks pass (e.g. sshd disabled in the image). */
  noServiceRate: number;
  /** Share that boot slowly: their service comes up only after `slowBootServiceMs` (after the checks pass). */
  slowBootRate: number;
  /** Share whose service port accepts connections but never speaks (a hung sshd: no banner). */
  hungServiceRate: number;
  /** Share of user-requested stops that hang in `stopping` until StopInstances with Force. */
  stopHangRate: number;
  /** The endpoint has no EventBridge Scheduler: its paths answer 404 (an EC2-compatible cloud's). */
  schedulerUnavailable: boolean;
  /** Share of requests answered with a 5xx (InternalError 500 or Unavailable 503). */
  errorRate: number;
  /** Share of requests whose connection is destroyed without any response. */
  dropRate: number;
  /** vCPU quota over pending+running instances: VcpuLimitExceeded when running MaxCount more would exceed it; undefined = none. */
  vcpuLimit?: number;
  /** Instance-count quota over pending+running instances (InstanceLimitExceeded, judged on MaxCount); undefined = none. */
  instanceLimit?: number;
  /**
   * Actions that answer UnauthorizedOperation (also to DryRun), e.g. ["RunInstances"]; for the JSON
   * services, AccessDeniedException (e.g. ["GetServiceQuota"]).
   */
  unauthorizedActions: string[];
  /** Instance types missing from one AZ, as "AZ:TYPE" (e.g. "us-east-1b:t3.micro"): not offered there. */
  unofferedTypes: string[];
  /** AMIs deregistered since the workshop was built: listed as `deregistered`, refused by RunInstances. */
  deregisteredImages: string[];
}

export type ThrottleCategory =
  | "nonMutating"
  | "unfilteredDescribe"
  | "mutating"
  | "runInstances"
  | "terminateInstances"
  | "createTags"
  | "runInstancesResource"
  | "terminateInstancesResource";

export interface BucketSpec {
  /** Tokens the bucket holds when full. */
  size: number;
  /** Tokens added per SIM second. */
  refillPerSecond: number;
}

/** A stricter (or looser) throttling than AWS's: sizes and refills times `factor`, then overrides. */
export interface ThrottlingConfig {
  factor?: number;
  overrides?: Partial<Record<ThrottleCategory, BucketSpec>>;
}

export type ThrottlingSetting = "aws" | "off" | ThrottlingConfig;

export interface SimulatorOptions {
  /** Default 0 (ephemeral); the host is always 127.0.0.1. */
  port?: number;
  /** Sim ms per real ms (the same meaning as EC2_WORKSHOP_TIME_SCALE), default 1. */
  scale?: number;
  /** PRNG seed, default 1. */
  seed?: number;
  /** Default "us-east-1"; AZs are <region>a, b, c and d (d offers no t3 types, like some real AZs). */
  region?: string;
  /** Default "123456789012". */
  accountId?: string;
  /** Default "aws". */
  throttling?: ThrottlingSetting;
  timings?: Partial<Timings>;
  faults?: Partial<Faults>;
  /** Keep at most this many request-log entries (oldest dropped), default 200000. */
  maxLogEntries?: number;
  /**
   * Instances get public addresses in 127.0.0.0/8 and answer on a real TCP port of this machine
   * (`Simulator.servicePort`): an SSH banner from the moment their service is up, connection
   * refused before. Loopback only (Linux routes all of 127.0.0.0/8 there; no root needed).
   */
  reachable?: boolean;
}

export interface RequestLogEntry {
  seq: number;
  action: string;
  params: Record<string, string>;
  /** Sim time (ms since the epoch on the sim clock) when the request arrived. */
  simTime: number;
  /** HTTP status sent, or 0 when the connection was dropped without a response. */
  status: number;
  /** "ok", the error code, or "dropped". */
  outcome: string;
  throttled: boolean;
}

export interface SimInstanceView {
  instanceId: string;
  state: string;
  tags: Record<string, string>;
  subnetId?: string;
  vpcId?: string;
  availabilityZone: string;
  instanceType: string;
  imageId: string;
  publicIp?: string;
  privateIp: string;
  launchTime: number;
  /** Its position in its RunInstances call (0..k-1), as DescribeInstances reports it. */
  amiLaunchIndex: number;
  stateReason?: string;
  /** Instance status now: "initializing" | "ok" | "impaired" | "not-applicable". */
  instanceStatus: string;
  /** Sim time at which it became running + both checks ok (undefined if not (yet) so). */
  readyAt?: number;
  /** Sim time of the first DescribeInstanceStatus answer that showed it ok/ok while running. */
  firstReportedReadyAt?: number;
  fault?: "impaired" | "stop" | "stuck-pending" | "launch-fail" | "stop-hang";
  /** How its service boots, when not as usual. */
  bootFault?: BootFault;
  /** Sim time its service came up in the current (or last) running period; undefined if not (yet). */
  serviceUpAt?: number;
  /** Sim time the simulator first answered a connection to its service (reachable only). */
  firstServedAt?: number;
  /**
   * Sim time its service port last started listening (reachable only; a few real ms after
   * serviceUpAt, more on a busy machine): the moment it became usable from the network.
   */
  listeningSince?: number;
  /** Sim time its instance status check turned impaired, if it has. */
  impairedAt?: number;
}

export type BootFault = "no-service" | "slow-boot" | "hung-service";

export interface SeedWorkshopOptions {
  /** Subnets in this many AZs (1..3), default 3. */
  azs?: number;
  instanceType?: string;
  ami?: string;
  /** false: the template and subnets give no public IP (the "private only" case). Default true. */
  publicIp?: boolean;
}

export interface SeedImageOptions {
  /** Default x86_64; an arm64 image runs only on Graviton types (t4g.*). */
  architecture?: "x86_64" | "arm64";
  /** The root snapshot's size in GiB (default 8): a root volume may not be smaller. */
  rootSnapshotGiB?: number;
  /** Sim time at which AWS deprecates (or deprecated) the image. */
  deprecationTime?: number;
}

export interface SeededWorkshop {
  vpcId: string;
  subnetIds: string[];
  /** The AZ of each of `subnetIds`, in the same order. */
  availabilityZones: string[];
  securityGroupId: string;
  launchTemplateId: string;
  launchTemplateName: string;
  /** The role EventBridge Scheduler assumes: it may terminate only instances tagged Workshop=<name>. */
  schedulerRoleArn: string;
  /** The workshop's schedule group, `ec2-workshop-<name>`. */
  scheduleGroupName: string;
}

/** A schedule as the simulator holds it (for assertions). */
export interface SimScheduleView {
  groupName: string;
  name: string;
  expression: string;
  /** When it fires (sim ms), for `at(...)` schedules. */
  fireAt?: number;
  state: string;
  actionAfterCompletion: string;
  targetArn: string;
  roleArn: string;
  /** The target's Input, parsed when it is JSON. */
  input?: unknown;
}

/** One run of a schedule's target (scheduler.ts). */
export interface SimScheduleRun {
  groupName: string;
  name: string;
  /** The schedule's time (sim ms): the target ran then. */
  at: number;
  targetArn: string;
  instanceIds: string[];
  /** "ok", or EC2's (or the simulator's) error code. */
  outcome: string;
  message?: string;
}

export interface SeedInstancesOptions {
  tags?: Record<string, string>;
  state?: "running" | "stopped" | "pending";
  subnetId?: string;
  instanceType?: string;
}

export interface Simulator {
  /** "http://127.0.0.1:<port>" */
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly scale: number;
  /** With `reachable`: the TCP port every instance's service answers on (the workshop's first port). */
  readonly servicePort?: number;
  /** Sim time, ms since the epoch (sim clock). */
  now(): number;
  /**
   * Give it to the CLI as EC2_WORKSHOP_TIME_ORIGIN: the tool's date and time then follow the sim
   * clock (src/clock.ts). Where the sim clock started, moved back by what `advance` added (divided
   * by scale - 1), so a CLI started after an advance sees the advanced time too (scale > 1 only).
   */
  readonly timeOrigin: number;
  /** Move the sim clock forward by `ms` sim milliseconds at once (tests that need "later"); due schedules fire. */
  advance(ms: number): void;
  readonly log: readonly RequestLogEntry[];
  /** Counts of all requests, including throttled and failed ones. */
  callsByAction(): Record<string, number>;
  throttledCount(): number;
  clearLog(): void;
  setFaults(f: Partial<Faults>): void;
  setThrottling(t: ThrottlingSetting): void;
  seedWorkshop(name: string, o?: SeedWorkshopOptions): SeededWorkshop;
  seedInstances(count: number, o?: SeedInstancesOptions): string[];
  /** Register an AMI (e.g. a workshop's prepared image) so RunInstances accepts it. */
  seedImage(imageId: string, name?: string, o?: SeedImageOptions): void;
  /** Register an EC2 key pair (DescribeKeyPairs finds it). */
  seedKeyPair(name: string): void;
  /** The truth, for assertions (terminated instances that have vanished are not included). */
  instances(): SimInstanceView[];
  /** EventBridge Scheduler's schedules now (due ones fire first). */
  schedules(): SimScheduleView[];
  /** Every run of a schedule's target so far, in time order. */
  scheduleRuns(): SimScheduleRun[];
  /** A detached volume (left behind, still billed), e.g. tagged with a workshop; returns its id. */
  seedVolume(o?: { tags?: Record<string, string>; sizeGiB?: number; availabilityZone?: string }): string;
  /** An Elastic IP (billed while it exists); returns its allocation id. */
  seedAddress(o?: { tags?: Record<string, string> }): string;
  /** Set (or with undefined, remove) a tag behind the tool's back (race tests). */
  setTag(instanceId: string, key: string, value: string | undefined): void;
  close(): Promise<void>;
}
