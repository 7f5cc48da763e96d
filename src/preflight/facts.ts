// What the preflight reads from AWS, one small function per fact: the type's vCPUs and
// architectures, the vCPUs already running in its quota group, the quota itself, where the type
// is offered, the subnets' free addresses, and a DryRun launch. No judging here (checks.ts does
// that). Heavy (SDK): import lazily.
import {
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  RunInstancesCommand,
  type EC2Client,
  type _InstanceType,
} from "@aws-sdk/client-ec2";
import { GetServiceQuotaCommand, type ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { newBatchId, runInstancesInput, type WorkshopSubnet } from "../instances/launch.js";
import type { LaunchTemplateInfo } from "../instances/template.js";
import { onDemandQuotaFor, type VcpuQuota } from "./quota-codes.js";

export interface TypeFacts {
  instanceType: string;
  vcpus: number;
  architectures: string[];
}

/** DescribeInstanceTypes for these types (100 a call, EC2's limit); InvalidInstanceType is thrown. */
export async function describeTypes(ec2: EC2Client, types: readonly string[], signal?: AbortSignal): Promise<Map<string, TypeFacts>> {
  const out = new Map<string, TypeFacts>();
  const unique = [...new Set(types)];
  for (let i = 0; i < unique.length; i += 100) {
    const page = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: unique.slice(i, i + 100) as _InstanceType[] }), { abortSignal: signal });
    for (const t of page.InstanceTypes ?? [])
      if (t.InstanceType)
        out.set(t.InstanceType, {
          instanceType: t.InstanceType,
          vcpus: t.VCpuInfo?.DefaultVCpus ?? 0,
          architectures: t.ProcessorInfo?.SupportedArchitectures ?? [],
        });
  }
  return out;
}

export interface VcpuUsage {
  /** vCPUs of the pending and running On-Demand instances in the quota's group. */
  vcpus: number;
  instances: number;
}

const COUNTED_STATES: readonly string[] = ["pending", "running"];

/**
 * The vCPUs counting against `quota` now: every pending or running On-Demand instance of the
 * region (not only this workshop's) whose family falls under the quota. Spot instances have
 * quotas of their own. Pending ones are counted: they are running in a minute.
 */
export async function vcpusInUse(ec2: EC2Client, quota: VcpuQuota, signal?: AbortSignal): Promise<VcpuUsage> {
  const perType = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: "instance-state-name", Values: [...COUNTED_STATES] }],
        MaxResults: 1000,
        ...(token ? { NextToken: token } : {}),
      }),
      { abortSignal: signal },
    );
    for (const r of page.Reservations ?? [])
      for (const i of r.Instances ?? []) {
        // The state is checked here too: an endpoint that ignores the filter would count stopped ones.
        if (!COUNTED_STATES.includes(i.State?.Name ?? "")) continue;
        if (!i.InstanceType || i.InstanceLifecycle === "spot" || onDemandQuotaFor(i.InstanceType)?.code !== quota.code) continue;
        perType.set(i.InstanceType, (perType.get(i.InstanceType) ?? 0) + 1);
      }
    token = page.NextToken || undefined;
  } while (token);
  const types = await describeTypes(ec2, [...perType.keys()], signal);
  let vcpus = 0;
  let instances = 0;
  for (const [type, n] of perType) {
    vcpus += n * (types.get(type)?.vcpus ?? 0);
    instances += n;
  }
  return { vcpus, instances };
}

/** The applied value of an EC2 quota (Service Quotas, in the client's region). */
export async function quotaValue(sq: ServiceQuotasClient, quota: VcpuQuota, signal?: AbortSignal): Promise<number> {
  const out = await sq.send(new GetServiceQuotaCommand({ ServiceCode: "ec2", QuotaCode: quota.code }), { abortSignal: signal });
  const value = out.Quota?.Value;
  if (typeof value !== "number") throw Object.assign(new Error(`Service Quotas gave no value for ${quota.code}`), { name: "NoSuchResourceException" });
  return value;
}

/** Of these AZs, those that offer the type (DescribeInstanceTypeOfferings). */
export async function azsOffering(ec2: EC2Client, instanceType: string, azs: readonly string[], signal?: AbortSignal): Promise<Set<string>> {
  const offered = new Set<string>();
  let token: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstanceTypeOfferingsCommand({
        LocationType: "availability-zone",
        Filters: [
          { Name: "instance-type", Values: [instanceType] },
          { Name: "location", Values: [...new Set(azs)] },
        ],
        ...(token ? { NextToken: token } : {}),
      }),
      { abortSignal: signal },
    );
    for (const o of page.InstanceTypeOfferings ?? []) if (o.InstanceType === instanceType && o.Location) offered.add(o.Location);
    token = page.NextToken || undefined;
  } while (token);
  return offered;
}

export interface SubnetFacts {
  subnetId: string;
  availabilityZone: string;
  freeAddresses: number;
  mapPublicIpOnLaunch: boolean;
}

export async function describeSubnets(ec2: EC2Client, subnets: readonly WorkshopSubnet[], signal?: AbortSignal): Promise<SubnetFacts[]> {
  const out = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnets.map((s) => s.subnetId) }), { abortSignal: signal });
  return (out.Subnets ?? []).map((s) => ({
    subnetId: s.SubnetId ?? "",
    availabilityZone: s.AvailabilityZone ?? "",
    freeAddresses: s.AvailableIpAddressCount ?? 0,
    mapPublicIpOnLaunch: s.MapPublicIpOnLaunch ?? false,
  }));
}

/**
 * RunInstances with DryRun, as a launch calls it (template, subnet, tags at launch): EC2 checks
 * the permissions and the parameters, launches nothing and answers with an error,
 * DryRunOperation when the launch would have succeeded; that error is thrown like any other.
 * One instance is asked for, so an EC2-compatible endpoint that ignored DryRun would start one
 * (tagged, and its id returned for the report), not N.
 */
export async function dryRunLaunch(
  ec2: EC2Client,
  o: { workshop: string; template: LaunchTemplateInfo; subnet?: WorkshopSubnet },
  signal?: AbortSignal,
): Promise<string[]> {
  const input = runInstancesInput({
    template: o.template,
    subnet: o.subnet,
    maxCount: 1,
    token: "",
    tags: { workshop: o.workshop, batch: newBatchId(), launchedBy: "ec2-workshop workshop check", launchedAt: new Date(), seats: [1], maximum: 1 },
  });
  delete input.ClientToken;
  const out = await ec2.send(new RunInstancesCommand({ ...input, DryRun: true }), { abortSignal: signal });
  return (out.Instances ?? []).map((i) => i.InstanceId ?? "?");
}
