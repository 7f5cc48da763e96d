// `instances stop` and `extend` at a terminal: the same interactive table as `instances destroy`
// (select rows or seats, see what will happen, confirm), driven through a real pseudo-terminal.
import { expect } from "chai";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { TAG } from "../../src/instances/tags.js";
import { hasScript, PtySession } from "../helpers/pty.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

const PROMPT = /› $/m;

describe("instances stop / extend, interactive (pseudo-terminal, simulator)", function () {
  this.timeout(120_000);
  let sim: Simulator;
  let home: WorkshopHome;
  let ids: string[];
  const sessions: PtySession[] = [];

  before(async function () {
    if (!hasScript()) {
      console.log("      skipped: util-linux `script` is not installed, so there is no pseudo-terminal to drive");
      this.skip();
    }
    sim = await startSimulator({ seed: 1405, scale: 20, timings: { stoppingMs: [10_000, 20_000] } });
    const subnets = sim.seedWorkshop("demo").subnetIds;
    home = makeWorkshopHome([{ name: "demo" }]);
    ids = [];
    for (let seat = 1; seat <= 4; seat++)
      ids.push(...sim.seedInstances(1, { tags: { Workshop: "demo", Name: `demo-${seat}`, [TAG.seats]: String(seat), [TAG.expiresAt]: new Date(Math.round(sim.now() / 1000) * 1000 + 3_600_000).toISOString() }, subnetId: subnets[0] }));
  });
  afterEach(() => {
    for (const s of sessions.splice(0)) s.kill();
  });
  after(async () => {
    await sim?.close();
    home?.remove();
  });

  const session = (args: string[]): PtySession => {
    const s = new PtySession(args, { env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, TZ: "UTC" }) });
    sessions.push(s);
    return s;
  };
  const state = (id: string): string => sim.instances().find((i) => i.instanceId === id)!.state;

  it("stop: seats picked in the table, shown under the warning, confirmed; only they stop", async () => {
    const s = session(["instances", "stop", "--workshop", "demo"]);
    let screen = await s.waitFor(PROMPT);
    expect(screen).to.contain("Rows to stop (e.g. 1,2,4-6)");
    expect(screen).to.match(/Expires/);
    s.line("seats 2,4");
    screen = await s.waitFor("[y/n/q]");
    expect(screen).to.contain("2 instances will be STOPPED");
    s.line("n");
    await s.waitFor("Nothing stopped.");
    await s.waitFor(PROMPT);
    s.line("seats 2,4");
    await s.waitFor("[y/n/q]");
    s.line("y");
    screen = await s.waitFor(/Start them again:\s+\S.*instances start .*\n/);
    expect(screen).to.contain("Stopped 2 machines (seats 2,4)");
    expect(await s.exit()).to.equal(0);
    expect(ids.map(state)).to.deep.equal(["running", "stopped", "running", "stopped"]);
  });

  it("extend: q quits changing nothing; rows picked are extended", async () => {
    const before = sim.instances().find((i) => i.instanceId === ids[0])!.tags[TAG.expiresAt];
    let s = session(["instances", "extend", "--workshop", "demo", "--hours", "2"]);
    await s.waitFor(PROMPT);
    s.line("q");
    expect(await s.exit()).to.equal(1);
    s = session(["instances", "extend", "--workshop", "demo", "--hours", "2"]);
    await s.waitFor(PROMPT);
    s.line("1");
    const screen = await s.waitFor("[y/n/q]");
    expect(screen).to.contain("1 instance will end 2 h later");
    s.line("y");
    await s.waitFor("Extended 1 machine");
    expect(await s.exit()).to.equal(0);
    const after = sim.instances().find((i) => i.instanceId === ids[0])!.tags[TAG.expiresAt]!;
    expect(Date.parse(after) - Date.parse(before!)).to.equal(2 * 3_600_000);
  });
});
