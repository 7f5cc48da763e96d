// The simulator's EventBridge Scheduler through the real @aws-sdk/client-scheduler over HTTP
// (REST JSON on the same port as EC2): groups, one-time schedules, pagination, errors by name,
// firing on the simulator's clock, and stop/start faults of the EC2 side it terminates.
import { expect } from "chai";
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  SchedulerClient,
  type CreateScheduleCommandInput,
} from "@aws-sdk/client-scheduler";
import { StartInstancesCommand, StopInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, ec2For } from "../helpers/sim.js";

const TERMINATE = "arn:aws:scheduler:::aws-sdk:ec2:terminateInstances";

describe("simulator: EventBridge Scheduler API and stop/start faults (real SDK, HTTP)", function () {
  this.timeout(60_000);
  let sim: Simulator;
  let scheduler: SchedulerClient;
  let ec2: EC2Client;
  let role: string;

  before(async () => {
    sim = await startSimulator({ seed: 1404, timings: { stoppingMs: [20_000, 20_000], forcedStopMs: [5_000, 5_000] } });
    role = sim.seedWorkshop("lab").schedulerRoleArn;
    scheduler = new SchedulerClient({ endpoint: sim.endpoint, region: sim.region, credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY }, maxAttempts: 1 });
    ec2 = ec2For(sim, { maxAttempts: 1 });
  });
  after(async () => {
    scheduler?.destroy();
    ec2?.destroy();
    await sim?.close();
  });

  const at = (ms: number): string => `at(${new Date(sim.now() + ms).toISOString().slice(0, 19)})`;
  const input = (name: string, o: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput => ({
    Name: name,
    GroupName: "ec2-workshop-lab",
    ScheduleExpression: at(3_600_000),
    ScheduleExpressionTimezone: "UTC",
    FlexibleTimeWindow: { Mode: "OFF" },
    ActionAfterCompletion: "DELETE",
    Target: { Arn: TERMINATE, RoleArn: role, Input: JSON.stringify({ InstanceIds: ["i-0123456789abcdef0"] }) },
    ...o,
  });
  const failure = (p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> =>
    p.then(
      () => {
        throw new Error("expected a failure");
      },
      (e: Error) => e,
    );

  it("groups: the seeded workshop's and the default; create, list", async () => {
    await scheduler.send(new CreateScheduleGroupCommand({ Name: "extra" }));
    const groups = await scheduler.send(new ListScheduleGroupsCommand({}));
    expect(groups.ScheduleGroups?.map((g) => g.Name)).to.include.members(["default", "ec2-workshop-lab", "extra"]);
    expect((await failure(scheduler.send(new CreateScheduleGroupCommand({ Name: "extra" })))).name).to.equal("ConflictException");
  });

  it("schedules: create, get (as written), list by group and prefix over pages, delete; errors by name", async () => {
    const created = await scheduler.send(new CreateScheduleCommand(input("one")));
    expect(created.ScheduleArn).to.match(/^arn:aws:scheduler:us-east-1:\d{12}:schedule\/ec2-workshop-lab\/one$/);
    const got = await scheduler.send(new GetScheduleCommand({ Name: "one", GroupName: "ec2-workshop-lab" }));
    expect(got.Target?.Arn).to.equal(TERMINATE);
    expect(got.ActionAfterCompletion).to.equal("DELETE");
    expect(got.CreationDate).to.be.instanceOf(Date);
    for (let n = 0; n < 120; n++) await scheduler.send(new CreateScheduleCommand(input(`batch-${String(n).padStart(3, "0")}`)));
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await scheduler.send(new ListSchedulesCommand({ GroupName: "ec2-workshop-lab", NamePrefix: "batch-", NextToken: token }));
      names.push(...(page.Schedules ?? []).map((s) => s.Name!));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(names).to.have.length(120);
    expect(pages).to.equal(2);
    await scheduler.send(new DeleteScheduleCommand({ Name: "one", GroupName: "ec2-workshop-lab" }));
    expect((await failure(scheduler.send(new GetScheduleCommand({ Name: "one", GroupName: "ec2-workshop-lab" })))).name).to.equal("ResourceNotFoundException");
    expect((await failure(scheduler.send(new CreateScheduleCommand(input("batch-000"))))).name).to.equal("ConflictException");
    expect((await failure(scheduler.send(new CreateScheduleCommand(input("x", { GroupName: "nope" }))))).name).to.equal("ResourceNotFoundException");
    expect((await failure(scheduler.send(new CreateScheduleCommand(input("bad name!"))))).name).to.equal("ValidationException");
    expect((await failure(scheduler.send(new CreateScheduleCommand(input("y", { ScheduleExpression: "at(tomorrow)" }))))).name).to.equal("ValidationException");
    sim.setFaults({ unauthorizedActions: ["CreateSchedule"] });
    expect((await failure(scheduler.send(new CreateScheduleCommand(input("z"))))).name).to.equal("AccessDeniedException");
    sim.setFaults({ unauthorizedActions: [], schedulerUnavailable: true });
    expect((await failure(scheduler.send(new ListSchedulesCommand({}))))?.$metadata?.httpStatusCode).to.equal(404);
    sim.setFaults({ schedulerUnavailable: false });
  });

  it("a due schedule fires at its time and, with DELETE, is gone; an id EC2 does not know fails the whole call", async () => {
    const [a, b] = sim.seedInstances(2, { tags: { Workshop: "lab" } });
    await scheduler.send(new CreateScheduleCommand(input("fire-ok", { ScheduleExpression: at(60_000), Target: { Arn: TERMINATE, RoleArn: role, Input: JSON.stringify({ InstanceIds: [a] }) } })));
    await scheduler.send(
      new CreateScheduleCommand(input("fire-missing", { ScheduleExpression: at(60_000), ActionAfterCompletion: "NONE", Target: { Arn: TERMINATE, RoleArn: role, Input: JSON.stringify({ InstanceIds: [b, "i-0fffffffffffffff0"] }) } })),
    );
    sim.advance(90_000);
    // (Both fire within the same second or two: by name, not by time.)
    const runs = sim.scheduleRuns().filter((r) => r.name.startsWith("fire-")).sort((a, b) => a.name.localeCompare(b.name));
    expect(runs.map((r) => [r.name, r.outcome])).to.deep.equal([
      ["fire-missing", "InvalidInstanceID.NotFound"],
      ["fire-ok", "ok"],
    ]);
    const state = (id: string) => sim.instances().find((i) => i.instanceId === id)?.state;
    expect(state(a)).to.be.oneOf(["shutting-down", "terminated"]);
    expect(state(b)).to.equal("running");
    expect(sim.schedules().find((s) => s.name === "fire-ok")).to.equal(undefined);
    expect(sim.schedules().find((s) => s.name === "fire-missing")?.state).to.equal("COMPLETED");
  });

  it("stop/start faults: a stop that hangs until Force; a start refused for capacity in the instances' AZ", async () => {
    const [x] = sim.seedInstances(1, { tags: { Workshop: "lab" }, subnetId: undefined });
    const state = () => sim.instances().find((i) => i.instanceId === x)!;
    sim.setFaults({ stopHangRate: 1 });
    await ec2.send(new StopInstancesCommand({ InstanceIds: [x!] }));
    sim.advance(10 * 60_000);
    expect(state().state).to.equal("stopping");
    expect(state().fault).to.equal("stop-hang");
    await ec2.send(new StopInstancesCommand({ InstanceIds: [x!], Force: true }));
    sim.advance(6_000);
    expect(state().state).to.equal("stopped");
    sim.setFaults({ stopHangRate: 0, capacityAzs: [state().availabilityZone] });
    const refused = await failure(ec2.send(new StartInstancesCommand({ InstanceIds: [x!] })));
    expect(refused.name).to.equal("InsufficientInstanceCapacity");
    expect(refused.message).to.contain(state().availabilityZone);
    expect(state().state).to.equal("stopped");
    sim.setFaults({ capacityAzs: [] });
    const before = sim.instances().find((i) => i.instanceId === x)!.tags;
    await ec2.send(new StartInstancesCommand({ InstanceIds: [x!] }));
    expect(state().state).to.equal("pending");
    sim.advance(70_000);
    expect(state().state).to.equal("running");
    expect(state().tags).to.deep.equal(before);
    expect(state().publicIp).to.be.a("string");
  });
});
