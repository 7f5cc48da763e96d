// The simulator's core through the real SDK: start, seed, launch, describe, status, terminate.
import {
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { expect } from "chai";
import type { Simulator } from "../../src/sim/index.js";
import { ec2For, requireSim, startTestTarget, stsFor, type TestTarget } from "../helpers/sim.js";

describe("simulator core (real SDK over HTTP)", function () {
  let t: TestTarget;
  let ec2: EC2Client;

  before(async function () {
    t = await startTestTarget({ scale: 1, seed: 7 });
    ec2 = ec2For(t.target);
  });
  after(async () => {
    ec2?.destroy();
    await t?.close();
  });

  it("answers STS GetCallerIdentity", async function () {
    const sim = requireSim(this, t, "a known account id");
    const id = await stsFor(sim).send(new GetCallerIdentityCommand({}));
    expect(id.Account).to.equal(sim.accountId);
    expect(id.Arn).to.match(/^arn:aws:iam::\d{12}:user\//);
  });

  it("launches from a seeded workshop template and walks the lifecycle on the clock", async function () {
    const sim: Simulator = requireSim(this, t, "seeding");
    const ws = sim.seedWorkshop("core");
    const lts = await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ["ec2-workshop-core"] }));
    expect(lts.LaunchTemplates?.[0]?.LaunchTemplateId).to.equal(ws.launchTemplateId);
    const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "tag:Workshop", Values: ["core"] }] }));
    expect(subnets.Subnets?.map((s) => s.SubnetId).sort()).to.deep.equal([...ws.subnetIds].sort());

    const run = await ec2.send(
      new RunInstancesCommand({
        MinCount: 3,
        MaxCount: 3,
        LaunchTemplate: { LaunchTemplateId: ws.launchTemplateId, Version: "$Latest" },
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: ws.subnetIds[0] }],
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "ec2-workshop:batch", Value: "b1" }] }],
      }),
    );
    const ids = run.Instances!.map((i) => i.InstanceId!);
    expect(ids).to.have.length(3);
    expect(run.Instances![0]!.State).to.deep.equal({ Code: 0, Name: "pending" });
    expect(run.Instances![0]!.PublicIpAddress).to.equal(undefined);
    const tags = Object.fromEntries(run.Instances![0]!.Tags!.map((x) => [x.Key, x.Value]));
    expect(tags).to.include({ Workshop: "core", ManagedBy: "ec2-workshop", "ec2-workshop:batch": "b1" });

    sim.advance(61_000); // past the longest pending time
    const described = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:ec2-workshop:batch", Values: ["b1"] }] }));
    const instances = described.Reservations!.flatMap((r) => r.Instances!);
    expect(instances.map((i) => i.State!.Name)).to.deep.equal(["running", "running", "running"]);
    expect(instances[0]!.PublicIpAddress).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    expect(instances[0]!.PrivateIpAddress).to.match(/^10\.0\.\d+\.\d+$/);
    expect(instances[0]!.Placement!.AvailabilityZone).to.equal("us-east-1a");

    let status = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: ids }));
    expect(status.InstanceStatuses!.map((s) => s.InstanceStatus!.Status)).to.deep.equal(["initializing", "initializing", "initializing"]);
    sim.advance(121_000);
    status = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: ids }));
    expect(status.InstanceStatuses!.map((s) => [s.InstanceStatus!.Status, s.SystemStatus!.Status])).to.deep.equal([
      ["ok", "ok"], ["ok", "ok"], ["ok", "ok"],
    ]);
    const truth = sim.instances().filter((i) => ids.includes(i.instanceId));
    expect(truth.every((i) => i.readyAt !== undefined && i.firstReportedReadyAt === sim.log[sim.log.length - 1]!.simTime)).to.equal(true);

    const term = await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    expect(term.TerminatingInstances!.map((s) => [s.PreviousState!.Name, s.CurrentState!.Name])).to.deep.equal([
      ["running", "shutting-down"], ["running", "shutting-down"], ["running", "shutting-down"],
    ]);
    sim.advance(41_000);
    const after = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    expect(after.Reservations!.flatMap((r) => r.Instances!).map((i) => i.State!.Name)).to.deep.equal(["terminated", "terminated", "terminated"]);
    sim.advance(60 * 60_000);
    const gone = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: "instance-id", Values: ids }] }));
    expect(gone.Reservations).to.deep.equal([]);
    expect(sim.callsByAction()).to.include({ RunInstances: 1, TerminateInstances: 1, DescribeInstanceStatus: 2 });
  });
});
