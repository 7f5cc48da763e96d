// Reading a workshop's instances from EC2: always by tag (never long id lists, which hit
// FilterLimitExceeded at 200 values), paginated at EC2's maximum page size of 1000.
import {
  DescribeInstanceStatusCommand,
  paginateDescribeInstances,
  type EC2Client,
  type Filter,
  type Instance,
} from "@aws-sdk/client-ec2";
import { withoutMissingIds } from "./instance-id.js";
import { seatOf } from "./seats.js";
import { TAG } from "./tags.js";

/**
 * DescribeInstances' largest page: MaxResults 5 to 1000 (Amazon EC2 API Reference,
 * DescribeInstances: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html).
 */
export const MAX_PAGE = 1000;

/** The fields the tool shows and decides on, flattened from EC2's Instance. */
export interface WorkshopInstance {
  instanceId: string;
  name: string;
  state: string;
  stateReason?: string;
  publicIp?: string;
  /** The public address is an Elastic IP (kept across stop/start), not one EC2 assigned for this run. */
  elasticIp?: boolean;
  privateIp?: string;
  availabilityZone?: string;
  subnetId?: string;
  instanceType?: string;
  launchTime?: Date;
  batch?: string;
  workshop?: string;
  /** The attendee's seat (seats.ts); undefined for instances from before seats. */
  seat?: number;
  tags: Record<string, string>;
}

export function toWorkshopInstance(i: Instance): WorkshopInstance {
  const tags = Object.fromEntries((i.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""]));
  return {
    instanceId: i.InstanceId ?? "",
    name: tags[TAG.name] ?? "",
    state: i.State?.Name ?? "unknown",
    stateReason: i.StateReason?.Message ?? i.StateTransitionReason ?? undefined,
    publicIp: i.PublicIpAddress ?? undefined,
    ...(isElasticIp(i) ? { elasticIp: true } : {}),
    privateIp: i.PrivateIpAddress ?? undefined,
    availabilityZone: i.Placement?.AvailabilityZone ?? undefined,
    subnetId: i.SubnetId ?? undefined,
    instanceType: i.InstanceType ?? undefined,
    launchTime: i.LaunchTime,
    batch: tags[TAG.batch],
    workshop: tags[TAG.workshop],
    seat: seatOf(tags, i.AmiLaunchIndex),
    tags,
  };
}

/** EC2 names the owner of a public address: "amazon" for one it assigned, the account for an Elastic IP. */
function isElasticIp(i: Instance): boolean {
  const owner = i.NetworkInterfaces?.find((n) => n.Association?.PublicIp === i.PublicIpAddress)?.Association?.IpOwnerId;
  return i.PublicIpAddress !== undefined && owner !== undefined && owner !== "amazon";
}

export interface DescribeByTagOptions {
  workshop: string;
  /** Only this batch (one `instances create` run). */
  batch?: string;
  /** Only these states (instance-state-name values). */
  states?: readonly string[];
  /** Only these instances (at most ID_FILTER_CHUNK of them: filter values count against EC2's 200 a call). */
  instanceIds?: readonly string[];
  /** Called after each page, e.g. to count calls. */
  onPage?: (count: number) => void;
  abortSignal?: AbortSignal;
}

/**
 * Instance ids one filtered DescribeInstances may name beside the workshop tag: EC2 refuses more
 * than 200 filter values in one call, all filters together (FilterLimitExceeded; AWS-FACTS.md).
 */
export const ID_FILTER_CHUNK = 198;

/** Every state but `pending`: with ids, a read returns only the instances that left pending. */
export const PAST_PENDING = ["running", "stopping", "stopped", "shutting-down", "terminated"] as const;

/** Ids per call beside the workshop tag and PAST_PENDING's states (200 filter values in all). */
export const PAST_PENDING_CHUNK = 200 - 1 - PAST_PENDING.length;

