import { expect } from "chai";
import {
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { scaledClock } from "../../src/clock.js";
import { createBatch } from "../../src/instances/create-batch.js";
import type { WorkshopSettings } from "../../src/workshops/settings.js";

const READY = "i-0aaaaaaaaaaaaaaa1";
const STOPPED = "i-0bbbbbbbbbbbbbbb2";

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name}: not allowed`), { name, $metadata: { httpStatusCode: status } });
}

/** EC2 where one instance runs fine, one stops, and TerminateInstances is not allowed. */
function fakeEc2(): EC2Client {
  const tags = [
    { Key: "Workshop", Value: "demo" },
    { Key: "ec2-workshop:batch", Value: "b1" },
  ];
  const send = (command: unknown): Promise<unknown> => {
    if (command instanceof RunInstancesCommand)
      return Promise.resolve({ Instances: [{ InstanceId: READY, AmiLaunchIndex: 0 }, { InstanceId: STOPPED, AmiLaunchIndex: 1 }] });
    if (command instanceof DescribeInstancesCommand)
      return Promise.resolve({
        Reservations: [
          {
            Instances: [
              { InstanceId: READY, State: { Name: "running" }, PublicIpAddress: "203.0.113.1", Tags: tags },
              { InstanceId: STOPPED, State: { Name: "stopped" }, Tags: tags },
            ],
          },
        ],
      });
    if (command instanceof DescribeInstanceStatusCommand)
      return Promise.resolve({
        InstanceStatuses: [
          { InstanceId: READY, InstanceState: { Name: "running" }, InstanceStatus: { Status: "ok" }, SystemStatus: { Status: "ok" } },
        ],
      });
    if (command instanceof TerminateInstancesCommand) return Promise.reject(awsError("UnauthorizedOperation", 403));
    return Promise.reject(new Error(`unexpected command ${String(command)}`));
  };
  return Object.assign(Object.create(EC2Client.prototype) as EC2Client, { send });
}

/**
 * EC2 where the second instance stops during its status checks (on its own), and
 * TerminateInstances works: from then on EC2 gives the stop's reason as the user's termination.
 */
function stoppingEc2(): EC2Client & { launches: number } {
  const tags = [
    { Key: "Workshop", Value: "demo" },
    { Key: "ec2-workshop:batch", Value: "b1" },
  ];
  const STOP = { Code: "Client.InstanceInitiatedShutdown", Message: "Client.InstanceInitiatedShutdown: Instance initiated shutdown" };
  const USER = { Code: "Client.UserInitiatedShutdown", Message: "Client.UserInitiatedShutdown: User initiated shutdown" };
  const NEW = "i-0ccccccccccccccc3";
  const state = new Map<string, { name: string; reason?: typeof STOP }>([[READY, { name: "running" }], [STOPPED, { name: "running" }]]);
  const fake = Object.assign(Object.create(EC2Client.prototype) as EC2Client, { launches: 0 });
  const send = (command: unknown): Promise<unknown> => {
    if (command instanceof RunInstancesCommand) {
      if (fake.launches++ === 0) return Promise.resolve({ Instances: [{ InstanceId: READY, AmiLaunchIndex: 0 }, { InstanceId: STOPPED, AmiLaunchIndex: 1 }] });
      state.set(NEW, { name: "running" });
      return Promise.resolve({ Instances: [{ InstanceId: NEW, AmiLaunchIndex: 0 }] });
    }
    if (command instanceof DescribeInstancesCommand)
      return Promise.resolve({
        Reservations: [{ Instances: [...state].map(([id, s]) => ({ InstanceId: id, State: { Name: s.name }, StateReason: s.reason, PublicIpAddress: "203.0.113.1", Tags: tags })) }],
      });
    if (command instanceof DescribeInstanceStatusCommand) {
      const statuses = command.input.InstanceIds!.map((id) => {
        const s = state.get(id)!;
        // The status call is the first to see the stop; DescribeInstances shows it from then on.
        if (id === STOPPED && s.name === "running") state.set(id, { name: "stopped", reason: STOP });
        return id === STOPPED
          ? { InstanceId: id, InstanceState: { Name: "stopping" } }
          : { InstanceId: id, InstanceState: { Name: s.name }, InstanceStatus: { Status: "ok" }, SystemStatus: { Status: "ok" } };
      });
      return Promise.resolve({ InstanceStatuses: statuses });
    }
    if (command instanceof TerminateInstancesCommand) {
      const ids = command.input.InstanceIds!;
      for (const id of ids) state.set(id, { name: "terminated", reason: USER });
      return Promise.resolve({ TerminatingInstances: ids.map((id) => ({ InstanceId: id, PreviousState: { Name: "stopped" }, CurrentState: { Name: "shutting-down" } })) });
    }
    return Promise.reject(new Error(`unexpected command ${String(command)}`));
  };
  return Object.assign(fake, { send });
}

/** Two seats, --replace-failed's two rounds, on a fast clock. */
function runWithReplacing(ec2: EC2Client): ReturnType<typeof createBatch> {
  return createBatch(ec2, {
    settings: { name: "demo", region: "eu-west-1", maximum: 10, instructions: "" } as WorkshopSettings,
    seats: [1, 2],
    batch: "b1",
    prep: { template: { id: "lt-0123456789abcdef0", name: "ec2-workshop-demo", version: "1" }, subnets: [], launchedBy: "tester", holders: [] },
    clock: scaledClock(1000),
    replaceRounds: 2,
    nameSeats: false,
    random: () => 0,
    timing: { firstMs: 10, checkMs: 10, launchMaxMs: 10, jitterMs: 0 },
  });
}

describe("createBatch --replace-failed", () => {
  it("reports a replaced machine with the reason it failed, not its own termination", async () => {
    const ec2 = stoppingEc2();
    const { report } = await runWithReplacing(ec2);
    expect(ec2.launches, "one replacement launch").to.equal(2);
    expect(report.ready.map((r) => r.seat)).to.deep.equal([1, 2]);
    expect(report.failed).to.have.length(1);
    expect(report.failed[0]).to.include({ seat: 2, instanceId: STOPPED, replaced: true });
    expect(report.failed[0]!.reason).to.equal("stopped: Client.InstanceInitiatedShutdown: Instance initiated shutdown; terminated and replaced");
  });

  it("keeps the report (the ready instances) when the failed ones cannot be terminated", async () => {
    const { report } = await runWithReplacing(fakeEc2());
    expect(report.ready.map((r) => r.instanceId)).to.deep.equal([READY]);
    expect(report.ready[0]?.publicIp).to.equal("203.0.113.1");
    expect(report.failed.map((f) => f.instanceId)).to.deep.equal([STOPPED]);
    expect(report.failed[0]?.replaced).to.equal(undefined);
    expect(report.launchStops.map((s) => s.message).join(" ")).to.match(/Replacing the failed instances stopped: .*IAM/);
  });
});
