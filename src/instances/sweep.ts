// `ec2-workshop sweep`: every workshop's machines past their expiry, in a region, and what is left
// behind that still costs money. Found by tag only (Workshop=<any>, or ManagedBy=ec2-workshop):
// nothing untagged is ever read as ours, and termination goes through the workshop's own safe path
// (re-read, exact Workshop tag, still expired), so nothing foreign is touched either.
//
// Left behind (listed, never changed here): live machines of a workshop this workshop directory
// has no settings for (its stack was destroyed, or it belongs to another directory), detached
// volumes and Elastic IPs tagged with a workshop.
import {
  DescribeAddressesCommand,
  DescribeRegionsCommand,
  paginateDescribeInstances,
  paginateDescribeVolumes,
  type EC2Client,
  type Filter,
} from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { callRetry, withClientRetry } from "./backoff.js";
import { MAX_PAGE, toWorkshopInstance, type WorkshopInstance } from "./describe.js";
import { expiryOf, isExpired } from "./expiry.js";
import { MANAGED_BY, TAG, tagValue } from "./tags.js";
import { terminateWorkshopInstances, type TerminateResult } from "./terminate.js";

const LIVE = ["pending", "running", "stopping", "stopped"];

/** Every region the account has enabled (sweep --all-regions), sorted. */
export async function enabledRegions(ec2: EC2Client, clock: Clock): Promise<string[]> {
  const out = await withClientRetry(ec2, () => ec2.send(new DescribeRegionsCommand({})), callRetry(clock));
  return (out.Regions ?? []).map((r) => r.RegionName).filter((r): r is string => Boolean(r)).sort();
}

/** The two tag rules that make a resource a workshop's (EC2 ANDs filters, so one read each). */
const OURS: Filter[][] = [
  [{ Name: "tag-key", Values: [TAG.workshop] }],
  [{ Name: `tag:${TAG.managedBy}`, Values: [MANAGED_BY] }],
];

/** The same rules, checked on every resource of every answer (an endpoint may ignore filters). */
function isOurs(tags: readonly { Key?: string; Value?: string }[] | undefined): boolean {
  return tagValue(tags, TAG.workshop) !== undefined || tagValue(tags, TAG.managedBy) === MANAGED_BY;
}

export interface SweptInstance extends WorkshopInstance {
  region: string;
}

export interface LooseVolume {
  region: string;
  volumeId: string;
  sizeGiB?: number;
  volumeType?: string;
  availabilityZone?: string;
  workshop?: string;
}

export interface TaggedAddress {
  region: string;
  allocationId?: string;
  publicIp?: string;
  workshop?: string;
  /** The instance it is associated with, if any. */
  instanceId?: string;
}

export interface SweepScan {
  /** Live workshop machines past their expiry. */
  expired: SweptInstance[];
  /** Live machines of workshops without settings in this directory (or with no Workshop tag). */
  orphaned: SweptInstance[];
  volumes: LooseVolume[];
  addresses: TaggedAddress[];
}

function retry<T>(ec2: EC2Client, clock: Clock, call: () => Promise<T>): Promise<T> {
  return withClientRetry(ec2, call, callRetry(clock));
}

async function ourInstances(ec2: EC2Client, clock: Clock): Promise<WorkshopInstance[]> {
  const byId = new Map<string, WorkshopInstance>();
  for (const filters of OURS) {
    await retry(ec2, clock, async () => {
      const pages = paginateDescribeInstances({ client: ec2, pageSize: MAX_PAGE }, { Filters: [...filters, { Name: "instance-state-name", Values: LIVE }] });
      for await (const page of pages)
        for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId && isOurs(i.Tags)) byId.set(i.InstanceId, toWorkshopInstance(i));
    });
  }
  return [...byId.values()];
}

async function looseVolumes(ec2: EC2Client, clock: Clock, region: string): Promise<LooseVolume[]> {
  const byId = new Map<string, LooseVolume>();
  for (const filters of OURS) {
    await retry(ec2, clock, async () => {
      const pages = paginateDescribeVolumes({ client: ec2, pageSize: 500 }, { Filters: [...filters, { Name: "status", Values: ["available"] }] });
      for await (const page of pages)
        for (const v of page.Volumes ?? [])
          if (v.VolumeId && v.State === "available" && isOurs(v.Tags))
            byId.set(v.VolumeId, {
              region,
              volumeId: v.VolumeId,
              ...(v.Size !== undefined ? { sizeGiB: v.Size } : {}),
              ...(v.VolumeType ? { volumeType: v.VolumeType } : {}),
              ...(v.AvailabilityZone ? { availabilityZone: v.AvailabilityZone } : {}),
              ...(tagValue(v.Tags, TAG.workshop) ? { workshop: tagValue(v.Tags, TAG.workshop) } : {}),
            });
    });
  }
  return [...byId.values()];
}

