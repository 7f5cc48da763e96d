import { expect } from "chai";
import { buildReport, type BatchReport } from "../../src/instances/create-batch.js";
import type { TrackedInstance } from "../../src/instances/wait.js";
import { batchReportJson, nextSteps, renderBatchReport } from "../../src/ui/batch-report.js";
import { styleFor } from "../../src/ui/style.js";

const plain = styleFor(process.stdout, { NO_COLOR: "1" });
const id = (n: number): string => `i-0${String(n).padStart(16, "0")}`;

function tracked(seat: number, phase: TrackedInstance["phase"], o: Partial<TrackedInstance> & { state?: string } = {}): TrackedInstance {
  const { state = phase === "failed" ? "stopped" : "running", ...rest } = o;
  return {
    instanceId: id(seat),
    seat,
    phase,
    launchedAt: 0,
    info: { instanceId: id(seat), name: "", state, tags: {}, publicIp: `203.0.113.${seat}` },
    ...(phase === "failed" ? { failure: `${state}: Client.InstanceInitiatedShutdown` } : {}),
    ...rest,
  };
}

function report(t: TrackedInstance[], o: { unlaunched?: [number, string][]; replaced?: string[]; evicted?: number[] } = {}): BatchReport {
  return buildReport({
    workshop: "demo",
    batch: "b1",
    maximum: 25,
    requested: 10,
    tracked: t,
    replacedIds: new Set(o.replaced ?? []),
    evicted: new Map((o.evicted ?? []).map((seat) => [id(seat), { instanceId: id(seat), seat, keptBy: id(99) }])),
    unlaunched: new Map(o.unlaunched ?? []),
    launchStops: [],
    interrupted: false,
  });
}

/** The printed commands, one per line, as they would be typed. */
const commands = (text: string): string[] => [...text.matchAll(/^ {2}(ec2-workshop .*)$/gm)].map((m) => m[1]!);

describe("batch report: the next steps after a partial run", () => {
  it("failed machines still in their seats: replace them, or launch as many into free seats, or only terminate them", () => {
    const r = report([tracked(1, "ready"), tracked(3, "failed"), tracked(4, "failed", { state: "running", failure: "impaired" })]);
    expect(nextSteps(r)).to.deep.equal({ replace: [3, 4], launch: [], terminate: [3, 4] });
    const text = renderBatchReport(r, "", plain);
    expect(text).to.contain("To give seats 3-4 new machines (the failed ones are terminated first):");
    expect(text).to.contain("Or keep the failed machines and launch 2 more into free seats:");
    expect(text).to.contain("Or only terminate the failed machines:");
    expect(commands(text)).to.deep.equal([
      "ec2-workshop instances replace --workshop demo --seats 3-4 --yes",
      "ec2-workshop instances create --workshop demo --count 2 --yes",
      "ec2-workshop instances destroy --workshop demo --seats 3-4 --yes",
    ]);
  });

  it("seats with no machine (never launched, or ended by EC2) are launched into, not replaced", () => {
    const r = report([tracked(1, "ready"), tracked(2, "failed", { state: "terminated", failure: "terminated: Server.InternalError" })], {
      unlaunched: [[7, "not launched: no capacity"]],
    });
    expect(nextSteps(r)).to.deep.equal({ replace: [], launch: [2, 7], terminate: [] });
    const text = renderBatchReport(r, "", plain);
    expect(text).to.contain("To give seats 2,7 machines (they have none now):");
    expect(commands(text)).to.deep.equal(["ec2-workshop instances create --workshop demo --seats 2,7 --yes"]);
    expect(text, "nothing to terminate, nothing to keep").to.not.match(/Or /);
  });

  it("both kinds: one replace, one create --seats, and the --count alternative covers them all", () => {
    const r = report([tracked(5, "failed")], { unlaunched: [[6, "not launched: no capacity"]] });
    expect(nextSteps(r)).to.deep.equal({ replace: [5], launch: [6], terminate: [5] });
    const text = renderBatchReport(r, "", plain);
    expect(text).to.contain("To give seat 5 a new machine (the failed one is terminated first):");
    expect(text).to.contain("And to give seat 6 a machine (it has none now):");
    expect(text).to.contain("Or keep the failed machine and launch 2 more into free seats:");
    expect(commands(text)).to.deep.equal([
      "ec2-workshop instances replace --workshop demo --seats 5 --yes",
      "ec2-workshop instances create --workshop demo --seats 6 --yes",
      "ec2-workshop instances create --workshop demo --count 2 --yes",
      "ec2-workshop instances destroy --workshop demo --seats 5 --yes",
    ]);
  });

  it("a seat replaced by --replace-failed whose new machine is ready needs nothing; a seat lost to a concurrent run is never offered", () => {
    const replacedFailure = { ...tracked(3, "failed", { state: "terminated" }), instanceId: id(13) };
    const evicted = { ...tracked(4, "ready"), instanceId: id(4) };
    const r = report([tracked(3, "ready"), replacedFailure, evicted], { replaced: [id(13)], evicted: [4] });
    expect(r.failed.map((f) => f.seat)).to.deep.equal([3, 4]);
    // Seat 4 is the other run's machine now: replacing it would terminate theirs.
    expect(nextSteps(r)).to.deep.equal({ replace: [], launch: [], terminate: [] });
    expect(commands(renderBatchReport(r, "", plain))).to.deep.equal([]);
  });

  it("--json keeps its keys and adds `next`: the same seat lists, empty when every seat is ready", () => {
    const partial = batchReportJson(report([tracked(1, "ready"), tracked(3, "failed")], { unlaunched: [[7, "not launched: no capacity"]] }), "");
    expect(Object.keys(partial as object)).to.deep.equal(["workshop", "batch", "requested", "ready", "failed", "instructions", "next"]);
    expect((partial as { next: unknown }).next).to.deep.equal({ replace: [3], launch: [7], terminate: [3] });
    const whole = batchReportJson(report([tracked(1, "ready")]), "");
    expect((whole as { next: unknown }).next).to.deep.equal({ replace: [], launch: [], terminate: [] });
  });
});
