// The end of `instances create` and `instances replace`: the hand-out (one line per seat, the
// instructions), what went wrong with which seat, and the next command; or the same as JSON.
import type { BatchReport, FailedInstance } from "../instances/create-batch.js";
import { describeService, type Readiness } from "../instances/readiness.js";
import type { TrackedInstance, WaitEvents } from "../instances/wait.js";
import { fillInstructions } from "../instances/handout.js";
import type { ReplacementPlan } from "../instances/replace.js";
import { describeHolder } from "../instances/seat-assignment.js";
import { formatSeatList } from "../instances/seats.js";
import { renderHandoutTable, renderInstructions } from "./handout.js";
import type { Style } from "./style.js";
import { commandToType } from "../invocation.js";
import { visible } from "./visible.js";
import { noteLine, type ProgressView } from "./progress.js";

/** How to get the machines a run is missing, as seat lists for the commands that do it. */
export interface NextSteps {
  /** Seats without a ready machine whose failed machine still holds them: `instances replace --seats`. */
  replace: number[];
  /** Seats without a ready machine that no machine holds (never launched, or EC2 ended it): `instances create --seats`. */
  launch: number[];
  /** The seats whose failed machines are still there: `instances destroy --seats` terminates only those. */
  terminate: number[];
}

const ascending = (seats: Iterable<number>): number[] => [...new Set(seats)].sort((a, b) => a - b);

/**
 * The next steps after a run. A machine terminated because a concurrent run took its seat leaves
 * that seat to the other run: it is never suggested here (replacing it would end their machine).
 */
export function nextSteps(r: BatchReport): NextSteps {
  const readySeats = new Set(r.ready.map((x) => x.seat));
  // A machine in an unknown state (EC2 out of reach) may be running fine: nothing is offered for it.
  const withSeat = r.failed.filter((f): f is FailedInstance & { seat: number } => f.seat !== undefined && !f.evicted && !f.unknown);
  const terminate = ascending(withSeat.filter((f) => f.instanceId && !f.replaced && !f.gone).map((f) => f.seat));
  const held = new Set(terminate);
  const missing = ascending(withSeat.map((f) => f.seat).filter((seat) => !readySeats.has(seat)));
  return { replace: missing.filter((seat) => held.has(seat)), launch: missing.filter((seat) => !held.has(seat)), terminate };
}

/** The commands of `nextSteps`, each under a line saying what it does (alternatives start with "Or"). */
function renderNextSteps(workshop: string, next: NextSteps): string[] {
  const out: string[] = [];
  const seats = (list: readonly number[]): string => `seat${list.length === 1 ? "" : "s"} ${formatSeatList(list)}`;
  const one = (list: readonly number[], single: string, plural: string): string => (list.length === 1 ? single : plural);
  if (next.replace.length)
    out.push(
      `To give ${seats(next.replace)} ${one(next.replace, "a new machine (the failed one is", "new machines (the failed ones are")} terminated first):`,
      `  ${replaceCommand(workshop, next.replace)}`,
    );
  if (next.launch.length)
    out.push(
      `${next.replace.length ? "And to" : "To"} give ${seats(next.launch)} ${one(next.launch, "a machine (it has", "machines (they have")} none now):`,
      `  ${createSeatsCommand(workshop, next.launch)}`,
    );
  if (next.replace.length) {
    const n = next.replace.length + next.launch.length;
    out.push(`Or keep the failed ${one(next.replace, "machine", "machines")} and launch ${n} more into free seats:`, `  ${createCountCommand(workshop, n)}`);
  }
  if (next.terminate.length)
    out.push(`Or only terminate the failed ${one(next.terminate, "machine", "machines")}:`, `  ${destroyCommand(workshop, next.terminate)}`);
  return out;
}

/** `width`: the terminal's, for the table (none: as wide as it is). */
export function renderBatchReport(r: BatchReport, instructions: string, s: Style, width?: number): string {
  const out: string[] = [];
  const ok = r.ready.length === r.requested;
  const headline = r.interrupted
    ? `Stopped early: requested ${r.requested}, ${r.ready.length} ready so far`
    : `Requested ${r.requested}, ${r.ready.length} ready`;
  out.push("", `${ok ? s.green("✔") : s.yellow("!")} ${s.bold(headline)} ${s.dim(`(workshop ${r.workshop}, batch ${r.batch})`)}`);
  for (const stop of r.launchStops) out.push(`${s.yellow("!")} ${visible(stop.message)}`);
  for (const m of r.seatMoves) out.push(`${s.yellow("!")} Seat ${m.from} was taken first by another run: ${m.instanceId} is seat ${m.to} instead.`);
  if (r.ready.length) out.push("", renderHandoutTable(r.ready, { style: s, width }));
  const text = renderInstructions(instructions, r.ready, s);
  if (text) out.push("", text);
  if (r.failed.length > 0) {
    out.push("", s.red(`Failed (${r.failed.length}):`));
    // The reason quotes EC2 (the state reason's message).
    for (const f of r.failed) out.push(`  Seat ${f.seat ?? "-"}  ${visible(f.instanceId ?? "(none)")}  ${visible(f.reason)}`);
    const next = renderNextSteps(r.workshop, nextSteps(r));
    if (next.length) out.push("", ...next);
    const unknown = r.failed.filter((f) => f.unknown).length;
    if (unknown)
      out.push(
        "",
        `${s.yellow("!")} EC2 could not be reached: ${unknown === 1 ? "1 machine is" : `${unknown} machines are`} in an unknown state and may be running. When EC2 answers again, see the batch with:`,
        `  ${commandToType(`instances list --workshop ${r.workshop} --batch ${r.batch}`)}`,
      );
  }
  return out.join("\n");
}

