// Where a batch launches: the workshop's own subnets. Found by the ids its stack reported (the
// outputs cached in the settings file after every update), never by the Workshop tag alone: an
// orphan of an interrupted update, or another directory's workshop of the same name, carries the
// same tag. Without cached outputs (an adopted template, a workshop built by an earlier version
// or outside the tool), the tag is used, keeping only subnets in the VPC of the launch template's
// security groups.
import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  type Subnet,
} from "@aws-sdk/client-ec2";
import { UserError } from "../errors.js";
import type { WorkshopSettings } from "../workshops/settings.js";
import type { WorkshopSubnet } from "./launch.js";
import { TAG } from "./tags.js";
import { commandToType } from "../invocation.js";

const usable = (s: Subnet): boolean => Boolean(s.SubnetId) && (s.State === undefined || s.State === "available");

function inAzOrder(subnets: Subnet[]): WorkshopSubnet[] {
  return subnets
    .map((s) => ({ subnetId: s.SubnetId!, availabilityZone: s.AvailabilityZone ?? "" }))
    .sort((a, b) => a.availabilityZone.localeCompare(b.availabilityZone) || a.subnetId.localeCompare(b.subnetId));
}

/**
 * The workshop's subnets, available ones only, in AZ order; [] = launch where the template says.
 * `templateGroups` gives the security groups of the launch template (read once by the caller),
 * needed only when the settings hold no outputs.
 */
export async function findWorkshopSubnets(
  ec2: EC2Client,
  settings: WorkshopSettings,
  templateGroups: () => Promise<string[]>,
  signal?: AbortSignal,
): Promise<WorkshopSubnet[]> {
  const recorded = settings.outputs?.subnetIds;
  if (recorded && Object.keys(recorded).length) return recordedSubnets(ec2, settings, Object.values(recorded), signal);
  return taggedSubnetsOfTemplateVpc(ec2, settings, templateGroups, signal);
}

async function recordedSubnets(ec2: EC2Client, s: WorkshopSettings, ids: string[], signal?: AbortSignal): Promise<WorkshopSubnet[]> {
  // By filter, not SubnetIds: one subnet gone must not fail the whole lookup.
  const out = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "subnet-id", Values: ids }] }), { abortSignal: signal });
  const vpcId = s.outputs?.vpcId;
  const found = (out.Subnets ?? []).filter((x) => ids.includes(x.SubnetId ?? "") && (!vpcId || x.VpcId === vpcId) && usable(x));
  if (found.length === 0)
    throw new UserError(
      `None of the subnets workshop "${s.name}" recorded (${ids.join(", ")}) is available in ${s.region}: run \`${commandToType(`workshop update ${s.name}`)}\` to rebuild its network.`,
    );
  return inAzOrder(found);
}

async function taggedSubnetsOfTemplateVpc(ec2: EC2Client, s: WorkshopSettings, templateGroups: () => Promise<string[]>, signal?: AbortSignal): Promise<WorkshopSubnet[]> {
  const [tagged, vpcs] = await Promise.all([
    ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: `tag:${TAG.workshop}`, Values: [s.name] }] }), { abortSignal: signal }),
    templateGroups().then((groups) => groupVpcs(ec2, groups, signal)),
  ]);
  // The tag is checked here too: an endpoint may ignore filters.
  const ours = (tagged.Subnets ?? []).filter(
    (x) => usable(x) && x.VpcId !== undefined && vpcs.has(x.VpcId) && x.Tags?.some((t) => t.Key === TAG.workshop && t.Value === s.name),
  );
  return inAzOrder(ours);
}

/** The VPCs of these security groups (a template's: where it launches). */
async function groupVpcs(ec2: EC2Client, groups: string[], signal?: AbortSignal): Promise<Set<string>> {
  if (groups.length === 0) return new Set();
  const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groups }), { abortSignal: signal });
  return new Set((out.SecurityGroups ?? []).map((g) => g.VpcId).filter((v): v is string => Boolean(v)));
}
