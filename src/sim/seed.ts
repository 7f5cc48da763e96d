// Seeding: what an account looks like before the tool touches it (a default VPC, a few AMIs),
// what a built workshop has (seedWorkshop), and other people's instances (seedInstances).
import { addImage } from "./actions/catalog.js";
import { addSecurityGroup, addSubnet, addVpc } from "./actions/network.js";
import { addLaunchTemplate } from "./actions/templates.js";
import type { SeededWorkshop, SeedInstancesOptions, SeedWorkshopOptions } from "./types.js";
import type { Reservation, SimInstance, Subnet, World } from "./world.js";

/** The AMI test fixtures use (test/helpers/workshop-home.ts) and Amazon's own image. */
export const WORKSHOP_AMI = "ami-0123456789abcdef0";
export const AMAZON_LINUX_AMI = "ami-0abcdef1234567890";
const AMAZON_OWNER = "137112412989";

export function seedAccount(world: World, now: number): void {
  const vpc = addVpc(world, "172.31.0.0/16", new Map(), true);
  world.azs.forEach((az, i) => {
    addSubnet(world, vpc.id, `172.31.${i * 16}.0/20`, az.name, new Map(), { mapPublicIp: true, defaultForAz: true });
  });
  addImage(world, WORKSHOP_AMI, "workshop-image", world.accountId, now);
  addImage(world, AMAZON_LINUX_AMI, "al2023-ami-2023.6.20250101.0-kernel-6.1-x86_64", AMAZON_OWNER, now);
}

export function seedWorkshop(world: World, name: string, o: SeedWorkshopOptions, now: number): SeededWorkshop {
  const azCount = o.azs ?? 3;
  if (!(azCount >= 1 && azCount <= 3)) throw new RangeError(`azs must be 1..3, got ${azCount}`);
  const ami = o.ami ?? WORKSHOP_AMI;
  const instanceType = o.instanceType ?? "t3.micro";
  const publicIp = o.publicIp ?? true;
  if (!world.images.has(ami)) addImage(world, ami, `${name}-image`, world.accountId, now);
  const base = (): Map<string, string> => new Map([["Workshop", name], ["ManagedBy", "ec2-workshop"]]);
  const withName = (n: string): Map<string, string> => new Map([...base(), ["Name", n]]);
  const vpc = addVpc(world, "10.0.0.0/16", withName(`${name}-vpc`));
  const subnets: Subnet[] = world.azs.slice(0, azCount).map((az, i) =>
    addSubnet(world, vpc.id, `10.0.${i * 16}.0/20`, az.name, withName(`${name}-public-${az.name}`), { mapPublicIp: publicIp }),
  );
  const sg = addSecurityGroup(world, vpc.id, `ec2-workshop-${name}`, `Workshop ${name}: attendee access`, withName(`${name}-sg`));
  const lt = addLaunchTemplate(
    world,
    `ec2-workshop-${name}`,
    {
      imageId: ami,
      instanceType,
      securityGroupIds: [],
      networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: publicIp, deleteOnTermination: true, groups: [sg.id] }],
      tagSpecifications: [
        { resourceType: "instance", tags: base() },
        { resourceType: "volume", tags: base() },
      ],
      blockDeviceMappings: [{ deviceName: "/dev/xvda", volumeSize: 8, volumeType: "gp3", deleteOnTermination: true, encrypted: true }],
      httpTokens: "required",
      httpEndpoint: "enabled",
      httpPutResponseHopLimit: 2,
    },
    base(),
    now,
  );
  // What the stack builds for expiry (src/workshops/program.ts): a schedule group, and a role
  // EventBridge Scheduler assumes that may terminate only this workshop's instances.
  const scheduleGroupName = `ec2-workshop-${name}`;
  if (!world.scheduler.groups.has(scheduleGroupName)) world.scheduler.addGroup(scheduleGroupName, now);
  const schedulerRoleArn = world.scheduler.addRole(`ec2-workshop-${name}-scheduler`, { key: "Workshop", value: name });
  return {
    vpcId: vpc.id,
    subnetIds: subnets.map((s) => s.id),
    availabilityZones: subnets.map((s) => s.az.name),
    securityGroupId: sg.id,
    launchTemplateId: lt.id,
    launchTemplateName: lt.name,
    schedulerRoleArn,
    scheduleGroupName,
  };
}

export function seedInstances(world: World, count: number, o: SeedInstancesOptions, now: number): string[] {
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`count must be a whole number, got ${count}`);
  const subnets = o.subnetId
    ? [world.subnets.get(o.subnetId) ?? fail(`no subnet ${o.subnetId}`)]
    : [...world.subnets.values()].filter((s) => s.defaultForAz);
  const instanceType = o.instanceType ?? "t3.micro";
  const groupFor = (s: Subnet): { id: string; name: string }[] =>
    [...world.securityGroups.values()].filter((g) => g.vpcId === s.vpcId && g.name === "default").map((g) => ({ id: g.id, name: g.name }));
  const reservation: Reservation = { id: world.newId("r"), ownerId: world.accountId, instances: [], groups: groupFor(subnets[0]!) };
  for (let i = 0; i < count; i++) {
    const subnet = subnets[i % subnets.length]!;
    const inst: SimInstance = {
      seq: world.nextSeq(),
      id: world.newId("i"),
      reservationId: reservation.id,
      imageId: AMAZON_LINUX_AMI,
      instanceType,
      subnet,
      vpcId: subnet.vpcId,
      az: subnet.az.name,
      privateIp: world.newPrivateIp(subnet),
      wantsPublicIp: subnet.mapPublicIpOnLaunch,
      launchTime: now,
      createdAt: now,
      amiLaunchIndex: i,
      tags: new Map(Object.entries(o.tags ?? {})),
      volume: { id: world.newId("vol"), deviceName: "/dev/xvda", size: 8, tags: new Map() },
      securityGroups: groupFor(subnet),
      timeline: [],
      httpTokens: "optional",
      tagsVersion: 0,
    };
    world.placeSeeded(inst, o.state ?? "running", now);
    reservation.instances.push(inst);
    world.addInstance(inst);
  }
  world.reservations.set(reservation.id, reservation);
  return reservation.instances.map((i) => i.id);
}

function fail(message: string): never {
  throw new RangeError(message);
}
