// The end of `instances create` and `instances replace`: the hand-out (one line per seat, the
// instructions), what went wrong with which seat, and the next command; or the same as JSON.
import type { BatchReport } from "../instances/create-batch.js";
import { fillInstructions } from "../instances/handout.js";
import type { ReplacementPlan } from "../instances/replace.js";
import { describeHolder } from "../instances/seat-assignment.js";
import { formatSeatList } from "../instances/seats.js";
import { renderHandoutTable, renderInstructions } from "./handout.js";
import type { Style } from "./style.js";

/** The seats of `report.failed` that still hold a failed machine (terminating them is up to the user). */
function failedToClean(r: BatchReport): number[] {
  return r.failed.filter((f) => f.instanceId && !f.replaced && !f.gone && f.seat !== undefined).map((f) => f.seat!);
}

export function renderBatchReport(r: BatchReport, instructions: string, s: Style): string {
  const out: string[] = [];
  const ok = r.ready.length === r.requested;
  const headline = r.interrupted
    ? `Stopped early: requested ${r.requested}, ${r.ready.length} ready so far`
    : `Requested ${r.requested}, ${r.ready.length} ready`;
  out.push("", `${ok ? s.green("✔") : s.yellow("!")} ${s.bold(headline)} ${s.dim(`(workshop ${r.workshop}, batch ${r.batch})`)}`);
  for (const stop of r.launchStops) out.push(`${s.yellow("!")} ${stop.message}`);
  for (const m of r.seatMoves) out.push(`${s.yellow("!")} Seat ${m.from} was taken first by another run: ${m.instanceId} is seat ${m.to} instead.`);
  if (r.ready.length) out.push("", renderHandoutTable(r.ready, { style: s }));
  const text = renderInstructions(instructions, r.ready, s);
  if (text) out.push("", text);
  if (r.failed.length > 0) {
    out.push("", s.red(`Failed (${r.failed.length}):`));
    for (const f of r.failed) out.push(`  Seat ${f.seat ?? "-"}  ${f.instanceId ?? "(none)"}  ${f.reason}`);
    // Seats still without a ready machine (a replaced failure whose replacement is ready is done).
    const readySeats = new Set(r.ready.map((x) => x.seat));
    const seats = [...new Set(r.failed.map((f) => f.seat))].filter((x): x is number => x !== undefined && !readySeats.has(x)).sort((a, b) => a - b);
    if (seats.length > 0)
      out.push("", `To give ${seats.length === 1 ? "that seat" : "those seats"} a new machine:`, `  ${replaceCommand(r.workshop, seats)}`);
    const clean = failedToClean(r);
    if (clean.length > 0) out.push(`Or only terminate the failed machine${clean.length === 1 ? "" : "s"}:`, `  ${destroyCommand(r.workshop, clean)}`);
  }
  return out.join("\n");
}

export function replaceCommand(workshop: string, seats: readonly number[]): string {
  return `ec2-workshop instances replace --workshop ${workshop} --seats ${formatSeatList(seats)} --yes`;
}

export function destroyCommand(workshop: string, seats: readonly number[]): string {
  return `ec2-workshop instances destroy --workshop ${workshop} --seats ${formatSeatList(seats)} --yes`;
}

/** The --json document: exactly these keys. Unfinished instances (a stopped run) count as failed. */
export function batchReportJson(r: BatchReport, instructions: string): unknown {
  return {
    workshop: r.workshop,
    batch: r.batch,
    requested: r.requested,
    ready: r.ready.map((x) => ({
      seat: x.seat ?? null,
      instanceId: x.instanceId,
      name: x.name,
      publicIp: x.publicIp ?? null,
      privateIp: x.privateIp ?? null,
      availabilityZone: x.availabilityZone ?? null,
      instructions: fillInstructions(instructions, x),
    })),
    failed: [
      ...r.failed.map((f) => ({ seat: f.seat ?? null, instanceId: f.instanceId ?? null, reason: f.reason })),
      ...r.unfinished.map((u) => ({ seat: u.seat ?? null, instanceId: u.instanceId, reason: "not ready when the run stopped waiting (it keeps running)" })),
    ],
    instructions,
  };
}

/** What `instances replace` is about to do, seat by seat. */
export function describeReplacement(plan: ReplacementPlan, workshop: string, s: Style): string {
  const lines = [s.bold(`Workshop "${workshop}": a new machine for seat${plan.seats.length === 1 ? "" : "s"} ${formatSeatList(plan.seats)}`)];
  for (const seat of plan.seats) {
    const here = plan.holders.filter((h) => h.seat === seat);
    lines.push(
      here.length
        ? `  Seat ${seat}: terminate ${here.map(describeHolder).join(" and ")}, launch a new one`
        : `  Seat ${seat}: no machine now; launch one`,
    );
  }
  if (plan.holders.length) lines.push(s.dim("  Terminating deletes the machines' disks and everything on them; this cannot be undone."));
  return lines.join("\n");
}
