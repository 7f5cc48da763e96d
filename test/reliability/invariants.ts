// The invariants every fault scenario must keep, whatever went wrong on the way:
// (1) every instance the tool launched carries the workshop, batch, seats, launched-by,
//     launched-at and expires-at tags, and so does its volume; it has a seat, and no seat is held twice;
// (2) `instances list --json` (the real CLI) returns exactly those instances;
// (3) each run's report is honest: ready and failed are disjoint and are exactly its batch in the
//     simulator, each with the seat EC2 gives it, ready ones really are ready by the signal they
//     name (running with both checks ok, or their service answered the tool and they were not
//     impaired before the run ended), requested is what was asked;
// (4) every foreign instance is as it was;
// (5) no file in the workshop home or the AWS directory changed (stack settings, credentials).
// And the clean-up: `instances destroy --all --yes` leaves nothing of the workshop alive.
import { DescribeInstancesCommand, DescribeTagsCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { seatLabel, seatOf } from "../../src/instances/seats.js";
import { HOLDING_STATES } from "../../src/instances/seat-assignment.js";
import { TAG } from "../../src/instances/tags.js";
import type { SimInstanceView } from "../../src/sim/types.js";
import { ec2For } from "../helpers/sim.js";
import { WORKSHOP, type CreateReport, type DestroyReport, type Scenario } from "./harness.js";

/** What one `instances create` run said about itself. */
export interface RunRecord {
  label: string;
  requested: number;
  /** The batch id, from the report or the interrupt message (unknown after SIGKILL). */
  batch?: string;
  /** The --json report, when the run printed one. */
  report?: CreateReport;
  /** Instance ids an interrupt message named as launched so far. */
  mentioned?: string[];
  /**
   * A stopped run's human report leaves out the unfinished instances (its message names them):
   * ready and failed are then a part of the batch, not all of it.
   */
  partial?: boolean;
}

export interface InvariantSummary {
  /** Log position where the checking CLI runs (list, then destroy) began. */
  listFrom: number;
  launched: number;
  listed: number;
  ready: number;
  failed: number;
}

const ALIVE = new Set(["pending", "running", "stopping", "stopped"]);

/** Parses `instances create --json` output into a RunRecord. */
export function fromJson(label: string, requested: number, stdout: string): RunRecord {
  const report = JSON.parse(stdout) as CreateReport;
  return { label, requested, batch: report.batch, report };
}

/**
 * Reads the same report from the human output (NO_COLOR): the headline's batch, the ready table's
 * seat and instance columns, and the "Failed (n):" lines.
 */
export function fromHuman(label: string, requested: number, stdout: string): RunRecord {
  const head = /(?:Requested|requested) (\d+), (\d+) ready.*\(workshop (\S+), batch ([a-z0-9]+)\)/.exec(stdout);
  expect(head, `${label}: the headline`).to.not.equal(null);
  const seat = (text: string): number | null => (text === "-" ? null : Number(text));
  const ready = [...stdout.matchAll(/^ +(\d+|-) +\S.*?(?: (service|checks))? +(i-[0-9a-f]+)$/gm)].map((m) => ({
    seat: seat(m[1]!),
    instanceId: m[3]!,
    ...(m[2] ? { readyBy: m[2] as "service" | "checks" } : {}),
  }));
  const failedBlock = stdout.split(/^Failed \(\d+\):$/m)[1]?.split(/\n\n/)[0] ?? "";
  const failed = [...failedBlock.matchAll(/^ {2}Seat (\d+|-) {2}(i-[0-9a-f]+|\(none\)) {2}(.+)$/gm)].map((m) => ({
    seat: seat(m[1]!),
    instanceId: m[2] === "(none)" ? null : m[2]!,
    reason: m[3]!,
  }));
  expect(ready.length, `${label}: ready rows vs headline`).to.equal(Number(head![2]));
  const report: CreateReport = { workshop: head![3]!, batch: head![4]!, requested: Number(head![1]), ready, failed };
  return { label, requested, batch: report.batch, report };
}

/** Reads the batch and the ids from an interrupted run's message on stderr. */
export function fromInterruptMessage(label: string, requested: number, stderr: string): RunRecord {
  const batch = /tagged ec2-workshop:batch=([a-z0-9]+)/.exec(stderr)?.[1];
  const named = /keep running, tagged ec2-workshop:batch=[a-z0-9]+: ([^\n]+)\.\n/.exec(stderr)?.[1];
  return { label, requested, ...(batch ? { batch } : {}), mentioned: named ? named.split(", ") : [] };
}

function sorted(ids: Iterable<string>): string[] {
  return [...ids].sort();
}

/** (1) for volumes: read through the real EC2 API (DescribeInstances for the volume ids, DescribeTags for their tags). */
async function volumeTags(sc: Scenario, instanceIds: string[]): Promise<Map<string, Record<string, string>>> {
  const ec2 = ec2For(sc.sim);
  try {
    const volumeOf = new Map<string, string>();
    for (let i = 0; i < instanceIds.length; i += 100) {
      const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: instanceIds.slice(i, i + 100) }));
      for (const r of out.Reservations ?? [])
        for (const inst of r.Instances ?? []) {
          const vol = inst.BlockDeviceMappings?.[0]?.Ebs?.VolumeId;
          if (inst.InstanceId && vol) volumeOf.set(vol, inst.InstanceId);
        }
    }
    const tags = new Map<string, Record<string, string>>(instanceIds.map((id) => [id, {}]));
    let token: string | undefined;
    do {
      const out = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-type", Values: ["volume"] }], NextToken: token }));
      for (const t of out.Tags ?? []) {
        const owner = volumeOf.get(t.ResourceId ?? "");
        if (owner && t.Key) tags.get(owner)![t.Key] = t.Value ?? "";
      }
      token = out.NextToken;
    } while (token);
    expect(volumeOf.size, "every launched instance has a root volume").to.equal(instanceIds.length);
    return tags;
  } finally {
    ec2.destroy();
  }
}

