// The interactive `instances create`, in a real pseudo-terminal: the workshop menu comes up
// before the AWS SDK loads, a workshop whose launch template is missing is refused when picked
// (with the reason, the menu again, that entry disabled), then the count prompt, the
// confirmation, and the run. Every wait is on expected output, bounded.
import { expect } from "chai";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { PtySession, requirePty } from "../helpers/pty.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

describe("instances create, interactive (pseudo-terminal, simulator)", function () {
  this.timeout(120_000);
  let sim: Simulator;
  let home: WorkshopHome;
  let session: PtySession | undefined;

  before(async function () {
    requirePty(this);
    sim = await startSimulator({
      seed: 41,
      scale: 40,
      throttling: "off",
      timings: { pendingMs: [2_000, 4_000], checksMs: [4_000, 8_000] },
    });
    sim.seedWorkshop("good");
    // "aaa-missing" sorts first, so the menu offers it first; EC2 has no template for it.
    home = makeWorkshopHome([{ name: "aaa-missing" }, { name: "good", maximum: 5 }]);
  });
  afterEach(() => session?.kill());
  after(async () => {
    await sim?.close();
    home?.remove();
  });

  it("menu, a refused workshop with its reason, count, confirmation, then the attendee table", async () => {
    session = new PtySession(["instances", "create"], { env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, TZ: "UTC" }) });
    const s = session;
    await s.waitFor("Which workshop?");
    s.line(""); // the first entry: aaa-missing
    await s.waitFor(/Workshop "aaa-missing" cannot be used: [^\n]*ec2-workshop-aaa-missing/);
    await s.waitFor("Which workshop?"); // asked again; aaa-missing is now disabled
    s.line(""); // the first usable one: good
    await s.waitFor("How many instances? (1..5, Enter for 5)");
    s.line("9");
    await s.waitFor("Enter a whole number from 1 to 5.");
    s.keys("\x7f"); // backspace, then a valid count
    s.line("2");
    // The confirmation names type, AMI and region, and the cost from the simulator's price table:
    // 2 × ($0.0104 + 8 GiB × $0.08 / 730 + $0.005) = $0.0326/h; × 8 h = $0.26.
    await s.waitFor(/Launch 2 × t3\.micro \(ami-0123456789abcdef0\) in us-east-1: about \$0\.03\/h, \$0\.26 for 8 h, seats 1-2\?/);
    s.line("");
    await s.waitFor("Requested 2, 2 ready", 60_000);
    expect(await s.exit()).to.equal(0);
    const mine = sim.instances().filter((i) => i.tags.Workshop === "good");
    expect(mine).to.have.length(2);
    expect(sim.instances().filter((i) => i.tags.Workshop === "aaa-missing")).to.have.length(0);
  });
});
