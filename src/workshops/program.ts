// The Pulumi program of one workshop: its network and its launch template (DESIGN.md,
// "Workshop = stack"). Heavy (loads @pulumi/pulumi and @pulumi/aws): only main.ts (run by the
// Pulumi engine) and the program's tests import it, never a command.
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "../errors.js";
import { MANAGED_BY, TAG } from "../instances/tags.js";
import { PROJECT, cidrFamily, checkBuildable, checkWorkshopName, launchTemplateName, settingsFromConfig, type WorkshopSettings } from "./settings.js";

/** Subnets go into at most this many Availability Zones (DESIGN.md). */
export const MAX_AZS = 3;

export interface ProgramOptions {
  /** The workshop directory: relative `userDataFile` paths start here (Pulumi runs the program with it as cwd). */
  home?: string;
  /** An EC2-compatible endpoint (the simulator, LocalStack): the AWS provider sends EC2 and STS calls there. */
  endpointUrl?: string;
}

/** What `pulumi stack output` shows, and `workshop show` prints. */
export interface WorkshopOutputs {
  workshop: string;
  region: string;
  adopted: boolean;
  vpcId?: pulumi.Output<string>;
  /** Availability Zone -> subnet id. */
  subnetIds?: pulumi.Output<Record<string, string>>;
  securityGroupId?: pulumi.Output<string>;
  launchTemplateId: pulumi.Output<string>;
  launchTemplateName: pulumi.Output<string>;
  launchTemplateVersion: pulumi.Output<number>;
}

/**
 * The subnet at `index` inside `vpcCidr`, two bits longer (so four fit; three are used):
 * 10.42.0.0/16 -> 10.42.0.0/18, 10.42.64.0/18, 10.42.128.0/18.
 */
export function subnetCidr(vpcCidr: string, index: number, newBits = 2): string {
  const [address, bitsText] = vpcCidr.split("/") as [string, string];
  const bits = Number(bitsText) + newBits;
  const base = address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  const size = 2 ** (32 - bits);
  const start = base + index * size;
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
  return `${octets.join(".")}/${bits}`;
}

/**
 * The /64 at `index` inside the VPC's Amazon-provided IPv6 block (a /56):
 * 2600:1f18:abc:de00::/56 -> 2600:1f18:abc:de00::/64, 2600:1f18:abc:de01::/64, ...
 */
