// `ec2-workshop instances destroy` without a terminal: every selection flag, the refusals, and
// the safety rule (nothing but this workshop's instances is ever terminated).
import { expect } from "chai";
import { RunInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { ec2For, simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

const GONE = ["shutting-down", "terminated"];

describe("instances destroy, non-interactive (simulator)", function () {
  this.timeout(120_000);
  let sim: Simulator;
  let home: WorkshopHome;
  let ec2: EC2Client;
  let subnets: string[];
  /** Instances that must survive every test: other workshops', untagged, look-alikes. */
  let foreign: string[];

  before(async () => {
    sim = await startSimulator({ seed: 21 });
    ec2 = ec2For(sim);
    subnets = sim.seedWorkshop("demo").subnetIds;
    sim.seedWorkshop("other");
    home = makeWorkshopHome([{ name: "demo" }, { name: "other" }]);
    foreign = [
      ...sim.seedInstances(3, { tags: { Workshop: "other", Name: "other-1" } }),
      ...sim.seedInstances(2, { tags: { Name: "demo-1" } }), // untagged, but named like ours
      ...sim.seedInstances(1, { tags: { Workshop: "demo-old" } }),
      ...sim.seedInstances(1, { tags: { Workshop: "other" }, state: "stopped" }),
    ];
  });
  after(async () => {
    ec2?.destroy();
    await sim?.close();
    home?.remove();
  });

  /** Fresh workshop instances for one test: names demo-<prefix><n>, launch times 1 min apart. */
  function seed(prefix: string, states: ("running" | "stopped")[]): string[] {
    const ids: string[] = [];
    states.forEach((state, i) => {
      ids.push(...sim.seedInstances(1, { tags: { Workshop: "demo", Name: `demo-${prefix}${i + 1}` }, state, subnetId: subnets[i % 3] }));
      sim.advance(60_000);
    });
    return ids;
  }

  /** Clears the workshop between tests: the sim's truth, terminated at once. */
  async function clearWorkshop(): Promise<void> {
    const live = sim.instances().filter((i) => i.tags.Workshop === "demo" && !GONE.includes(i.state));
    if (live.length) {
      const r = await destroy(["--all", "--yes"]);
      expect(r.code, r.stderr).to.equal(0);
    }
    sim.advance(2 * 60 * 60_000); // EC2 forgets terminated instances after about an hour
  }

  const state = (id: string): string => sim.instances().find((i) => i.instanceId === id)?.state ?? "gone";

  function expectForeignUntouched(): void {
    for (const id of foreign) expect(GONE, `foreign ${id}`).to.not.include(state(id));
  }

  function destroy(args: string[], extra: Record<string, string> = {}): Promise<RunResult> {
    return runBin(["instances", "destroy", "--workshop", "demo", ...args], {
      env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, TZ: "UTC", ...extra }),
    });
  }

  afterEach(() => expectForeignUntouched());

  it("--rows terminates exactly those rows, numbered as `instances list` numbers them", async () => {
    await clearWorkshop();
    const ids = seed("r", ["running", "running", "running", "stopped", "running", "running"]);
    sim.clearLog();
    // Sorted by name: r1..r6 in order; rows 2 and 4-5.
    const r = await destroy(["--rows", "2,4-5", "--sort", "name", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    expect([ids[1], ids[3], ids[4]].map(state)).to.deep.equal(["shutting-down", "shutting-down", "shutting-down"]);
    expect([ids[0], ids[2], ids[5]].map(state)).to.deep.equal(["running", "running", "running"]);
    expect(r.stdout).to.contain("will be TERMINATED");
    expect(r.stdout).to.match(new RegExp(`${ids[3]} \\(demo-r4\\): stopped → shutting-down`));
    expect(r.stdout).to.contain("Terminating 3 instances.");
    expect(r.stdout.indexOf("Terminating 3 instances."), "the summary first").to.be.lessThan(r.stdout.indexOf(`${ids[1]} (demo-r2): running → shutting-down`));
    expect(r.stdout, "the refreshed table").to.match(/Workshop "demo" now:/);
    expect(sim.callsByAction().TerminateInstances).to.equal(1);

    // With --state, rows count within that state only (as `instances list --state running` shows).
    const r2 = await destroy(["--rows", "1", "--state", "running", "--sort", "name", "--yes"]);
    expect(r2.code, r2.stderr).to.equal(0);
    expect(state(ids[0]!)).to.equal("shutting-down");
    expect(state(ids[2]!)).to.equal("running");
  });

  it("--rows past the end, or malformed, is a usage error and terminates nothing", async () => {
    await clearWorkshop();
    seed("b", ["running", "running"]);
    sim.clearLog();
    const inputs = ["3", "0", "5-2", "1--3", "x", "1,,2"];
    const results = await Promise.all(inputs.map((rows) => destroy(["--rows", rows, "--yes"])));
    results.forEach((r, i) => {
      expect(r.code, `--rows ${inputs[i]}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.match(/--rows: /);
      expect(r.stdout).to.equal("");
    });
    expect(sim.callsByAction().TerminateInstances ?? 0).to.equal(0);
    expect(sim.instances().filter((i) => i.tags.Workshop === "demo" && i.state === "running")).to.have.length(2);
  });

  it("--ids terminates the named instances; a foreign id refuses the whole request", async () => {
    await clearWorkshop();
    const ids = seed("i", ["running", "running", "running"]);
    sim.clearLog();
    const refused = await destroy(["--ids", `${ids[0]},${foreign[0]}`, "--yes"]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain(`Not instances of workshop "demo": ${foreign[0]}`);
    expect(refused.stderr).to.contain("Nothing was terminated");
    expect(sim.callsByAction().TerminateInstances ?? 0).to.equal(0);
    expect(state(ids[0]!)).to.equal("running");

    const unknown = await destroy(["--ids", "i-0000000000000dead", "--yes"]);
    expect(unknown.code).to.equal(1);

    const ok = await destroy(["--ids", `${ids[0]},${ids[2]}`, "--ids", ids[0]!, "--yes"]);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ids.map(state)).to.deep.equal(["shutting-down", "running", "shutting-down"]);
  });

  it("--all terminates every instance of the workshop and nothing else", async () => {
    await clearWorkshop();
    const ids = seed("a", ["running", "stopped", "running"]);
    const r = await destroy(["--all", "--yes", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { workshop: string; terminated: { instanceId: string; currentState: string }[]; skipped: unknown[] };
    expect(out.workshop).to.equal("demo");
    expect(out.terminated.map((t) => t.instanceId).sort()).to.deep.equal([...ids].sort());
    expect(out.terminated.every((t) => t.currentState === "shutting-down")).to.equal(true);
    expect(out.skipped).to.deep.equal([]);
    for (const id of ids) expect(state(id)).to.equal("shutting-down");
  });

  it("--state alone selects every instance in those states", async () => {
    await clearWorkshop();
    const ids = seed("s", ["running", "stopped", "stopped", "running"]);
    const r = await destroy(["--state", "stopped", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(ids.map(state)).to.deep.equal(["running", "shutting-down", "shutting-down", "running"]);
  });

  it("--failed selects stopped and impaired instances only", async () => {
    await clearWorkshop();
    const healthy = seed("f", ["running", "stopped"]);
    sim.setFaults({ impairedRate: 1 });
    const launched = await ec2.send(
      new RunInstancesCommand({
        LaunchTemplate: { LaunchTemplateName: "ec2-workshop-demo", Version: "$Latest" },
        MinCount: 2,
        MaxCount: 2,
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnets[0], AssociatePublicIpAddress: true }],
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Workshop", Value: "demo" }, { Key: "Name", Value: "demo-sick" }] }],
      }),
    );
    sim.setFaults({ impairedRate: 0 });
    sim.advance(15 * 60_000); // past launch and the status checks
    const impaired = (launched.Instances ?? []).map((i) => i.InstanceId!);
    expect(impaired).to.have.length(2);
    const list = await runBin(["instances", "list", "--workshop", "demo", "--state", "running"], {
      env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir }),
    });
    expect(list.stdout).to.contain("impaired (instance)");

    const r = await destroy(["--failed", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(state(healthy[0]!)).to.equal("running");
    expect(state(healthy[1]!)).to.equal("shutting-down");
    for (const id of impaired) expect(state(id)).to.equal("shutting-down");

    const none = await destroy(["--failed", "--yes"]);
    expect(none.code).to.equal(0);
    expect(none.stdout).to.contain("no failed instances");
  });

  it("without a terminal and without --yes it refuses, says why, and terminates nothing", async () => {
    await clearWorkshop();
    const ids = seed("n", ["running", "running"]);
    sim.clearLog();
    const r = await destroy(["--all"]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain("Refusing to terminate 2 instances without confirmation");
    expect(r.stderr).to.contain("--yes");
    expect(r.stdout, "shows what would have been terminated").to.contain(ids[0]);
    expect(sim.callsByAction().TerminateInstances ?? 0).to.equal(0);
    const none = await destroy([]);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.contain("Nothing selected");
    expect(ids.map(state)).to.deep.equal(["running", "running"]);
  });

  it("selection flags are mutually exclusive (usage error, exit 2, no AWS call)", async () => {
    sim.clearLog();
    const cases = [
      ["--rows", "1", "--all"],
      ["--ids", "i-0123456789abcdef0", "--failed"],
      ["--all", "--failed"],
      ["--ids", "i-0123456789abcdef0", "--state", "running"],
      ["--ids", "not-an-id", "--yes"],
      ["--yes"],
      ["--state", "asleep", "--yes"],
    ];
    const results = await Promise.all(cases.map((args) => destroy(args)));
    results.forEach((r, i) => {
      expect(r.code, `${cases[i]!.join(" ")}: ${r.stderr}`).to.equal(2);
      expect(r.stderr.split("\n")[0]).to.match(/Usage error|Error/);
    });
    expect(sim.log).to.have.length(0);
  });

  it("already-terminated rows are skipped with a note", async () => {
    await clearWorkshop();
    const ids = seed("t", ["running", "running"]);
    expect((await destroy(["--ids", ids[0]!, "--yes"])).code).to.equal(0);
    sim.advance(5 * 60_000); // shutting-down -> terminated
    expect(state(ids[0]!)).to.equal("terminated");
    sim.clearLog();
    const again = await destroy(["--ids", ids[0]!, "--yes"]);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.contain("already terminated");
    expect(again.stdout, "no warning about nothing").to.not.contain("TERMINATED");
    expect(sim.callsByAction().TerminateInstances ?? 0).to.equal(0);
    const all = await destroy(["--all", "--yes"]);
    expect(all.code, all.stderr).to.equal(0);
    expect(all.stdout).to.contain("1 of them is already terminated or shutting down: skipped.");
    expect(all.stdout).to.contain("Terminating 1 instance.");
    expect(state(ids[1]!)).to.equal("shutting-down");
  });

  it("throttling and 5xx during destroy are retried: all selected instances terminate", async () => {
    await clearWorkshop();
    const ids = seed("x", Array.from({ length: 12 }, () => "running" as const));
    sim.setFaults({ errorRate: 0.3, dropRate: 0.05 });
    try {
      const r = await destroy(["--all", "--yes"]);
      expect(r.code, r.stderr).to.equal(0);
    } finally {
      sim.setFaults({ errorRate: 0, dropRate: 0 });
    }
    for (const id of ids) expect(state(id)).to.equal("shutting-down");
    const failed = sim.log.filter((e) => e.status >= 500 || e.outcome === "dropped");
    expect(failed.length, "the faults happened").to.be.greaterThan(0);
  });

  it("destroying 300 instances takes a handful of calls: list, re-read, 3 TerminateInstances, refresh", async () => {
    await clearWorkshop();
    const ids = [
      ...sim.seedInstances(150, { tags: { Workshop: "demo", Name: "demo-big" }, subnetId: subnets[0] }),
      ...sim.seedInstances(150, { tags: { Workshop: "demo", Name: "demo-big" }, subnetId: subnets[1] }),
    ];
    sim.clearLog();
    const r = await destroy(["--all", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    for (const id of ids) expect(state(id)).to.equal("shutting-down");
    const calls = sim.callsByAction();
    console.log(`      calls by action, destroy --all of 300 (CLI): ${JSON.stringify(calls)} (throttled: ${sim.throttledCount()})`);
    // Listing (1 page + 3 status chunks), the re-read before terminating (1 page), 3 chunks of
    // 100, and the refreshed table (1 page; nothing is running any more, so no status calls).
    expect(calls).to.deep.equal({ DescribeInstances: 3, DescribeInstanceStatus: 3, TerminateInstances: 3 });
  });
});
