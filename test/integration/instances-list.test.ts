// `ec2-workshop instances list` end to end: the real binary, the real SDK, the simulator.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PACKAGE_ROOT } from "../../src/home.js";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { timeFormatter } from "../../src/ui/time.js";
import { sourcesOf } from "../helpers/bundle.js";
import { isolatedEnv, runBin } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

interface JsonRow {
  row: number;
  seat: number | null;
  instanceId: string;
  name: string;
  publicIp: string | null;
  launchTime: string | null;
  state: string;
  statusChecks: { instance: string; system: string } | null;
  batch: string | null;
}

describe("instances list (simulator)", function () {
  this.timeout(120_000);
  let sim: Simulator;
  let home: WorkshopHome;
  let subnets: string[];
  const own: string[] = [];
  const foreign: string[] = [];

  before(async () => {
    sim = await startSimulator({ seed: 7, throttling: "off" });
    subnets = sim.seedWorkshop("demo").subnetIds;
    sim.seedWorkshop("other");
    home = makeWorkshopHome([{ name: "demo" }, { name: "other" }, { name: "empty" }]);
    // Names out of order, launch times spread over minutes, some stopped; demo-<n> sits in seat n,
    // except demo-3, from before seats (no seat tag).
    for (const [n, state] of [
      [10, "running"],
      [2, "stopped"],
      [1, "running"],
      [3, "running"],
    ] as const) {
      own.push(
        ...sim.seedInstances(1, {
          tags: { Workshop: "demo", Name: `demo-${n}`, "ec2-workshop:batch": `batch-${n % 2}`, ...(n === 3 ? {} : { "ec2-workshop:seats": String(n) }) },
          state,
          subnetId: subnets[n % subnets.length],
        }),
      );
      sim.advance(7 * 60_000);
    }
    foreign.push(...sim.seedInstances(2, { tags: { Workshop: "other", Name: "other-1" } }));
    foreign.push(...sim.seedInstances(2, { tags: { Name: "untagged" } }));
    foreign.push(...sim.seedInstances(1, { tags: { Workshop: "Demo" } })); // case differs: not ours
  });
  after(async () => {
    await sim?.close();
    home?.remove();
  });

  const run = (args: string[], extra: Record<string, string> = {}) =>
    runBin(["instances", "list", ...args], { env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, ...extra }) });

  it("shows exactly the workshop's instances as a table, with the time and zone under it", async () => {
    const r = await run(["--workshop", "demo"], { TZ: "UTC" });
    expect(r.code, r.stderr).to.equal(0);
    for (const id of own) expect(r.stdout).to.contain(id);
    for (const id of foreign) expect(r.stdout).to.not.contain(id);
    const lines = r.stdout.split("\n");
    const header = lines.find((l) => l.includes("Instance"))!;
    for (const col of ["#", "Seat", "Instance", "Name", "Public IP", "Launched", "State", "Checks", "Batch"]) expect(header).to.contain(col);
    expect(header, "default sort is by seat, marked").to.match(/Seat ▾/);
    const seatOf = (id: string): string => lines.find((l) => l.includes(id))!.trim().split(/\s+/)[1]!;
    expect(own.map(seatOf)).to.deep.equal(["10", "2", "1", "-"]);
    expect(r.stdout).to.match(/Now \w{3}, \w{3} \d{1,2} \d\d:\d\d; times are UTC\./);
    expect(r.stdout).to.contain("2/2 ok");
    expect(r.stdout).to.contain("stopped");
    expect(r.stderr).to.equal("");
  });

  it("--json prints an array with the same fields, ISO times, numbered rows", async () => {
    const r = await run(["--workshop", "demo", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as JsonRow[];
    expect(rows.map((x) => x.row)).to.deep.equal([1, 2, 3, 4]);
    expect(rows.map((x) => x.seat)).to.deep.equal([1, 2, 10, null], "by seat, the one without a seat last");
    expect(rows.map((x) => x.instanceId)).to.deep.equal([own[2], own[1], own[0], own[3]]);
    const truth = new Map(sim.instances().map((i) => [i.instanceId, i]));
    for (const row of rows) {
      const t = truth.get(row.instanceId)!;
      expect(row.state).to.equal(t.state);
      expect(row.launchTime).to.equal(new Date(t.launchTime).toISOString());
      expect(row.publicIp).to.equal(t.publicIp ?? null);
      expect(row.name).to.match(/^demo-\d+$/);
      expect(row.batch).to.match(/^batch-\d$/);
      if (row.state === "running") expect(row.statusChecks).to.deep.equal({ instance: "ok", system: "ok" });
      else expect(row.statusChecks).to.equal(null);
    }
  });

  it("--state filters (repeatable) and --sort orders; names sort as a person reads them", async () => {
    const [stoppedRun, byNameRun, byStateRun, byIdRun, text] = await Promise.all([
      run(["-w", "demo", "--json", "--state", "stopped"]),
      run(["-w", "demo", "--json", "--sort", "name", "--state", "running", "--state", "stopped"]),
      run(["-w", "demo", "--json", "--sort", "state"]),
      run(["-w", "demo", "--json", "--sort", "id"]),
      run(["-w", "demo", "--sort", "name"]),
    ]);
    const stopped = JSON.parse(stoppedRun.stdout) as JsonRow[];
    expect(stopped.map((x) => x.name)).to.deep.equal(["demo-2"]);
    const byName = JSON.parse(byNameRun.stdout) as JsonRow[];
    expect(byName.map((x) => x.name)).to.deep.equal(["demo-1", "demo-2", "demo-3", "demo-10"]);
    const byState = JSON.parse(byStateRun.stdout) as JsonRow[];
    expect(byState.map((x) => x.state)).to.deep.equal(["running", "running", "running", "stopped"]);
    const byId = JSON.parse(byIdRun.stdout) as JsonRow[];
    expect(byId.map((x) => x.instanceId)).to.deep.equal([...own].sort());
    expect(text.stdout.split("\n").find((l) => l.includes("Instance"))).to.match(/Name ▾/);
  });

  it("says plainly when there is nothing to list", async () => {
    const r = await run(["--workshop", "empty"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`Workshop "empty" has no instances.`);
    const j = await run(["--workshop", "empty", "--json"]);
    expect(JSON.parse(j.stdout)).to.deep.equal([]);
    const s = await run(["--workshop", "demo", "--state", "pending"]);
    expect(s.stdout).to.contain(`Workshop "demo" has no instances in state pending.`);
  });

  it("refuses bad input with one line, before any AWS call", async () => {
    sim.clearLog();
    const bad = await run(["--workshop", "demo", "--state", "sleeping"]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr.trim().split("\n")).to.have.length(1);
    expect(bad.stderr).to.contain(`"sleeping" is not an instance state`);
    const noWorkshop = await run([]);
    expect(noWorkshop.code).to.equal(2);
    expect(noWorkshop.stderr).to.contain("--workshop");
    const unknown = await run(["--workshop", "nope"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain(`No workshop "nope"`);
    expect(sim.log.length).to.equal(0);
  });

  describe("launch times in local time", () => {
    const launchLine = (stdout: string, id: string): string => stdout.split("\n").find((l) => l.includes(id))!;

    it("uses TZ when it is set", async () => {
      const r = await run(["--workshop", "demo"], { TZ: "Asia/Kolkata" });
      expect(r.code, r.stderr).to.equal(0);
      const f = timeFormatter({ TZ: "Asia/Kolkata" });
      for (const i of sim.instances().filter((x) => own.includes(x.instanceId))) {
        expect(launchLine(r.stdout, i.instanceId)).to.contain(f.format(new Date(i.launchTime)));
      }
      expect(r.stdout).to.contain("times are Asia/Kolkata (UTC+05:30).");
    });

    it("uses the system zone when TZ is unset", async () => {
      const env = simEnv(sim, { EC2_WORKSHOP_HOME: home.dir });
      delete env.TZ;
      const r = await runBin(["instances", "list", "--workshop", "demo"], { env });
      expect(r.code, r.stderr).to.equal(0);
      // The system zone as a process without TZ sees it (this test process may have TZ set).
      const system = execFileSync(process.execPath, ["-p", "Intl.DateTimeFormat().resolvedOptions().timeZone"], { env, encoding: "utf8" }).trim();
      const f = timeFormatter({ TZ: system });
      const i = sim.instances().find((x) => x.instanceId === own[0])!;
      expect(launchLine(r.stdout, i.instanceId)).to.contain(f.format(new Date(i.launchTime)));
      expect(r.stdout).to.contain(`times are ${f.zoneLabel()}.`);
    });

    it("says so when TZ is not a zone it knows, and shows UTC", async () => {
      const r = await run(["--workshop", "demo"], { TZ: "Moon/Tranquility" });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain(`TZ="Moon/Tranquility" is not a time zone this tool knows; showing UTC.`);
    });
  });
});

describe("instances list: 1,000 instances (simulator)", function () {
  this.timeout(120_000);
  let sim: Simulator;
  let home: WorkshopHome;

  before(async () => {
    sim = await startSimulator({ seed: 11 });
    const { subnetIds } = sim.seedWorkshop("big");
    for (let i = 0; i < 3; i++) sim.seedInstances(1000 / 4, { tags: { Workshop: "big", Name: "big" }, subnetId: subnetIds[i] });
    sim.seedInstances(250, { tags: { Workshop: "big", Name: "big" }, state: "stopped", subnetId: subnetIds[0] });
    sim.seedInstances(300, { tags: { Workshop: "crowd" } }); // foreign, in the same account
    home = makeWorkshopHome([{ name: "big" }]);
  });
  after(async () => {
    await sim?.close();
    home?.remove();
  });

  it("lists them in one or two DescribeInstances pages and 100-id status chunks", async () => {
    sim.clearLog();
    const r = await runBin(["instances", "list", "--workshop", "big", "--json"], {
      env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir }),
    });
    expect(r.code, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as JsonRow[];
    expect(rows).to.have.length(1000);
    expect(new Set(rows.map((x) => x.instanceId)).size).to.equal(1000);
    const calls = sim.callsByAction();
    expect(calls.DescribeInstances).to.be.within(1, 2);
    expect(calls.DescribeInstanceStatus, "750 running instances in chunks of 100").to.equal(8);
    expect(sim.throttledCount()).to.equal(0);
    const pages = sim.log.filter((e) => e.action === "DescribeInstances");
    for (const p of pages) expect(p.params).to.include({ MaxResults: "1000" });
  });

  it("renders the 1,000-row table", async () => {
    const r = await runBin(["instances", "list", "--workshop", "big"], { env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir }) });
    expect(r.code, r.stderr).to.equal(0);
    const dataLines = r.stdout.split("\n").filter((l) => /^\s*\d+\s+(\d+|-)\s+i-[0-9a-f]+/.test(l));
    expect(dataLines).to.have.length(1000);
    expect(dataLines[999]).to.match(/^1000\s/);
  });
});

