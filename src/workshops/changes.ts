// Which setting changes would replace or remove a built workshop's network, security group or
// launch template (the Pulumi program's resources: a changed VPC CIDR replaces the VPC and with
// it everything inside; an AZ dropped deletes its subnet). Instances still running there would
// hold them (AWS refuses, or the update leaves them cut off), so `workshop update` refuses these
// while the workshop has live instances. Changes that update in place (ports, CIDRs, image,
// instance type, key pair, volume, user data: a new template version) are not listed.
import type { WorkshopSettings } from "./settings.js";

export function replacingChanges(current: WorkshopSettings, next: WorkshopSettings): string[] {
  if (current.launchTemplate) return [];
  const changes: string[] = [];
  if (next.vpcCidr !== current.vpcCidr)
    changes.push(`--vpc-cidr ${next.vpcCidr} (was ${current.vpcCidr}) replaces the VPC with its subnets, security group and routes`);
  const dropped = (current.azs ?? []).filter((az) => !(next.azs ?? []).includes(az));
  if (dropped.length) changes.push(`--azs ${next.azCount} removes the subnet${dropped.length > 1 ? "s" : ""} in ${dropped.join(", ")}`);
  return changes;
}

/** Adopting a template on a workshop that built its own would delete its network and template. */
export function adoptsOnBuilt(current: WorkshopSettings, next: WorkshopSettings): boolean {
  return !current.launchTemplate && Boolean(next.launchTemplate);
}
