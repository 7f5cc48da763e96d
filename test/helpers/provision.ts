// A workshop's EC2 side made with plain SDK calls (what `workshop create` would build): a VPC,
// subnets tagged Workshop=<name> (one per AZ, in the first `azs` AZs), a security group and the
// launch template `ec2-workshop-<name>`.
// Works against the simulator and against any EC2-compatible endpoint (EC2_WORKSHOP_TEST_ENDPOINT),
// so the seat tests run the same way on both.
import {
  CreateLaunchTemplateCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";

export async function provisionWorkshop(ec2: EC2Client, name: string, o: { azs?: number } = {}): Promise<{ subnetIds: string[]; templateId: string }> {
  const tags = (type: "vpc" | "subnet" | "security-group" | "launch-template") => [
    { ResourceType: type, Tags: [{ Key: "Workshop", Value: name }, { Key: "ManagedBy", Value: "ec2-workshop" }] },
  ];
  const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
  const azs = (zones.AvailabilityZones ?? [])
    .filter((z) => z.ZoneName && (z.State === undefined || z.State === "available"))
    .map((z) => z.ZoneName!)
    .sort()
    .slice(0, o.azs ?? 1);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.77.0.0/16", TagSpecifications: tags("vpc") }));
  const vpcId = vpc.Vpc!.VpcId!;
  const subnetIds: string[] = [];
  for (const [i, az] of azs.entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.77.${i * 16}.0/20`, AvailabilityZone: az, TagSpecifications: tags("subnet") }),
    );
    subnetIds.push(subnet.Subnet!.SubnetId!);
  }
  const sg = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: `ec2-workshop-${name}`, Description: `Workshop ${name}`, VpcId: vpcId, TagSpecifications: tags("security-group") }),
  );
  const ami =
    process.env.EC2_WORKSHOP_TEST_AMI ??
    (await ec2.send(new DescribeImagesCommand({ Owners: ["self", "amazon"] }))).Images?.find((i) => i.ImageId)?.ImageId;
  if (!ami) throw new Error("no image to launch: set EC2_WORKSHOP_TEST_AMI");
  const lt = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `ec2-workshop-${name}`,
      LaunchTemplateData: {
        ImageId: ami,
        InstanceType: "t3.micro",
        NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true, Groups: [sg.GroupId!], DeleteOnTermination: true }],
        TagSpecifications: [
          { ResourceType: "instance", Tags: [{ Key: "Workshop", Value: name }] },
          { ResourceType: "volume", Tags: [{ Key: "Workshop", Value: name }] },
        ],
      },
      TagSpecifications: tags("launch-template"),
    }),
  );
  return { subnetIds, templateId: lt.LaunchTemplate!.LaunchTemplateId! };
}