describe("instances list / destroy start-up", () => {
  const recorder = pathToFileURL(join(PACKAGE_ROOT, "test", "fixtures", "record-imports.mjs")).href;
  for (const args of [
    ["instances", "list", "--help"],
    ["instances", "destroy", "--help"],
    ["destroy-instances", "--help"],
    ["instances", "handout", "--help"],
    ["instances", "replace", "--help"],
    ["instances", "stop", "--help"],
    ["instances", "start", "--help"],
    ["instances", "extend", "--help"],
    ["sweep", "--help"],
  ]) {
    it(`\`${args.join(" ")}\` loads neither the AWS SDK, Pulumi nor the prompt library`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "ec2ws-startup-"));
      try {
        const file = join(dir, "imports.txt");
        const r = await runBin(args, { nodeArgs: ["--import", recorder], env: isolatedEnv({ RECORD_IMPORTS_FILE: file }) });
        expect(r.code).to.equal(0);
        // The binary runs the bundle: its files are read as the source modules they hold.
        const modules = sourcesOf(readFileSync(file, "utf8").split("\n").filter(Boolean));
        expect(modules.some((m) => m.includes("clipanion")), "recording works").to.equal(true);
        expect(modules.filter((m) => /@aws-sdk|@smithy|@pulumi|@clack/.test(m))).to.deep.equal([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
