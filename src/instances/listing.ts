// The model behind `instances list` and the destroy table: which rows are shown (filter), in
// which order (sort), and how each row is numbered. Pure, so the row numbers a user sees in
// `instances list --state X --sort Y` are exactly the ones `destroy --rows` uses.
import { InputError } from "../errors.js";
import type { FilterKey, SortKey } from "./select.js";
import type { StatusChecks, WorkshopInstance } from "./describe.js";
import { holdsSeat } from "./seat-assignment.js";
import { compareSeats } from "./seats.js";

export interface ListedInstance extends WorkshopInstance {
  /** Only for running instances whose status EC2 reported. */
  checks?: StatusChecks;
}

export interface Row {
  /** 1-based row number as shown. */
  row: number;
  instance: ListedInstance;
}

/** The original's state order, with `shutting-down` before `terminated`. */
export const STATE_ORDER = ["pending", "running", "stopping", "stopped", "shutting-down", "terminated"] as const;

export const STATES: readonly string[] = STATE_ORDER;

export interface ViewOptions {
  /** Only these states; empty or undefined = all. */
  states?: readonly string[];
  sort: SortKey;
}

/** By seat: the attendee's number; instances without one (from before seats) last. */
export const DEFAULT_SORT: SortKey = "seat";

/** The states a filter command shows (`fa` = all). */
export function filterStates(filter: FilterKey): string[] {
  return filter === "all" ? [] : [filter];
}

function ipKey(ip: string | undefined): number {
  if (!ip) return Number.POSITIVE_INFINITY;
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p))) return Number.POSITIVE_INFINITY;
  return ((parts[0]! * 256 + parts[1]!) * 256 + parts[2]!) * 256 + parts[3]!;
}

function stateKey(state: string): number {
  const i = (STATE_ORDER as readonly string[]).indexOf(state);
  return i === -1 ? STATE_ORDER.length : i;
}

// Made on first use: building an ICU collator costs ~10 ms, which --help must not pay.
let collator: Intl.Collator | undefined;
const byText = (): Intl.Collator => (collator ??= new Intl.Collator("en", { numeric: true, sensitivity: "base" }));

// Ids as plain text (code units): i-0abc123 before i-0abc99, as EC2 and the console list them.
const compareId = (a: ListedInstance, b: ListedInstance): number =>
  a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
const compareCreated = (a: ListedInstance, b: ListedInstance): number =>
  (a.launchTime?.getTime() ?? Number.POSITIVE_INFINITY) - (b.launchTime?.getTime() ?? Number.POSITIVE_INFINITY);

/**
 * Primary order per key; ties fall back to creation time, then id, so the order is total and
 * stable. The one order of `--sort` (list, destroy --rows) and of the interactive table.
 */
const COMPARE: Record<SortKey, (a: ListedInstance, b: ListedInstance) => number> = {
  seat: (a, b) => compareSeats(a.seat, b.seat),
  id: compareId,
  ip: (a, b) => ipKey(a.publicIp) - ipKey(b.publicIp),
  created: compareCreated,
  state: (a, b) => stateKey(a.state) - stateKey(b.state),
  // Names like demo-2 and demo-10 sort as a person expects; unnamed instances last.
  name: (a, b) => (a.name === "" ? 1 : 0) - (b.name === "" ? 1 : 0) || byText().compare(a.name, b.name),
};

export function sortInstances(instances: readonly ListedInstance[], sort: SortKey): ListedInstance[] {
  const primary = COMPARE[sort];
  return [...instances].sort((a, b) => primary(a, b) || compareCreated(a, b) || compareId(a, b));
}

/** Filters, sorts and numbers the rows. */
export function buildRows(instances: readonly ListedInstance[], view: ViewOptions): Row[] {
  const states = view.states?.length ? new Set(view.states) : undefined;
  const shown = states ? instances.filter((i) => states.has(i.state)) : instances;
  return sortInstances(shown, view.sort).map((instance, i) => ({ row: i + 1, instance }));
}

/**
 * The rows of the machines holding `seats` (seat-assignment.ts: a machine that is shutting down
 * or terminated holds none), and the seats nobody holds.
 */
export function rowsOfSeats(rows: readonly Row[], seats: readonly number[]): { rows: Row[]; free: number[] } {
  const wanted = new Set(seats);
  const picked = rows.filter((r) => holdsSeat(r.instance) && wanted.has(r.instance.seat!));
  const held = new Set(picked.map((r) => r.instance.seat));
  return { rows: picked, free: seats.filter((s) => !held.has(s)) };
}

/** Terminated or on its way: nothing left to terminate. */
export function isDone(state: string): boolean {
  return state === "terminated" || state === "shutting-down";
}

/** Stopped, impaired, or failing a status check: what `destroy --failed` selects. */
export function isFailed(i: ListedInstance): boolean {
  if (i.state === "stopped") return true;
  if (!i.checks) return false;
  return [i.checks.instance, i.checks.system].some((s) => s === "impaired" || s === "failed");
}

/** A short summary of the status checks for the table ("2/2 ok", "initializing", "impaired", ...). */
export function checksLabel(i: ListedInstance): string {
  if (i.state !== "running" || !i.checks) return "";
  const { instance, system } = i.checks;
  if (instance === "ok" && system === "ok") return "2/2 ok";
  if (instance === "impaired" || system === "impaired") {
    const which = [instance === "impaired" ? "instance" : "", system === "impaired" ? "system" : ""].filter(Boolean).join("+");
    return `impaired (${which})`;
  }
  if (instance === "initializing" || system === "initializing") return "initializing";
  return instance === system ? instance : `${instance}/${system}`;
}

/** `--state` values (repeatable, commas allowed), checked before any AWS call. */
export function parseStatesOption(values: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const v of values ?? []) {
    for (const s of v.split(",").map((x) => x.trim().toLowerCase())) {
      if (s === "") continue;
      if (!STATES.includes(s))
        throw new InputError(`--state "${s}" is not an instance state: use ${STATES.join(", ")}.`);
      if (!out.includes(s)) out.push(s);
    }
  }
  return out;
}
