// Fault suite: an endpoint that ignores DescribeInstances filters (a proxy, an EC2-compatible
// cloud with partial filter support). Every read of the workshop then gets every instance of the
// account, so the boundary must be the tool's own check of the exact tags. Look-alikes share the
// account: other spellings of the workshop's name (case, a trailing or leading space, a suffix),
// the right value under a key of another case, seat tags without a workshop, no tags at all, and,
// once a run has started, instances carrying that run's own batch id under another workshop. All
// hold seats 1-3, running with checks ok, so any leak shows up as a seat taken, a hand-out line,
// an adopted batch member or a terminated foreign instance.
import { expect } from "chai";
import { HOLDING_STATES } from "../../src/instances/seat-assignment.js";
import { seatOf } from "../../src/instances/seats.js";
import { TAG } from "../../src/instances/tags.js";
import type { Scenario } from "./harness.js";
import { WORKSHOP } from "./harness.js";
import { expectNothingForeignTouched, fromJson } from "./invariants.js";
import { scenarioPerTest, verifyAndCleanUp } from "./flow.js";

const SPELLINGS = [WORKSHOP.toUpperCase(), `${WORKSHOP}2`, `${WORKSHOP} `, ` ${WORKSHOP}`];

/** The scenario behind a filter-dropping proxy, with the look-alikes seeded (all foreign). */
async function lookAlikes(start: (o: Parameters<typeof Scenario.start>[0]) => Promise<Scenario>, seed: number): Promise<Scenario> {
  const sc = await start({ seed, proxy: true });
  sc.proxy!.ignoreFiltersOf.add("DescribeInstances");
  for (const name of SPELLINGS) sc.addForeign(sc.sim.seedInstances(3, { tags: { [TAG.workshop]: name, [TAG.seats]: "1-3", [TAG.name]: `${name}-1` } }));
  sc.addForeign(sc.sim.seedInstances(3, { tags: { workshop: WORKSHOP, [TAG.seats]: "1-3" } }));
  sc.addForeign(sc.sim.seedInstances(3, { tags: { [TAG.seats]: "1-3" } }));
  sc.addForeign(sc.sim.seedInstances(2));
  return sc;
}

/** The batch id a RunInstances request tags its instances with. */
function batchOf(params: Record<string, string>): string | undefined {
  const key = Object.entries(params).find(([k, v]) => /^TagSpecification\.1\.Tag\.\d+\.Key$/.test(k) && v === TAG.batch)?.[0];
  return key ? params[key.replace(/Key$/, "Value")] : undefined;
}

/** The simulator really got the workshop's reads without filters (else this suite proves nothing). */
function expectFiltersDropped(sc: Scenario, from = 0): void {
  const reads = sc.sim.log.filter((e) => e.seq >= from && e.action === "DescribeInstances" && e.params.DryRun !== "true");
  expect(reads.length, "DescribeInstances calls").to.be.greaterThan(0);
  expect(reads.filter((e) => Object.keys(e.params).some((k) => k.startsWith("Filter."))), "reads that kept a filter").to.deep.equal([]);
}

