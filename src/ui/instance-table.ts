// The instance table of `instances list` and `instances destroy`, and its --json twin.
import { timeLeftLabel } from "../instances/expiry.js";
import { checksLabel, isDone, type ListedInstance, type Row } from "../instances/listing.js";
import { TAG } from "../instances/tags.js";
import type { SortKey } from "../instances/select.js";
import type { Style } from "./style.js";
import { renderTable, type Column } from "./table.js";
import type { TimeFormatter } from "./time.js";

export interface InstanceTableOptions {
  style: Style;
  time: TimeFormatter;
  /** The sorted column is marked. */
  sort?: SortKey;
  now?: Date;
  indent?: string;
  /** Fit this many columns (the terminal's): the batch goes first, then names are cut (or go), then the launch time, then checks. */
  width?: number;
}

/** Batch ids are long; the table shows enough to tell batches apart (--json has the full id). */
const BATCH_WIDTH = 12;

function shortBatch(batch: string | undefined): string {
  if (!batch) return "";
  return batch.length > BATCH_WIDTH ? `${batch.slice(0, BATCH_WIDTH - 1)}…` : batch;
}

/** `cell` (the state as shown) in the colour of `state`; an unknown state stays plain. */
function stateColor(style: Style, state: string, cell: string): string {
  switch (state) {
    case "running":
      return style.green(cell);
    case "pending":
    case "stopping":
    case "shutting-down":
      return style.yellow(cell);
    case "stopped":
      return style.red(cell);
    case "terminated":
      return style.dim(cell);
    default:
      return cell;
  }
}

function checksColor(style: Style, label: string): string {
  if (label.startsWith("2/2")) return style.green(label);
  if (label.startsWith("impaired")) return style.red(label);
  return label;
}

const SORT_COLUMN: Record<SortKey, number> = { seat: 1, id: 2, name: 3, ip: 4, created: 5, state: 6 };

export function renderInstanceTable(rows: readonly Row[], o: InstanceTableOptions): string {
  const now = o.now ?? o.time.now();
  const columns: Column<Row>[] = [
    { header: "#", value: (r) => String(r.row), align: "right" },
    {
      header: "Seat",
      value: (r) => (r.instance.seat === undefined ? "-" : String(r.instance.seat)),
      paint: (cell, r) => (r.instance.seat === undefined ? o.style.dim(cell) : cell),
      align: "right",
    },
    { header: "Instance", value: (r) => r.instance.instanceId },
    { header: "Name", value: (r) => r.instance.name, minWidth: 6, dropOrder: 2 },
    { header: "Public IP", value: (r) => r.instance.publicIp ?? "-", paint: (cell, r) => (r.instance.publicIp === undefined ? o.style.dim(cell) : cell) },
    { header: "Launched", value: (r) => o.time.format(r.instance.launchTime, now), dropOrder: 3 },
    { header: "State", value: (r) => r.instance.state, paint: (cell, r) => stateColor(o.style, r.instance.state, cell) },
    { header: "Checks", value: (r) => checksLabel(r.instance), paint: (cell) => checksColor(o.style, cell), minWidth: 8, dropOrder: 4 },
    { header: "Batch", value: (r) => shortBatch(r.instance.batch), minWidth: 8, dropOrder: 1 },
    // Between the days the time left matters most: it goes last.
    { header: "Expires", value: (r) => expiresCell(r.instance, now, o.style), dropOrder: 5 },
  ];
  return renderTable(rows, columns, {
    style: o.style,
    markedColumn: o.sort ? SORT_COLUMN[o.sort] : undefined,
    indent: o.indent,
    width: o.width,
  });
}

/**
 * The line above the table: `Workshop "demo": 23 instances`, or what a state filter shows,
 * `Workshop "demo": 15 running of 23` (`of` only when the total is known).
 */
export function tableHeading(workshop: string, shown: number, o: { style: Style; states?: readonly string[]; total?: number }): string {
  const what = o.states?.length
    ? `${shown} ${o.states.join(" or ")}${o.total === undefined ? "" : ` of ${o.total}`}`
    : `${shown} instance${shown === 1 ? "" : "s"}`;
  return `${o.style.bold(`Workshop "${workshop}"`)}: ${what}`;
}

/** Time left until the machine's expiry ("in 3 h 5 min", "expired 2 min ago", "never"); empty once it is gone. */
function expiresCell(i: ListedInstance, now: Date, s: Style): string {
  if (isDone(i.state)) return "";
  const label = timeLeftLabel(i, now);
  return label.startsWith("expired") ? s.red(label) : label === "never" ? s.yellow(label) : label;
}

/** The lines under the table: the current time and zone (named once), and what to expect. */
export function tableFooter(o: { time: TimeFormatter; now?: Date; style: Style; terminatedNote?: boolean }): string {
  const now = o.now ?? o.time.now();
  const lines = [`Now ${o.time.format(now, now)}; times are ${o.time.zoneLabel(now)}.`];
  if (o.time.zone.ignoredTz) lines.push(o.style.yellow(`TZ="${o.time.zone.ignoredTz}" is not a time zone this tool knows; showing UTC.`));
  if (o.terminatedNote)
    lines.push(o.style.dim("Terminated instances stay listed until EC2 removes them (within about an hour)."));
  return lines.join("\n");
}

export interface InstanceJson {
  row: number;
  /** The attendee's seat; null for instances from before seats. */
  seat: number | null;
  instanceId: string;
  name: string;
  publicIp: string | null;
  privateIp: string | null;
  launchTime: string | null;
  state: string;
  statusChecks: { instance: string; system: string } | null;
  batch: string | null;
  availabilityZone: string | null;
  /** `ec2-workshop:expires-at`: an ISO time, "never", or null (none). */
  expiresAt: string | null;
}

export function instanceJson(r: Row): InstanceJson {
  const i: ListedInstance = r.instance;
  return {
    row: r.row,
    seat: i.seat ?? null,
    instanceId: i.instanceId,
    name: i.name,
    publicIp: i.publicIp ?? null,
    privateIp: i.privateIp ?? null,
    launchTime: i.launchTime ? i.launchTime.toISOString() : null,
    state: i.state,
    statusChecks: i.checks ? { instance: i.checks.instance, system: i.checks.system } : null,
    batch: i.batch ?? null,
    availabilityZone: i.availabilityZone ?? null,
    expiresAt: i.tags[TAG.expiresAt] ?? null,
  };
}
