// Fault suite: the connection to EC2 lost in the middle of a create. Right after RunInstances
// (EC2 launched, its answer never arrived): the run must name the batch and the commands that
// find and terminate it, so a rerun does not launch a second batch beside an unseen first one.
// During the wait: the run says it lost contact, keeps trying to the deadline, and reports the
// machines it could not see as unknown, never offering to terminate them. Both end with the
// usual invariants: every launched instance found and cleaned up, nothing foreign touched.
import { expect } from "chai";
import { WORKSHOP, type CreateReport, type Scenario } from "./harness.js";
import { idsWhere, scenarioPerTest, verifyAndCleanUp } from "./flow.js";
import type { RunRecord } from "./invariants.js";

/** Stands in for a network that is gone: the connection is reset (or, `hang`, never answered). */
function loseContactAfter(sc: Scenario, when: (action: string) => boolean, how: "reset" | "hang"): { lostAt: () => number | undefined; after: () => number } {
  let lostAt: number | undefined;
  let after = 0;
  sc.proxy!.hooks = {
    beforeForward: async () => {
      if (lostAt === undefined) return;
      after++;
      if (how === "hang") await new Promise(() => undefined);
      throw new Error("network gone");
    },
    beforeAnswer: (req) => {
      if (lostAt !== undefined || !when(req.action)) return;
      // EC2 has acted; from now on nothing gets through, this answer included.
      lostAt = req.n;
      return "drop";
    },
  };
  return { lostAt: () => lostAt, after: () => after };
}

describe("fault suite: contact with EC2 lost", function () {
  this.timeout(120_000);
  const scenario = scenarioPerTest();

  it("lost right after RunInstances: the batch is named with the commands that list and terminate it; nothing else launched", async () => {
    const sc = await scenario({ seed: 1601, proxy: true });
    const lost = loseContactAfter(sc, (action) => action === "RunInstances", "reset");
    const r = await sc.create(["--count", "4", "--launch-timeout", "1m", "--json"]);
    const createdUntil = sc.mark();

    expect(lost.lostAt(), "RunInstances reached EC2").to.be.a("number");
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout, "no report: the run never heard of its instances").to.equal("");
    const launched = idsWhere(sc, () => true);
    expect(launched, "EC2 launched the batch, once (retries reuse the ClientToken)").to.have.length(4);
    const batch = sc.launched()[0]!.tags["ec2-workshop:batch"]!;
    expect(sc.launched().every((i) => i.tags["ec2-workshop:batch"] === batch)).to.equal(true);

    expect(r.stderr).to.contain(`Lost contact with EC2 while launching. Instances may have been launched, tagged ec2-workshop:batch=${batch}.`);
    expect(r.stderr).to.match(new RegExp(`List them: +.*instances list --workshop ${WORKSHOP} --batch ${batch}\\n`));
    expect(r.stderr).to.match(new RegExp(`instances destroy --workshop ${WORKSHOP} --batch ${batch} --all --yes\\n`));
    expect(r.stderr.trim().split("\n").at(-1), "the error's own line ends it").to.match(/^Error: /);

    // The printed list command, once EC2 answers again, finds exactly what was launched.
    sc.calm();
    const listed = await sc.cli(["instances", "list", "--workshop", WORKSHOP, "--batch", batch, "--json"]);
    expect(listed.code, listed.stderr).to.equal(0);
    expect((JSON.parse(listed.stdout) as { instanceId: string }[]).map((x) => x.instanceId).sort()).to.deep.equal(launched);

    const run: RunRecord = { label: "lost after RunInstances", requested: 4, batch };
    await verifyAndCleanUp(sc, { scenario: "lost after RunInstances", runs: [run], outcome: `exit 1, batch named, ${launched.length} found by it`, createdUntil });
  });

  it("lost during the wait: said at once, retried to the deadline, unseen machines unknown (never offered for termination)", async () => {
    const sc = await scenario({ seed: 1602, proxy: true });
    // Contact goes after the first status read: some machines are running, none can be ready yet.
    const lost = loseContactAfter(sc, (action) => action === "DescribeInstanceStatus", "hang");
    const r = await sc.create(["--count", "5", "--launch-timeout", "2m", "--check-timeout", "2m", "--json"]);
    const createdUntil = sc.mark();

    expect(lost.lostAt(), "the wait had begun").to.be.a("number");
    expect(r.code, r.stderr).to.equal(3);
    const report = JSON.parse(r.stdout) as CreateReport & { next: { replace: number[]; launch: number[]; terminate: number[] } };
    expect(report.ready, "nothing could be seen ready").to.deep.equal([]);
    expect(report.failed, r.stderr).to.have.length(5);
    for (const f of report.failed) expect(f.reason, f.instanceId ?? "").to.match(/^state unknown: lost contact with EC2 \(no answer for .*\); it may be running$/);
    expect(report.next, "no clean-up or replacement offered for machines whose state is unknown").to.deep.equal({ replace: [], launch: [], terminate: [] });
    expect(r.stderr).to.not.match(/timed out in the (launch|check) phase/);

    // Said once, well before the deadlines ran out, and retried until they did.
    const said = r.stderr.split("\n").findIndex((l) => l.includes("Lost contact with EC2"));
    const firstUnknown = r.stderr.split("\n").findIndex((l) => l.includes("state unknown"));
    expect(said, r.stderr).to.be.greaterThan(-1);
    expect(said, "lost contact is said before any deadline passes").to.be.lessThan(firstUnknown);
    expect(r.stderr.match(/Lost contact with EC2/g), "said once").to.have.length(1);
    expect(lost.after(), "it kept trying").to.be.greaterThan(2);

    // They were running all along: EC2, once back, shows them (nothing was lost).
    const alive = idsWhere(sc, (i) => i.state === "running" || i.state === "pending");
    expect(alive, "every machine is still there").to.have.length(5);
    const run: RunRecord = { label: "lost during the wait", requested: 5, batch: report.batch, report };
    await verifyAndCleanUp(sc, { scenario: "lost during the wait", runs: [run], outcome: `exit 3, 5 unknown, none offered for termination`, createdUntil });
  });
});