function expectLaunchTags(i: SimInstanceView, volume: Record<string, string> | undefined): void {
  const t = i.tags;
  const where = `${i.instanceId} (${i.state})`;
  expect(t[TAG.workshop], `${where}: Workshop tag`).to.equal(WORKSHOP);
  expect(t[TAG.batch], `${where}: batch tag`).to.match(/^[a-z0-9]{8}$/);
  // The Name is the batch's at launch, the seat's once the background naming got to it.
  const seat = seatOf(t, i.amiLaunchIndex);
  expect(seat, `${where}: a seat (${t[TAG.seats]} at index ${i.amiLaunchIndex})`).to.be.a("number");
  expect(t[TAG.name], `${where}: Name tag`).to.be.oneOf([`${WORKSHOP}-${t[TAG.batch]}`, `${WORKSHOP}-${seatLabel(seat, 40)}`, `${WORKSHOP}-${seatLabel(seat, 9)}`]);
  expect(t[TAG.launchedBy], `${where}: launched-by tag`).to.match(/^arn:aws:/);
  expect(new Date(t[TAG.launchedAt] ?? "").toISOString(), `${where}: launched-at tag`).to.equal(t[TAG.launchedAt]);
  expect(t[TAG.expiresAt], `${where}: expires-at tag`).to.match(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z|never)$/);
  expect(volume, `${where}: volume tags`).to.not.equal(undefined);
  for (const key of [TAG.workshop, TAG.batch, TAG.seats, TAG.launchedBy, TAG.launchedAt, TAG.expiresAt])
    expect(volume![key], `${where}: volume tag ${key}`).to.equal(t[key]);
}

/**
 * An instance the report calls ready: the simulator told the tool so, and it still is (unless a
 * stop fault came after). Ready by its service: the simulator answered the tool's probe, and no
 * status read of the run (`lastStatusRead`: its last one naming the instance) showed it impaired.
 */
function expectTrulyReady(i: SimInstanceView, readyBy: string | null | undefined, lastStatusRead: number): void {
  if (readyBy === "service") {
    expect(i.firstServedAt, `${i.instanceId}: ready by service, but nothing answered the tool`).to.be.a("number");
    expect(i.state, `${i.instanceId}: ready but ${i.state}`).to.equal("running");
    if (i.impairedAt !== undefined) expect(i.impairedAt, `${i.instanceId}: the run read it impaired, yet handed it out`).to.be.greaterThan(lastStatusRead);
    return;
  }
  expect(i.firstReportedReadyAt, `${i.instanceId}: reported ready without EC2 saying ok/ok`).to.not.equal(undefined);
  if (i.fault === "stop" && i.readyAt !== undefined) return;
  expect(i.state, `${i.instanceId}: ready but ${i.state}`).to.equal("running");
  expect(i.instanceStatus, `${i.instanceId}: ready but checks ${i.instanceStatus}`).to.equal("ok");
}

/** (4) and (5): what must hold at every check point, before and after the clean-up. */
export function expectNothingForeignTouched(sc: Scenario): void {
  const now = new Map(sc.sim.instances().map((i) => [i.instanceId, i]));
  for (const [id, before] of sc.foreign) {
    const i = now.get(id);
    expect(i, `foreign ${id} still exists`).to.not.equal(undefined);
    expect(i!.state, `foreign ${id} state`).to.equal(before.state);
    expect(i!.tags, `foreign ${id} tags`).to.deep.equal(before.tags);
  }
  expect(Object.fromEntries(sc.fileHashes()), "workshop home and AWS files unchanged").to.deep.equal(Object.fromEntries(sc.baselineHashes()));
}

/**
 * Checks (1)-(5) after the scenario's run(s). `allBatchesKnown`: every launched instance belongs
 * to one of `runs` (false when a run died without saying its batch).
 */
