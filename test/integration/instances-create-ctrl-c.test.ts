// One Ctrl-C during `instances create` at a terminal, in a real pseudo-terminal: the question
// "Stop waiting?" stays alone on screen (progress pauses; lines that come meanwhile are shown
// after), the run ends only with one of its two answers (also when the batch finishes while it
// is open), and the exit code follows the answer. A second Ctrl-C stops at once and the question
// says so; SIGTERM closes it the same way. The simulator runs at real speed with long boot
// times, and the test moves its clock (sim.advance) when the batch is to finish: nothing here
// races the wall clock.
import { expect } from "chai";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { PtySession, requirePty } from "../helpers/pty.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

const QUESTION = "Stop waiting? The instances keep running";

describe("instances create: one Ctrl-C at a terminal (pseudo-terminal, simulator)", function () {
  this.timeout(90_000);
  let sim: Simulator;
  let home: WorkshopHome;
  let session: PtySession | undefined;

  before(function () {
    requirePty(this);
    home = makeWorkshopHome([{ name: "lab", maximum: 10 }]);
  });
  beforeEach(async () => {
    // Real time (scale 1) and minutes of boot: the batch finishes only when the test says so.
    sim = await startSimulator({ seed: 61, scale: 1, throttling: "off", timings: { pendingMs: [60_000, 90_000], checksMs: [120_000, 180_000] } });
    sim.seedWorkshop("lab");
  });
  afterEach(async () => {
    session?.kill();
    await sim?.close();
  });
  after(() => home?.remove());

  const start = async (count: number): Promise<PtySession> => {
    session = new PtySession(["instances", "create", "--workshop", "lab", "--count", String(count), "--yes"], {
      env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, TZ: "UTC" }),
      cols: 80,
      rows: 24,
    });
    await session.waitFor(`Waiting for ${count} instance(s)`);
    return session;
  };

  /** Moves the simulator past every boot and waits until the tool has seen the whole batch ready. */
  const finishBatch = async (count: number): Promise<void> => {
    sim.advance(10 * 60_000);
    for (let i = 0; i < 400; i++) {
      const seen = sim.instances().filter((x) => x.tags.Workshop === "lab" && x.firstReportedReadyAt !== undefined).length;
      if (seen === count) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the tool never polled the finished batch");
  };

  /** The screen after the question's last drawing. */
  const afterQuestion = (s: PtySession): string => s.output.slice(s.output.lastIndexOf(QUESTION));

  it("the batch finishes while the question is open: nothing prints under it, and Keep waiting ends with the report and exit 0", async () => {
    const s = await start(3);
    s.keys("\x03");
    await s.waitFor(QUESTION);
    await s.waitFor("Keep waiting");
    await finishBatch(3);
    // The tool has polled and knows the batch is done; the question is still the last thing on screen.
    const screen = afterQuestion(s);
    expect(screen).not.to.match(/checks ok|Requested|Launched|Stopped/);
    expect(screen.trimEnd().split("\n").pop()).to.match(/└/);
    s.line(""); // Enter: the highlighted answer, Keep waiting
    await s.waitFor("Requested 3, 3 ready");
    expect(await s.exit()).to.equal(0);
    expect(s.output).not.to.contain("Stopped waiting.");
  });

  it("the batch finishes while the question is open, and the answer is Stop waiting: the report, the recovery message, exit 130", async () => {
    const s = await start(2);
    s.keys("\x03");
    await s.waitFor(QUESTION);
    await finishBatch(2);
    s.keys("y"); // Stop waiting
    await s.waitFor("Stopped waiting.");
    expect(await s.exit()).to.equal(130);
    expect(s.output, s.output).to.match(/List them: +(npx )?ec2-workshop instances list --workshop lab --batch \w+/);
  });

  it("Keep waiting while instances still boot: progress comes back, then the run ends by its result", async () => {
    const s = await start(2);
    s.keys("\x03");
    await s.waitFor("Keep waiting");
    s.line("");
    await s.waitFor(/Keep waiting\s*\n[\s\S]*Waiting for 2 instance/);
    await finishBatch(2);
    await s.waitFor("Requested 2, 2 ready");
    expect(await s.exit()).to.equal(0);
  });

  for (const c of [
    { how: "a second Ctrl-C at the question", send: (s: PtySession) => s.keys("\x03"), code: 130, says: "Stopping now (Ctrl-C)" },
    { how: "SIGTERM while the question is open", send: (s: PtySession) => s.signal("SIGTERM"), code: 143, says: "Stopping now (SIGTERM)" },
  ]) {
    it(`${c.how}: stops at once, the question says so (never as if Keep waiting was chosen), the recovery message, exit ${c.code}`, async () => {
      const s = await start(2);
      s.keys("\x03");
      await s.waitFor("Keep waiting");
      c.send(s);
      await s.waitFor("Stopped waiting.");
      expect(await s.exit()).to.equal(c.code);
      const closed = afterQuestion(s);
      expect(closed, s.output).to.contain(c.says);
      expect(closed).not.to.contain("Keep waiting");
      expect(s.output).to.match(/Stopped waiting\. 2 instances launched so far keep running/);
    });
  }
});
