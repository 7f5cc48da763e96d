// Reading a workshop's instances from EC2: always by tag (never long id lists, which hit
// FilterLimitExceeded at 200 values), paginated at EC2's maximum page size of 1000.
import {
  DescribeInstanceStatusCommand,
  paginateDescribeInstances,
  type EC2Client,
  type Filter,
  type Instance,
} from "@aws-sdk/client-ec2";
import { TAG, tagValue } from "./tags.js";

/** DescribeInstances' largest page (AWS-FACTS.md, "Call limits"). */
export const MAX_PAGE = 1000;

/** The fields the tool shows and decides on, flattened from EC2's Instance. */
export interface WorkshopInstance {
  instanceId: string;
  name: string;
  state: string;
  stateReason?: string;
  publicIp?: string;
  privateIp?: string;
  availabilityZone?: string;
  subnetId?: string;
  instanceType?: string;
  launchTime?: Date;
  batch?: string;
  workshop?: string;
  tags: Record<string, string>;
}

export function toWorkshopInstance(i: Instance): WorkshopInstance {
  const tags = Object.fromEntries((i.Tags ?? []).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? ""]));
  return {
    instanceId: i.InstanceId ?? "",
    name: tagValue(i.Tags, TAG.name) ?? "",
    state: i.State?.Name ?? "unknown",
    stateReason: i.StateReason?.Message ?? i.StateTransitionReason ?? undefined,
    publicIp: i.PublicIpAddress ?? undefined,
    privateIp: i.PrivateIpAddress ?? undefined,
    availabilityZone: i.Placement?.AvailabilityZone ?? undefined,
    subnetId: i.SubnetId ?? undefined,
    instanceType: i.InstanceType ?? undefined,
    launchTime: i.LaunchTime,
    batch: tagValue(i.Tags, TAG.batch),
    workshop: tagValue(i.Tags, TAG.workshop),
    tags,
  };
}

export interface DescribeByTagOptions {
  workshop: string;
  /** Only this batch (one `instances create` run). */
  batch?: string;
  /** Only these states (instance-state-name values). */
  states?: readonly string[];
  /** Called after each page, e.g. to count calls. */
  onPage?: (count: number) => void;
  abortSignal?: AbortSignal;
}

export function workshopFilters(o: Pick<DescribeByTagOptions, "workshop" | "batch" | "states">): Filter[] {
  const filters: Filter[] = [{ Name: `tag:${TAG.workshop}`, Values: [o.workshop] }];
  if (o.batch) filters.push({ Name: `tag:${TAG.batch}`, Values: [o.batch] });
  if (o.states?.length) filters.push({ Name: "instance-state-name", Values: [...o.states] });
  return filters;
}

/** Every instance tagged Workshop=<workshop> (and the batch / states, if given), all pages. */
export async function describeWorkshopInstances(ec2: EC2Client, o: DescribeByTagOptions): Promise<WorkshopInstance[]> {
  const out: WorkshopInstance[] = [];
  const pages = paginateDescribeInstances(
    { client: ec2, pageSize: MAX_PAGE },
    { Filters: workshopFilters(o) },
  );
  for await (const page of pages) {
    let n = 0;
    for (const r of page.Reservations ?? []) {
      for (const i of r.Instances ?? []) {
        out.push(toWorkshopInstance(i));
        n++;
      }
    }
    o.onPage?.(n);
    if (o.abortSignal?.aborted) break;
  }
  return out;
}

/** DescribeInstanceStatus accepts at most 100 instance ids per call (AWS-FACTS.md, "Call limits"). */
export const STATUS_CHUNK = 100;

export interface InstanceChecks {
  instance: string;
  system: string;
}

/** Ids EC2 names in an InvalidInstanceID.NotFound message ("The instance IDs 'i-1, i-2' do not exist"). */
export function idsInMessage(message: string | undefined): string[] {
  return [...new Set((message ?? "").match(/\bi-[0-9a-f]{8,17}\b/g) ?? [])];
}

/**
 * Status checks of the given (running) instances, in id chunks of 100. An id that vanished since
 * it was listed (InvalidInstanceID.NotFound) is dropped and the chunk asked again, so a race
 * with EC2 never fails the whole listing. Ids EC2 reports nothing for are simply absent.
 * `retry` wraps each call (e.g. backoff.ts withRetry); `onCall` counts attempts made here.
 */
export async function describeStatusChecks(
  ec2: EC2Client,
  instanceIds: readonly string[],
  o: { abortSignal?: AbortSignal; onCall?: () => void; retry?: <T>(fn: () => Promise<T>) => Promise<T> } = {},
): Promise<Map<string, InstanceChecks>> {
  const retry = o.retry ?? (<T>(fn: () => Promise<T>) => fn());
  const out = new Map<string, InstanceChecks>();
  for (let start = 0; start < instanceIds.length; start += STATUS_CHUNK) {
    let chunk = instanceIds.slice(start, start + STATUS_CHUNK);
    while (chunk.length > 0) {
      try {
        o.onCall?.();
        const ids = chunk;
        const res = await retry(() =>
          ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: ids }), { abortSignal: o.abortSignal }),
        );
        for (const s of res.InstanceStatuses ?? []) {
          if (!s.InstanceId) continue;
          out.set(s.InstanceId, {
            instance: s.InstanceStatus?.Status ?? "unknown",
            system: s.SystemStatus?.Status ?? "unknown",
          });
        }
        break;
      } catch (err) {
        const e = err as { name?: string; message?: string };
        const gone = e.name === "InvalidInstanceID.NotFound" ? new Set(idsInMessage(e.message)) : new Set<string>();
        const rest = chunk.filter((id) => !gone.has(id));
        if (gone.size === 0 || rest.length === chunk.length) throw err;
        chunk = rest;
      }
    }
  }
  return out;
}
