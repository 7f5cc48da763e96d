// `ec2-workshop instances create` end to end: the real binary as a child process, the real SDK,
// the simulator over HTTP on a scaled clock. Counts of API calls come from the simulator's log.
import { expect } from "chai";
import { startSimulator } from "../../src/sim/index.js";
import type { Faults, Simulator, SimInstanceView, Timings } from "../../src/sim/types.js";
import { TAG } from "../../src/instances/tags.js";
import { formatSeatList } from "../../src/instances/seats.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

/** Fast lifecycle (sim time): pending 10-20 s, checks 20-40 s more. At scale 40 a batch takes ~1.5 s. */
const FAST: Partial<Timings> = { pendingMs: [10_000, 20_000], checksMs: [20_000, 40_000] };
const SCALE = 40;

interface Setup {
  sim: Simulator;
  home: WorkshopHome;
  run(args: string[], extraEnv?: Record<string, string>): Promise<RunResult>;
}

async function setup(
  o: { seed: number; faults?: Partial<Faults>; timings?: Partial<Timings>; maximum?: number; publicIp?: boolean; name?: string } = { seed: 1 },
): Promise<Setup> {
  const name = o.name ?? "demo";
  const sim = await startSimulator({ scale: SCALE, seed: o.seed, timings: { ...FAST, ...o.timings }, faults: o.faults });
  sim.seedWorkshop(name, { publicIp: o.publicIp ?? true });
  const home = makeWorkshopHome([{ name, maximum: o.maximum ?? 25, instructions: "ssh student@<address>\nPassword: on the whiteboard" }]);
  return {
    sim,
    home,
    run: (args, extraEnv = {}) => runBin(["instances", "create", ...args], { env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, ...extraEnv }) }),
  };
}

function batchOf(sim: Simulator, batch: string): SimInstanceView[] {
  return sim.instances().filter((i) => i.tags[TAG.batch] === batch);
}

interface JsonReport {
  workshop: string;
  batch: string;
  requested: number;
  ready: { seat: number | null; instanceId: string; name: string; publicIp: string | null; privateIp: string | null; availabilityZone: string | null; readyBy: string | null; instructions: string }[];
  failed: { seat: number | null; instanceId: string | null; reason: string }[];
  instructions: string;
  next: { replace: number[]; launch: number[]; terminate: number[] };
}

