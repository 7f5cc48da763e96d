// Fault suite: the run is stopped while it waits for its batch: SIGINT (no terminal) and SIGTERM
// end it with a message naming the batch; SIGKILL runs no handler at all. In every case the
// instances keep running, tagged, and `instances list` / `destroy` find and clean up all of them.
import { expect } from "chai";
import { TAG } from "../../src/instances/tags.js";
import { interruptWhen, Scenario, WORKSHOP } from "./harness.js";
import { fromHuman, fromInterruptMessage, fromJson } from "./invariants.js";
import { idsWhere, verifyAndCleanUp, scenarioPerTest } from "./flow.js";

describe("fault suite: stopped mid-wait", function () {
  this.timeout(60_000);
  const start = scenarioPerTest();

  const polling = (s: Scenario) => () => s.sim.log.some((e) => e.action === "DescribeInstanceStatus");

  it("SIGINT while status checks are polled (--json): exit 130, the report covers the whole batch, all cleaned up", async () => {
    const sc = await start({ seed: 151 });
    const s = sc;
    const r = await interruptWhen((on) => s.create(["--count", "12", "--json"], on), polling(s), "status polling", "SIGINT");
    const createdUntil = s.mark();
    expect(r.code, r.stderr).to.equal(130);
    const run = { ...fromJson("create", 12, r.stdout), mentioned: fromInterruptMessage("create", 12, r.stderr).mentioned };
    expect(idsWhere(s, () => true)).to.have.length(12);
    expect(r.stderr).to.contain(`Stopped waiting. 12 instances launched so far keep running, tagged ec2-workshop:batch=${run.batch}`);
    const unfinished = run.report!.failed.filter((f) => f.reason.includes("not ready when the run stopped waiting"));
    expect(unfinished.length, "stopped before the batch settled").to.be.greaterThan(0);
    await verifyAndCleanUp(s, {
      scenario: "SIGINT mid-wait",
      runs: [run],
      createdUntil,
      outcome: `exit 130, ${run.report!.ready.length} ready + ${unfinished.length} unfinished of 12`,
    });
  });

  it("SIGTERM once some are ready: exit 143, ready ones shown with their addresses, the rest named", async () => {
    const sc = await start({ seed: 152, faults: { capacityAzs: ["us-east-1a"] } });
    const s = sc;
    const someReady = () => {
      const seen = s.launched().filter((i) => i.firstReportedReadyAt !== undefined).length;
      return seen >= 3 && seen < 12;
    };
    const r = await interruptWhen((on) => s.create(["--count", "12"], on), someReady, "the first ready instances", "SIGTERM");
    const createdUntil = s.mark();
    expect(r.code, r.stderr).to.equal(143);
    const said = fromInterruptMessage("create", 12, r.stderr);
    const run = { ...fromHuman("create", 12, r.stdout), mentioned: said.mentioned, partial: true };
    expect(run.batch).to.equal(said.batch);
    expect(said.mentioned).to.have.length(12);
    expect(r.stdout).to.match(/Stopped early: requested 12, \d+ ready so far/);
    for (const x of run.report!.ready) {
      const ip = s.sim.instances().find((i) => i.instanceId === x.instanceId)!.publicIp!;
      expect(r.stdout.split("\n").find((l) => /^ +\d+ /.test(l) && l.includes(x.instanceId))).to.contain(ip);
    }
    await verifyAndCleanUp(s, {
      scenario: "SIGTERM mid-wait (some ready)",
      runs: [run],
      createdUntil,
      outcome: `exit 143, ${run.report!.ready.length}/12 ready at the signal, all 12 named`,
    });
  });

  it("SIGKILL mid-wait (no handler runs): list and destroy still find every instance by its tags", async () => {
    const sc = await start({ seed: 153 });
    const s = sc;
    const r = await interruptWhen((on) => s.create(["--count", "12"], on), polling(s), "status polling", "SIGKILL");
    const createdUntil = s.mark();
    expect(r.signal).to.equal("SIGKILL");
    expect(r.stderr).to.not.contain("Stopped waiting");
    const launched = s.launched();
    expect(launched).to.have.length(12);
    const batches = new Set(launched.map((i) => i.tags[TAG.batch]));
    expect(batches.size).to.equal(1);
    // The run said its batch id before it died: it is the one on the instances.
    expect(r.stdout).to.contain(`(batch ${[...batches][0]})`);
    await verifyAndCleanUp(s, {
      scenario: "SIGKILL mid-wait",
      runs: [{ label: "killed", requested: 12, batch: [...batches][0]! }],
      createdUntil,
      outcome: `killed, 12 launched; ${WORKSHOP} found by tag`,
    });
  });
});
