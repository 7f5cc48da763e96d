// The Pulumi program under pulumi.runtime.setMocks: every resource is really constructed and
// its inputs are checked; no engine, no AWS. (@pulumi/* is imported only by this file's tests.)
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Workshop, ingressRules, ipv6SubnetCidr, subnetCidr, workshopProgram, type WorkshopOutputs } from "../../src/workshops/program.js";
import { settingsFromConfig } from "../../src/workshops/settings.js";

interface Created {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

interface MockWorld {
  /** AZs DescribeInstanceTypeOfferings answers with. */
  azs?: string[];
  /** getAmi fails (the AMI is not in the region). */
  noAmi?: boolean;
  rootDeviceName?: string;
  /** Launch templates that exist (for adoption). */
  templates?: Record<string, { name: string; latestVersion: number }>;
}

let created: Created[] = [];
/** Resource type -> the provider reference it was registered with. */
let providers = new Map<string, string | undefined>();
let calls: { token: string; inputs: any }[] = [];

async function useMocks(stack: string, world: MockWorld = {}): Promise<void> {
  created = [];
  calls = [];
  providers = new Map();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        created.push({ type: args.type, name: args.name, inputs: args.inputs });
        providers.set(args.type, args.provider);
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "aws:ec2/launchTemplate:LaunchTemplate") state.latestVersion = 1;
        if (args.type === "aws:ec2/vpc:Vpc" && args.inputs.assignGeneratedIpv6CidrBlock) state.ipv6CidrBlock = "2600:1f18:abc:de00::/56";
        if (args.type === "aws:scheduler/scheduleGroup:ScheduleGroup") state.arn = `arn:aws:scheduler:us-east-1:123456789012:schedule-group/${args.inputs.name}`;
        if (args.type === "aws:iam/role:Role") state.arn = `arn:aws:iam::123456789012:role/${args.name}-1a2b3c4`;
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        calls.push({ token: args.token, inputs: args.inputs });
        switch (args.token) {
          case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings":
            return { id: "x", locations: world.azs ?? ["us-east-1c", "us-east-1a", "us-east-1b", "us-east-1d"], locationTypes: [], instanceTypes: [] };
          case "aws:ec2/getAmi:getAmi":
            if (world.noAmi) throw new Error("Your query returned no results. Please change your search criteria and try again.");
            return { id: "ami-0123456789abcdef0", rootDeviceName: world.rootDeviceName ?? "/dev/xvda" };
          case "aws:ec2/getLaunchTemplate:getLaunchTemplate": {
            const lt = world.templates?.[args.inputs.id];
            if (!lt) throw new Error(`reading EC2 Launch Template (${args.inputs.id}): couldn't find resource`);
            return { id: args.inputs.id, ...lt };
          }
          default:
            throw new Error(`unexpected invoke ${args.token}`);
        }
      },
    },
    "ec2-workshop",
    stack,
  );
}

function unwrap<T>(o: pulumi.Input<T> | undefined): Promise<T | undefined> {
  if (o === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => pulumi.output(o).apply((v) => resolve(v as T)));
}

async function settle(outputs: WorkshopOutputs): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outputs)) out[k] = await unwrap(v as pulumi.Input<unknown>);
  return out;
}

const of = (type: string) => created.filter((r) => r.type === type);
const one = (type: string) => {
  const list = of(type);
  expect(list, type).to.have.length(1);
  return list[0]!;
};

function config(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "aws:region": "us-east-1",
    "ec2-workshop:maximum": "25",
    "ec2-workshop:instructions": "ssh student@<address>",
    "ec2-workshop:ami": "ami-0123456789abcdef0",
    "ec2-workshop:instanceType": "t3.micro",
    ...extra,
  };
}