export function workshopFilters(o: Pick<DescribeByTagOptions, "workshop" | "batch" | "states" | "instanceIds">): Filter[] {
  const filters: Filter[] = [{ Name: `tag:${TAG.workshop}`, Values: [o.workshop] }];
  if (o.batch) filters.push({ Name: `tag:${TAG.batch}`, Values: [o.batch] });
  if (o.states?.length) filters.push({ Name: "instance-state-name", Values: [...o.states] });
  if (o.instanceIds?.length) filters.push({ Name: "instance-id", Values: [...o.instanceIds] });
  return filters;
}

/**
 * Whether an instance, as EC2 described it, is what the filters asked for: tagged exactly
 * `Workshop=<workshop>` (case and spaces count: `HB`, `hb ` and `hb2` are other workshops), of
 * the batch and in the states when given. The filters alone are not trusted: an endpoint or a
 * proxy that ignores them would otherwise hand every instance of the account to the callers,
 * which list, hand out, adopt, move and terminate what they get.
 */
export function isAskedFor(i: Pick<WorkshopInstance, "instanceId" | "state" | "tags">, o: Pick<DescribeByTagOptions, "workshop" | "batch" | "states">): boolean {
  return (
    i.instanceId !== "" &&
    i.tags[TAG.workshop] === o.workshop &&
    (!o.batch || i.tags[TAG.batch] === o.batch) &&
    (!o.states?.length || o.states.includes(i.state))
  );
}

/**
 * Every instance tagged Workshop=<workshop> (and the batch / states, if given), all pages, each
 * checked against the tags itself (isAskedFor) and listed once. Every read of a workshop's
 * instances goes through here: list, hand-out, seats, waiting, replacing, terminating.
 */
export async function describeWorkshopInstances(ec2: EC2Client, o: DescribeByTagOptions): Promise<WorkshopInstance[]> {
  const out = new Map<string, WorkshopInstance>();
  const pages = paginateDescribeInstances(
    { client: ec2, pageSize: MAX_PAGE },
    { Filters: workshopFilters(o) },
    { abortSignal: o.abortSignal },
  );
  const ids = o.instanceIds && new Set(o.instanceIds);
  for await (const page of pages) {
    let n = 0;
    for (const r of page.Reservations ?? []) {
      for (const i of r.Instances ?? []) {
        const instance = toWorkshopInstance(i);
        n++;
        if (isAskedFor(instance, o) && (!ids || ids.has(instance.instanceId))) out.set(instance.instanceId, instance);
      }
    }
    o.onPage?.(n);
    if (o.abortSignal?.aborted) break;
  }
  return [...out.values()];
}

/**
 * DescribeInstanceStatus takes at most 100 instance ids per call (Amazon EC2 API Reference,
 * DescribeInstanceStatus: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceStatus.html).
 */
export const STATUS_CHUNK = 100;

/** EC2's status checks of a running instance: "ok", "impaired", "initializing", ... */
export interface StatusChecks {
  instance: string;
  system: string;
}

/**
 * Status checks of the given (running) instances, in id chunks of 100. An id that vanished since
 * it was listed is dropped and the chunk asked again (withoutMissingIds), so a race with EC2
 * never fails the whole listing. Ids EC2 reports nothing for are simply absent.
 * `retry` runs each call with its path's retries.
 */
export async function describeStatusChecks(
  ec2: EC2Client,
  instanceIds: readonly string[],
  o: { abortSignal?: AbortSignal; retry?: <T>(call: () => Promise<T>) => Promise<T> } = {},
): Promise<Map<string, StatusChecks>> {
  const retry = o.retry ?? (<T>(call: () => Promise<T>) => call());
  const out = new Map<string, StatusChecks>();
  for (let start = 0; start < instanceIds.length; start += STATUS_CHUNK) {
    const { answer } = await withoutMissingIds(instanceIds.slice(start, start + STATUS_CHUNK), (ids) =>
      retry(() => ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: ids }), { abortSignal: o.abortSignal })),
    );
    for (const s of answer?.InstanceStatuses ?? []) {
      if (!s.InstanceId) continue;
      out.set(s.InstanceId, { instance: s.InstanceStatus?.Status ?? "unknown", system: s.SystemStatus?.Status ?? "unknown" });
    }
  }
  return out;
}
