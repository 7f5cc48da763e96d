// The Pulumi program of one workshop: its network, its launch template, and what EventBridge
// Scheduler needs to terminate its instances at expiry (DESIGN.md, "Workshop = stack"). Heavy
// (loads @pulumi/pulumi and @pulumi/aws): only main.ts (run by the Pulumi engine) and the
// program's tests import it, never a command.
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "../errors.js";
import { MANAGED_BY, TAG } from "../instances/tags.js";
import { subnetOf } from "./cidr.js";
import { MAX_AZS_PER_WORKSHOP, PROJECT, cidrFamily, checkBuildable, checkWorkshopName, launchTemplateName, settingsFromConfig, type WorkshopSettings } from "./settings.js";

export const MAX_AZS = MAX_AZS_PER_WORKSHOP;

export interface ProgramOptions {
  /**
   * The workshop directory (the folder of Pulumi.yaml): relative `userDataFile` paths start here.
   * Not the program's working directory: the engine runs the program in the folder of `main`.
   */
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
  /** The IAM role EventBridge Scheduler assumes to terminate this workshop's instances at expiry. */
  schedulerRoleArn: pulumi.Output<string>;
  /** The workshop's EventBridge Scheduler schedule group (its expiry schedules go there). */
  scheduleGroupName: pulumi.Output<string>;
}

/**
 * The subnet at `index` inside `vpcCidr`, two bits longer (so four fit; three are used):
 * 10.42.0.0/16 -> 10.42.0.0/18, 10.42.64.0/18, 10.42.128.0/18.
 */
export function subnetCidr(vpcCidr: string, index: number, newBits = 2): string {
  return subnetOf(vpcCidr, newBits, index);
}

/**
 * The /64 at `index` inside the VPC's Amazon-provided IPv6 block (a /56), in the canonical form
 * AWS reports it in (else every update would see a change): 2600:1f18:abc:de00::/56 ->
 * 2600:1f18:abc:de00::/64, 2600:1f18:abc:de01::/64; 2600:1f18::/56 -> 2600:1f18::/64, 2600:1f18:0:1::/64.
 */
export function ipv6SubnetCidr(vpcIpv6Cidr: string, index: number): string {
  const bits = Number(vpcIpv6Cidr.split("/")[1]);
  if (!(bits <= 64) || cidrFamily(vpcIpv6Cidr) !== 6) throw new UserError(`The VPC's IPv6 block ${vpcIpv6Cidr} cannot hold /64 subnets.`);
  return subnetOf(vpcIpv6Cidr, 64 - bits, index);
}

