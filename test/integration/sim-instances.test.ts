// RunInstances and the instance actions through the real SDK: launch template lookups, counts,
// subnets and network interfaces, tags, ClientToken idempotency, DryRun, filters, stop/start,
// and the error codes EC2 gives.
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  DescribeTagsCommand,
  type EC2Client,
  type Instance,
  type RunInstancesCommandInput,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { expect } from "chai";
import type { SeededWorkshop, Simulator } from "../../src/sim/index.js";
import { ec2For, requireSim, startTestTarget, type TestTarget } from "../helpers/sim.js";

/** The error an SDK call fails with (the test fails if it succeeds). */
async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail, it succeeded");
}

const flat = (r: { Reservations?: { Instances?: Instance[] }[] }): Instance[] => (r.Reservations ?? []).flatMap((x) => x.Instances ?? []);
const tagsOf = (i: Instance): Record<string, string> => Object.fromEntries((i.Tags ?? []).map((t) => [t.Key!, t.Value!]));

describe("simulator: instances (real SDK)", function () {
  let t: TestTarget;
  let sim: Simulator;
  let ec2: EC2Client;
  let ws: SeededWorkshop;

  before(async function () {
    t = await startTestTarget({ seed: 3, throttling: "off" });
    sim = requireSim(this, t, "seeded workshops");
    ec2 = ec2For(sim, { maxAttempts: 1 });
    ws = sim.seedWorkshop("inst");
  });
  after(async () => {
    ec2?.destroy();
    await t?.close();
  });

  const launch = (o: Partial<RunInstancesCommandInput> = {}): Promise<import("@aws-sdk/client-ec2").RunInstancesCommandOutput> =>
    ec2.send(
      new RunInstancesCommand({
        MinCount: 1,
        MaxCount: 1,
        LaunchTemplate: { LaunchTemplateName: ws.launchTemplateName },
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: ws.subnetIds[1] }],
        ...o,
      }),
    );

  describe("RunInstances", () => {
    it("finds the template by id or by name, at $Default, $Latest or a version number", async () => {
      for (const lt of [
        { LaunchTemplateId: ws.launchTemplateId },
        { LaunchTemplateName: ws.launchTemplateName, Version: "$Default" },
        { LaunchTemplateName: ws.launchTemplateName, Version: "$Latest" },
        { LaunchTemplateId: ws.launchTemplateId, Version: "1" },
      ]) {
        const r = await launch({ LaunchTemplate: lt });
        expect(r.Instances![0]!.ImageId).to.equal("ami-0123456789abcdef0");
        expect(r.Instances![0]!.InstanceType).to.equal("t3.micro");
        expect(r.Instances![0]!.MetadataOptions?.HttpTokens).to.equal("required");
        expect(r.Instances![0]!.SubnetId).to.equal(ws.subnetIds[1]);
        expect(r.Instances![0]!.Placement?.AvailabilityZone).to.equal("us-east-1b");
        expect(r.Instances![0]!.SecurityGroups?.[0]?.GroupId).to.equal(ws.securityGroupId);
      }
    });

    it("answers the real error codes for templates that are not there", async () => {
      let e = await failure(launch({ LaunchTemplate: { LaunchTemplateName: "ec2-workshop-nope" } }));
      expect(e).to.include({ name: "InvalidLaunchTemplateName.NotFoundException", status: 400 });
      expect(e.message).to.contain("ec2-workshop-nope");
      e = await failure(launch({ LaunchTemplate: { LaunchTemplateId: "lt-0123456789abcdef0" } }));
      expect(e).to.include({ name: "InvalidLaunchTemplateId.NotFound", status: 400 });
      e = await failure(launch({ LaunchTemplate: { LaunchTemplateId: "lt-nope" } }));
      expect(e.name).to.equal("InvalidLaunchTemplateId.Malformed");
      e = await failure(launch({ LaunchTemplate: { LaunchTemplateId: ws.launchTemplateId, Version: "9" } }));
      expect(e.name).to.equal("InvalidLaunchTemplateId.VersionNotFound");
    });

    it("validates counts, AMIs, instance types, subnets and the interface/subnet combination", async () => {
      expect((await failure(launch({ MinCount: 3, MaxCount: 2 }))).name).to.equal("InvalidParameterValue");
      expect((await failure(launch({ ImageId: "ami-00000000000000000" }))).name).to.equal("InvalidAMIID.NotFound");
      expect((await failure(launch({ ImageId: "ami-zz" }))).name).to.equal("InvalidAMIID.Malformed");
      expect((await failure(launch({ InstanceType: "t9.huge" as never }))).name).to.equal("InvalidParameterValue");
      expect((await failure(launch({ NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: "subnet-00000000000000000" }] }))).name).to.equal(
        "InvalidSubnetID.NotFound",
      );
      const combo = await failure(launch({ NetworkInterfaces: undefined, SubnetId: ws.subnetIds[0] }));
      expect(combo.name).to.equal("InvalidParameterCombination");
      expect(combo.message).to.contain("instance-level subnet ID");
      const sgCombo = await failure(launch({ SecurityGroupIds: [ws.securityGroupId] }));
      expect(sgCombo.message).to.contain("instance-level security groups");
      // t3 is not offered in AZ d (as some real AZs do not offer some types).
      const unsupported = await failure(
        launch({ LaunchTemplate: undefined, NetworkInterfaces: undefined, ImageId: "ami-0123456789abcdef0", InstanceType: "t3.micro", Placement: { AvailabilityZone: "us-east-1d" } }),
      );
      expect(unsupported.name).to.equal("Unsupported");
      expect(unsupported.message).to.contain("us-east-1a, us-east-1b, us-east-1c");
    });

    it("launches without a template into a subnet, or the default subnet, with the subnet's public-IP setting", async () => {
      const r = await launch({ LaunchTemplate: undefined, NetworkInterfaces: undefined, ImageId: "ami-0123456789abcdef0", InstanceType: "t3.small", SubnetId: ws.subnetIds[2] });
      expect(r.Instances![0]!.SubnetId).to.equal(ws.subnetIds[2]);
      expect(r.Instances![0]!.InstanceType).to.equal("t3.small");
      const dflt = await launch({ LaunchTemplate: undefined, NetworkInterfaces: undefined, ImageId: "ami-0123456789abcdef0" });
      expect(dflt.Instances![0]!.PrivateIpAddress).to.match(/^172\.31\./);
      expect(dflt.Instances![0]!.InstanceType).to.equal("t2.micro");
      sim.advance(61_000);
      const both = flat(await ec2.send(new DescribeInstancesCommand({ InstanceIds: [r.Instances![0]!.InstanceId!, dflt.Instances![0]!.InstanceId!] })));
      expect(both.map((i) => i.PublicIpAddress !== undefined)).to.deep.equal([true, true]);
    });

    it("gives no public IP when the interface says so", async () => {
      const r = await launch({ NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: ws.subnetIds[0], AssociatePublicIpAddress: false }] });
      sim.advance(61_000);
      const [i] = flat(await ec2.send(new DescribeInstancesCommand({ InstanceIds: [r.Instances![0]!.InstanceId!] })));
      expect(i!.State!.Name).to.equal("running");
      expect(i!.PublicIpAddress).to.equal(undefined);
      expect(i!.PrivateIpAddress).to.match(/^10\.0\.\d+\.\d+$/);
    });

    it("tags instances and volumes from the template and the request (request wins)", async () => {
      const r = await launch({
        MinCount: 2,
        MaxCount: 2,
        TagSpecifications: [
          { ResourceType: "instance", Tags: [{ Key: "Name", Value: "inst-1" }, { Key: "ManagedBy", Value: "someone" }] },
          { ResourceType: "volume", Tags: [{ Key: "ec2-workshop:batch", Value: "vb" }] },
        ],
      });
      expect(tagsOf(r.Instances![0]!)).to.deep.equal({ Workshop: "inst", ManagedBy: "someone", Name: "inst-1" });
      const volumeId = r.Instances![0]!.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
      const vt = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-id", Values: [volumeId] }] }));
      expect(Object.fromEntries(vt.Tags!.map((x) => [x.Key, x.Value]))).to.deep.equal({ Workshop: "inst", ManagedBy: "ec2-workshop", "ec2-workshop:batch": "vb" });
      expect(vt.Tags![0]!.ResourceType).to.equal("volume");
      const bad = await failure(launch({ TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "a", Value: "b" }] }] }));
      expect(bad.name).to.equal("InvalidParameterValue");
    });

    it("ClientToken: a retry returns the original reservation; other parameters are a mismatch", async () => {
      const before = sim.instances().length;
      const first = await launch({ MinCount: 3, MaxCount: 3, ClientToken: "token-abc" });
      const again = await launch({ MinCount: 3, MaxCount: 3, ClientToken: "token-abc" });
      expect(again.ReservationId).to.equal(first.ReservationId);
      expect(again.Instances!.map((i) => i.InstanceId)).to.deep.equal(first.Instances!.map((i) => i.InstanceId));
      expect(sim.instances().length).to.equal(before + 3);
      const e = await failure(launch({ MinCount: 4, MaxCount: 4, ClientToken: "token-abc" }));
      expect(e).to.include({ name: "IdempotentParameterMismatch", status: 400 });
      expect((await failure(launch({ ClientToken: "x".repeat(65) }))).name).to.equal("InvalidParameterValue");
      expect(sim.instances().length).to.equal(before + 3);
    });

    it("DryRun answers DryRunOperation (HTTP 400) and launches nothing", async () => {
      const before = sim.instances().length;
      const e = await failure(launch({ DryRun: true }));
      expect(e).to.include({ name: "DryRunOperation", status: 400 });
      // DryRun still validates: a missing template is reported as such.
      expect((await failure(launch({ DryRun: true, LaunchTemplate: { LaunchTemplateName: "nope-nope" } }))).name).to.equal(
        "InvalidLaunchTemplateName.NotFoundException",
      );
      expect((await failure(ec2.send(new DescribeInstancesCommand({ DryRun: true })))).name).to.equal("DryRunOperation");
      expect(sim.instances().length).to.equal(before);
    });
  });

  describe("DescribeInstances", () => {
    it("filters by tag:<key>, tag-key, instance-state-name, instance-id, vpc-id and subnet-id (with wildcards)", async () => {
      const foreign = sim.seedInstances(4, { tags: { Workshop: "someone-else" } });
      const mine = await launch({ MinCount: 2, MaxCount: 2, TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "filter-test", Value: "yes" }] }] });
      const mineIds = mine.Instances!.map((i) => i.InstanceId!);
      const ids = async (filters: { Name: string; Values: string[] }[]): Promise<string[]> =>
        flat(await ec2.send(new DescribeInstancesCommand({ Filters: filters }))).map((i) => i.InstanceId!);
      expect(await ids([{ Name: "tag:filter-test", Values: ["yes"] }])).to.deep.equal(mineIds);
      expect(await ids([{ Name: "tag-key", Values: ["filter-test"] }])).to.deep.equal(mineIds);
      expect(await ids([{ Name: "tag:Workshop", Values: ["someone-*"] }])).to.deep.equal(foreign);
      expect(await ids([{ Name: "tag:Workshop", Values: ["inst"] }, { Name: "tag:filter-test", Values: ["yes"] }, { Name: "instance-state-name", Values: ["pending"] }])).to.deep.equal(mineIds);
      expect(await ids([{ Name: "tag:filter-test", Values: ["yes"] }, { Name: "instance-state-name", Values: ["running"] }])).to.deep.equal([]);
      expect(await ids([{ Name: "instance-id", Values: [foreign[1]!] }])).to.deep.equal([foreign[1]]);
      const inVpc = await ids([{ Name: "vpc-id", Values: [ws.vpcId] }, { Name: "subnet-id", Values: [ws.subnetIds[1]!] }, { Name: "tag:filter-test", Values: ["yes"] }]);
      expect(inVpc).to.deep.equal(mineIds);
      expect((await failure(ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "bogus", Values: ["x"] }] })))).name).to.equal("InvalidParameterValue");
    });

    it("InstanceIds: malformed and unknown ids fail the whole call", async () => {
      expect(await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ["i-xyz"] })))).to.include({ name: "InvalidInstanceID.Malformed", status: 400 });
      const e = await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: ["i-0123456789abcdef0", "i-0123456789abcdef1"] })));
      expect(e.name).to.equal("InvalidInstanceID.NotFound");
      expect(e.message).to.contain("i-0123456789abcdef0, i-0123456789abcdef1");
    });

    it("enforces EC2's limits: 200 filter values, MaxResults 5..1000, MaxResults not with InstanceIds", async () => {
      const values = Array.from({ length: 201 }, (_, i) => `v${i}`);
      expect((await failure(ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:x", Values: values }] })))).name).to.equal("FilterLimitExceeded");
      expect((await failure(ec2.send(new DescribeInstancesCommand({ MaxResults: 4 })))).name).to.equal("InvalidParameterValue");
      expect((await failure(ec2.send(new DescribeInstancesCommand({ MaxResults: 1001 })))).name).to.equal("InvalidParameterValue");
      const [one] = sim.instances();
      expect((await failure(ec2.send(new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: [one!.instanceId] })))).name).to.equal(
        "InvalidParameterCombination",
      );
    });
  });

  describe("state changes and tags", () => {
    it("StopInstances / StartInstances / TerminateInstances with EC2's state codes and rules", async () => {
      const r = await launch({ MinCount: 2, MaxCount: 2 });
      const ids = r.Instances!.map((i) => i.InstanceId!);
      expect((await failure(ec2.send(new StopInstancesCommand({ InstanceIds: ids }))))).to.include({ name: "IncorrectInstanceState" });
      sim.advance(61_000);
      const firstIp = flat(await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids })))[0]!.PublicIpAddress;
      const stop = await ec2.send(new StopInstancesCommand({ InstanceIds: ids }));
      expect(stop.StoppingInstances!.map((s) => [s.PreviousState!.Code, s.CurrentState!.Code])).to.deep.equal([[16, 64], [16, 64]]);
      sim.advance(41_000);
      let now = flat(await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids })));
      expect(now.map((i) => i.State!.Name)).to.deep.equal(["stopped", "stopped"]);
      expect(now[0]!.PublicIpAddress).to.equal(undefined);
      expect(now[0]!.StateReason?.Code).to.equal("Client.UserInitiatedShutdown");
      expect(now[0]!.StateTransitionReason).to.match(/^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);
      const start = await ec2.send(new StartInstancesCommand({ InstanceIds: ids }));
      expect(start.StartingInstances!.map((s) => [s.PreviousState!.Name, s.CurrentState!.Name])).to.deep.equal([["stopped", "pending"], ["stopped", "pending"]]);
      sim.advance(61_000);
      now = flat(await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids })));
      expect(now.map((i) => i.State!.Name)).to.deep.equal(["running", "running"]);
      expect(now[0]!.PublicIpAddress).to.be.a("string").and.not.equal(firstIp);
      const term = await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
      expect(term.TerminatingInstances!.map((s) => s.CurrentState!.Code)).to.deep.equal([32, 32]);
      // Terminating again is fine (TerminateInstances is idempotent); starting is not.
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
      expect((await failure(ec2.send(new StartInstancesCommand({ InstanceIds: ids })))).name).to.equal("IncorrectInstanceState");
    });

    it("CreateTags / DeleteTags / DescribeTags, and setTag behind the tool's back", async () => {
      const r = await launch();
      const id = r.Instances![0]!.InstanceId!;
      await ec2.send(new CreateTagsCommand({ Resources: [id, ws.vpcId], Tags: [{ Key: "Owner", Value: "ana" }] }));
      const described = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "key", Values: ["Owner"] }] }));
      expect(described.Tags!.map((x) => [x.ResourceId, x.ResourceType, x.Value])).to.deep.equal([
        [id, "instance", "ana"],
        [ws.vpcId, "vpc", "ana"],
      ]);
      await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "Owner", Value: "bob" }] }));
      expect(tagsOf(flat(await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))[0]!).Owner).to.equal("ana");
      await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: "Owner" }] }));
      expect(tagsOf(flat(await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))[0]!).Owner).to.equal(undefined);
      sim.setTag(id, "Workshop", undefined);
      expect(tagsOf(flat(await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] })))[0]!).Workshop).to.equal(undefined);
      expect((await failure(ec2.send(new CreateTagsCommand({ Resources: ["i-0123456789abcdef0"], Tags: [{ Key: "a", Value: "b" }] })))).name).to.equal(
        "InvalidInstanceID.NotFound",
      );
    });
  });
});