export function replaceCommand(workshop: string, seats: readonly number[]): string {
  return commandToType(`instances replace --workshop ${workshop} --seats ${formatSeatList(seats)} --yes`);
}

export function createSeatsCommand(workshop: string, seats: readonly number[]): string {
  return commandToType(`instances create --workshop ${workshop} --seats ${formatSeatList(seats)} --yes`);
}

export function createCountCommand(workshop: string, count: number): string {
  return commandToType(`instances create --workshop ${workshop} --count ${count} --yes`);
}

export function destroyCommand(workshop: string, seats: readonly number[]): string {
  return commandToType(`instances destroy --workshop ${workshop} --seats ${formatSeatList(seats)} --yes`);
}

/**
 * The --json document: exactly these keys. Unfinished instances (a stopped run) count as failed.
 * `next` gives scripts the seat lists of the printed next steps (`nextSteps`), so none has to
 * work out which failed seats still hold a machine, or which belong to a concurrent run.
 */
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
      readyBy: x.readyBy ?? null,
      instructions: fillInstructions(instructions, x),
    })),
    failed: [
      ...r.failed.map((f) => ({ seat: f.seat ?? null, instanceId: f.instanceId ?? null, reason: f.reason })),
      ...r.unfinished.map((u) => ({ seat: u.seat ?? null, instanceId: u.instanceId, reason: "not ready when the run stopped waiting (it keeps running)" })),
    ],
    instructions,
    next: nextSteps(r),
  };
}

/**
 * The line a machine gets the moment it is ready, so the attendee in that seat can start while
 * the others boot: its seat and address, and which signal said it is usable.
 */
export function readyLine(t: TrackedInstance, readiness: Readiness, s: Style): string {
  const address = t.info?.publicIp ?? (t.info?.privateIp ? `${t.info.privateIp} (private)` : "(no address yet)");
  const by = t.readyBy === "service" ? `${describeService(readiness.service)} answered` : "status checks ok";
  return `${s.green("✔")} Seat ${t.seat ?? "-"} ready: ${visible(address)} ${s.dim(`(${by})`)}`;
}

/** A failure as it happens; one that had been handed out names its seat, so the room knows whose machine it is. */
export function failedLine(t: TrackedInstance, s: Style): string {
  const who = t.readyBy ? `Seat ${t.seat ?? "-"} (${t.instanceId})` : t.instanceId;
  // The reason is EC2's (or its error's) text: shown, never obeyed.
  return `${s.red("✗")} ${visible(`${who}: ${t.failure ?? "failed"}`)}${t.readyBy ? ": not usable after all" : ""}`;
}

/** A wait's events on a progress view (create, replace and start alike): a line per note, ready seat and failure, and the live counts. */
export function waitLines(view: Pick<ProgressView, "line" | "counts">, readiness: Readiness, s: Style): Required<Pick<WaitEvents, "note" | "ready" | "failed" | "update">> {
  return {
    note: (m) => view.line(noteLine(m, s)),
    ready: (i) => view.line(readyLine(i, readiness, s)),
    failed: (i) => view.line(failedLine(i, s)),
    update: (c) => view.counts(c),
  };
}

/** What `instances replace` is about to do, seat by seat. */
export function describeReplacement(plan: ReplacementPlan, workshop: string, s: Style): string {
  const lines = [s.bold(`Workshop "${workshop}": a new machine for seat${plan.seats.length === 1 ? "" : "s"} ${formatSeatList(plan.seats)}`)];
  for (const seat of plan.seats) {
    const here = plan.holders.filter((h) => h.seat === seat);
    lines.push(
      here.length
        ? `  Seat ${seat}: terminate ${visible(here.map(describeHolder).join(" and "))}, launch a new one`
        : `  Seat ${seat}: no machine now; launch one`,
    );
  }
  if (plan.holders.length) lines.push(s.dim("  Terminating deletes the machines' disks and everything on them; this cannot be undone."));
  return lines.join("\n");
}