/** The AWS provider every resource uses: the workshop's region, its default tags, and an optional endpoint. */
function workshopProvider(s: WorkshopSettings, o: ProgramOptions): aws.Provider {
  const endpoint = o.endpointUrl?.trim();
  return new aws.Provider(`${PROJECT}-${s.name}`, {
    region: s.region as aws.Region,
    defaultTags: { tags: { [TAG.workshop]: s.name, [TAG.managedBy]: MANAGED_BY } },
    ...(endpoint
      ? {
          // An AWS-compatible endpoint (LocalStack, the simulator) for every service the program
          // uses; it has no real IAM/STS behind it, so skip the provider's own probes.
          endpoints: [{ ec2: endpoint, sts: endpoint, iam: endpoint, scheduler: endpoint }],
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
  if (!isAbsolute(s.userDataFile) && !o.home)
    throw new UserError(
      `The user data file ${s.userDataFile} (ec2-workshop:userDataFile) is a relative path, and this Pulumi CLI does not say where the workshop directory is: make the path absolute, or update the Pulumi CLI.`,
    );
  const file = isAbsolute(s.userDataFile) ? s.userDataFile : resolve(o.home!, s.userDataFile);
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
      // Adopting an existing template: build no network, only check it exists.
      const lt = await lookup(`The launch template ${s.launchTemplate} (ec2-workshop:launchTemplate)`, s, () =>
        aws.ec2.getLaunchTemplate({ id: s.launchTemplate }, child),
      );
      return {
        ...base,
        adopted: true,
        launchTemplateId: pulumi.output(lt.id),
        launchTemplateName: pulumi.output(lt.name),
        launchTemplateVersion: pulumi.output(lt.latestVersion),
        ...this.expiry(s, child),
      };
    }

    const name = `${PROJECT}-${s.name}`;
    const azs = s.azs ?? (await this.offeringAzs(s, child));
    if (azs.length === 0)
      throw new UserError(`No Availability Zone in ${s.region} offers ${s.instanceType}: choose another instance type or region.`);
    // The AMI's root device name (/dev/xvda, /dev/sda1, ...) is where the root volume settings go.
    // Deprecated images still launch (the tool warns before), so the lookup must find them too.
    const ami = await lookup(`The AMI ${s.ami} (ec2-workshop:ami)`, s, () =>
      aws.ec2.getAmi({ filters: [{ name: "image-id", values: [s.ami!] }], includeDeprecated: true }, child),
    );

    // An IPv6 CIDR in the settings needs IPv6 on the network too: without it the IPv6 rules open
    // nothing (instances would have no IPv6 address). The VPC then gets an Amazon-provided /56
    // and each subnet a /64 that gives every instance an address. Once on it stays on (the
    // `ipv6` setting): turning it off would remove the VPC's IPv6 block under live subnets.
    const ipv6 = s.ipv6;
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
        // A replaced subnet keeps its CIDR: the old one must be gone before the new one exists.
        { ...child, deleteBeforeReplace: true },
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
          {
            deviceName: ami.rootDeviceName,
            ebs: { volumeSize: s.volumeSize, volumeType: s.volumeType, ...(s.volumeIops !== undefined ? { iops: s.volumeIops } : {}), deleteOnTermination: "true" },
          },
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
      ...this.expiry(s, child),
    };
  }

  /** Without kept AZs (a file from an earlier version, a hand-run `pulumi up`): the first that offer the type. */
  private async offeringAzs(s: WorkshopSettings, child: pulumi.InvokeOptions): Promise<string[]> {
    const offerings = await lookup(`The Availability Zones offering ${s.instanceType} (ec2-workshop:instanceType)`, s, () =>
      aws.ec2.getInstanceTypeOfferings({ locationType: "availability-zone", filters: [{ name: "instance-type", values: [s.instanceType!] }] }, child),
    );
    return [...new Set(offerings.locations)].sort().slice(0, Math.min(s.azCount, MAX_AZS));
  }

  /**
   * What lets AWS end the workshop's instances at their expiry without the tool running: a
   * schedule group for the one-time EventBridge Scheduler schedules, and the role those
   * schedules assume. The role trusts only EventBridge Scheduler acting for this account's
   * schedule group, and may only terminate instances tagged Workshop=<name>.
   */
  private expiry(s: WorkshopSettings, child: pulumi.CustomResourceOptions): Pick<WorkshopOutputs, "schedulerRoleArn" | "scheduleGroupName"> {
    const name = `${PROJECT}-${s.name}`;
    const group = new aws.scheduler.ScheduleGroup(`${name}-schedules`, { name: scheduleGroupName(s.name), tags: { Name: name } }, child);
    // arn:<partition>:scheduler:<region>:<account>:schedule-group/<name>
    const arnPart = (i: number) => group.arn.apply((arn) => arn.split(":")[i] ?? "");
    const role = new aws.iam.Role(
      `${name}-scheduler`,
      {
        description: `Lets EventBridge Scheduler terminate the instances of workshop ${s.name} at their expiry`,
        assumeRolePolicy: pulumi.all([arnPart(4), group.arn]).apply(([account, groupArn]) => JSON.stringify(schedulerTrustPolicy(account, groupArn))),
        tags: { Name: `${name}-scheduler` },
      },
      child,
    );
    new aws.iam.RolePolicy(
      `${name}-terminate`,
      { role: role.id, policy: pulumi.all([arnPart(1), arnPart(4)]).apply(([partition, account]) => JSON.stringify(terminatePolicy(s, partition, account))) },
      child,
    );
    return { schedulerRoleArn: role.arn, scheduleGroupName: group.name };
  }
}

/** The schedule group of a workshop (one per workshop and region, like its launch template). */
export function scheduleGroupName(workshop: string): string {
  return `${PROJECT}-${workshop}`;
}

/** Who may assume the scheduler role: EventBridge Scheduler, for this account's schedule group only. */
export function schedulerTrustPolicy(account: string, groupArn: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": account, "aws:SourceArn": groupArn } },
      },
    ],
  };
}

/** What the scheduler role may do: terminate instances of this region and account tagged with this workshop, nothing else. */
export function terminatePolicy(s: WorkshopSettings, partition: string, account: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "ec2:TerminateInstances",
        Resource: `arn:${partition || "aws"}:ec2:${s.region}:${account || "*"}:instance/*`,
        Condition: { StringEquals: { [`aws:ResourceTag/${TAG.workshop}`]: s.name } },
      },
    ],
  };
}

/**
 * A lookup (data source) the program depends on: when AWS cannot answer it, one line that names
 * the value, instead of the provider's multi-line error.
 */
async function lookup<T>(what: string, s: WorkshopSettings, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    // The provider's text: "invoking aws:ec2/getAmi:getAmi: 1 error occurred:\n\t* <what AWS said>".
    const lines = ((err as Error)?.message ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
    const reason = lines.find((l) => l.startsWith("* "))?.slice(2) ?? lines[0];
    throw new UserError(`${what} could not be found in ${s.region}${reason ? ` (${reason})` : ""}. Check it, then run \`ec2-workshop workshop update ${s.name}\`.`);
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
