// AWS-like request throttling: token buckets that refill in SIM time.
// Sizes and refill rates: "Request throttling for the Amazon EC2 API"
// (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html). Each action has its own bucket, sized by
// its category, as EC2 does; RunInstances/StartInstances/TerminateInstances/StopInstances also
// draw on a resource bucket counted in instances.
import type { BucketSpec, ThrottleCategory, ThrottlingSetting } from "./types.js";

export const AWS_BUCKETS: Record<ThrottleCategory, BucketSpec> = {
  nonMutating: { size: 100, refillPerSecond: 20 },
  unfilteredDescribe: { size: 50, refillPerSecond: 10 },
  mutating: { size: 50, refillPerSecond: 5 },
  runInstances: { size: 5, refillPerSecond: 2 },
  terminateInstances: { size: 100, refillPerSecond: 5 },
  createTags: { size: 100, refillPerSecond: 10 },
  runInstancesResource: { size: 1000, refillPerSecond: 2 },
  terminateInstancesResource: { size: 1000, refillPerSecond: 20 },
};

class Bucket {
  private tokens: number;

  constructor(
    private readonly spec: BucketSpec,
    private last: number,
  ) {
    this.tokens = spec.size;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.spec.size, this.tokens + ((now - this.last) / 1000) * this.spec.refillPerSecond);
      this.last = now;
    }
  }

  canTake(n: number, now: number): boolean {
    this.refill(now);
    return this.tokens >= n;
  }

  take(n: number): void {
    this.tokens -= n;
  }
}

/** What one request costs: its request bucket, and optionally a resource bucket. */
export interface ThrottleCharge {
  key: string;
  category: ThrottleCategory;
  resource?: { key: string; category: ThrottleCategory; count: number };
}

export class Throttler {
  private buckets = new Map<string, Bucket>();
  private specs: Record<ThrottleCategory, BucketSpec> | undefined;

  constructor(setting: ThrottlingSetting) {
    this.specs = resolveSpecs(setting);
  }

  set(setting: ThrottlingSetting): void {
    this.specs = resolveSpecs(setting);
    this.buckets.clear();
  }

  /** True (and tokens taken) when the request may proceed; false when it is throttled. */
  admit(charge: ThrottleCharge, now: number): boolean {
    if (!this.specs) return true;
    const req = this.bucket(charge.key, charge.category, now);
    const res = charge.resource ? this.bucket(charge.resource.key, charge.resource.category, now) : undefined;
    if (!req.canTake(1, now)) return false;
    if (res && charge.resource && !res.canTake(Math.min(charge.resource.count, this.specs[charge.resource.category].size), now))
      return false;
    req.take(1);
    if (res && charge.resource) res.take(charge.resource.count);
    return true;
  }

  private bucket(key: string, category: ThrottleCategory, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new Bucket(this.specs![category], now);
      this.buckets.set(key, b);
    }
    return b;
  }
}

function resolveSpecs(setting: ThrottlingSetting): Record<ThrottleCategory, BucketSpec> | undefined {
  if (setting === "off") return undefined;
  if (setting === "aws") return { ...AWS_BUCKETS };
  const factor = setting.factor ?? 1;
  if (!(factor > 0)) throw new RangeError(`throttling factor must be positive, got ${factor}`);
  const out = {} as Record<ThrottleCategory, BucketSpec>;
  for (const [cat, spec] of Object.entries(AWS_BUCKETS) as [ThrottleCategory, BucketSpec][]) {
    out[cat] = setting.overrides?.[cat] ?? { size: Math.max(1, spec.size * factor), refillPerSecond: spec.refillPerSecond * factor };
  }
  return out;
}

const UNFILTERED_CAPABLE = new Set(["DescribeInstances", "DescribeInstanceStatus"]);

/** Which buckets an action draws on (`instanceCount`: instances the request asks for). */
export function chargeFor(action: string, params: Record<string, string>, instanceCount: number): ThrottleCharge {
  switch (action) {
    case "RunInstances":
    case "StartInstances":
      return {
        key: action,
        category: "runInstances",
        resource: { key: `${action}#instances`, category: "runInstancesResource", count: instanceCount },
      };
    case "TerminateInstances":
      return {
        key: action,
        category: "terminateInstances",
        resource: { key: `${action}#instances`, category: "terminateInstancesResource", count: instanceCount },
      };
    case "StopInstances":
      return {
        key: action,
        category: "mutating",
        resource: { key: `${action}#instances`, category: "terminateInstancesResource", count: instanceCount },
      };
    case "CreateTags":
    case "DeleteTags":
      return { key: action, category: "createTags" };
  }
  if (action.startsWith("Describe") || action.startsWith("Get")) {
    if (UNFILTERED_CAPABLE.has(action) && isUnfilteredUnpaginated(params)) return { key: `${action}#unfiltered`, category: "unfilteredDescribe" };
    return { key: action, category: "nonMutating" };
  }
  return { key: action, category: "mutating" };
}

function isUnfilteredUnpaginated(params: Record<string, string>): boolean {
  return !Object.keys(params).some(
    (k) => k.startsWith("Filter.") || k.startsWith("InstanceId.") || k === "MaxResults" || k === "NextToken",
  );
}
