// Expiry enforced by AWS, end to end against the simulator: the real binary makes one-time
// EventBridge Scheduler schedules at the expiry (universal target EC2 TerminateInstances, the
// stack's role, the workshop's group), the simulator fires them on its clock with the tool not
// running, and extend / replace / destroy keep them in step. When schedules cannot be made the run
// says so once and goes on.
import { expect } from "chai";
import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { startSimulator, type Faults, type Simulator } from "../../src/sim/index.js";
import { TAG } from "../../src/instances/tags.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

const FAST = { pendingMs: [10_000, 20_000] as [number, number], checksMs: [20_000, 40_000] as [number, number] };
const TERMINATE = "arn:aws:scheduler:::aws-sdk:ec2:terminateInstances";
const GONE = ["shutting-down", "terminated"];

interface CreateJson {
  batch: string;
  ready: { seat: number; instanceId: string }[];
  expiresAt: string;
}

describe("expiry: EventBridge Scheduler schedules (simulator)", function () {
  this.timeout(120_000);
  let sim: Simulator;
  let home: WorkshopHome;
  let foreign: string[];
  let group: string;
  let role: string;

  before(async () => {
    sim = await startSimulator({ scale: 40, seed: 1401, timings: FAST });
    const demo = sim.seedWorkshop("demo");
    const bare = sim.seedWorkshop("bare");
    group = demo.scheduleGroupName;
    role = demo.schedulerRoleArn;
    home = makeWorkshopHome([
      { name: "demo", outputs: { vpcId: demo.vpcId, subnetIds: demo.subnetIds, schedulerRoleArn: role, scheduleGroupName: group } },
      // Built before the stack had a scheduler role: expiry falls back to the sweep.
      { name: "bare", outputs: { vpcId: bare.vpcId, subnetIds: bare.subnetIds } },
    ]);
    foreign = [...sim.seedInstances(2, { tags: { Workshop: "other" } }), ...sim.seedInstances(1)];
  });
  after(async () => {
    await sim?.close();
    home?.remove();
  });
  afterEach(async () => {
    for (const w of ["demo", "bare"]) await cli(["instances", "destroy", "--workshop", w, "--all", "--yes"]);
    for (const id of foreign) expect(GONE, `foreign ${id}`).to.not.include(sim.instances().find((i) => i.instanceId === id)?.state);
  });

  const cli = (args: string[]): Promise<RunResult> => runBin(args, { env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, TZ: "UTC" }) });
  async function create(args: string[], workshop = "demo"): Promise<{ r: RunResult; doc: CreateJson }> {
    const r = await cli(["instances", "create", "--workshop", workshop, "--yes", "--json", ...args]);
    expect(r.code, r.stderr).to.equal(0);
    return { r, doc: JSON.parse(r.stdout) as CreateJson };
  }
  const schedulesOf = (batch: string) => sim.schedules().filter((s) => s.name.startsWith(`${batch}-`));
  const idsIn = (s: { input?: unknown }): string[] => [...((s.input as { InstanceIds: string[] }).InstanceIds ?? [])].sort();
  const state = (id: string): string => sim.instances().find((i) => i.instanceId === id)?.state ?? "gone";

  it("a batch with a 2-minute lifetime is terminated by its schedule, with the tool not running", async () => {
    sim.clearLog();
    const { doc } = await create(["--count", "3", "--lifetime", "2m"]);
    const ids = doc.ready.map((x) => x.instanceId).sort();
    // One CreateSchedule, as the Scheduler API reference asks for a one-time schedule.
    const calls = sim.log.filter((e) => e.action === "CreateSchedule");
    expect(calls).to.have.length(1);
    const p = calls[0]!.params;
    expect(p.GroupName).to.equal(group);
    expect(p.ScheduleExpression).to.match(/^at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\)$/);
    expect(p.ScheduleExpression).to.equal(`at(${doc.expiresAt.slice(0, 19)})`);
    expect(p.ScheduleExpressionTimezone).to.equal("UTC");
    expect(p.ActionAfterCompletion).to.equal("DELETE");
    expect(JSON.parse(p.FlexibleTimeWindow!)).to.deep.equal({ Mode: "OFF" });
    const target = JSON.parse(p.Target!) as { Arn: string; RoleArn: string; Input: string };
    expect(target.Arn).to.equal(TERMINATE);
    expect(target.RoleArn).to.equal(role);
    expect(JSON.parse(target.Input).InstanceIds.sort()).to.deep.equal(ids);
    // Every machine carries its expiry.
    for (const id of ids) expect(sim.instances().find((i) => i.instanceId === id)!.tags[TAG.expiresAt]).to.equal(doc.expiresAt);

    // The command has ended; time passes.
    expect(ids.map(state)).to.deep.equal(["running", "running", "running"]);
    sim.advance(3 * 60_000);
    expect(ids.map(state).every((s) => GONE.includes(s)), ids.map(state).join(",")).to.equal(true);
    const runs = sim.scheduleRuns().filter((x) => x.name.startsWith(`${doc.batch}-`));
    expect(runs.map((x) => x.outcome)).to.deep.equal(["ok"]);
    expect(schedulesOf(doc.batch), "deleted after completion").to.deep.equal([]);
  });

  it("extend moves the schedule, destroy takes a machine out of it, replace puts the new machine in a schedule of its own", async () => {
    const { doc } = await create(["--count", "4", "--lifetime", "2h"]);
    const ids = doc.ready.map((x) => x.instanceId).sort();
    const [first] = schedulesOf(doc.batch);
    expect(idsIn(first!)).to.deep.equal(ids);

    // extend: seats 1-2 an hour later -> two schedules (two times), the old one gone.
    let r = await cli(["instances", "extend", "--workshop", "demo", "--seats", "1-2", "--hours", "1", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain("AWS terminates them at the new time");
    let now = schedulesOf(doc.batch).sort((a, b) => a.fireAt! - b.fireAt!);
    expect(now.map((s) => s.fireAt! - first!.fireAt!)).to.deep.equal([0, 3_600_000]);
    const seat = (n: number) => doc.ready.find((x) => x.seat === n)!.instanceId;
    expect(idsIn(now[1]!)).to.deep.equal([seat(1), seat(2)].sort());
    expect(idsIn(now[0]!)).to.deep.equal([seat(3), seat(4)].sort());

    // destroy seat 3: it leaves its schedule (an id EC2 forgets would fail the whole call).
    r = await cli(["instances", "destroy", "--workshop", "demo", "--seats", "3", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    now = schedulesOf(doc.batch).sort((a, b) => a.fireAt! - b.fireAt!);
    expect(now.map(idsIn)).to.deep.equal([[seat(4)], [seat(1), seat(2)].sort()]);

    // replace seat 4: the new machine inherits its expiry, in a schedule of its new batch.
    r = await cli(["instances", "replace", "--workshop", "demo", "--seats", "4", "--yes", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const rep = JSON.parse(r.stdout) as CreateJson;
    expect(rep.expiresAt, "inherited").to.equal(new Date(first!.fireAt!).toISOString());
    expect(schedulesOf(doc.batch).map(idsIn)).to.deep.equal([[seat(1), seat(2)].sort()]);
    expect(schedulesOf(rep.batch).map(idsIn)).to.deep.equal([[rep.ready[0]!.instanceId]]);

    // When they fire, exactly the workshop's live machines end; nothing fails.
    sim.advance(3 * 3_600_000 + 5 * 60_000);
    expect(sim.scheduleRuns().filter((x) => x.name.startsWith(doc.batch) || x.name.startsWith(rep.batch)).map((x) => x.outcome)).to.deep.equal(["ok", "ok"]);
    // (EC2 forgets a terminated machine after about an hour: "gone" is terminated too.)
    for (const id of [seat(1), seat(2), rep.ready[0]!.instanceId]) expect([...GONE, "gone"]).to.include(state(id));
  });

  it("no scheduler role in the stack's outputs: the run says so once, the machines keep their expiry tag", async () => {
    sim.clearLog();
    const r = await cli(["instances", "create", "--workshop", "bare", "--count", "2", "--yes", "--lifetime", "1h"]);
    expect(r.code, r.stderr).to.equal(0);
    const said = `${r.stdout}${r.stderr}`.match(/Expiry is not enforced by AWS for this run: the workshop's stack has no scheduler role/g) ?? [];
    expect(said).to.have.length(1);
    expect(r.stdout).to.match(/`(npx )?ec2-workshop sweep` terminates them once it has passed/);
    expect(Object.keys(sim.callsByAction()).filter((a) => /Schedule/.test(a))).to.deep.equal([]);
    const mine = sim.instances().filter((i) => i.tags.Workshop === "bare" && !GONE.includes(i.state));
    expect(mine).to.have.length(2);
    for (const i of mine) expect(i.tags[TAG.expiresAt]).to.match(/^\d{4}-\d\d-\d\dT/);
  });

  it("CreateSchedule denied, or an endpoint without EventBridge Scheduler: said once, the launch goes on", async () => {
    const cases: [Partial<Faults>, RegExp][] = [
      [{ unauthorizedActions: ["CreateSchedule"], schedulerUnavailable: false }, /EventBridge Scheduler refused: .*AccessDeniedException/],
      [{ unauthorizedActions: [], schedulerUnavailable: true }, /this endpoint does not offer EventBridge Scheduler/],
    ];
    for (const [fault, words] of cases) {
      sim.setFaults(fault);
      const r = await cli(["instances", "create", "--workshop", "demo", "--count", "2", "--yes"]);
      expect(r.code, r.stderr).to.equal(0);
      const all = `${r.stdout}${r.stderr}`;
      expect(all).to.match(words);
      expect(all.match(/Expiry is not enforced by AWS for this run/g)).to.have.length(1);
      expect(r.stdout).to.match(/Requested 2, 2 ready/);
      await cli(["instances", "destroy", "--workshop", "demo", "--all", "--yes"]);
    }
    sim.setFaults({ unauthorizedActions: [], schedulerUnavailable: false });
  });

  it("--no-expiry needs --yes without a terminal; with it, no schedule and the tag says never", async () => {
    let r = await cli(["instances", "create", "--workshop", "demo", "--count", "1", "--no-expiry"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("--no-expiry needs --yes without a terminal");
    r = await cli(["instances", "create", "--workshop", "demo", "--count", "1", "--lifetime", "2h", "--no-expiry", "--yes"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("Give --lifetime or --no-expiry, not both.");
    expect(sim.instances().filter((i) => i.tags.Workshop === "demo" && !GONE.includes(i.state))).to.have.length(0);
    const { doc } = await create(["--count", "1", "--no-expiry"]);
    expect(doc.expiresAt).to.equal("never");
    expect(schedulesOf(doc.batch)).to.deep.equal([]);
    r = await cli(["instances", "list", "--workshop", "demo"]);
    expect(r.stdout).to.match(/ never\n/);
  });

  it("the simulator's Scheduler honours the role: a schedule naming a machine of another workshop terminates nothing", async () => {
    const { doc } = await create(["--count", "1", "--lifetime", "2h"]);
    const mine = doc.ready[0]!.instanceId;
    const scheduler = new SchedulerClient({
      endpoint: sim.endpoint,
      region: sim.region,
      credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
    });
    try {
      await scheduler.send(
        new CreateScheduleCommand({
          Name: "sneaky",
          GroupName: group,
          ScheduleExpression: `at(${new Date(sim.now() + 60_000).toISOString().slice(0, 19)})`,
          ScheduleExpressionTimezone: "UTC",
          FlexibleTimeWindow: { Mode: "OFF" },
          ActionAfterCompletion: "DELETE",
          Target: { Arn: TERMINATE, RoleArn: role, Input: JSON.stringify({ InstanceIds: [mine, foreign[0]] }) },
        }),
      );
      const bad = await scheduler
        .send(new CreateScheduleCommand({ Name: "no-role", GroupName: group, ScheduleExpression: "at(2030-01-01T00:00:00)", FlexibleTimeWindow: { Mode: "OFF" }, Target: { Arn: TERMINATE, RoleArn: "arn:aws:iam::123456789012:role/nobody" } }))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(bad?.name).to.equal("ValidationException");
    } finally {
      scheduler.destroy();
    }
    sim.advance(2 * 60_000);
    const run = sim.scheduleRuns().find((x) => x.name === "sneaky");
    expect(run?.outcome).to.equal("UnauthorizedOperation");
    expect(state(mine)).to.equal("running");
    expect(state(foreign[0]!)).to.equal("running");
  });
});
