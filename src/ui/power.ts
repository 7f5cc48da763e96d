// The outcome of `instances stop` and `instances start`, for people and as JSON.
import { expiryOf, formatSpan, NEVER } from "../instances/expiry.js";
import type { WorkshopInstance } from "../instances/describe.js";
import type { PowerResult, StopWaitOutcome } from "../instances/power.js";
import { formatSeatList } from "../instances/seats.js";
import { ALREADY_RUNNING, ALREADY_STOPPED } from "../instances/power.js";
import type { Style } from "./style.js";
import { commandToType } from "../invocation.js";
import { fitWidth } from "./wrap.js";
import type { TimeFormatter } from "./time.js";
import { visible } from "./visible.js";

const plural = (n: number, what = "machine"): string => `${n} ${what}${n === 1 ? "" : "s"}`;

/** Seats of these machines ("seats 3, 7-9"), or their ids when they have none. */
export function seatsOf(list: readonly { instanceId: string; seat?: number }[]): string {
  const seats = list.map((i) => i.seat).filter((s): s is number => s !== undefined).sort((a, b) => a - b);
  const unseated = list.filter((i) => i.seat === undefined).map((i) => i.instanceId);
  const parts = [seats.length ? `seat${seats.length === 1 ? "" : "s"} ${formatSeatList(seats)}` : "", unseated.join(", ")].filter(Boolean);
  return parts.join("; ");
}

/** One line per machine asked (its state change), skipped (why, unless it is only "already so") or refused. */
export function renderPowerOutcome(r: PowerResult, verbing: string, s: Style): string {
  const lines: string[] = [];
  for (const d of r.done) lines.push(`  ${s.green("✓")} ${d.seat !== undefined ? `seat ${d.seat} ` : ""}${visible(d.instanceId)}: ${visible(d.previousState ?? "?")} → ${visible(d.currentState ?? "?")}`);
  for (const k of r.skipped) if (k.reason !== ALREADY_STOPPED && k.reason !== ALREADY_RUNNING) lines.push(`  ${s.yellow("-")} ${visible(k.instanceId)}: skipped, ${visible(k.reason)}`);
  for (const f of r.failed) lines.push(`  ${s.red("✗")} ${f.seat !== undefined ? `seat ${f.seat} ` : ""}${visible(f.instanceId)}: ${visible(f.reason)}`);
  lines.push(r.done.length ? `${verbing} ${plural(r.done.length)}.` : `Nothing to do: ${plural(r.skipped.length)} skipped${r.failed.length ? `, ${r.failed.length} refused` : ""}.`);
  return lines.join("\n");
}

/** The earliest expiry among machines, as "Tue, Mar 4 21:00 (in 9 h)"; undefined when none has one. */
function earliestExpiry(list: readonly Pick<WorkshopInstance, "tags">[], time: TimeFormatter): string | undefined {
  const dates = list.map(expiryOf).filter((e): e is Date => e instanceof Date);
  if (dates.length === 0) return undefined;
  const first = new Date(Math.min(...dates.map((d) => d.getTime())));
  const now = time.now();
  const left = first.getTime() - now.getTime();
  return `${time.format(first, now)} (${left > 0 ? `in ${formatSpan(left)}` : "already passed"})`;
}

/** `width`: the terminal's, to wrap the sentences to (commands stay whole, on lines of their own). */
export function renderStopSummary(o: {
  workshop: string;
  result: PowerResult;
  waited: StopWaitOutcome;
  style: Style;
  time: TimeFormatter;
  timeoutMs: number;
  width?: number;
}): string {
  const { style: s, waited, workshop } = o;
  const lines: string[] = [""];
  const say = (text: string): void => void lines.push(fitWidth(text, o.width));
  if (waited.stopped.length)
    say(`${s.green("✔")} ${s.bold(`Stopped ${plural(waited.stopped.length)}`)} (${seatsOf(waited.stopped)}). They keep their seats, tags and disks; a stopped machine costs only its disk.`);
  if (waited.stillStopping.length) {
    say(
      `${s.yellow("!")} ${plural(waited.stillStopping.length)} ${waited.stillStopping.length === 1 ? "is" : "are"} still stopping after ${formatSpan(o.timeoutMs)} (${seatsOf(waited.stillStopping)}): EC2 may be stuck shutting ${waited.stillStopping.length === 1 ? "it" : "them"} down. Force it (no OS shutdown, like pulling the plug):`,
    );
    lines.push(`  ${commandToType(`instances stop --workshop ${workshop} ${selectionFlags(waited.stillStopping)} --force --yes`)}`);
  }
  for (const x of waited.other) say(`${s.yellow("!")} ${visible(x.instanceId)} is ${visible(x.state)}, not stopped (changed by someone else?).`);
  const ends = earliestExpiry(waited.stopped, o.time);
  if (ends) {
    say(`They still end ${ends}: stopped or not, they are terminated at their expiry. To keep them for another day:`);
    lines.push(`  ${commandToType(`instances extend --workshop ${workshop} --all --hours 24`)}`);
  } else if (waited.stopped.some((i) => expiryOf(i) === NEVER)) say(`${s.yellow("!")} Some never expire: terminate them yourself after the workshop.`);
  if (waited.stopped.length) lines.push("Start them again:", `  ${commandToType(`instances start --workshop ${workshop} ${selectionFlags(waited.stopped)}`)}`);
  return lines.join("\n");
}

/** `--seats 3,7-9` for seated machines, else `--all` (the command then re-reads and filters by state). */
function selectionFlags(list: readonly { seat?: number }[]): string {
  const seats = list.map((i) => i.seat).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  return seats.length === list.length && seats.length ? `--seats ${formatSeatList(seats)}` : "--all";
}

const brief = (i: { instanceId: string; seat?: number }) => ({ seat: i.seat ?? null, instanceId: i.instanceId });

export function stopJson(workshop: string, r: PowerResult, w: StopWaitOutcome): unknown {
  return {
    workshop,
    stopped: w.stopped.map(brief),
    stillStopping: w.stillStopping.map(brief),
    other: w.other,
    skipped: r.skipped,
  };
}
