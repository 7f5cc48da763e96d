// Fault suite: the run is stopped (SIGINT, SIGTERM, no terminal) while RunInstances is in
// flight: EC2 has already created the instances, the tool does not know their ids yet. The
// fault proxy holds (or loses) that answer until the signal has been sent. Whatever the timing,
// every instance that exists must be tagged, named in the message, listed, and cleaned up.
import type { ChildProcess } from "node:child_process";
import { expect } from "chai";
import { TAG } from "../../src/instances/tags.js";
import { pause, WORKSHOP } from "./harness.js";
import { fromHuman, fromInterruptMessage, fromJson } from "./invariants.js";
import { idsWhere, verifyAndCleanUp, scenarioPerTest } from "./flow.js";

/** Long enough for an idle child to run its signal handler before the answer arrives. */
const SIGNAL_GRACE_MS = 800;

function expectInterruptMessage(stderr: string, batch: string, ids: string[]): void {
  expect(stderr).to.contain("Stopped waiting.");
  expect(stderr).to.contain(`${ids.length} instance${ids.length === 1 ? "" : "s"} launched so far keep running, tagged ec2-workshop:batch=${batch}`);
  expect(stderr).to.contain(`List them:      npx ec2-workshop instances list --workshop ${WORKSHOP}`);
  expect(stderr).to.contain(`Terminate them: npx ec2-workshop instances destroy --workshop ${WORKSHOP} --ids `);
  expect(stderr).to.not.match(/\n\s+at /, "no stack trace");
}

describe("fault suite: stopped mid-launch", function () {
  this.timeout(60_000);
  const start = scenarioPerTest();

  it("SIGINT while RunInstances is answered (a partial launch): no further launch, exit 130, the 4 that exist are named and cleaned up", async () => {
    const sc = await start({ seed: 141, proxy: true });
    const s = sc;
    s.sim.setFaults({ azCapacity: { "us-east-1a": s.liveInAz("us-east-1a") + 4 } });
    let child: ChildProcess | undefined;
    let signalled = false;
    s.proxy!.hooks = {
      beforeAnswer: async (req) => {
        if (req.action !== "RunInstances" || signalled) return;
        signalled = true;
        child!.kill("SIGINT");
        await pause(SIGNAL_GRACE_MS);
      },
    };
    const r = await s.create(["--count", "10"], (c) => (child = c));
    const createdUntil = s.mark();
    expect(signalled, "RunInstances was reached").to.equal(true);
    expect(r.code, r.stderr).to.equal(130);
    const launched = idsWhere(s, () => true);
    expect(launched).to.have.length(4);
    expect(s.sim.log.filter((e) => e.action === "RunInstances"), "nothing launched after the signal").to.have.length(1);
    const said = fromInterruptMessage("create", 10, r.stderr);
    const run = { ...fromHuman("create", 10, r.stdout), mentioned: said.mentioned, partial: true };
    expect(run.batch).to.equal(said.batch);
    expect(r.stdout).to.contain("Stopped early: requested 10, 0 ready so far");
    expectInterruptMessage(r.stderr, run.batch!, launched);
    await verifyAndCleanUp(s, { scenario: "SIGINT mid-launch (answer held)", runs: [run], createdUntil, outcome: "exit 130, 4 launched, all named" });
  });

  it("SIGTERM while RunInstances is in flight and its answer is lost: the batch is found by its tag, named, and terminated by the printed command", async () => {
    const sc = await start({ seed: 142, proxy: true });
    const s = sc;
    let child: ChildProcess | undefined;
    let signalled = false;
    s.proxy!.hooks = {
      beforeAnswer: async (req) => {
        if (req.action !== "RunInstances" || signalled) return;
        signalled = true;
        child!.kill("SIGTERM");
        await pause(SIGNAL_GRACE_MS);
        return "drop";
      },
    };
    const r = await s.create(["--count", "8", "--json"], (c) => (child = c));
    const createdUntil = s.mark();
    expect(signalled, "RunInstances was reached").to.equal(true);
    expect(r.code, r.stderr).to.equal(143);
    const launched = idsWhere(s, () => true);
    expect(launched).to.have.length(8);
    expect(s.sim.log.filter((e) => e.action === "RunInstances"), "no retry after the signal").to.have.length(1);
    const run = { ...fromJson("create", 8, r.stdout), mentioned: fromInterruptMessage("create", 8, r.stderr).mentioned };
    expect(run.report!.ready).to.deep.equal([]);
    for (const f of run.report!.failed) expect(f.reason).to.contain("not ready when the run stopped waiting");
    expectInterruptMessage(r.stderr, run.batch!, launched);
    expect(new Set(s.launched().map((i) => i.tags[TAG.batch]))).to.deep.equal(new Set([run.batch]));
    // The message's own clean-up command, run as printed, terminates exactly the batch.
    const printed = /Terminate them: npx ec2-workshop (instances destroy .*)$/m.exec(r.stderr)![1]!;
    s.calm();
    const d = await s.cli(printed.split(" "));
    expect(d.code, d.stderr).to.equal(0);
    expect(idsWhere(s, (i) => ["shutting-down", "terminated"].includes(i.state))).to.deep.equal(launched);
    await verifyAndCleanUp(s, {
      scenario: "SIGTERM mid-launch (answer lost)",
      runs: [run],
      createdUntil,
      outcome: "exit 143, 8 found by tag, printed cleanup ok",
    });
  });
});