export async function checkInvariants(sc: Scenario, runs: RunRecord[], allBatchesKnown = true, createdUntil?: number): Promise<InvariantSummary> {
  // Each instance's last status read by the create runs (every entry before the mark is theirs).
  const lastStatusRead = new Map<string, number>();
  for (const e of sc.sim.log) {
    if (createdUntil !== undefined && e.seq >= createdUntil) break;
    if (e.action !== "DescribeInstanceStatus" || e.outcome !== "ok") continue;
    for (const [k, v] of Object.entries(e.params)) if (/^InstanceId\.\d+$/.test(k)) lastStatusRead.set(v, e.simTime);
  }
  const launched = sc.launched();
  const byId = new Map(launched.map((i) => [i.instanceId, i]));

  // (1)
  const volumes = await volumeTags(sc, launched.map((i) => i.instanceId));
  for (const i of launched) expectLaunchTags(i, volumes.get(i.instanceId));
  const holding = new Set<string>(HOLDING_STATES);
  const seats = launched.filter((i) => holding.has(i.state)).map((i) => seatOf(i.tags, i.amiLaunchIndex)!);
  expect(seats.filter((s, k) => seats.indexOf(s) !== k), "seats held twice").to.deep.equal([]);

  // (2)
  const listFrom = sc.mark();
  const listed = await sc.listJson();
  expect(sorted(listed.map((r) => r.instanceId)), "instances list shows exactly what was launched").to.deep.equal(sorted(byId.keys()));
  for (const r of listed) expect(r.batch, `${r.instanceId}: batch column`).to.equal(byId.get(r.instanceId)!.tags[TAG.batch]);

  // (3)
  const batches = runs.map((r) => r.batch).filter((b): b is string => b !== undefined);
  expect(new Set(batches).size, "every run has its own batch").to.equal(batches.length);
  let ready = 0;
  let failed = 0;
  for (const run of runs) {
    if (!run.batch) continue;
    const mine = sorted(launched.filter((i) => i.tags[TAG.batch] === run.batch).map((i) => i.instanceId));
    if (run.report) {
      const rep = run.report;
      expect(rep.workshop, run.label).to.equal(WORKSHOP);
      expect(rep.requested, `${run.label}: requested`).to.equal(run.requested);
      const readyIds = rep.ready.map((x) => x.instanceId);
      const failedIds = rep.failed.flatMap((x) => (x.instanceId ? [x.instanceId] : []));
      for (const x of [...rep.ready, ...rep.failed])
        if (x.instanceId) expect(x.seat, `${run.label}: ${x.instanceId}'s seat`).to.equal(seatOf(byId.get(x.instanceId)!.tags, byId.get(x.instanceId)!.amiLaunchIndex) ?? null);
      expect(readyIds.filter((id) => failedIds.includes(id)), `${run.label}: ready and failed overlap`).to.deep.equal([]);
      if (run.partial) expect(mine, `${run.label}: the report is within its batch`).to.include.members([...readyIds, ...failedIds]);
      else expect(sorted([...readyIds, ...failedIds]), `${run.label}: the report is exactly its batch`).to.deep.equal(mine);
      for (const x of rep.ready) expectTrulyReady(byId.get(x.instanceId)!, x.readyBy, lastStatusRead.get(x.instanceId) ?? Number.NEGATIVE_INFINITY);
      for (const f of rep.failed) expect(f.reason, `${run.label}: ${f.instanceId} has a reason`).to.be.a("string").and.not.equal("");
      ready += readyIds.length;
      failed += failedIds.length;
    }
    if (run.mentioned) expect(sorted(run.mentioned), `${run.label}: the interrupt message names its whole batch`).to.deep.equal(mine);
  }
  if (allBatchesKnown) {
    const known = new Set(batches);
    const strays = launched.filter((i) => !known.has(i.tags[TAG.batch] ?? ""));
    expect(strays.map((i) => i.instanceId), "instances outside every run's batch").to.deep.equal([]);
  }

  // (4), (5)
  expectNothingForeignTouched(sc);
  return { listFrom, launched: launched.length, listed: listed.length, ready, failed };
}

/**
 * `instances destroy --workshop X --all --yes --json`, then: it terminated every live instance
 * of the workshop, nothing of the workshop is left running/pending/stopped, nothing foreign was
 * touched. Returns how many it terminated.
 */
export async function destroyAllAndCheck(sc: Scenario): Promise<number> {
  const alive = sorted(sc.launched().filter((i) => i.tags[TAG.workshop] === WORKSHOP && ALIVE.has(i.state)).map((i) => i.instanceId));
  const r = await sc.cli(["instances", "destroy", "--workshop", WORKSHOP, "--all", "--yes", "--json"]);
  expect(r.code, r.stderr).to.equal(0);
  const doc = JSON.parse(r.stdout) as DestroyReport;
  expect(sorted(doc.terminated.map((t) => t.instanceId)), "destroy terminated every live instance of the workshop").to.deep.equal(alive);
  const left = sc.sim.instances().filter((i) => i.tags[TAG.workshop] === WORKSHOP && ALIVE.has(i.state));
  expect(left.map((i) => `${i.instanceId} ${i.state}`), "workshop instances left alive").to.deep.equal([]);
  expectNothingForeignTouched(sc);
  return doc.terminated.length;
}
