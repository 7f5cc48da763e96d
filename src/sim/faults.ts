// Fault settings: defaults, merging, and the compact `--faults` spec of the standalone server.
import type { Faults, Timings } from "./types.js";

export function noFaults(): Faults {
  return {
    capacityAzs: [],
    capacityInstanceTypes: [],
    azCapacity: {},
    impairedRate: 0,
    stopRate: 0,
    launchFailRate: 0,
    stuckPendingRate: 0,
    noServiceRate: 0,
    slowBootRate: 0,
    hungServiceRate: 0,
    stopHangRate: 0,
    schedulerUnavailable: false,
    errorRate: 0,
    dropRate: 0,
    vcpuLimit: undefined,
    instanceLimit: undefined,
    unauthorizedActions: [],
    unofferedTypes: [],
    deregisteredImages: [],
  };
}

/**
 * Realistic defaults, in sim ms: pending 30-60 s; a Linux image's sshd answers 15-45 s after
 * `running`, its status checks pass 60-120 s after it (EC2 runs them once a minute); ...
 */
export function defaultTimings(): Timings {
  return {
    pendingMs: [30_000, 60_000],
    checksMs: [60_000, 120_000],
    serviceMs: [15_000, 45_000],
    slowBootServiceMs: [150_000, 240_000],
    shuttingDownMs: [20_000, 40_000],
    stoppingMs: [20_000, 40_000],
    forcedStopMs: [2_000, 8_000],
    faultStopAfterMs: [20_000, 90_000],
    faultLaunchFailAfterMs: [5_000, 20_000],
    terminatedRetentionMs: 60 * 60_000,
    eventualConsistencyMs: 0,
  };
}

export function mergeFaults(base: Faults, patch: Partial<Faults>): Faults {
  const out: Faults = { ...base };
  for (const [k, v] of Object.entries(patch) as [keyof Faults, unknown][]) {
    (out as unknown as Record<string, unknown>)[k] = v;
  }
  for (const rate of ["impairedRate", "stopRate", "launchFailRate", "stuckPendingRate", "noServiceRate", "slowBootRate", "hungServiceRate", "stopHangRate", "errorRate", "dropRate"] as const) {
    const r = out[rate];
    if (!(r >= 0 && r <= 1)) throw new RangeError(`fault ${rate} must be between 0 and 1, got ${r}`);
  }
  return out;
}

export const FAULT_SPEC_HELP = `Fault spec: comma-separated key=value pairs; lists use "+".
  capacity=AZ[:N][+AZ[:N]]   no capacity in AZ (InsufficientInstanceCapacity), or room for only N live instances there;
                             RunInstances and StartInstances (a stopped instance starts only in its own AZ)
  type-capacity=TYPE[+TYPE]  no capacity for an instance type in any AZ
  impaired=RATE              share of instances whose instance status ends impaired
  stop=RATE                  share that stop on their own after running (Client.InstanceInitiatedShutdown)
  launchfail=RATE            share that terminate during launch (Server.InternalError)
  stuck=RATE                 share that never leave pending
  noservice=RATE             share whose service never answers, while their status checks pass
  slowboot=RATE              share whose service answers only 150-240 s after running (after the checks)
  hung=RATE                  share whose service port accepts but never sends a banner
  stophang=RATE              share of stops (StopInstances) that hang in stopping until stopped with Force
  noscheduler=1              no EventBridge Scheduler on this endpoint (its paths answer 404)
  5xx=RATE                   share of requests answered with InternalError (500) / Unavailable (503)
  drop=RATE                  share of connections closed without a response
  vcpu=N                     vCPU quota over pending+running instances (VcpuLimitExceeded); Service
                             Quotas reports it as L-1216C47A
  instances=N                instance-count quota (InstanceLimitExceeded)
  unauthorized=ACTION[+ACTION]  actions answering UnauthorizedOperation (also to DryRun), or
                             AccessDeniedException for GetServiceQuota / GetProducts / CreateSchedule ...
  unoffered=AZ:TYPE[+AZ:TYPE]   instance type not offered in that AZ (DescribeInstanceTypeOfferings, RunInstances)
  deregistered=AMI[+AMI]     AMI deregistered: DescribeImages says so, RunInstances refuses it
Example: capacity=us-east-1a,impaired=0.1,stop=0.05,5xx=0.05,drop=0.02,vcpu=64`;

