// Fault suite: `instances destroy --all --yes` racing a tag change. While it runs, a loop moves
// half of the workshop's instances to another workshop (or strips their tag) as fast as it can,
// and moves two of that workshop's instances into this one. EC2 has no "terminate if still tagged", so the contract is
// about the destroy's last look (its re-read by tag just before TerminateInstances): nothing that
// had left the workshop by then is terminated, nothing that joined after the listing is either.
import { expect } from "chai";
import { TAG } from "../../src/instances/tags.js";
import type { RequestLogEntry } from "../../src/sim/types.js";
import { OTHER, pause, waitUntil, WORKSHOP, type DestroyReport } from "./harness.js";
import { checkInvariants, expectNothingForeignTouched, fromJson } from "./invariants.js";
import { callSummary, recordRow } from "./matrix.js";
import { scenarioPerTest } from "./flow.js";

/** A seeded shuffle (mulberry32), so the moved half is the same on every run. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const byWorkshopTag = (params: Record<string, string>): boolean => Object.values(params).includes(`tag:${TAG.workshop}`);
const GONE = ["shutting-down", "terminated"];

describe("fault suite: destroy racing a tag change", function () {
  this.timeout(60_000);
  const start = scenarioPerTest();

  it("--all --yes while instances are moved away or untagged: none moved before its last look is terminated", async () => {
    const sc = await start({ seed: 171, proxy: true });
    const s = sc;
    const c = await s.create(["--count", "24", "--json"]);
    const createdUntil = s.mark();
    expect(c.code, c.stderr).to.equal(0);
    const run = fromJson("create", 24, c.stdout);
    await checkInvariants(s, [run]);
    const scenario = "destroy --all racing retags";
    const ours = run.report!.ready.map((x) => x.instanceId).sort();
    const leaving = shuffled(ours, 171).slice(0, 12);
    const joining = [...s.foreign].filter(([, f]) => f.tags[TAG.workshop] === OTHER && f.state === "running").map(([id]) => id).slice(0, 2);
    // When each move happened, as a log position: a request with seq >= it came after the move.
    const movedAt = new Map<string, number>();
    const mover = async (): Promise<void> => {
      // Two thirds go to the neighbour, a third lose the tag altogether; two of the neighbour's join us.
      const moves: [string, string | undefined][] = [
        ...leaving.map((id, k): [string, string | undefined] => [id, k % 3 === 2 ? undefined : OTHER]),
        ...joining.map((id): [string, string | undefined] => [id, WORKSHOP]),
      ];
      for (const [id, to] of shuffled(moves, 7)) {
        s.sim.setTag(id, TAG.workshop, to);
        movedAt.set(id, s.mark());
        await pause(1);
      }
    };
    let looks = 0;
    let moving: Promise<void> | undefined;
    s.proxy!.hooks = {
      // The re-read waits until the race is under way, so some moves surely land between listing and terminating.
      beforeForward: async (req) => {
        if (req.action === "DescribeInstances" && byWorkshopTag(req.params) && ++looks === 2)
          await waitUntil(() => movedAt.size >= 7, "the first moves");
      },
      // The race starts once the listing is answered: everything listed was the workshop's.
      beforeAnswer: (req) => {
        if (req.action === "DescribeInstances" && byWorkshopTag(req.params) && looks === 1 && !moving) moving = mover();
      },
    };
    const listFrom = s.mark();
    const d = await s.cli(["instances", "destroy", "--workshop", WORKSHOP, "--all", "--yes", "--json"]);
    await moving;
    s.proxy!.hooks = {};
    expect(d.code, d.stderr).to.equal(0);
    const doc = JSON.parse(d.stdout) as DestroyReport;

    const log = s.sim.log.filter((e) => e.seq >= listFrom);
    const firstTerminate = log.find((e) => e.action === "TerminateInstances");
    expect(firstTerminate, "TerminateInstances was called").to.not.equal(undefined);
    const lastLook: RequestLogEntry = log.filter((e) => e.action === "DescribeInstances" && byWorkshopTag(e.params) && e.seq < firstTerminate!.seq).at(-1)!;
    const state = new Map(s.sim.instances().map((i) => [i.instanceId, i.state]));
    const early = leaving.filter((id) => movedAt.get(id)! <= lastLook.seq);
    const late = leaving.filter((id) => movedAt.get(id)! > lastLook.seq);
    const stayed = ours.filter((id) => !leaving.includes(id));
    expect(early.length, "moves landed between the listing and the last look").to.be.at.least(1);

    for (const id of early) {
      expect(state.get(id), `${id} left before the last look`).to.equal("running");
      const now = s.sim.instances().find((i) => i.instanceId === id)!.tags[TAG.workshop];
      const why = now === undefined ? `has no ${TAG.workshop} tag` : `belongs to workshop "${OTHER}"`;
      expect(doc.skipped.find((x) => x.instanceId === id)?.reason, id).to.contain(why);
    }
    for (const id of joining) expect(state.get(id), `${id} joined after the listing`).to.equal("running");
    for (const id of stayed) expect(GONE, `${id} never left`).to.include(state.get(id));
    const terminated = doc.terminated.map((t) => t.instanceId);
    expect(terminated.filter((id) => !stayed.includes(id) && !late.includes(id)), "terminated beyond the selection").to.deep.equal([]);
    // Only TerminateInstances calls name instances, and only this destroy's selection.
    const named = log.filter((e) => e.action === "TerminateInstances").flatMap((e) => Object.entries(e.params).filter(([k]) => k.startsWith("InstanceId.")).map(([, v]) => v));
    expect(named.filter((id) => !stayed.includes(id) && !late.includes(id))).to.deep.equal([]);

    // Put the neighbour's instances back where they belong, then the usual end checks.
    for (const id of joining) s.sim.setTag(id, TAG.workshop, OTHER);
    expectNothingForeignTouched(s);
    const alive = s.sim.instances().filter((i) => i.tags[TAG.workshop] === WORKSHOP && !GONE.includes(i.state));
    expect(alive.map((i) => i.instanceId), "workshop instances left alive").to.deep.equal([]);
    const lateTerminated = late.filter((id) => GONE.includes(state.get(id)!)).length;
    recordRow({
      scenario,
      outcome:
        `exit 0; ${stayed.length} terminated, ${early.length} moved away before the last look kept` +
        (late.length ? `, ${late.length} moved after it (${lateTerminated} terminated: EC2 has no conditional terminate)` : "") +
        `, ${joining.length} joiners kept`,
      create: callSummary(s.sim.log, 0, createdUntil),
      cleanup: callSummary(s.sim.log, listFrom),
    });
  });
});