describe("instances create (CLI against the simulator)", function () {
  this.timeout(60_000);
  let s: Setup | undefined;
  afterEach(async () => {
    await s?.sim.close();
    s?.home.remove();
    s = undefined;
  });

  it("N = 1: launches, waits, prints the address, the instructions; tags everything at launch", async () => {
    s = await setup({ seed: 11 });
    const r = await s.run(["--workshop", "demo", "--count", "1", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain("Requested 1, 1 ready");
    const [inst] = s.sim.instances();
    expect(inst).to.not.equal(undefined);
    expect(inst!.state).to.equal("running");
    expect(r.stdout).to.contain(inst!.publicIp!);
    expect(r.stdout).to.contain("ssh student@<address>");
    expect(inst!.tags[TAG.workshop]).to.equal("demo");
    expect(inst!.tags[TAG.batch]).to.match(/^[a-z0-9]{8}$/);
    // One seat in the call: named after its seat at launch, no CreateTags needed.
    expect(inst!.tags[TAG.name]).to.equal("demo-01");
    expect(inst!.tags[TAG.seats]).to.equal("1");
    expect(r.stdout).to.match(/^ +1 +\d+\.\d+\.\d+\.\d+ +demo-01 /m);
    expect(inst!.tags[TAG.launchedBy]).to.match(/^arn:aws:/);
    expect(new Date(inst!.tags[TAG.launchedAt]!).toISOString()).to.equal(inst!.tags[TAG.launchedAt]);
    const calls = s.sim.callsByAction();
    expect(calls.RunInstances).to.equal(1);
    expect(calls.GetCallerIdentity).to.equal(1);
    expect(calls.CreateTags ?? 0).to.equal(0);
    const tagged = s.sim.log.find((e) => e.action === "RunInstances")!.params;
    expect(Object.values(tagged)).to.include("volume", "volumes are tagged at launch too");
  });

  it("N = 25 --json: stdout is exactly the documented JSON; calls grow with rounds, not with N", async () => {
    s = await setup({ seed: 12 });
    const r = await s.run(["--workshop", "demo", "--count", "25", "--yes", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as JsonReport;
    expect(Object.keys(doc)).to.deep.equal(["workshop", "batch", "requested", "ready", "failed", "instructions", "next", "expiresAt"]);
    expect(doc.next).to.deep.equal({ replace: [], launch: [], terminate: [] });
    expect(doc).to.include({ workshop: "demo", requested: 25 });
    expect(doc.ready).to.have.length(25);
    expect(doc.failed).to.deep.equal([]);
    expect(doc.instructions).to.contain("whiteboard");
    for (const x of doc.ready) {
      expect(Object.keys(x)).to.deep.equal(["seat", "instanceId", "name", "publicIp", "privateIp", "availabilityZone", "readyBy", "instructions"]);
      expect(x.publicIp).to.match(/^\d+\.\d+\.\d+\.\d+$/);
      expect(x.name).to.equal(`demo-${String(x.seat).padStart(2, "0")}`);
      expect(x.readyBy, "this workshop waits on EC2's checks (fixture: readyWhen checks)").to.equal("checks");
    }
    expect(doc.ready.map((x) => x.seat)).to.deep.equal(Array.from({ length: 25 }, (_, i) => i + 1), "seats 1..25, in order");
    const truth = batchOf(s.sim, doc.batch);
    expect(truth.map((i) => i.instanceId).sort()).to.deep.equal(doc.ready.map((x) => x.instanceId).sort());
    // The seats are in EC2: one seat-list tag on the call, and each instance's launch index.
    expect(truth.every((i) => i.tags[TAG.seats] === "1-25")).to.equal(true);
    // The readable per-seat Names came afterwards, in the background.
    expect(truth.map((i) => i.tags[TAG.name]).sort()).to.deep.equal(doc.ready.map((x) => x.name).sort());
    const calls = s.sim.callsByAction();
    console.log(`      calls by action, N = 25: ${JSON.stringify(calls)}`);
    expect(calls.RunInstances).to.equal(1);
    // Only the optional readable Names grow with N: one CreateTags per instance, in the background.
    expect(calls.CreateTags ?? 0).to.equal(25);
    // ~60 s of sim time polled every 2-2.6 s: a few dozen rounds, one call each, whatever N is.
    expect(calls.DescribeInstanceStatus ?? 0).to.be.within(3, 40);
    expect(calls.DescribeInstances ?? 0).to.be.within(2, 25);
  });

  it("refuses a bad --count with one clear line before any API call", async () => {
    s = await setup({ seed: 13 });
    for (const count of ["0", "26", "abc", "1.5", "-3"]) {
      const r = await s.run(["--workshop", "demo", "--count", count, "--yes"]);
      expect(r.code, `--count ${count}`).to.equal(2);
      expect(r.stderr).to.match(/count/i);
      expect(r.stderr).to.not.match(/\n\s+at /, "no stack trace");
    }
    const noCount = await s.run(["--workshop", "demo", "--yes"]);
    expect(noCount.code).to.equal(2);
    expect(noCount.stderr).to.contain("--count 1..25");
    const noWorkshop = await s.run(["--count", "2", "--yes"]);
    expect(noWorkshop.code).to.equal(2);
    expect(noWorkshop.stderr).to.contain("--workshop");
    // A workshop that does not exist is a mistake in the command line, like an invalid name.
    const unknown = await s.run(["--workshop", "nope", "--count", "2", "--yes"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('No workshop "nope"');
    expect(s.sim.log).to.have.length(0);
  });

  it("no capacity in one AZ: the batch goes to the next one", async () => {
    s = await setup({ seed: 14, faults: { capacityAzs: ["us-east-1a"] } });
    const r = await s.run(["--workshop", "demo", "--count", "5", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain("Requested 5, 5 ready");
    expect(r.stdout).to.match(/No capacity .* us-east-1a/);
    const azs = new Set(s.sim.instances().map((i) => i.availabilityZone));
    expect([...azs]).to.deep.equal(["us-east-1b"]);
    expect(s.sim.callsByAction().RunInstances).to.equal(2);
  });

  it("a partial launch: what fits in one AZ stays, the remainder goes to the next", async () => {
    s = await setup({ seed: 15, faults: { azCapacity: { "us-east-1a": 3 } } });
    const r = await s.run(["--workshop", "demo", "--count", "8", "--yes", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as JsonReport;
    expect(doc.ready).to.have.length(8);
    const perAz: Record<string, number> = {};
    for (const i of s.sim.instances()) perAz[i.availabilityZone] = (perAz[i.availabilityZone] ?? 0) + 1;
    expect(perAz).to.deep.equal({ "us-east-1a": 3, "us-east-1b": 5 });
    expect(s.sim.callsByAction().RunInstances).to.equal(2);
    expect(r.stderr).to.contain("Only 3 of 8 fit");
  });

  it("a vCPU quota error ends the launch with the numbers and what to ask AWS for (exit 3)", async () => {
    s = await setup({ seed: 16, faults: { vcpuLimit: 8 } });
    // --skip-checks: otherwise the pre-launch quota check stops the run before RunInstances.
    const r = await s.run(["--workshop", "demo", "--count", "6", "--yes", "--skip-checks"]);
    expect(r.code, r.stderr).to.equal(3);
    // 8 vCPUs = four t3.micro. Whatever EC2 placed before refusing is waited for; the quota ends the launch.
    const launched = s.sim.instances().length;
    expect(launched).to.be.at.most(4);
    expect(r.stdout, r.stdout).to.contain(`Requested 6, ${launched} ready`);
    expect(r.stdout).to.contain("VcpuLimitExceeded");
    expect(r.stdout).to.contain("L-1216C47A");
    expect(r.stdout).to.contain("in us-east-1");
    // Quotas are per region: after the quota error no other AZ is tried.
    const runs = s.sim.log.filter((e) => e.action === "RunInstances").map((e) => e.outcome);
    expect(runs.at(-1)).to.equal("VcpuLimitExceeded");
    expect(runs.filter((o) => o === "VcpuLimitExceeded")).to.have.length(1);
    // The seats that never got a machine: launched into once the quota allows, nothing to replace or terminate.
    const missing = formatSeatList(Array.from({ length: 6 - launched }, (_, i) => launched + i + 1));
    expect(r.stdout).to.contain(`To give seat${6 - launched === 1 ? "" : "s"} ${missing} `);
    expect(r.stdout).to.match(new RegExp(`^ {2}npx ec2-workshop instances create --workshop demo --seats ${missing} --yes$`, "m"));
    expect(r.stdout).to.not.contain("instances replace");
    expect(r.stdout).to.not.contain("instances destroy");
  });

  it("impaired, stopped and stuck instances are reported with id and reason, plus the exact cleanup command", async () => {
    s = await setup({ seed: 17, faults: { impairedRate: 0.2, stopRate: 0.15, stuckPendingRate: 0.15 } });
    const r = await s.run(["--workshop", "demo", "--count", "20", "--yes", "--json", "--launch-timeout", "90s", "--check-timeout", "3m"]);
    expect(r.code, r.stderr).to.equal(3);
    const doc = JSON.parse(r.stdout) as JsonReport;
    const truth = new Map(batchOf(s.sim, doc.batch).map((i) => [i.instanceId, i]));
    expect(truth.size).to.equal(20);
    expect(doc.ready.length + doc.failed.length).to.equal(20);
    expect(doc.failed.length).to.be.greaterThan(0);
    expect([...doc.ready, ...doc.failed].map((x) => x.seat).sort((a, b) => a! - b!)).to.deep.equal(
      Array.from({ length: 20 }, (_, i) => i + 1),
      "every seat once, ready or failed",
    );
    for (const f of doc.failed) {
      const fault = truth.get(f.instanceId!)!.fault;
      if (fault === "impaired") expect(f.reason).to.contain("impaired");
      else if (fault === "stop") expect(f.reason).to.match(/^stopp(ing|ed)/);
      else if (fault === "stuck-pending") expect(f.reason).to.contain("timed out in the launch phase");
      else expect.fail(`${f.instanceId} failed without a fault: ${f.reason}`);
    }
    for (const x of doc.ready) expect(truth.get(x.instanceId)!.fault, x.instanceId).to.equal(undefined);
    // Every failed machine still holds its seat (stopped, impaired, stuck): replace them, or only terminate them.
    const failedSeats = doc.failed.map((f) => f.seat!).sort((a, b) => a - b);
    expect(doc.next).to.deep.equal({ replace: failedSeats, launch: [], terminate: failedSeats });
    // The human output of the same kind of run names the failed seats, and the commands that give
    // them a new machine (all of them) or only terminate the failed machines still holding them.
    const plain = await s.run(["--workshop", "demo", "--count", "5", "--yes", "--launch-timeout", "90s", "--check-timeout", "3m"]);
    expect(plain.code, plain.stderr).to.equal(3);
    const failedLines = [...plain.stdout.matchAll(/^ {2}Seat (\d+) {2}(i-[0-9a-f]+) {2}/gm)].map((m) => ({ seat: Number(m[1]), id: m[2]! }));
    expect(failedLines.map((f) => f.seat), "the five seats after the first run's twenty").to.satisfy((seats: number[]) => seats.every((x) => x >= 21 && x <= 25));
    const replaceCmd = /ec2-workshop instances replace --workshop demo --seats (\S+) --yes/.exec(plain.stdout);
    expect(replaceCmd?.[1]).to.equal(formatSeatList(failedLines.map((f) => f.seat)));
    const holding = failedLines.filter((f) => !["shutting-down", "terminated"].includes(s!.sim.instances().find((i) => i.instanceId === f.id)!.state));
    const destroyCmd = /ec2-workshop instances destroy --workshop demo --seats (\S+) --yes/.exec(plain.stdout);
    expect(destroyCmd?.[1]).to.equal(holding.length ? formatSeatList(holding.map((f) => f.seat)) : undefined);
    // Or keep them and launch as many into free seats.
    expect(plain.stdout).to.match(new RegExp(`^ {2}npx ec2-workshop instances create --workshop demo --count ${failedLines.length} --yes$`, "m"));
  });

  it("no public IP: the private address is given instead", async () => {
    s = await setup({ seed: 18, publicIp: false });
    const r = await s.run(["--workshop", "demo", "--count", "2", "--yes", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as JsonReport;
    for (const x of doc.ready) {
      expect(x.publicIp).to.equal(null);
      expect(x.privateIp).to.match(/^\d+\.\d+\.\d+\.\d+$/);
    }
    const plain = await s.run(["--workshop", "demo", "--count", "1", "--yes"]);
    expect(plain.stdout).to.match(/\d+\.\d+\.\d+\.\d+ \(private\)/);
  });

  it("--replace-failed terminates this batch's failures and launches replacements", async () => {
    s = await setup({ seed: 19, faults: { launchFailRate: 0.3 } });
    const r = await s.run(["--workshop", "demo", "--count", "10", "--yes", "--json", "--replace-failed"]);
    const doc = JSON.parse(r.stdout) as JsonReport;
    const truth = batchOf(s.sim, doc.batch);
    const replaced = doc.failed.filter((f) => f.reason.includes("terminated and replaced"));
    expect(replaced.length, "the seed makes some fail").to.be.greaterThan(0);
    expect(truth.length).to.equal(10 + replaced.length);
    for (const f of replaced) expect(["shutting-down", "terminated"]).to.include(truth.find((i) => i.instanceId === f.instanceId)!.state);
    // Each replacement went into the failed machine's seat: the ready ones hold seats 1..10, once each.
    const readySeats = doc.ready.map((x) => x.seat);
    expect(new Set(readySeats).size).to.equal(readySeats.length);
    for (const x of readySeats) expect(x).to.be.within(1, 10);
    for (const f of replaced) if (doc.ready.length === 10) expect(readySeats).to.include(f.seat);
    expect(r.code).to.equal(doc.ready.length === 10 ? 0 : 3);
    expect(s.sim.callsByAction().RunInstances).to.be.at.least(2);
  });

  it("--replace-failed reports a stopped machine with the reason it stopped, not its own termination", async () => {
    // Stops come 5-15 s after running, checks take 20-40 s: every stop happens mid-check, seen first by the status call.
    s = await setup({ seed: 125, faults: { stopRate: 0.3 }, timings: { faultStopAfterMs: [5_000, 15_000] } });
    const r = await s.run(["--workshop", "demo", "--count", "10", "--yes", "--json", "--replace-failed"]);
    const doc = JSON.parse(r.stdout) as JsonReport;
    const truth = new Map(batchOf(s.sim, doc.batch).map((i) => [i.instanceId, i]));
    const replaced = doc.failed.filter((f) => f.reason.endsWith("; terminated and replaced"));
    expect(replaced.length, "the seed stops a few").to.be.greaterThan(0);
    for (const f of replaced) {
      expect(truth.get(f.instanceId!)!.fault).to.equal("stop");
      expect(f.reason).to.match(/^stopp(ing|ed): Client\.InstanceInitiatedShutdown: Instance initiated shutdown; terminated and replaced$/);
    }
    expect(r.stdout).to.not.contain("UserInitiatedShutdown");
  });
});