describe("fault suite: an endpoint that ignores DescribeInstances filters", function () {
  this.timeout(90_000);
  const start = scenarioPerTest();

  it("create --replace-failed, list, handout, workshop show: no look-alike is seated, adopted, listed or handed out", async () => {
    const sc = await lookAlikes(start, 311);
    sc.sim.setFaults({ impairedRate: 0.25 });
    // Once the run has a batch id, look-alikes join that batch under other workshops (and none).
    let batch: string | undefined;
    sc.proxy!.hooks = {
      beforeForward: (req) => {
        if (req.action !== "RunInstances" || batch) return;
        batch = batchOf(req.params);
        for (const name of SPELLINGS.slice(0, 2)) sc.addForeign(sc.sim.seedInstances(2, { tags: { [TAG.workshop]: name, [TAG.batch]: batch!, [TAG.seats]: "1-2" } }));
        sc.addForeign(sc.sim.seedInstances(2, { tags: { [TAG.batch]: batch!, [TAG.seats]: "4-5" } }));
      },
    };
    const c = await sc.create(["--count", "8", "--replace-failed", "--json"]);
    const createdUntil = sc.mark();
    expect(batch, "the run launched").to.be.a("string");
    expect([0, 3], c.stderr).to.include(c.code);
    expect(c.stderr).not.to.match(/Found i-[0-9a-f]+ of this batch by its tags/);
    const run = fromJson("create", 8, c.stdout);
    const report = run.report!;
    // The look-alikes' seats 1-3 did not count as taken: the first launch took seats 1-8.
    const first = [...report.ready, ...report.failed].filter((x) => x.instanceId !== null);
    expect(new Set(first.map((x) => x.seat)), "seats of the run").to.deep.equal(new Set([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(report.failed.length, "the seed impairs some, replaced into their seats").to.be.greaterThan(0);
    expectFiltersDropped(sc);

    const launched = new Set(sc.launched().map((i) => i.instanceId));
    const h = await sc.cli(["instances", "handout", "--workshop", WORKSHOP, "--format", "json"]);
    expect(h.code, h.stderr).to.equal(0);
    const handout = JSON.parse(h.stdout) as { seats: { seat: number; instanceId: string }[]; notReady: { instanceId: string }[] };
    for (const s of [...handout.seats, ...handout.notReady]) expect(launched.has(s.instanceId), `${s.instanceId} handed out`).to.equal(true);
    expect(handout.seats.map((s) => s.instanceId).sort()).to.deep.equal(report.ready.map((x) => x.instanceId).sort());

    const show = await sc.cli(["workshop", "show", WORKSHOP, "--json"]);
    expect(show.code, show.stderr).to.equal(0);
    const shown = JSON.parse(show.stdout) as { instances: Record<string, number>; seats: number[] };
    const holding = sc.launched().filter((i) => (HOLDING_STATES as readonly string[]).includes(i.state));
    expect(shown.seats, "seats held").to.deep.equal(holding.map((i) => seatOf(i.tags, i.amiLaunchIndex)).sort((a, b) => a! - b!));
    const live = sc.launched().filter((i) => i.state !== "terminated");
    expect(Object.values(shown.instances).reduce((a, b) => a + b, 0), "live instances of the workshop").to.equal(live.length);
    expectNothingForeignTouched(sc);
    // list (exactly what was launched) and destroy --all (exactly the workshop's), still without filters.
    await verifyAndCleanUp(sc, {
      scenario: "filters ignored: create --replace-failed",
      runs: [run],
      createdUntil,
      outcome: `exit ${c.code}, ${report.ready.length}/8 ready, ${report.failed.length} failed; ${sc.foreign.size} look-alikes untouched`,
    });
    expectFiltersDropped(sc);
  });

  it("destroy --ids of a look-alike, --seats, replace --seats: only the workshop's machines change", async () => {
    const sc = await lookAlikes(start, 313);
    const c = await sc.create(["--count", "4", "--json"]);
    const createdUntil = sc.mark();
    expect(c.code, c.stderr).to.equal(0);
    const run = fromJson("create", 4, c.stdout);
    const bySeat = new Map(run.report!.ready.map((x) => [x.seat, x.instanceId]));
    const foreignIds = [...sc.foreign.keys()];

    // A look-alike's id, alone or next to one of ours: refused whole, nothing terminated.
    for (const ids of [[foreignIds[0]!], [bySeat.get(4)!, foreignIds[4]!]]) {
      const from = sc.mark();
      const d = await sc.cli(["instances", "destroy", "--workshop", WORKSHOP, "--ids", ids.join(","), "--yes"]);
      expect(d.code, d.stderr).to.equal(1);
      expect(d.stderr.trim().split("\n"), d.stderr).to.have.length(1);
      expect(d.stderr).to.contain(`Not instances of workshop "${WORKSHOP}"`);
      expect(sc.sim.log.filter((e) => e.seq >= from && e.action === "TerminateInstances")).to.deep.equal([]);
    }
    expectNothingForeignTouched(sc);

    // Seat 1 is held by a look-alike of every spelling too: only our machine in it goes.
    const d = await sc.cli(["instances", "destroy", "--workshop", WORKSHOP, "--seats", "1", "--yes", "--json"]);
    expect(d.code, d.stderr).to.equal(0);
    expect((JSON.parse(d.stdout) as { terminated: { instanceId: string }[] }).terminated.map((t) => t.instanceId)).to.deep.equal([bySeat.get(1)]);
    expectNothingForeignTouched(sc);

    // Seats 1 (now free) and 2: a machine each, ours replaced, the look-alikes in those seats kept.
    const r = await sc.cli(["instances", "replace", "--workshop", WORKSHOP, "--seats", "1,2", "--yes", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const replaced = fromJson("replace", 2, r.stdout);
    expect(replaced.report!.ready.map((x) => x.seat).sort()).to.deep.equal([1, 2]);
    expect(sc.sim.instances().find((i) => i.instanceId === bySeat.get(2))!.state).to.be.oneOf(["shutting-down", "terminated"]);
    expectNothingForeignTouched(sc);
    expectFiltersDropped(sc);
    await verifyAndCleanUp(sc, {
      scenario: "filters ignored: destroy --ids/--seats, replace",
      // The first run's report is history now (seats 1 and 2 were terminated since): only the replacement's is checked.
      runs: [replaced],
      allBatchesKnown: false,
      createdUntil,
      outcome: `foreign --ids refused (exit 1), --seats 1 and replace --seats 1,2 touched only ours; ${sc.foreign.size} look-alikes untouched`,
    });
  });
});
