// Building a workshop through the API (CreateVpc, CreateSubnet, CreateSecurityGroup,
// CreateLaunchTemplate) and the read-only catalog actions. Needs no seeding, so it also runs
// against another EC2-compatible endpoint (EC2_WORKSHOP_TEST_ENDPOINT).
import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { ec2For, startTestTarget, type TestTarget } from "../helpers/sim.js";

describe("simulator: setting a workshop up through the API, and the catalog (real SDK)", function () {
  let t: TestTarget;
  let ec2: EC2Client;
  const name = `api-${process.pid}`;
  const tags = (type: "vpc" | "subnet" | "security-group" | "launch-template") => [
    { ResourceType: type, Tags: [{ Key: "Workshop", Value: name }, { Key: "ManagedBy", Value: "ec2-workshop" }] },
  ];

  before(async () => {
    t = await startTestTarget({ seed: 2, throttling: "off" });
    ec2 = ec2For(t.target, { maxAttempts: 1 });
  });
  after(async () => {
    ec2?.destroy();
    await t?.close();
  });

  it("creates a VPC, subnets, a security group and a launch template, then launches from it", async () => {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16", TagSpecifications: tags("vpc") }))).Vpc!;
    expect(vpc.VpcId).to.match(/^vpc-/);
    expect(vpc.CidrBlock).to.equal("10.20.0.0/16");
    const azs = (await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
    expect(azs.length).to.be.at.least(3);
    const subnetIds: string[] = [];
    for (const [i, az] of azs.slice(0, 2).entries()) {
      const s = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: `10.20.${i * 16}.0/20`, AvailabilityZone: az.ZoneName, TagSpecifications: tags("subnet") }))).Subnet!;
      expect(s.AvailabilityZone).to.equal(az.ZoneName);
      subnetIds.push(s.SubnetId!);
    }
    let err = "";
    await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.20.8.0/24" })).catch((e: Error) => (err = e.name));
    expect(err).to.equal("InvalidSubnet.Conflict");
    const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: `ec2-workshop-${name}`, Description: "attendees", VpcId: vpc.VpcId, TagSpecifications: tags("security-group") }));
    expect(sg.GroupId).to.match(/^sg-/);
    const images = (await ec2.send(new DescribeImagesCommand({ Owners: ["self", "amazon"] }))).Images!;
    expect(images.length).to.be.greaterThan(0);
    const lt = (
      await ec2.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: `ec2-workshop-${name}`,
          TagSpecifications: tags("launch-template"),
          LaunchTemplateData: {
            ImageId: images[0]!.ImageId,
            InstanceType: "t3.micro",
            MetadataOptions: { HttpTokens: "required" },
            NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true, Groups: [sg.GroupId!] }],
            TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Workshop", Value: name }] }],
            BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 16, VolumeType: "gp3" } }],
          },
        }),
      )
    ).LaunchTemplate!;
    expect(lt.LaunchTemplateId).to.match(/^lt-/);
    expect(lt.LatestVersionNumber).to.equal(1);
    err = "";
    await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: `ec2-workshop-${name}`, LaunchTemplateData: {} })).catch((e: Error) => (err = e.name));
    expect(err).to.equal("InvalidLaunchTemplateName.AlreadyExistsException");
    const v2 = await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, SourceVersion: "1", LaunchTemplateData: { InstanceType: "t3.small" } }));
    expect(v2.LaunchTemplateVersion!.VersionNumber).to.equal(2);

    const versions = (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId, Versions: ["$Latest", "1"] }))).LaunchTemplateVersions!;
    expect(versions.map((v) => [v.VersionNumber, v.DefaultVersion, v.LaunchTemplateData!.InstanceType])).to.deep.equal([[2, false, "t3.small"], [1, true, "t3.micro"]]);
    const data = versions[1]!.LaunchTemplateData!;
    expect(data.NetworkInterfaces).to.deep.equal([{ AssociatePublicIpAddress: true, DeviceIndex: 0, Groups: [sg.GroupId] }]);
    expect(data.TagSpecifications).to.deep.equal([{ ResourceType: "instance", Tags: [{ Key: "Workshop", Value: name }] }]);
    expect(data.MetadataOptions?.HttpTokens).to.equal("required");
    expect(data.BlockDeviceMappings?.[0]?.Ebs).to.deep.equal({ VolumeSize: 16, VolumeType: "gp3" });

    const byTag = [{ Name: "tag:Workshop", Values: [name] }];
    expect((await ec2.send(new DescribeVpcsCommand({ Filters: byTag }))).Vpcs!.map((v) => v.VpcId)).to.deep.equal([vpc.VpcId]);
    expect((await ec2.send(new DescribeSubnetsCommand({ Filters: byTag }))).Subnets!.map((s) => s.SubnetId)).to.deep.equal(subnetIds);
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc.VpcId!] }] }))).SecurityGroups!;
    expect(groups.map((g) => g.GroupName).sort()).to.deep.equal(["default", `ec2-workshop-${name}`]);
    expect((await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: byTag }))).LaunchTemplates!.map((l) => l.LaunchTemplateName)).to.deep.equal([`ec2-workshop-${name}`]);

    const run = await ec2.send(
      new RunInstancesCommand({ MinCount: 2, MaxCount: 2, LaunchTemplate: { LaunchTemplateName: `ec2-workshop-${name}`, Version: "$Latest" }, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetIds[1] }] }),
    );
    expect(run.Instances!.map((i) => [i.InstanceType, i.SubnetId])).to.deep.equal([["t3.small", subnetIds[1]], ["t3.small", subnetIds[1]]]);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: run.Instances!.map((i) => i.InstanceId!) }));
  });

  it("answers the catalog: regions, AZs, instance-type offerings per AZ, images", async () => {
    const regions = (await ec2.send(new DescribeRegionsCommand({}))).Regions!;
    expect(regions.map((r) => r.RegionName)).to.include.members(["us-east-1", "eu-west-1"]);
    expect(regions.find((r) => r.RegionName === "us-east-1")!.Endpoint).to.equal("ec2.us-east-1.amazonaws.com");
    const all = (await ec2.send(new DescribeRegionsCommand({ AllRegions: true }))).Regions!;
    expect(all.length).to.be.greaterThan(regions.length);
    const offerings = (
      await ec2.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: "availability-zone", Filters: [{ Name: "instance-type", Values: ["t3.micro"] }] }))
    ).InstanceTypeOfferings!;
    expect(offerings.every((o) => o.InstanceType === "t3.micro" && o.LocationType === "availability-zone")).to.equal(true);
    if (t.sim) expect(offerings.map((o) => o.Location)).to.deep.equal(["us-east-1a", "us-east-1b", "us-east-1c"]);
    if (t.sim) {
      const img = (await ec2.send(new DescribeImagesCommand({ ImageIds: ["ami-0123456789abcdef0"] }))).Images![0]!;
      expect(img).to.include({ ImageId: "ami-0123456789abcdef0", State: "available", Architecture: "x86_64" });
      let err = "";
      await ec2.send(new DescribeImagesCommand({ ImageIds: ["ami-00000000000000000"] })).catch((e: Error) => (err = e.name));
      expect(err).to.equal("InvalidAMIID.NotFound");
      const zones = (await ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ["us-east-1b"] }))).AvailabilityZones!;
      expect(zones).to.have.length(1);
      expect(zones[0]).to.include({ ZoneName: "us-east-1b", State: "available", RegionName: "us-east-1", ZoneId: "use1-az2" });
    }
  });
});
