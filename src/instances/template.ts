// The workshop's launch template in EC2: does it exist, and what does it launch (type, network
// interface)? Read once before launching so the confirmation names the real instance type and
// the launcher can override the subnet without losing the template's interface settings.
import {
  DescribeLaunchTemplateVersionsCommand,
  DescribeLaunchTemplatesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { UserError } from "../errors.js";
import { launchTemplateRef, type WorkshopSettings } from "../workshops/settings.js";
import { commandToType } from "../invocation.js";

const NOT_FOUND = new Set([
  "InvalidLaunchTemplateName.NotFoundException",
  "InvalidLaunchTemplateId.NotFound",
  "InvalidLaunchTemplateId.Malformed",
  "InvalidLaunchTemplateName.MalformedException",
]);

export function isTemplateNotFound(err: unknown): boolean {
  return NOT_FOUND.has((err as { name?: string })?.name ?? "");
}

/** How the workshop's settings name its template, for messages. */
export function templateLabel(s: WorkshopSettings): string {
  const ref = launchTemplateRef(s);
  return "LaunchTemplateId" in ref ? ref.LaunchTemplateId : ref.LaunchTemplateName;
}

export type TemplateCheck = { ok: true; id: string; name: string } | { ok: false; reason: string };

/** One DescribeLaunchTemplates call: does the workshop's template exist in its region? */
export async function checkLaunchTemplate(ec2: EC2Client, s: WorkshopSettings, signal?: AbortSignal): Promise<TemplateCheck> {
  const ref = launchTemplateRef(s);
  const input = "LaunchTemplateId" in ref ? { LaunchTemplateIds: [ref.LaunchTemplateId] } : { LaunchTemplateNames: [ref.LaunchTemplateName] };
  try {
    const out = await ec2.send(new DescribeLaunchTemplatesCommand(input), { abortSignal: signal });
    const lt = out.LaunchTemplates?.[0];
    if (!lt?.LaunchTemplateId) return { ok: false, reason: `launch template ${templateLabel(s)} not found in ${s.region}` };
    return { ok: true, id: lt.LaunchTemplateId, name: lt.LaunchTemplateName ?? "" };
  } catch (err) {
    if (isTemplateNotFound(err)) return { ok: false, reason: `launch template ${templateLabel(s)} not found in ${s.region}` };
    throw err;
  }
}

export interface LaunchTemplateInfo {
  id: string;
  name: string;
  /** The version read (the default one); launches use exactly this version. */
  version: string;
  instanceType?: string;
  /** The AMI the template launches (the workshop's `ami` when the template names none). */
  imageId?: string;
  /** The template's block device mappings (the root volume's size and type, when it sets them). */
  blockDevices?: { deviceName?: string; volumeSize?: number; volumeType?: string }[];
  /** The template's primary network interface, when it defines one (then a subnet goes there). */
  primaryInterface?: { associatePublicIpAddress?: boolean; groups?: string[]; deleteOnTermination?: boolean };
  /** Every security group the template names (its own and its interfaces'): they tell its VPC. */
  securityGroupIds?: string[];
}

/** Reads the template's default version; a missing template is one clear UserError. */
export async function readLaunchTemplate(ec2: EC2Client, s: WorkshopSettings, signal?: AbortSignal): Promise<LaunchTemplateInfo> {
  const ref = launchTemplateRef(s);
  let out;
  try {
    out = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ ...ref, Versions: ["$Default"] }), { abortSignal: signal });
  } catch (err) {
    if (isTemplateNotFound(err)) throw missingTemplate(s);
    throw err;
  }
  const v = out.LaunchTemplateVersions?.[0];
  if (!v?.LaunchTemplateId) throw missingTemplate(s);
  const data = v.LaunchTemplateData ?? {};
  const nic = data.NetworkInterfaces?.find((n) => (n.DeviceIndex ?? 0) === 0);
  return {
    id: v.LaunchTemplateId,
    name: v.LaunchTemplateName ?? templateLabel(s),
    version: String(v.VersionNumber ?? "$Default"),
    instanceType: data.InstanceType ?? s.instanceType,
    imageId: data.ImageId ?? s.ami,
    blockDevices: (data.BlockDeviceMappings ?? []).map((b) => ({ deviceName: b.DeviceName, volumeSize: b.Ebs?.VolumeSize, volumeType: b.Ebs?.VolumeType })),
    securityGroupIds: [...new Set([...(data.SecurityGroupIds ?? []), ...(data.NetworkInterfaces ?? []).flatMap((n) => n.Groups ?? [])])],
    primaryInterface: nic
      ? {
          associatePublicIpAddress: nic.AssociatePublicIpAddress,
          groups: nic.Groups?.length ? nic.Groups : undefined,
          deleteOnTermination: nic.DeleteOnTermination,
        }
      : undefined,
  };
}

function missingTemplate(s: WorkshopSettings): UserError {
  const how = s.launchTemplate
    ? `Check ec2-workshop:launchTemplate in stacks/Pulumi.${s.name}.yaml`
    : `Build it with \`${commandToType(`workshop create ${s.name}`)}\` (or \`${commandToType(`workshop update ${s.name}`)}\`)`;
  return new UserError(`Workshop "${s.name}" has no launch template ${templateLabel(s)} in ${s.region}. ${how}.`);
}