async function taggedAddresses(ec2: EC2Client, clock: Clock, region: string): Promise<TaggedAddress[]> {
  const byKey = new Map<string, TaggedAddress>();
  for (const filters of OURS) {
    const out = await retry(ec2, clock, () => ec2.send(new DescribeAddressesCommand({ Filters: filters })));
    for (const a of out.Addresses ?? []) {
      if (!isOurs(a.Tags)) continue;
      const key = a.AllocationId ?? a.PublicIp ?? "";
      byKey.set(key, {
        region,
        ...(a.AllocationId ? { allocationId: a.AllocationId } : {}),
        ...(a.PublicIp ? { publicIp: a.PublicIp } : {}),
        ...(tagValue(a.Tags, TAG.workshop) ? { workshop: tagValue(a.Tags, TAG.workshop) } : {}),
        ...(a.InstanceId ? { instanceId: a.InstanceId } : {}),
      });
    }
  }
  return [...byKey.values()];
}

/**
 * One region's findings. `known`: the workshops this directory has settings for. `seen`: instance
 * ids already found in another region (an EC2-compatible endpoint may answer every region alike).
 */
export async function scanRegion(ec2: EC2Client, o: { region: string; known: ReadonlySet<string>; now: Date; clock: Clock; seen?: Set<string> }): Promise<SweepScan> {
  const [instances, volumes, addresses] = await Promise.all([ourInstances(ec2, o.clock), looseVolumes(ec2, o.clock, o.region), taggedAddresses(ec2, o.clock, o.region)]);
  const scan: SweepScan = { expired: [], orphaned: [], volumes, addresses };
  for (const i of instances) {
    if (o.seen?.has(i.instanceId)) continue;
    o.seen?.add(i.instanceId);
    const swept = { ...i, region: o.region };
    if (isExpired(i, o.now)) scan.expired.push(swept);
    if (!i.workshop || !o.known.has(i.workshop)) scan.orphaned.push(swept);
  }
  const expiryMs = (i: SweptInstance): number => {
    const e = expiryOf(i);
    return e instanceof Date ? e.getTime() : Number.POSITIVE_INFINITY;
  };
  const byExpiry = (a: SweptInstance, b: SweptInstance): number =>
    (a.workshop ?? "").localeCompare(b.workshop ?? "") || expiryMs(a) - expiryMs(b) || (a.seat ?? 0) - (b.seat ?? 0);
  scan.expired.sort(byExpiry);
  scan.orphaned.sort(byExpiry);
  return scan;
}

/**
 * Terminates the expired machines of one region, workshop by workshop, through the workshop's
 * safe path: each is read again, must still carry exactly its Workshop tag, and must still be
 * past its expiry (someone may have extended it since the listing). Machines with no Workshop
 * tag are never terminated here.
 */
export async function terminateExpired(ec2: EC2Client, expired: readonly SweptInstance[], o: { clock: Clock; now: () => Date; signal?: AbortSignal }): Promise<TerminateResult> {
  const result: TerminateResult = { terminated: [], skipped: [] };
  const byWorkshop = new Map<string, string[]>();
  for (const i of expired) {
    if (!i.workshop) {
      result.skipped.push({ instanceId: i.instanceId, reason: `no ${TAG.workshop} tag: not terminated by sweep` });
      continue;
    }
    byWorkshop.set(i.workshop, [...(byWorkshop.get(i.workshop) ?? []), i.instanceId]);
  }
  for (const [workshop, ids] of byWorkshop) {
    const r = await terminateWorkshopInstances(ec2, workshop, ids, {
      clock: o.clock,
      ...(o.signal ? { signal: o.signal } : {}),
      keep: (i) => (isExpired(i, o.now()) ? undefined : `its expiry moved (now ${i.tags[TAG.expiresAt] ?? "none"})`),
    });
    result.terminated.push(...r.terminated);
    result.skipped.push(...r.skipped);
  }
  return result;
}