describe("workshop program (pulumi mocks)", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "ec2ws-program-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("builds VPC, IGW, routes, a subnet per AZ (three of four, sorted), SG and the launch template", async () => {
    await useMocks("ws3");
    const outputs = await settle(await workshopProgram("ws3", config(), { home: dir }));

    const provider = one("pulumi:providers:aws");
    expect(provider.inputs.region).to.equal("us-east-1");
    expect(JSON.parse(provider.inputs.defaultTags)).to.deep.equal({ tags: { Workshop: "ws3", ManagedBy: "ec2-workshop" } });
    expect(provider.inputs.endpoints).to.equal(undefined);

    expect(one("aws:ec2/vpc:Vpc").inputs).to.include({ cidrBlock: "10.42.0.0/16", enableDnsHostnames: true });
    expect(one("aws:ec2/internetGateway:InternetGateway").inputs.vpcId).to.equal("ec2-workshop-ws3-vpc-id");
    const routes = one("aws:ec2/routeTable:RouteTable").inputs.routes;
    expect(routes).to.deep.include({ cidrBlock: "0.0.0.0/0", gatewayId: "ec2-workshop-ws3-igw-id" });
    expect(routes).to.deep.include({ ipv6CidrBlock: "::/0", gatewayId: "ec2-workshop-ws3-igw-id" });

    const subnets = of("aws:ec2/subnet:Subnet").map((r) => [r.inputs.availabilityZone, r.inputs.cidrBlock, r.inputs.mapPublicIpOnLaunch]);
    expect(subnets).to.deep.equal([
      ["us-east-1a", "10.42.0.0/18", true],
      ["us-east-1b", "10.42.64.0/18", true],
      ["us-east-1c", "10.42.128.0/18", true],
    ]);
    expect(of("aws:ec2/routeTableAssociation:RouteTableAssociation")).to.have.length(3);
    // the offerings were asked for this instance type, per AZ, through the workshop's provider
    const offer = calls.find((c) => c.token.endsWith("getInstanceTypeOfferings"))!;
    expect(offer.inputs.locationType).to.equal("availability-zone");
    expect(offer.inputs.filters).to.deep.equal([{ name: "instance-type", values: ["t3.micro"] }]);

    expect(outputs).to.deep.include({
      workshop: "ws3",
      adopted: false,
      vpcId: "ec2-workshop-ws3-vpc-id",
      securityGroupId: "ec2-workshop-ws3-sg-id",
      launchTemplateId: "ec2-workshop-ws3-template-id",
      launchTemplateName: "ec2-workshop-ws3",
      launchTemplateVersion: 1,
    });
    expect(outputs.subnetIds).to.deep.equal({
      "us-east-1a": "ec2-workshop-ws3-us-east-1a-id",
      "us-east-1b": "ec2-workshop-ws3-us-east-1b-id",
      "us-east-1c": "ec2-workshop-ws3-us-east-1c-id",
    });
  });

  it("the launch template: name, AMI, type, IMDSv2 required, root volume, public IP, tag specifications", async () => {
    await useMocks("lt", { rootDeviceName: "/dev/sda1" });
    await settle(await workshopProgram("lt", config({ "ec2-workshop:volumeSize": "30", "ec2-workshop:volumeType": "gp2", "ec2-workshop:keyPair": "teacher" }), { home: dir }));
    const lt = one("aws:ec2/launchTemplate:LaunchTemplate").inputs;
    expect(lt).to.include({ name: "ec2-workshop-lt", imageId: "ami-0123456789abcdef0", instanceType: "t3.micro", keyName: "teacher", updateDefaultVersion: true });
    expect(lt.metadataOptions).to.include({ httpTokens: "required", httpEndpoint: "enabled" });
    expect(lt.blockDeviceMappings).to.deep.equal([{ deviceName: "/dev/sda1", ebs: { volumeSize: 30, volumeType: "gp2", deleteOnTermination: "true" } }]);
    expect(lt.networkInterfaces).to.deep.equal([
      { deviceIndex: 0, associatePublicIpAddress: "true", deleteOnTermination: "true", securityGroups: ["ec2-workshop-lt-sg-id"] },
    ]);
    const tags = { Workshop: "lt", ManagedBy: "ec2-workshop" };
    expect(lt.tagSpecifications).to.deep.equal([
      { resourceType: "instance", tags },
      { resourceType: "volume", tags },
    ]);
    expect(lt.userData).to.equal(undefined);
  });

  it("one AZ when only one offers the type (or azCount is 1)", async () => {
    await useMocks("one", { azs: ["us-east-1d"] });
    const outputs = await settle(await workshopProgram("one", config(), { home: dir }));
    expect(of("aws:ec2/subnet:Subnet").map((r) => r.inputs.availabilityZone)).to.deep.equal(["us-east-1d"]);
    expect(outputs.subnetIds).to.deep.equal({ "us-east-1d": "ec2-workshop-one-us-east-1d-id" });

    await useMocks("one");
    await settle(await workshopProgram("one", config({ "ec2-workshop:azCount": "1", "ec2-workshop:vpcCidr": "10.9.8.0/24" }), { home: dir }));
    expect(of("aws:ec2/subnet:Subnet").map((r) => [r.inputs.availabilityZone, r.inputs.cidrBlock])).to.deep.equal([["us-east-1a", "10.9.8.0/26"]]);
  });

  it("no AZ offers the instance type: one clear error, nothing but the provider declared", async () => {
    await useMocks("none", { azs: [] });
    let message = "";
    try {
      await workshopProgram("none", config({ "ec2-workshop:instanceType": "p5.48xlarge" }), { home: dir });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.equal("No Availability Zone in us-east-1 offers p5.48xlarge: choose another instance type or region.");
    expect(created.filter((r) => r.type.startsWith("aws:ec2"))).to.deep.equal([]);
  });

  it("ports and CIDRs become IPv4 and IPv6 ingress rules; all egress", async () => {
    await useMocks("net");
    await settle(
      await workshopProgram(
        "net",
        config({ "ec2-workshop:ports": '[22, "8000-8010"]', "ec2-workshop:cidrs": '["203.0.113.0/24", "2001:db8::/32"]' }),
        { home: dir },
      ),
    );
    const sg = one("aws:ec2/securityGroup:SecurityGroup").inputs;
    expect(sg.vpcId).to.equal("ec2-workshop-net-vpc-id");
    expect(sg.ingress.map((r: any) => [r.protocol, r.fromPort, r.toPort, r.cidrBlocks, r.ipv6CidrBlocks])).to.deep.equal([
      ["tcp", 22, 22, ["203.0.113.0/24"], ["2001:db8::/32"]],
      ["tcp", 8000, 8010, ["203.0.113.0/24"], ["2001:db8::/32"]],
    ]);
    expect(sg.egress).to.have.length(1);
    expect(sg.egress[0]).to.include({ protocol: "-1", fromPort: 0, toPort: 0 });
    expect(sg.egress[0].cidrBlocks).to.deep.equal(["0.0.0.0/0"]);
    expect(sg.egress[0].ipv6CidrBlocks).to.deep.equal(["::/0"]);
  });

  it("an IPv6 CIDR puts IPv6 on the VPC and every subnet (else the IPv6 rules open nothing); IPv4-only CIDRs leave it off", async () => {
    await useMocks("six");
    await settle(await workshopProgram("six", config(), { home: dir }));
    expect(one("aws:ec2/vpc:Vpc").inputs.assignGeneratedIpv6CidrBlock).to.equal(true);
    expect(of("aws:ec2/subnet:Subnet").map((r) => [r.inputs.ipv6CidrBlock, r.inputs.assignIpv6AddressOnCreation])).to.deep.equal([
      ["2600:1f18:abc:de00::/64", true],
      ["2600:1f18:abc:de01::/64", true],
      ["2600:1f18:abc:de02::/64", true],
    ]);

    await useMocks("four");
    await settle(await workshopProgram("four", config({ "ec2-workshop:cidrs": "203.0.113.0/24" }), { home: dir }));
    expect(one("aws:ec2/vpc:Vpc").inputs).to.not.have.property("assignGeneratedIpv6CidrBlock");
    expect(of("aws:ec2/subnet:Subnet").map((r) => r.inputs.ipv6CidrBlock)).to.deep.equal([undefined, undefined, undefined]);
    expect(one("aws:ec2/routeTable:RouteTable").inputs.routes).to.deep.equal([{ cidrBlock: "0.0.0.0/0", gatewayId: "ec2-workshop-four-igw-id" }]);
  });

  it("ipv6SubnetCidr carves /64s out of the VPC's /56", () => {
    expect(ipv6SubnetCidr("2600:1f18:abc:de00::/56", 0)).to.equal("2600:1f18:abc:de00::/64");
    expect(ipv6SubnetCidr("2600:1f18:abc:de00::/56", 2)).to.equal("2600:1f18:abc:de02::/64");
    expect(ipv6SubnetCidr("2a05:d018:0:ff00::/56", 1)).to.equal("2a05:d018:0:ff01::/64");
  });

  it("default ports and CIDRs: SSH from anywhere, IPv4 and IPv6; IPv4-only CIDRs give no IPv6 rule", () => {
    const defaults = settingsFromConfig("d", config());
    expect(ingressRules(defaults).map((r) => [r.fromPort, r.cidrBlocks, r.ipv6CidrBlocks])).to.deep.equal([[22, ["0.0.0.0/0"], ["::/0"]]]);
    const v4 = settingsFromConfig("d", config({ "ec2-workshop:cidrs": "198.51.100.7/32" }));
    expect(ingressRules(v4)[0]).to.not.have.property("ipv6CidrBlocks");
  });

  it("user data from a file, base64-encoded, relative to the workshop directory", async () => {
    writeFileSync(join(dir, "boot.sh"), "#!/bin/sh\necho hello > /tmp/hi\n");
    await useMocks("ud");
    await settle(await workshopProgram("ud", config({ "ec2-workshop:userDataFile": "boot.sh" }), { home: dir }));
    const lt = one("aws:ec2/launchTemplate:LaunchTemplate").inputs;
    expect(Buffer.from(lt.userData, "base64").toString()).to.equal("#!/bin/sh\necho hello > /tmp/hi\n");
  });

  it("a relative user data file without a known workshop directory is one line naming it (the program's own folder is not the workshop's)", async () => {
    await useMocks("ud3");
    let message = "";
    try {
      await workshopProgram("ud3", config({ "ec2-workshop:userDataFile": "boot.sh" }), {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.contain("The user data file boot.sh (ec2-workshop:userDataFile) is a relative path");
    expect(created).to.deep.equal([]);
  });

  it("a missing user data file fails before any resource is declared", async () => {
    await useMocks("ud2");
    let message = "";
    try {
      await workshopProgram("ud2", config({ "ec2-workshop:userDataFile": "nope.sh" }), { home: dir });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.match(/^Cannot read the user data file .*nope\.sh \(ENOENT\)\.$/);
    expect(created).to.deep.equal([]);
  });

  it("an endpoint override points the provider's EC2 and STS at it and skips AWS-only checks", async () => {
    await useMocks("sim");
    await settle(await workshopProgram("sim", config(), { home: dir, endpointUrl: "http://127.0.0.1:4566" }));
    const provider = one("pulumi:providers:aws").inputs;
    const e = "http://127.0.0.1:4566";
    expect(JSON.parse(provider.endpoints)).to.deep.equal([{ ec2: e, sts: e, iam: e, scheduler: e }]);
    expect(provider).to.include({ skipCredentialsValidation: "true", skipRequestingAccountId: "true", skipMetadataApiCheck: "true" });
  });

  it("an adopted launch template: no network, only a lookup that the template exists", async () => {
    await useMocks("adopt", { templates: { "lt-0abc12345678def90": { name: "my-template", latestVersion: 4 } } });
    const outputs = await settle(
      await workshopProgram("adopt", { "aws:region": "eu-west-1", "ec2-workshop:maximum": "10", "ec2-workshop:launchTemplate": "lt-0abc12345678def90" }),
    );
    // No network, only what expiry needs.
    expect(created.map((r) => r.type).filter((t) => t.startsWith("aws:")).sort()).to.deep.equal([
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:scheduler/scheduleGroup:ScheduleGroup",
    ]);
    expect(calls.map((c) => c.token)).to.deep.equal(["aws:ec2/getLaunchTemplate:getLaunchTemplate"]);
    expect(outputs).to.deep.include({
      adopted: true,
      launchTemplateId: "lt-0abc12345678def90",
      launchTemplateName: "my-template",
      launchTemplateVersion: 4,
      scheduleGroupName: "ec2-workshop-adopt",
      schedulerRoleArn: "arn:aws:iam::123456789012:role/ec2-workshop-adopt-scheduler-1a2b3c4",
    });
    expect(outputs.vpcId).to.equal(undefined);
  });

  it("an adopted template that does not exist fails the lookup", async () => {
    await useMocks("adopt2", { templates: {} });
    let failed: unknown = undefined;
    try {
      await workshopProgram("adopt2", { "aws:region": "eu-west-1", "ec2-workshop:maximum": "10", "ec2-workshop:launchTemplate": "lt-0abc12345678def90" });
    } catch (err) {
      failed = err;
    }
    // One line naming the value (under mocks the invoke error carries no text of its own).
    expect((failed as Error).message).to.match(/^The launch template lt-0abc12345678def90 \(ec2-workshop:launchTemplate\) could not be found in eu-west-1.* Check it, then run `ec2-workshop workshop update adopt2`\.$/);
    expect(calls.map((c) => c.inputs.id)).to.deep.equal(["lt-0abc12345678def90"]);
    expect(created.map((r) => r.type).filter((t) => t.startsWith("aws:"))).to.deep.equal([]);
  });

  it("an AMI the region does not have: one line naming it, no network declared", async () => {
    await useMocks("noami", { noAmi: true });
    let message = "";
    try {
      await workshopProgram("noami", config(), { home: dir });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.match(/^The AMI ami-0123456789abcdef0 \(ec2-workshop:ami\) could not be found in us-east-1/);
    expect(message.split("\n")).to.have.length(1);
    expect(created.filter((r) => r.type.startsWith("aws:ec2"))).to.deep.equal([]);
    // deprecated images still count (the tool only warns about them)
    expect(calls.find((c) => c.token === "aws:ec2/getAmi:getAmi")!.inputs.includeDeprecated).to.equal(true);
  });

  it("Availability Zones kept in the settings are used as they are, in their order: no offering lookup renumbers them", async () => {
    // AWS now lists an earlier AZ first; the workshop was built in c, a.
    await useMocks("kept", { azs: ["us-east-1a", "us-east-1b", "us-east-1c"] });
    await settle(await workshopProgram("kept", config({ "ec2-workshop:azs": '["us-east-1c","us-east-1a"]' }), { home: dir }));
    expect(calls.map((c) => c.token)).to.not.include("aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings");
    expect(of("aws:ec2/subnet:Subnet").map((r) => [r.inputs.availabilityZone, r.inputs.cidrBlock])).to.deep.equal([
      ["us-east-1c", "10.42.0.0/18"],
      ["us-east-1a", "10.42.64.0/18"],
    ]);
  });

  it("subnets are deleted before they are replaced (a replacement reuses the CIDR)", async () => {
    await useMocks("dbr");
    const seen: { type: string; deleteBeforeReplace?: boolean }[] = [];
    const settings = settingsFromConfig("dbr", config());
    const ws = new Workshop(settings, { home: dir }, {
      transformations: [(args) => (seen.push({ type: args.type, deleteBeforeReplace: (args.opts as { deleteBeforeReplace?: boolean }).deleteBeforeReplace }), undefined)],
    });
    await settle(await ws.outputs);
    const subnets = seen.filter((r) => r.type === "aws:ec2/subnet:Subnet");
    expect(subnets).to.have.length(3);
    expect(subnets.every((r) => r.deleteBeforeReplace === true)).to.equal(true);
  });

  it("IPv6 once on stays on, also when the CIDRs no longer name an IPv6 network", async () => {
    await useMocks("v6");
    await settle(await workshopProgram("v6", config({ "ec2-workshop:cidrs": "203.0.113.0/24", "ec2-workshop:ipv6": "true" }), { home: dir }));
    expect(one("aws:ec2/vpc:Vpc").inputs.assignGeneratedIpv6CidrBlock).to.equal(true);
    expect(of("aws:ec2/subnet:Subnet").every((r) => typeof r.inputs.ipv6CidrBlock === "string")).to.equal(true);
    expect(one("aws:ec2/securityGroup:SecurityGroup").inputs.ingress[0]).to.not.have.property("ipv6CidrBlocks");
  });

  it("provisioned IOPS reach the root volume", async () => {
    await useMocks("iops");
    await settle(await workshopProgram("iops", config({ "ec2-workshop:volumeType": "io2", "ec2-workshop:volumeIops": "4000" }), { home: dir }));
    expect(one("aws:ec2/launchTemplate:LaunchTemplate").inputs.blockDeviceMappings[0].ebs).to.include({ volumeType: "io2", iops: 4000 });
  });

  describe("what EventBridge Scheduler needs to end the instances at expiry", () => {
    it("a schedule group per workshop and a role only the scheduler may assume, allowed only to terminate this workshop's instances", async () => {
      await useMocks("exp");
      const outputs = await settle(await workshopProgram("exp", config(), { home: dir }));
      const group = one("aws:scheduler/scheduleGroup:ScheduleGroup");
      expect(group.inputs.name).to.equal("ec2-workshop-exp");
      const role = one("aws:iam/role:Role");
      const trust = JSON.parse(role.inputs.assumeRolePolicy);
      expect(trust.Statement).to.deep.equal([
        {
          Effect: "Allow",
          Principal: { Service: "scheduler.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012", "aws:SourceArn": "arn:aws:scheduler:us-east-1:123456789012:schedule-group/ec2-workshop-exp" } },
        },
      ]);
      const policy = one("aws:iam/rolePolicy:RolePolicy");
      expect(policy.inputs.role).to.equal("ec2-workshop-exp-scheduler-id");
      expect(JSON.parse(policy.inputs.policy).Statement).to.deep.equal([
        {
          Effect: "Allow",
          Action: "ec2:TerminateInstances",
          Resource: "arn:aws:ec2:us-east-1:123456789012:instance/*",
          Condition: { StringEquals: { "aws:ResourceTag/Workshop": "exp" } },
        },
      ]);
      expect(outputs).to.deep.include({ scheduleGroupName: "ec2-workshop-exp", schedulerRoleArn: "arn:aws:iam::123456789012:role/ec2-workshop-exp-scheduler-1a2b3c4" });
    });

    it("both carry the workshop's tags: created through its provider (default tags Workshop and ManagedBy)", async () => {
      await useMocks("tags");
      await settle(await workshopProgram("tags", config(), { home: dir }));
      const provider = one("pulumi:providers:aws");
      expect(JSON.parse(provider.inputs.defaultTags)).to.deep.equal({ tags: { Workshop: "tags", ManagedBy: "ec2-workshop" } });
      const providerRef = `urn:pulumi:tags::ec2-workshop::pulumi:providers:aws::ec2-workshop-tags::ec2-workshop-tags-id`;
      for (const type of ["aws:scheduler/scheduleGroup:ScheduleGroup", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"]) {
        expect(providers.get(type), type).to.equal(providerRef);
      }
    });
  });

  describe("validation before anything is created", () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["an AMI id of the wrong shape", { "ec2-workshop:ami": "ubuntu-22.04" }, /invalid ami: "ubuntu-22.04" is not an AMI id/],
      ["an instance type without a family", { "ec2-workshop:instanceType": "micro" }, /invalid instanceType: "micro" is not an instance type/],
      ["maximum 0", { "ec2-workshop:maximum": "0" }, /invalid maximum: Expected to be at least 1/],
      ["a bad CIDR", { "ec2-workshop:cidrs": '["10.0.0.0/33"]' }, /invalid cidrs: "10.0.0.0\/33" is not an IPv4 or IPv6 CIDR/],
      ["a port out of range", { "ec2-workshop:ports": "22,70000" }, /invalid ports: "70000" is not a TCP port or range/],
      ["a reversed port range", { "ec2-workshop:ports": '["90-80"]' }, /invalid ports: "90-80"/],
      ["a VPC CIDR too large", { "ec2-workshop:vpcCidr": "10.0.0.0/8" }, /invalid vpcCidr/],
      ["four AZs", { "ec2-workshop:azCount": "4" }, /invalid azCount/],
      ["no AMI and no template", { "ec2-workshop:ami": undefined }, /has no ami/],
    ];
    for (const [what, extra, expected] of cases) {
      it(`rejects ${what}`, async () => {
        await useMocks("bad");
        const c = config(extra);
        for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
        let message = "";
        try {
          await workshopProgram("bad", c, { home: dir });
        } catch (err) {
          message = (err as Error).message;
        }
        expect(message).to.match(expected);
        expect(created, "nothing was declared").to.deep.equal([]);
      });
    }

    it("rejects an invalid stack name", async () => {
      await useMocks("Bad_Name");
      let message = "";
      try {
        await workshopProgram("Bad_Name", config());
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).to.contain('"Bad_Name" is not a valid workshop name');
    });
  });

  it("subnetCidr carves the VPC into quarters", () => {
    expect([0, 1, 2].map((i) => subnetCidr("10.42.0.0/16", i))).to.deep.equal(["10.42.0.0/18", "10.42.64.0/18", "10.42.128.0/18"]);
    expect(subnetCidr("192.168.4.0/22", 2)).to.equal("192.168.6.0/24");
  });
});
