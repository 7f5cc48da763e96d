// The interactive `instances destroy`, driven through a real pseudo-terminal as a person drives
// it: filter, sort, bad input, select, confirm, cancel, Ctrl-C, Ctrl-D, and a tag removed
// between listing and confirming. Every wait is on expected output, bounded.
import { expect } from "chai";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { SORTS } from "../../src/instances/select.js";
import { runBin } from "../helpers/cli.js";
import { PtySession, requirePty } from "../helpers/pty.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

const PROMPT = /› $/m;
const GONE = ["shutting-down", "terminated"];

describe("instances destroy, interactive (pseudo-terminal, simulator)", function () {
  this.timeout(120_000);
  let sim: Simulator;
  let home: WorkshopHome;
  let subnets: string[];
  let foreign: string[];
  const sessions: PtySession[] = [];

  before(async function () {
    requirePty(this);
    sim = await startSimulator({ seed: 31 });
    subnets = sim.seedWorkshop("demo").subnetIds;
    home = makeWorkshopHome([{ name: "demo" }]);
    foreign = [...sim.seedInstances(2, { tags: { Workshop: "other" } }), ...sim.seedInstances(1)];
  });
  afterEach(() => {
    for (const s of sessions.splice(0)) s.kill();
    for (const id of foreign ?? []) expect(state(id)).to.equal("running");
  });
  after(async () => {
    await sim?.close();
    home?.remove();
  });

  const state = (id: string): string => sim.instances().find((i) => i.instanceId === id)?.state ?? "gone";

  /** Six fresh instances named <p>1..<p>6 in seats 1..6 (launch order), rows 3 and 6 stopped. */
  function seed(p: string): string[] {
    const ids: string[] = [];
    for (let i = 1; i <= 6; i++) {
      ids.push(
        ...sim.seedInstances(1, {
          tags: { Workshop: "demo", Name: `${p}${i}`, "ec2-workshop:seats": String(i) },
          state: i % 3 === 0 ? "stopped" : "running",
          subnetId: subnets[i % 3],
        }),
      );
      sim.advance(60_000);
    }
    return ids;
  }

  function retireOthers(keep: string[]): void {
    // Earlier tests' instances would change the row numbers: move them out of the workshop.
    for (const i of sim.instances()) if (i.tags.Workshop === "demo" && !keep.includes(i.instanceId)) sim.setTag(i.instanceId, "Workshop", "retired");
  }

  function start(): PtySession {
    const s = new PtySession(["instances", "destroy", "--workshop", "demo"], { env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, TZ: "UTC" }) });
    sessions.push(s);
    return s;
  }

  /** The data rows of the last table drawn in `screen`: [row, seat, id, name, ...]. */
  function tableRows(screen: string): string[][] {
    const blocks = screen.split(/^\s*# +Seat( ▾)? +Instance/m);
    const last = blocks[blocks.length - 1]!;
    return last
      .split("\n")
      .filter((l) => /^\s*\d+\s+(\d+|-)\s+i-[0-9a-f]+/.test(l))
      .map((l) => l.trim().split(/\s+/));
  }

  it("filters, sorts (marking the column), rejects bad input, and terminates exactly the confirmed rows", async () => {
    const ids = seed("web");
    retireOthers(ids);
    const s = start();
    let screen = await s.waitFor(PROMPT);
    expect(screen).to.contain(`Workshop "demo": 6 instances`);
    expect(screen, "by seat").to.match(/Seat ▾/);
    expect(tableRows(screen).map((r) => r[2])).to.deep.equal(ids);
    expect(tableRows(screen).map((r) => r[1])).to.deep.equal(["1", "2", "3", "4", "5", "6"]);

    s.line("fr");
    screen = await s.waitFor(PROMPT);
    expect(screen).to.contain(`Workshop "demo": 4 running of 6`);
    expect(tableRows(screen).map((r) => r[3])).to.deep.equal(["web1", "web2", "web4", "web5"]);

    s.line("sn");
    screen = await s.waitFor(PROMPT);
    expect(screen).to.match(/Name ▾/);
    expect(screen).to.not.match(/Seat ▾/);

    s.line("ss");
    screen = await s.waitFor(PROMPT);
    expect(screen).to.match(/State ▾/);

    s.line("fa");
    screen = await s.waitFor(PROMPT);
    // Sorted by state: running (creation order within) then stopped.
    expect(tableRows(screen).map((r) => r[3])).to.deep.equal(["web1", "web2", "web4", "web5", "web3", "web6"]);

    for (const [bad, message] of [
      ["0", "there is no row 0"],
      ["7", "there is no row 7: the table has 6 rows"],
      ["5-2", `"5-2" runs backwards`],
      ["1--3", `"1--3" is not a range`],
      ["hello", `"hello" is not a command`],
      ["1,2,x", `"x" is not a row number`],
      ["seats 9", "No machine holds seat 9"],
      ["seats 0", "there is no seat 0"],
    ] as const) {
      s.line(bad);
      const answer = await s.waitFor(PROMPT);
      expect(answer, bad).to.contain(message);
      expect(answer, `${bad}: no table, no confirmation`).to.not.match(/TERMINATED|Instance/);
    }

    // Rows 2 and 5-6 of the state-sorted table: web2, web3 (stopped), web6 (stopped).
    s.line("2,5-6,2");
    screen = await s.waitFor("[y/n/q]");
    expect(screen).to.contain("3 instances will be TERMINATED");
    expect(tableRows(screen).map((r) => r[3])).to.deep.equal(["web2", "web3", "web6"]);
    s.line("maybe");
    await s.waitFor("Answer y (terminate), n (back, nothing terminated) or q");
    await s.waitFor("[y/n/q]");
    s.line("y");
    // What happened (the summary first), then back to the table as EC2 has it now, same filter and sort.
    screen = await s.waitFor(PROMPT);
    const summary = screen.indexOf("Terminating 3 instances.");
    expect(summary, screen).to.be.greaterThan(-1);
    expect(screen.indexOf(`${ids[1]} (web2): running → shutting-down`)).to.be.greaterThan(summary);
    expect(screen.indexOf(`${ids[2]} (web3): stopped → shutting-down`)).to.be.greaterThan(summary);
    expect(screen).to.contain(`Workshop "demo": 6 instances`);
    expect(screen).to.match(/State ▾/);
    const back = tableRows(screen);
    expect(back.map((r) => r[3])).to.deep.equal(["web1", "web4", "web5", "web2", "web3", "web6"]);
    expect(back.slice(3).every((r) => /shutting-down|terminated/.test(r.join(" "))), screen).to.equal(true);
    expect(ids.map(state)).to.deep.equal(["running", "shutting-down", "shutting-down", "running", "running", "shutting-down"]);

    // Only rows that are already on their way: said so, nothing asked, nothing terminated.
    sim.clearLog();
    s.line("4-5");
    screen = await s.waitFor(PROMPT);
    expect(screen).to.match(/Rows 4-5 are already (shutting down|terminated)( or (shutting down|terminated))?: nothing to terminate\./);
    expect(screen).to.not.match(/TERMINATED|\[y\/n\/q\]/);
    s.line("6");
    screen = await s.waitFor(PROMPT);
    expect(screen).to.match(new RegExp(`Row 6 \\(${ids[5]}\\) is already (shutting down|terminated): nothing to terminate\\.`));
    s.line("ft");
    screen = await s.waitFor(PROMPT);
    expect(screen, "the heading names the filter").to.match(/Workshop "demo": [0-3] terminated of 6/);
    s.line("q");
    await s.waitFor("Quit: 3 instances were terminated.");
    expect(await s.exit()).to.equal(0);
    expect(sim.callsByAction().TerminateInstances ?? 0).to.equal(0);
  });

  it("`n` goes back without terminating, `q` at the confirmation quits, nothing terminated", async () => {
    const ids = seed("db");
    retireOthers(ids);
    sim.clearLog();
    const s = start();
    await s.waitFor(PROMPT);
    s.line("1-3");
    await s.waitFor("[y/n/q]");
    s.line("n");
    const back = await s.waitFor(PROMPT);
    expect(back).to.contain("Nothing terminated.");
    expect(back, "the table again").to.contain(`Workshop "demo": 6 instances`);
    // By seat: seat 4's machine, whatever row it is on.
    s.line("seats 4");
    const picked = await s.waitFor("[y/n/q]");
    expect(tableRows(picked).map((r) => r[3])).to.deep.equal(["db4"]);
    s.line("q");
    expect(await s.exit()).to.equal(0);
    expect(sim.callsByAction().TerminateInstances ?? 0).to.equal(0);
    expect(ids.every((id) => !GONE.includes(state(id)))).to.equal(true);
  });

  it("Ctrl-C at the prompt and Ctrl-D at the confirmation both quit without terminating", async () => {
    const ids = seed("ci");
    retireOthers(ids);
    sim.clearLog();
    const a = start();
    await a.waitFor(PROMPT);
    a.keys("\x03");
    await a.waitFor("Quit: nothing was terminated.");
    expect(await a.exit()).to.equal(0);

    const b = start();
    await b.waitFor(PROMPT);
    b.line("1");
    await b.waitFor("[y/n/q]");
    b.keys("\x04");
    await b.waitFor("Quit: nothing was terminated.");
    expect(await b.exit()).to.equal(0);

    const c = start();
    await c.waitFor(PROMPT);
    c.line("2");
    await c.waitFor("[y/n/q]");
    c.keys("\x03");
    expect(await c.exit()).to.equal(0);
    expect(sim.callsByAction().TerminateInstances ?? 0).to.equal(0);
    expect(ids.every((id) => !GONE.includes(state(id)))).to.equal(true);
  });

  it("`r` reloads from EC2 and resets filter and sort", async () => {
    const ids = seed("re");
    retireOthers(ids);
    const s = start();
    await s.waitFor(PROMPT);
    s.line("fs");
    let screen = await s.waitFor(PROMPT);
    expect(tableRows(screen)).to.have.length(2);
    const late = sim.seedInstances(1, { tags: { Workshop: "demo", Name: "re7" }, subnetId: subnets[0] });
    s.line("r");
    screen = await s.waitFor(PROMPT);
    expect(screen).to.contain(`Workshop "demo": 7 instances`);
    expect(screen).to.match(/Seat ▾/);
    // Without a seat (from before seats): listed last, seat "-".
    expect(tableRows(screen).at(-1)?.slice(1, 3)).to.deep.equal(["-", late[0]]);
    s.line("?");
    const help = await s.waitFor(PROMPT);
    expect(help).to.contain("fr fs ft fp fa");
    expect(help).to.contain("seats 3,7-9");
    // A reload that fails keeps the table and the prompt.
    sim.setFaults({ unauthorizedActions: ["DescribeInstances"] });
    s.line("r");
    try {
      expect(await s.waitFor(PROMPT)).to.match(/✗ Could not reload: Not allowed by your IAM policy.*The table above is unchanged\./);
    } finally {
      sim.setFaults({ unauthorizedActions: [] });
    }
    s.line("q");
    expect(await s.exit()).to.equal(0);
  });

  it("an instance whose Workshop tag is removed between listing and confirming is not terminated", async () => {
    const ids = seed("race");
    retireOthers(ids);
    const s = start();
    await s.waitFor(PROMPT);
    s.line("1-2");
    await s.waitFor("[y/n/q]");
    sim.setTag(ids[0]!, "Workshop", undefined); // someone else's now
    s.line("y");
    const screen = await s.waitFor(PROMPT);
    expect(screen).to.contain("Terminating 1 instance; 1 skipped.");
    expect(screen).to.contain(`${ids[0]} (race1): skipped, not tagged Workshop=demo (it has no Workshop tag)`);
    // The table comes back without it: it is no longer this workshop's.
    expect(tableRows(screen).map((r) => r[2])).to.not.include(ids[0]);
    s.line("q");
    await s.waitFor("Quit: 1 instance was terminated.");
    expect(await s.exit()).to.equal(0);
    expect(state(ids[0]!)).to.equal("running");
    expect(state(ids[1]!)).to.equal("shutting-down");
    foreign.push(ids[0]!); // stays running through the remaining tests
  });

  it("`instances list --sort` and the prompt's sort commands give the same rows in the same order, ties included", async () => {
    // Ties on purpose: each seeding call launches at one moment; stopped ones have no public IP;
    // names that sort naturally (tie-2 before tie-10); one seat-less instance.
    const ids = [
      ...sim.seedInstances(2, { tags: { Workshop: "demo", Name: "tie-10", "ec2-workshop:seats": "5-6" }, state: "stopped", subnetId: subnets[0] }),
      ...sim.seedInstances(2, { tags: { Workshop: "demo", Name: "tie-2", "ec2-workshop:seats": "3-4" }, subnetId: subnets[1] }),
      ...sim.seedInstances(1, { tags: { Workshop: "demo", Name: "tie-2" }, subnetId: subnets[2] }),
    ];
    retireOthers(ids);
    const env = simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, TZ: "UTC" });
    const listed = await Promise.all(
      SORTS.map(async ({ key }) => {
        const r = await runBin(["instances", "list", "--workshop", "demo", "--sort", key, "--json"], { env });
        expect(r.code, r.stderr).to.equal(0);
        return (JSON.parse(r.stdout) as { instanceId: string }[]).map((x) => x.instanceId);
      }),
    );
    // Ids as text, character by character.
    expect(listed[SORTS.findIndex((x) => x.key === "id")]).to.deep.equal([...ids].sort());
    const s = start();
    await s.waitFor(PROMPT);
    for (const [i, { key, command }] of SORTS.entries()) {
      s.line(command);
      const screen = await s.waitFor(PROMPT);
      expect(tableRows(screen).map((r) => r[2]), `${command} = --sort ${key}`).to.deep.equal(listed[i]);
    }
    s.line("q");
    expect(await s.exit()).to.equal(0);
  });

  it("--rows on a terminal asks for confirmation unless --yes is given", async () => {
    const ids = seed("cf");
    retireOthers(ids);
    const s = new PtySession(["instances", "destroy", "--workshop", "demo", "--rows", "1"], {
      env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir }),
    });
    sessions.push(s);
    await s.waitFor("Terminate this instance? [y/n/q]");
    s.line("n");
    await s.waitFor("Cancelled: nothing was terminated.");
    expect(await s.exit()).to.equal(1);
    expect(state(ids[0]!)).to.equal("running");
  });
});
