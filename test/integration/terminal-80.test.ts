// The README's commands at an 80x24 terminal, in a real pseudo-terminal: the live view keeps its
// counts, tables fit, a terminal that reports 0 columns is taken as 80, FORCE_COLOR=0 means no
// colour, and Enter at the count prompt takes the number it shows.
import { expect } from "chai";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { PtySession, requirePty } from "../helpers/pty.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

// eslint-disable-next-line no-control-regex
const COLOUR = /\u001b\[(3\d|9\d|1|2)m/;

describe("at an 80x24 terminal (pseudo-terminal, simulator)", function () {
  this.timeout(90_000);
  let sim: Simulator;
  let home: WorkshopHome;
  let session: PtySession | undefined;

  before(async function () {
    requirePty(this);
    sim = await startSimulator({ seed: 80, scale: 40, throttling: "off", timings: { pendingMs: [10_000, 20_000], checksMs: [20_000, 40_000] } });
    sim.seedWorkshop("intro-linux-autumn-term");
    sim.seedWorkshop("spare");
    home = makeWorkshopHome([
      { name: "intro-linux-autumn-term", maximum: 30 },
      { name: "spare", maximum: 3 },
    ]);
  });
  afterEach(() => session?.kill());
  after(async () => {
    await sim?.close();
    home?.remove();
  });

  const env = (extra: Record<string, string | undefined> = {}) => simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, TZ: "UTC", ...extra });
  const pty = (args: string[], o: { cols?: number; env?: Record<string, string> } = {}): PtySession =>
    (session = new PtySession(args, { env: o.env ?? env(), cols: o.cols ?? 80, rows: 24 }));

  /** Lines as the terminal shows them at the end of each redraw (escape codes removed). */
  const lines = (s: PtySession): string[] => s.output.split("\n");

  it("instances create: every live line fits, the counts are whole, long id lists wrap on the rail; then list fits too", async () => {
    const s = pty(["instances", "create", "--workshop", "intro-linux-autumn-term", "--count", "24", "--yes"]);
    await s.waitFor("Requested 24, 24 ready", 60_000);
    expect(await s.exit()).to.equal(0);
    for (const l of lines(s).filter((x) => /^[│◒◐◓◑◇◆]/.test(x))) expect([...l].length, l).to.be.at.most(80);
    expect(s.output).to.match(/│ {2}\d+ pending · \d+ booting · \d+ ready · \d+ failed of 24/);
    // The hand-out: seat, address, name, …
    const table = lines(s).filter((x) => /^ +\d+ +\d+\.\d+\.\d+\.\d+ /.test(x));
    expect(table).to.have.length(24);
    for (const l of table) expect([...l].length, l).to.be.at.most(80);

    const list = pty(["instances", "list", "--workshop", "intro-linux-autumn-term"]);
    expect(await list.exit()).to.equal(0);
    // Row, seat, instance, …
    const rows = lines(list).filter((x) => /^ *\d+ +\d+ +i-[0-9a-f]+/.test(x));
    expect(rows).to.have.length(24);
    for (const l of rows) expect([...l].length, l).to.be.at.most(80);
    // The time left stays: the batch, names and launch times go first.
    expect(lines(list).find((x) => /^ *# +Seat/.test(x))).to.match(/State +Checks +Expires$/);
  });

  it("a terminal that reports 0 columns: the workshop menu reads as at 80 columns (one option per line)", async () => {
    const s = pty(["instances", "list"], { cols: 0 });
    await s.waitFor("Which workshop's instances?");
    await s.waitFor("spare");
    expect(s.output).to.match(/[●○] intro-linux-autumn-term \(us-east-1, up to 30\)\n/);
    s.keys("\x03");
    expect(await s.exit()).to.not.equal(0);
  });

  it("FORCE_COLOR=0 turns colours off at a terminal (without it, they are on)", async () => {
    for (const args of [["instances"], ["instances", "create", "--help"], ["workshop", "list"]]) {
      const coloured = pty(args, { env: env({ NO_COLOR: undefined }) });
      expect(await coloured.exit(), args.join(" ")).to.equal(0);
      expect(coloured.rawOutput, args.join(" ")).to.match(COLOUR);
      const off = pty(args, { env: env({ NO_COLOR: undefined, FORCE_COLOR: "0" }) });
      expect(await off.exit(), args.join(" ")).to.equal(0);
      expect(off.rawOutput, args.join(" ")).not.to.match(COLOUR);
    }
  });

  it("the count prompt: Enter takes the number it shows", async () => {
    const s = pty(["instances", "create", "--workshop", "spare"]);
    await s.waitFor("How many instances? (1..3, Enter for 3)");
    s.line("");
    await s.waitFor(/Launch 3 × t3\.micro/);
    s.keys("n");
    await s.waitFor("Nothing launched.");
    expect(await s.exit()).to.equal(1);
    expect(sim.instances().filter((i) => i.tags.Workshop === "spare")).to.have.length(0);
  });
});
