// Fault suite: an endpoint that accepts connections and never answers (a captive portal, a
// stalled proxy). Every AWS request has a connection and a response timeout, so each command
// ends with one clear line instead of hanging. The clock runs fast (EC2_WORKSHOP_TIME_SCALE), so
// the timeouts and deadlines pass in a few real seconds; the only wall-clock bound here is a
// generous one that tells "ended" from "hung".
import type { ChildProcess } from "node:child_process";
import { expect } from "chai";
import { startBlackHole, type BlackHole } from "../helpers/bad-endpoints.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

/** Real time after which a command counts as hung (and is killed): far beyond any deadline here. */
const HUNG_AFTER_MS = 45_000;
const SCALE = 60;

describe("fault suite: an endpoint that never answers", function () {
  this.timeout(HUNG_AFTER_MS + 15_000);
  let hole: BlackHole;
  let home: WorkshopHome;

  before(async () => {
    hole = await startBlackHole();
    home = makeWorkshopHome([{ name: "demo" }]);
  });
  after(async () => {
    await hole?.close();
    home?.remove();
  });

  /** Runs the binary against the black hole; `hung` when it had to be killed. */
  async function run(args: string[]): Promise<RunResult & { hung: boolean }> {
    let child: ChildProcess | undefined;
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child?.kill("SIGKILL");
    }, HUNG_AFTER_MS);
    try {
      const r = await runBin(args, {
        env: simEnv({ endpoint: hole.endpoint, region: "us-east-1", scale: SCALE }, { EC2_WORKSHOP_HOME: home.dir }),
        onSpawn: (c) => (child = c),
      });
      return { ...r, hung };
    } finally {
      clearTimeout(timer);
    }
  }

  function expectOneLine(r: RunResult & { hung: boolean }): void {
    expect(r.hung, "the command hung").to.equal(false);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stderr.trim().split("\n"), r.stderr).to.deep.equal([
      "Error: The AWS endpoint did not answer in time. Check the network, --region and --endpoint-url, then retry.",
    ]);
  }

  it("instances list ends with one line", async () => {
    const before = hole.connections;
    const r = await run(["instances", "list", "--workshop", "demo"]);
    expectOneLine(r);
    expect(r.stdout).to.equal("");
    expect(hole.connections, "it did try").to.be.greaterThan(before);
  });

  it("instances destroy --all --yes ends with one line, nothing terminated", async () => {
    expectOneLine(await run(["instances", "destroy", "--workshop", "demo", "--all", "--yes"]));
  });

  it("instances create ends with one line before launching anything", async () => {
    expectOneLine(await run(["instances", "create", "--workshop", "demo", "--count", "1", "--yes"]));
  });

  it("setup ends with the identity check failed on one line, EC2 not asked", async () => {
    const r = await run(["setup", "--region", "us-east-1"]);
    expect(r.hung, "setup hung").to.equal(false);
    expect(r.code, r.stderr).to.equal(1);
    const failed = r.stdout.split("\n").filter((l) => /AWS identity/.test(l));
    expect(failed, r.stdout).to.have.length(1);
    expect(failed[0]).to.contain("The AWS endpoint did not answer in time.");
    expect(r.stdout).to.match(/EC2 access.*not checked/);
  });
});