/** Parse `capacity=us-east-1a,impaired=0.1,...` (see FAULT_SPEC_HELP). Throws RangeError on nonsense. */
export function parseFaultSpec(spec: string): Partial<Faults> {
  const out: Partial<Faults> = {};
  for (const part of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new RangeError(`fault "${part}" needs a value (key=value)`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    const items = value.split("+").map((s) => s.trim()).filter(Boolean);
    const rate = (): number => {
      const r = Number(value);
      if (!(r >= 0 && r <= 1)) throw new RangeError(`fault ${key} takes a share between 0 and 1, got "${value}"`);
      return r;
    };
    const count = (): number => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`fault ${key} takes a whole number, got "${value}"`);
      return n;
    };
    switch (key) {
      case "capacity":
        for (const item of items) {
          const [az, n] = item.split(":");
          if (n === undefined) (out.capacityAzs ??= []).push(az!);
          else {
            const limit = Number(n);
            if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`capacity limit for ${az} must be a whole number, got "${n}"`);
            (out.azCapacity ??= {})[az!] = limit;
          }
        }
        break;
      case "type-capacity":
        out.capacityInstanceTypes = items;
        break;
      case "impaired":
        out.impairedRate = rate();
        break;
      case "stop":
        out.stopRate = rate();
        break;
      case "launchfail":
        out.launchFailRate = rate();
        break;
      case "stuck":
        out.stuckPendingRate = rate();
        break;
      case "noservice":
        out.noServiceRate = rate();
        break;
      case "slowboot":
        out.slowBootRate = rate();
        break;
      case "hung":
        out.hungServiceRate = rate();
        break;
      case "stophang":
        out.stopHangRate = rate();
        break;
      case "noscheduler":
        if (value !== "1" && value !== "0") throw new RangeError(`fault noscheduler takes 1 or 0, got "${value}"`);
        out.schedulerUnavailable = value === "1";
        break;
      case "5xx":
        out.errorRate = rate();
        break;
      case "drop":
        out.dropRate = rate();
        break;
      case "vcpu":
        out.vcpuLimit = count();
        break;
      case "instances":
        out.instanceLimit = count();
        break;
      case "unauthorized":
        out.unauthorizedActions = items;
        break;
      case "unoffered":
        for (const item of items)
          if (!/^[a-z0-9-]+[a-z]:[a-z0-9-]+\.[a-z0-9-]+$/.test(item)) throw new RangeError(`unoffered takes AZ:TYPE (e.g. us-east-1b:t3.micro), got "${item}"`);
        out.unofferedTypes = items;
        break;
      case "deregistered":
        for (const item of items) if (!/^ami-[0-9a-f]{8,17}$/.test(item)) throw new RangeError(`deregistered takes AMI ids (ami-...), got "${item}"`);
        out.deregisteredImages = items;
        break;
      default:
        throw new RangeError(`unknown fault "${key}" (known: capacity, type-capacity, impaired, stop, launchfail, stuck, noservice, slowboot, hung, stophang, noscheduler, 5xx, drop, vcpu, instances, unauthorized, unoffered, deregistered)`);
    }
  }
  return out;
}

/** The active faults in a few words, for the server's banner ("none" when there are none). */
export function describeFaults(f: Faults): string {
  const pct = (r: number): string => `${Math.round(r * 1000) / 10}%`;
  const parts: string[] = [];
  if (f.capacityAzs.length) parts.push(`no capacity in ${f.capacityAzs.join(", ")}`);
  for (const [az, n] of Object.entries(f.azCapacity)) parts.push(`room for ${n} in ${az}`);
  if (f.capacityInstanceTypes.length) parts.push(`no capacity for ${f.capacityInstanceTypes.join(", ")}`);
  if (f.impairedRate) parts.push(`${pct(f.impairedRate)} impaired`);
  if (f.stopRate) parts.push(`${pct(f.stopRate)} stop by themselves`);
  if (f.launchFailRate) parts.push(`${pct(f.launchFailRate)} fail at launch`);
  if (f.stuckPendingRate) parts.push(`${pct(f.stuckPendingRate)} stuck pending`);
  if (f.errorRate) parts.push(`${pct(f.errorRate)} of requests answered 5xx`);
  if (f.dropRate) parts.push(`${pct(f.dropRate)} of connections dropped`);
  if (f.vcpuLimit !== undefined) parts.push(`vCPU quota ${f.vcpuLimit}`);
  if (f.instanceLimit !== undefined) parts.push(`instance quota ${f.instanceLimit}`);
  if (f.unauthorizedActions.length) parts.push(`not authorized: ${f.unauthorizedActions.join(", ")}`);
  return parts.length ? parts.join("; ") : "none";
}
