// `ec2-workshop sweep` against the simulator: it lists, and with --yes terminates, exactly the
// workshop machines past their expiry, whatever workshop they belong to; it lists what is left
// behind (machines of workshops without settings here, tagged detached volumes and Elastic IPs)
// without touching it; nothing untagged or foreign is ever touched.
import { expect } from "chai";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { TAG } from "../../src/instances/tags.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { scaledClock } from "../../src/clock.js";
import { scanRegion, terminateExpired } from "../../src/instances/sweep.js";
import { ec2For, simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

const FAST = { pendingMs: [10_000, 20_000] as [number, number], checksMs: [20_000, 40_000] as [number, number] };
const GONE = ["shutting-down", "terminated"];

interface SweepJson {
  regions: string[];
  dryRun: boolean;
  expired: { workshop: string | null; instanceId: string }[];
  leftBehind: { instances: { workshop: string | null; instanceId: string }[]; volumes: { volumeId: string }[]; addresses: { allocationId: string }[] };
  terminated: { instanceId: string }[];
  skipped: { instanceId: string; reason: string }[];
}

describe("sweep (simulator)", function () {
  this.timeout(120_000);
  let sim: Simulator;
  let home: WorkshopHome;
  const past = (minutes: number): string => new Date(sim.now() - minutes * 60_000).toISOString();
  const future = (hours: number): string => new Date(sim.now() + hours * 3_600_000).toISOString();

  /** Expired machines of two workshops, and everything that must survive a sweep. */
  let expired: string[];
  let survivors: string[];
  let orphans: string[];
  let looseTagged: string;
  let looseUntagged: string;
  let eipTagged: string;

  before(async () => {
    sim = await startSimulator({ scale: 40, seed: 1403, timings: FAST });
    const demo = sim.seedWorkshop("demo");
    sim.seedWorkshop("bare");
    home = makeWorkshopHome([{ name: "demo", outputs: { vpcId: demo.vpcId, subnetIds: demo.subnetIds } }, { name: "bare" }]);
    const tags = (workshop: string, expiresAt?: string) => ({ Workshop: workshop, ManagedBy: "ec2-workshop", ...(expiresAt ? { [TAG.expiresAt]: expiresAt } : {}) });
    expired = [
      ...sim.seedInstances(2, { tags: tags("demo", past(30)) }),
      ...sim.seedInstances(1, { tags: tags("demo", past(5)), state: "stopped" }),
      ...sim.seedInstances(1, { tags: tags("bare", past(60)) }),
    ];
    orphans = sim.seedInstances(1, { tags: tags("gone-workshop", future(2)) });
    survivors = [
      ...sim.seedInstances(1, { tags: tags("demo", future(2)) }),
      ...sim.seedInstances(1, { tags: tags("demo", "never") }),
      ...sim.seedInstances(1, { tags: tags("demo") }), // from before expiry: none known
      // Foreign: untagged but "expired", another tool's, a malformed expiry.
      ...sim.seedInstances(1, { tags: { [TAG.expiresAt]: past(60) } }),
      ...sim.seedInstances(1, { tags: { Team: "data", [TAG.expiresAt]: past(60) } }),
      ...sim.seedInstances(1, { tags: tags("demo", "yesterday") }),
      ...orphans,
    ];
    looseTagged = sim.seedVolume({ tags: { Workshop: "gone-workshop" }, sizeGiB: 16 });
    looseUntagged = sim.seedVolume({ tags: { Team: "data" } });
    eipTagged = sim.seedAddress({ tags: { Workshop: "demo" } });
    sim.seedAddress({ tags: { Team: "data" } });
  });
  after(async () => {
    await sim?.close();
    home?.remove();
  });

  const cli = (args: string[]): Promise<RunResult> => runBin(args, { env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, TZ: "UTC" }) });
  const state = (id: string): string => sim.instances().find((i) => i.instanceId === id)?.state ?? "gone";
  const sorted = (ids: string[]): string[] => [...ids].sort();

  it("--dry-run lists exactly the expired machines and what is left behind, and changes nothing", async () => {
    const before = sim.instances().map((i) => `${i.instanceId} ${i.state}`);
    sim.clearLog();
    const r = await cli(["sweep", "--dry-run", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as SweepJson;
    expect(doc.regions).to.deep.equal(["us-east-1"]);
    expect(sorted(doc.expired.map((x) => x.instanceId))).to.deep.equal(sorted(expired));
    expect(sorted(doc.leftBehind.instances.map((x) => x.instanceId))).to.deep.equal(sorted(orphans));
    expect(doc.leftBehind.volumes.map((v) => v.volumeId)).to.deep.equal([looseTagged]);
    expect(doc.leftBehind.addresses.map((a) => a.allocationId)).to.deep.equal([eipTagged]);
    expect(JSON.stringify(doc)).to.not.contain(looseUntagged);
    expect(sim.instances().map((i) => `${i.instanceId} ${i.state}`)).to.deep.equal(before);
    const mutating = Object.keys(sim.callsByAction()).filter((a) => !/^(Describe|Get)/.test(a));
    expect(mutating).to.deep.equal([]);

    const human = await cli(["sweep", "--dry-run"]);
    expect(human.code, human.stderr).to.equal(0);
    expect(human.stdout).to.contain("Past their expiry (4):");
    expect(human.stdout).to.contain("Machines of workshops with no settings in");
    expect(human.stdout).to.contain(`aws ec2 delete-volume --region us-east-1 --volume-id ${looseTagged}`);
    expect(human.stdout).to.contain("Dry run: nothing was terminated.");
  });

  it("without a terminal and without --yes it lists, refuses and terminates nothing", async () => {
    const r = await cli(["sweep"]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("Refusing to terminate 4 expired machines without confirmation");
    for (const id of expired) expect(GONE).to.not.include(state(id));
  });

  it("--yes terminates exactly the expired machines; nothing foreign, unexpired or left behind is touched", async () => {
    const r = await cli(["sweep", "--yes", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as SweepJson;
    expect(sorted(doc.terminated.map((t) => t.instanceId))).to.deep.equal(sorted(expired));
    for (const id of expired) expect(GONE).to.include(state(id));
    for (const id of survivors) expect(GONE, `survivor ${id}`).to.not.include(state(id));
    const again = await cli(["sweep", "--yes"]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain("No workshop machine is past its expiry.");
  });

  it("end to end: a workshop without a scheduler role, a 2-minute lifetime, the clock moves on, sweep ends them", async () => {
    const created = await cli(["instances", "create", "--workshop", "bare", "--count", "2", "--yes", "--lifetime", "2m", "--json"]);
    expect(created.code, created.stderr).to.equal(0);
    const ids = (JSON.parse(created.stdout) as { ready: { instanceId: string }[] }).ready.map((x) => x.instanceId);
    let r = await cli(["sweep", "--dry-run", "--json"]);
    expect((JSON.parse(r.stdout) as SweepJson).expired.filter((x) => ids.includes(x.instanceId))).to.deep.equal([]);
    sim.advance(3 * 60_000);
    expect(ids.map(state)).to.deep.equal(["running", "running"]);
    r = await cli(["sweep", "--yes", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(sorted((JSON.parse(r.stdout) as SweepJson).terminated.map((t) => t.instanceId))).to.deep.equal(sorted(ids));
    for (const id of survivors) expect(GONE, `survivor ${id}`).to.not.include(state(id));
  });

  it("a machine extended (or re-tagged) between the listing and the termination is spared", async () => {
    const ids = [...sim.seedInstances(1, { tags: { Workshop: "demo", [TAG.expiresAt]: past(10) } }), ...sim.seedInstances(1, { tags: { Workshop: "demo", [TAG.expiresAt]: past(10) } })];
    const ec2 = ec2For(sim);
    try {
      const scan = await scanRegion(ec2, { region: sim.region, known: new Set(["demo", "bare"]), now: new Date(sim.now()), clock: scaledClock(sim.scale) });
      expect(scan.expired.map((i) => i.instanceId)).to.include.members(ids);
      sim.setTag(ids[0]!, TAG.expiresAt, future(5));
      sim.setTag(ids[1]!, "Workshop", "other");
      const result = await terminateExpired(ec2, scan.expired.filter((i) => ids.includes(i.instanceId)), { clock: scaledClock(sim.scale), now: () => new Date(sim.now()) });
      expect(result.terminated).to.deep.equal([]);
      expect(result.skipped.find((x) => x.instanceId === ids[1])!.reason).to.equal(`not tagged Workshop=demo (it belongs to workshop "other")`);
      expect(result.skipped.find((x) => x.instanceId === ids[0])!.reason).to.match(/^its expiry moved \(now \d{4}-/);
      expect(ids.map(state)).to.deep.equal(["running", "running"]);
    } finally {
      ec2.destroy();
    }
  });

  it("bad input is one usage line", async () => {
    for (const [args, words] of [
      // With an endpoint (the simulator) any plain name is a region; this is not one.
      [["sweep", "--region", "eu west 1"], /"eu west 1" \(--region\) is not a region name/],
      [["sweep", "--region", "eu-west-1", "--all-regions"], /not both/],
      [["sweep", "--dry-run", "--yes"], /not both/],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, args.join(" ")).to.equal(2);
      expect(r.stderr).to.match(words);
    }
  });
});
