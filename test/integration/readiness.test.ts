// Readiness end to end: the real binary against a reachable simulator (instances at 127.x.y.z
// answering on a real local port once booted). A machine is handed out when its service answers,
// a line per seat as it happens, each saying which signal made it ready; `--ready-when checks`
// never dials a machine; the hand-out afterwards agrees with the run; EC2 is not read again at
// the end once the addresses are known.
import { expect } from "chai";
import { startSimulator } from "../../src/sim/index.js";
import type { Simulator, SimInstanceView, Timings } from "../../src/sim/types.js";
import { TAG } from "../../src/instances/tags.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

/** Sim time: pending 10-20 s; the service answers 5-10 s after running; the checks 30-40 s after it. */
const TIMINGS: Partial<Timings> = { pendingMs: [10_000, 20_000], serviceMs: [5_000, 10_000], checksMs: [30_000, 40_000] };
const SCALE = 30;

interface Report {
  batch: string;
  ready: { seat: number; instanceId: string; publicIp: string; readyBy: string }[];
  failed: { seat: number; instanceId: string; reason: string }[];
}

describe("readiness: instances create / replace / handout against a reachable simulator", function () {
  this.timeout(60_000);
  let sim: Simulator;
  let home: WorkshopHome;
  const env = (): Record<string, string> => simEnv(sim, { EC2_WORKSHOP_HOME: home.dir });
  const cli = (args: string[]): Promise<RunResult> => runBin(args, { env: env() });
  const batch = (id: string): SimInstanceView[] => sim.instances().filter((i) => i.tags[TAG.batch] === id);

  beforeEach(async () => {
    sim = await startSimulator({ scale: SCALE, seed: 41, reachable: true, timings: TIMINGS });
    sim.seedWorkshop("lab");
    home = makeWorkshopHome([{ name: "lab", maximum: 12, servicePort: sim.servicePort, instructions: "ssh student@{address}" }]);
  });
  afterEach(async () => {
    await sim?.close();
    home?.remove();
  });

  it("by default a machine is handed out when its service answers, before its checks pass: a line per seat as it happens", async () => {
    const r = await cli(["instances", "create", "--workshop", "lab", "--count", "6", "--yes", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as Report;
    expect(doc.ready.map((x) => x.readyBy)).to.deep.equal(Array(6).fill("service"));
    const truth = new Map(batch(doc.batch).map((i) => [i.instanceId, i]));
    for (const x of doc.ready) {
      const i = truth.get(x.instanceId)!;
      expect(i.firstServedAt, `${x.instanceId}: the tool's probe got the banner`).to.be.a("number");
      expect(x.publicIp).to.equal(i.publicIp).and.match(/^127\./);
      // Each seat's line is on stderr (progress, with --json), with its address and the signal.
      expect(r.stderr).to.contain(`✔ Seat ${x.seat} ready: ${x.publicIp} (port ${sim.servicePort} answered)`);
    }
    expect(r.stderr).to.match(/Waiting for 6 instance\(s\) to start and answer on port \d+ \(or pass their status checks\)/);
    // Handed out before their checks passed: at least one still initializing when the run ended.
    expect([...truth.values()].some((i) => i.readyAt === undefined || i.readyAt > Math.max(...[...truth.values()].map((t) => t.firstServedAt!))), "faster than the checks").to.equal(true);
    // No DescribeInstances after the last machine answered: the addresses were already known.
    const lastAnswer = Math.max(...[...truth.values()].map((i) => i.firstServedAt!));
    const reads = sim.log.filter((e) => e.action === "DescribeInstances");
    expect(reads.at(-1)!.simTime, "no final DescribeInstances").to.be.lessThan(lastAnswer);

    // The hand-out now agrees: every seat, although their checks may still be initializing.
    const h = await cli(["instances", "handout", "--workshop", "lab", "--format", "json"]);
    expect(h.code, h.stderr).to.equal(0);
    const handout = JSON.parse(h.stdout) as { seats: { seat: number; address: string }[] };
    expect(handout.seats.map((x) => x.seat)).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  it("the text hand-out has a Ready by column; --ready-when checks never dials a machine and says checks", async () => {
    const r = await cli(["instances", "create", "--workshop", "lab", "--count", "3", "--yes", "--ready-when", "checks"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/Seat +Address +Name +AZ +Ready by +Instance/);
    expect(r.stdout.match(/ checks +i-[0-9a-f]+$/gm)).to.have.length(3);
    expect(r.stdout).to.contain("(status checks ok)");
    expect(r.stdout).to.contain("Waiting for 3 instance(s) to start and pass status checks");
    for (const i of sim.instances().filter((x) => x.tags.Workshop === "lab")) expect(i.firstServedAt, i.instanceId).to.equal(undefined);
  });

  it("the workshop's readyWhen setting applies, the flag overrides it; a bad value is a usage error that launches nothing", async () => {
    home.addWorkshop({ name: "lab", maximum: 12, servicePort: sim.servicePort, readyWhen: "checks" });
    const show = await cli(["workshop", "show", "lab"]);
    expect(show.stdout).to.match(/ready when +checks/);
    const bad = await cli(["instances", "create", "--workshop", "lab", "--count", "1", "--yes", "--ready-when", "ssh"]);
    expect(bad.code).to.equal(2);
    expect(bad.stdout + bad.stderr).to.match(/--ready-when/);
    expect(sim.log.filter((e) => e.action === "RunInstances")).to.have.length(0);
    const bySetting = await cli(["instances", "create", "--workshop", "lab", "--count", "1", "--yes", "--json"]);
    expect((JSON.parse(bySetting.stdout) as Report).ready[0]!.readyBy).to.equal("checks");
    const byFlag = await cli(["instances", "replace", "--workshop", "lab", "--seats", "1", "--yes", "--json", "--ready-when", "service"]);
    expect(byFlag.code, byFlag.stderr).to.equal(0);
    expect((JSON.parse(byFlag.stdout) as Report).ready.map((x) => [x.seat, x.readyBy])).to.deep.equal([[1, "service"]]);
  });
});