export function ipv6SubnetCidr(vpcIpv6Cidr: string, index: number): string {
  const [address, bitsText] = vpcIpv6Cidr.split("/") as [string, string];
  const [head = "", tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right].map((g) => parseInt(g, 16));
  const value = groups.reduce((n, g) => (n << 16n) | BigInt(g), 0n) + (BigInt(index) << BigInt(128 - 64));
  if (Number(bitsText) > 64 || groups.length !== 8 || groups.some((g) => Number.isNaN(g)))
    throw new UserError(`The VPC's IPv6 block ${vpcIpv6Cidr} cannot hold /64 subnets.`);
  const hextets = [0, 1, 2, 3].map((i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return `${hextets.join(":")}::/64`;
}

/** The AWS provider every resource uses: the workshop's region, its default tags, and an optional endpoint. */
function workshopProvider(s: WorkshopSettings, o: ProgramOptions): aws.Provider {
  const endpoint = o.endpointUrl?.trim();
  return new aws.Provider(`${PROJECT}-${s.name}`, {
    region: s.region as aws.Region,
    defaultTags: { tags: { [TAG.workshop]: s.name, [TAG.managedBy]: MANAGED_BY } },
    ...(endpoint
      ? {
          // An EC2-compatible endpoint has no real IAM/STS behind it: skip the provider's own probes.
          endpoints: [{ ec2: endpoint, sts: endpoint }],
          skipCredentialsValidation: true,
          skipRequestingAccountId: true,
          skipMetadataApiCheck: true,
          skipRegionValidation: true,
        }
      : {}),
  });
}

function readUserData(s: WorkshopSettings, o: ProgramOptions): string | undefined {
  if (!s.userDataFile) return undefined;
  const file = isAbsolute(s.userDataFile) ? s.userDataFile : resolve(o.home ?? process.cwd(), s.userDataFile);
  try {
    // Launch templates take user data base64-encoded.
    return readFileSync(file).toString("base64");
  } catch (err) {
    throw new UserError(`Cannot read the user data file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
}

/** The security group's openings: each port range to each CIDR, IPv4 and IPv6 rules apart. */
export function ingressRules(s: WorkshopSettings): aws.types.input.ec2.SecurityGroupIngress[] {
  const v4 = s.cidrs.filter((c) => cidrFamily(c) === 4);
  const v6 = s.cidrs.filter((c) => cidrFamily(c) === 6);
  return s.ports.map((p) => ({
    description: `${PROJECT} ${s.name}: TCP ${p.from === p.to ? p.from : `${p.from}-${p.to}`}`,
    protocol: "tcp",
    fromPort: p.from,
    toPort: p.to,
    ...(v4.length ? { cidrBlocks: v4 } : {}),
    ...(v6.length ? { ipv6CidrBlocks: v6 } : {}),
  }));
}

/** The workshop's network and launch template, grouped under one component. */
export class Workshop extends pulumi.ComponentResource {
  readonly outputs: Promise<WorkshopOutputs>;

  constructor(settings: WorkshopSettings, options: ProgramOptions = {}, opts?: pulumi.ComponentResourceOptions) {
    super(`${PROJECT}:index:Workshop`, settings.name, {}, opts);
    this.outputs = this.build(settings, options);
    this.outputs.then(
      (outputs) => this.registerOutputs(outputs as unknown as pulumi.Inputs),
      () => undefined,
    );
  }

  private async build(s: WorkshopSettings, o: ProgramOptions): Promise<WorkshopOutputs> {
    const userData = readUserData(s, o); // a missing file fails before anything exists
    const provider = workshopProvider(s, o);
    const child = { parent: this, provider };
    const base = { workshop: s.name, region: s.region };

    if (s.launchTemplate) {
      // Adopting an existing template: build nothing, only check it exists (the lookup fails otherwise).
      const lt = await aws.ec2.getLaunchTemplate({ id: s.launchTemplate }, child);
      return {
        ...base,
        adopted: true,
        launchTemplateId: pulumi.output(lt.id),
        launchTemplateName: pulumi.output(lt.name),
        launchTemplateVersion: pulumi.output(lt.latestVersion),
      };
    }

    const name = `${PROJECT}-${s.name}`;
    const offerings = await aws.ec2.getInstanceTypeOfferings(
      { locationType: "availability-zone", filters: [{ name: "instance-type", values: [s.instanceType!] }] },
      child,
    );
    const azs = [...new Set(offerings.locations)].sort().slice(0, Math.min(s.azCount, MAX_AZS));
    if (azs.length === 0)
      throw new UserError(`No Availability Zone in ${s.region} offers ${s.instanceType}: choose another instance type or region.`);
    // The AMI's root device name (/dev/xvda, /dev/sda1, ...) is where the root volume settings go.
    const ami = await aws.ec2.getAmi({ filters: [{ name: "image-id", values: [s.ami!] }] }, child);

    // An IPv6 CIDR in the settings needs IPv6 on the network too: without it the IPv6 rules open
    // nothing (instances would have no IPv6 address). The VPC then gets an Amazon-provided /56
    // and each subnet a /64 that gives every instance an address.
    const ipv6 = s.cidrs.some((c) => cidrFamily(c) === 6);
    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: s.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, ...(ipv6 ? { assignGeneratedIpv6CidrBlock: true } : {}), tags: { Name: name } },
      child,
    );
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: name } }, child);
    const routes = new aws.ec2.RouteTable(
      `${name}-public`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }, ...(ipv6 ? [{ ipv6CidrBlock: "::/0", gatewayId: igw.id }] : [])],
        tags: { Name: `${name}-public` },
      },
      child,
    );
    const subnets = azs.map((az, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-${az}`,
        {
          vpcId: vpc.id,
          availabilityZone: az,
          cidrBlock: subnetCidr(s.vpcCidr, i),
          mapPublicIpOnLaunch: true,
          ...(ipv6 ? { ipv6CidrBlock: vpc.ipv6CidrBlock.apply((block) => ipv6SubnetCidr(block, i)), assignIpv6AddressOnCreation: true } : {}),
          tags: { Name: `${name}-${az}` },
        },
        child,
      );
      new aws.ec2.RouteTableAssociation(`${name}-${az}`, { subnetId: subnet.id, routeTableId: routes.id }, child);
      return { az, subnet };
    });
    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: vpc.id,
        description: `${PROJECT} workshop ${s.name}: attendee access`,
        ingress: ingressRules(s),
        egress: [{ description: "all traffic out", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }],
        tags: { Name: name },
      },
      child,
    );
    // Instances and volumes launched from the template carry the workshop's tags from the first
    // second (default tags of the provider do not reach them).
    const launchedTags = { [TAG.workshop]: s.name, [TAG.managedBy]: MANAGED_BY };
    const lt = new aws.ec2.LaunchTemplate(
      `${name}-template`,
      {
        name: launchTemplateName(s.name),
        description: `${PROJECT} workshop ${s.name}`,
        imageId: s.ami,
        instanceType: s.instanceType,
        ...(s.keyPair ? { keyName: s.keyPair } : {}),
        ...(userData ? { userData } : {}),
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 },
        blockDeviceMappings: [
          { deviceName: ami.rootDeviceName, ebs: { volumeSize: s.volumeSize, volumeType: s.volumeType, deleteOnTermination: "true" } },
        ],
        networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true", deleteOnTermination: "true", securityGroups: [sg.id] }],
        tagSpecifications: [
          { resourceType: "instance", tags: launchedTags },
          { resourceType: "volume", tags: launchedTags },
        ],
        // `workshop update` makes a new version; the instance commands launch the default one.
        updateDefaultVersion: true,
        tags: { Name: name },
      },
      child,
    );
    return {
      ...base,
      adopted: false,
      vpcId: vpc.id,
      subnetIds: pulumi.all(subnets.map(({ az, subnet }) => subnet.id.apply((id) => [az, id] as const))).apply((pairs) => Object.fromEntries(pairs)),
      securityGroupId: sg.id,
      launchTemplateId: lt.id,
      launchTemplateName: lt.name,
      launchTemplateVersion: lt.latestVersion,
    };
  }
}

/**
 * Validates the stack's config (typanion, before anything is created) and declares the
 * workshop. Returns the stack outputs.
 */
export async function workshopProgram(stack: string, config: Record<string, unknown>, options: ProgramOptions = {}): Promise<WorkshopOutputs> {
  checkWorkshopName(stack);
  const settings = settingsFromConfig(stack, config, { where: `The config of stack ${stack}` });
  checkBuildable(settings);
  return new Workshop(settings, options).outputs;
}
