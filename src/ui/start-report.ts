// The end of `instances start`: how many are usable again, the hand-out with the seats whose
// address changed marked, what failed and what to do about it; or the same as JSON.
import { formatSeatList } from "../instances/seats.js";
import type { StartOutcome } from "../instances/start-outcome.js";
import { handoutSeatJson, renderHandoutTable, renderInstructions } from "./handout.js";
import { seatsOf } from "./power.js";
import type { Style } from "./style.js";
import { commandToType } from "../invocation.js";
import { fitWidth } from "./wrap.js";
import { visible } from "./visible.js";

/** `width`: the terminal's, to fit the hand-out and the sentences to (none for a pipe or file). */
export function renderStartReport(r: StartOutcome, instructions: string, s: Style, width?: number): string {
  const ok = r.failed.length === 0;
  const out: string[] = ["", `${ok ? s.green("✔") : s.yellow("!")} ${s.bold(`Started ${r.started.length}, ${r.ready.length} ready`)} ${s.dim(`(workshop ${r.workshop})`)}`];
  const changed = r.ready.filter((x) => r.marks.has(x.instanceId));
  if (changed.length)
    out.push(fitWidth(`${s.yellow("!")} New address for ${seatsOf(changed)}: EC2 gives a started machine a new public address. Hand the new ones out (marked below).`, width));
  if (r.handout.entries.length) out.push("", renderHandoutTable(r.handout.entries, { style: s, marks: r.marks, width }));
  const text = renderInstructions(instructions, r.handout.entries, s);
  if (text) out.push("", text);
  const notReady = r.handout.notReady.filter((n) => !r.failed.some((f) => f.instanceId === n.instanceId));
  if (notReady.length) out.push("", s.dim(fitWidth(`Not in the hand-out (not ready): ${notReady.map((n) => `seat ${n.seat} (${n.state})`).join(", ")}.`, width)));
  if (r.failed.length) {
    out.push("", s.red(`Failed (${r.failed.length}):`));
    for (const f of r.failed) out.push(`  Seat ${f.seat ?? "-"}  ${visible(f.instanceId)}  ${visible(f.reason)}`);
    const seats = r.failed.map((f) => f.seat).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    if (seats.length) {
      const list = formatSeatList(seats);
      out.push(
        "",
        fitWidth("Try again in a few minutes (capacity often comes back):", width),
        `  ${commandToType(`instances start --workshop ${r.workshop} --seats ${list} --yes`)}`,
        fitWidth(`Or give ${seats.length === 1 ? "that seat" : "those seats"} a new machine (in any AZ with room; a new address):`, width),
        `  ${commandToType(`instances replace --workshop ${r.workshop} --seats ${list} --yes`)}`,
      );
    }
  }
  return out.join("\n");
}

export function startJson(r: StartOutcome, instructions: string): unknown {
  const brief = (x: { instanceId: string; seat?: number }) => ({ seat: x.seat ?? null, instanceId: x.instanceId });
  return {
    workshop: r.workshop,
    started: r.started.map(brief),
    ready: r.ready.map(brief),
    failed: r.failed.map((f) => ({ ...brief(f), reason: f.reason })),
    skipped: r.skipped,
    seats: r.handout.entries.map((e) => ({ ...handoutSeatJson(e, instructions), addressChanged: r.marks.has(e.instanceId) })),
  };
}
