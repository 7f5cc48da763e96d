// Reading a workshop's instances from EC2: always by tag (never long id lists, which hit
// FilterLimitExceeded at 200 values), paginated at EC2's maximum page size of 1000.
import { paginateDescribeInstances, type EC2Client, type Filter, type Instance } from "@aws-sdk/client-ec2";
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
