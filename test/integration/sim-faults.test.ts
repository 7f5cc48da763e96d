// Faults on demand through the real SDK: capacity per AZ / type with partial launches, quotas,
// instances that go wrong, 5xx answers, dropped connections (with ClientToken retries), and
// UnauthorizedOperation. All randomness is seeded, so each case is exact.
import {
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { parseFaultSpec, type SeededWorkshop, type Simulator } from "../../src/sim/index.js";
import { ec2For, requireSim, startTestTarget, stsFor, type TestTarget } from "../helpers/sim.js";

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number; attempts?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, attempts: err.$metadata?.attempts };
  }
  throw new Error("expected the call to fail, it succeeded");
}

const flat = (r: { Reservations?: { Instances?: Instance[] }[] }): Instance[] => (r.Reservations ?? []).flatMap((x) => x.Instances ?? []);

describe("simulator: faults (real SDK)", function () {
  let t: TestTarget;
  let sim: Simulator;
  let ec2: EC2Client;
  let ws: SeededWorkshop;

  beforeEach(async function () {
    t = await startTestTarget({ seed: 9, throttling: "off" });
    sim = requireSim(this, t, "fault injection");
    ec2 = ec2For(sim, { maxAttempts: 1 });
    ws = sim.seedWorkshop("f");
  });
  afterEach(async () => {
    ec2?.destroy();
    await t?.close();
  });

  const launchIn = (az: number, o: Partial<RunInstancesCommandInput> = {}) =>
    ec2.send(
      new RunInstancesCommand({
        MinCount: 1,
        MaxCount: 1,
        LaunchTemplate: { LaunchTemplateId: ws.launchTemplateId },
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: ws.subnetIds[az] }],
        ...o,
      }),
    );

  it("capacity per AZ: InsufficientInstanceCapacity (HTTP 500, as EC2) naming the AZs that have room", async () => {
    sim.setFaults({ capacityAzs: ["us-east-1a"] });
    const e = await failure(launchIn(0, { MinCount: 2, MaxCount: 2 }));
    expect(e).to.include({ name: "InsufficientInstanceCapacity", status: 500 });
    expect(e.message).to.contain("(us-east-1a)").and.contain("us-east-1b, us-east-1c");
    expect((await launchIn(1, { MinCount: 2, MaxCount: 2 })).Instances).to.have.length(2);
    sim.setFaults({ capacityAzs: [], capacityInstanceTypes: ["t3.micro"] });
    expect((await failure(launchIn(1))).name).to.equal("InsufficientInstanceCapacity");
    expect((await launchIn(1, { InstanceType: "t3.small" })).Instances).to.have.length(1);
  });

  it("a per-AZ capacity limit gives partial launches; below MinCount the request fails whole", async () => {
    sim.setFaults({ azCapacity: { "us-east-1a": 3 } });
    const partial = await launchIn(0, { MinCount: 1, MaxCount: 5 });
    expect(partial.Instances).to.have.length(3);
    expect((await failure(launchIn(0, { MinCount: 1, MaxCount: 1 }))).name).to.equal("InsufficientInstanceCapacity");
    expect((await launchIn(1, { MinCount: 5, MaxCount: 5 })).Instances).to.have.length(5);
    sim.setFaults({ azCapacity: { "us-east-1b": 6 } });
    expect((await failure(launchIn(1, { MinCount: 2, MaxCount: 4 }))).name).to.equal("InsufficientInstanceCapacity");
    expect(sim.instances()).to.have.length(8);
  });

  it("quotas: VcpuLimitExceeded and InstanceLimitExceeded once MaxCount more would exceed them", async () => {
    sim.setFaults({ vcpuLimit: 8 });
    expect((await launchIn(0, { MinCount: 3, MaxCount: 3 })).Instances).to.have.length(3); // 6 vCPUs
    const e = await failure(launchIn(0, { MinCount: 1, MaxCount: 2 })); // would be 10
    expect(e).to.include({ name: "VcpuLimitExceeded", status: 400 });
    expect(e.message).to.contain("vCPU limit of 8");
    expect((await launchIn(0)).Instances).to.have.length(1);
    sim.setFaults({ vcpuLimit: undefined, instanceLimit: 5 });
    expect((await failure(launchIn(0, { MinCount: 2, MaxCount: 2 }))).name).to.equal("InstanceLimitExceeded");
    expect((await launchIn(0)).Instances).to.have.length(1);
  });

  it("instances that go wrong: impaired, stopping on their own, failing at launch, stuck in pending", async () => {
    const launchWith = async (f: Parameters<Simulator["setFaults"]>[0]): Promise<string> => {
      sim.setFaults({ impairedRate: 0, stopRate: 0, launchFailRate: 0, stuckPendingRate: 0, ...f });
      return (await launchIn(1)).Instances![0]!.InstanceId!;
    };
    const impaired = await launchWith({ impairedRate: 1 });
    const stops = await launchWith({ stopRate: 1 });
    const fails = await launchWith({ launchFailRate: 1 });
    const stuck = await launchWith({ stuckPendingRate: 1 });
    sim.advance(10 * 60_000);
    const byId = new Map(flat(await ec2.send(new DescribeInstancesCommand({ InstanceIds: [impaired, stops, fails, stuck] }))).map((i) => [i.InstanceId!, i]));
    expect(byId.get(impaired)!.State!.Name).to.equal("running");
    expect(byId.get(stops)!.State!.Name).to.equal("stopped");
    expect(byId.get(stops)!.StateReason).to.deep.equal({ Code: "Client.InstanceInitiatedShutdown", Message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown" });
    expect(byId.get(fails)!.State!.Name).to.equal("terminated");
    expect(byId.get(fails)!.StateReason).to.deep.equal({ Code: "Server.InternalError", Message: "Server.InternalError: Internal error on launch" });
    expect(byId.get(stuck)!.State!.Name).to.equal("pending");
    const status = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [impaired], IncludeAllInstances: true }));
    expect(status.InstanceStatuses![0]!.InstanceStatus!.Status).to.equal("impaired");
    expect(status.InstanceStatuses![0]!.InstanceStatus!.Details![0]).to.include({ Name: "reachability", Status: "failed" });
    expect(status.InstanceStatuses![0]!.InstanceStatus!.Details![0]!.ImpairedSince).to.be.instanceOf(Date);
    expect(status.InstanceStatuses![0]!.SystemStatus!.Status).to.equal("ok");
    const truth = new Map(sim.instances().map((i) => [i.instanceId, i]));
    expect([impaired, stops, fails, stuck].map((id) => truth.get(id)!.fault)).to.deep.equal(["impaired", "stop", "launch-fail", "stuck-pending"]);
    expect(truth.get(impaired)!.readyAt).to.equal(undefined);
  });

  it("shares of faulty instances follow the seeded rates", async () => {
    sim.setFaults({ impairedRate: 0.2, stopRate: 0.1 });
    await launchIn(2, { MinCount: 200, MaxCount: 200 });
    const faults = sim.instances().map((i) => i.fault);
    const impaired = faults.filter((f) => f === "impaired").length;
    const stops = faults.filter((f) => f === "stop").length;
    expect(impaired).to.be.within(25, 55); // 20% of 200, loosely
    expect(stops).to.be.within(8, 30); // 10% of the rest
  });

  it("5xx answers: InternalError 500 / Unavailable 503 that the SDK retries and survives", async () => {
    sim.setFaults({ errorRate: 0.4 });
    const patient = ec2For(sim, { maxAttempts: 10 });
    try {
      for (let i = 0; i < 20; i++) {
        const r = await patient.send(new DescribeSubnetsCommand({ Filters: [{ Name: "tag:Workshop", Values: ["f"] }] }));
        expect(r.Subnets).to.have.length(3);
      }
    } finally {
      patient.destroy();
    }
    const outcomes = new Set(sim.log.map((e) => `${e.status} ${e.outcome}`));
    expect([...outcomes].sort()).to.deep.equal(["200 ok", "500 InternalError", "503 Unavailable"]);
    const once = await failure(
      (async () => {
        for (let i = 0; i < 50; i++) await ec2.send(new DescribeSubnetsCommand({}));
      })(),
    );
    expect(["InternalError", "Unavailable"]).to.include(once.name);
  });

  it("dropped connections: the SDK retries; with a ClientToken the launch happens exactly once", async () => {
    sim.setFaults({ dropRate: 0.5 });
    const patient = ec2For(sim, { maxAttempts: 10 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await patient.send(
          new RunInstancesCommand({
            MinCount: 2,
            MaxCount: 2,
            ClientToken: `drop-${i}`,
            LaunchTemplate: { LaunchTemplateId: ws.launchTemplateId },
            NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: ws.subnetIds[0] }],
          }),
        );
        ids.push(...r.Instances!.map((x) => x.InstanceId!));
      }
      expect(ids).to.have.length(12);
      expect(sim.instances().map((i) => i.instanceId)).to.deep.equal(ids);
    } finally {
      patient.destroy();
    }
    const dropped = sim.log.filter((e) => e.outcome === "dropped");
    expect(dropped.length).to.be.greaterThan(0);
    expect(dropped.every((e) => e.status === 0)).to.equal(true);
  });

  it("UnauthorizedOperation for chosen actions, also to DryRun; STS answers InvalidClientTokenId", async () => {
    sim.setFaults({ unauthorizedActions: ["RunInstances", "GetCallerIdentity"] });
    const e = await failure(launchIn(0, { DryRun: true }));
    expect(e).to.include({ name: "UnauthorizedOperation", status: 403 });
    expect((await failure(launchIn(0))).name).to.equal("UnauthorizedOperation");
    const sts = stsFor(sim, { maxAttempts: 1 });
    try {
      expect(await failure(sts.send(new GetCallerIdentityCommand({})))).to.include({ name: "InvalidClientTokenId", status: 403 });
    } finally {
      sts.destroy();
    }
    sim.setFaults({ unauthorizedActions: [] });
    expect((await failure(launchIn(0, { DryRun: true }))).name).to.equal("DryRunOperation");
  });

  it("the compact --faults spec parses into the same settings, and rejects nonsense", () => {
    expect(parseFaultSpec("capacity=us-east-1a+us-east-1b:3,type-capacity=t3.micro,impaired=0.1,stop=0.05,launchfail=0.01,stuck=0.02,5xx=0.05,drop=0.02,vcpu=64,instances=20,unauthorized=RunInstances+TerminateInstances")).to.deep.equal({
      capacityAzs: ["us-east-1a"],
      azCapacity: { "us-east-1b": 3 },
      capacityInstanceTypes: ["t3.micro"],
      impairedRate: 0.1,
      stopRate: 0.05,
      launchFailRate: 0.01,
      stuckPendingRate: 0.02,
      errorRate: 0.05,
      dropRate: 0.02,
      vcpuLimit: 64,
      instanceLimit: 20,
      unauthorizedActions: ["RunInstances", "TerminateInstances"],
    });
    expect(() => parseFaultSpec("impaired=2")).to.throw(RangeError, /between 0 and 1/);
    expect(() => parseFaultSpec("frobnicate=1")).to.throw(RangeError, /unknown fault/);
    expect(() => parseFaultSpec("vcpu")).to.throw(RangeError, /needs a value/);
    expect(() => sim.setFaults({ dropRate: 1.5 })).to.throw(RangeError);
  });
});
