// The hand-out as people and scripts read it: the seat table and the instructions (the end of
// `instances create` and `instances replace`, and `instances handout --format text`), CSV and
// JSON. The printable cards are in handout-cards.ts.
import { addressOf, fillInstructions, hasPlaceholders, type HandoutEntry } from "../instances/handout.js";
import type { Style } from "./style.js";
import { renderTable } from "./table.js";

/**
 * One line per seat: Seat, Address, Name, AZ, Instance. `marks`: a word after the address of some
 * machines (e.g. "new address" after `instances start`). `width`: the terminal's, to fit (long
 * names are cut, then the AZ goes); none for a pipe or file.
 */
export function renderHandoutTable(
  entries: readonly HandoutEntry[],
  o: { style: Style; indent?: string; width?: number; marks?: ReadonlyMap<string, string> },
): string {
  const s = o.style;
  const mark = (e: HandoutEntry): string => (o.marks?.has(e.instanceId) ? ` ${s.yellow(`(${o.marks.get(e.instanceId)})`)}` : "");
  return renderTable(
    entries,
    [
      { header: "Seat", value: (e) => (e.seat === undefined ? "-" : String(e.seat)), align: "right" },
      { header: "Address", value: (e) => (e.publicIp ?? (e.privateIp ? `${e.privateIp} (private)` : "-")) + mark(e) },
      { header: "Name", value: (e) => e.name, minWidth: 8 },
      { header: "AZ", value: (e) => e.availabilityZone ?? "", dropOrder: 1 },
      { header: "Instance", value: (e) => s.dim(e.instanceId) },
    ],
    { style: s, indent: o.indent ?? "  ", width: o.width },
  );
}

/**
 * The instructions under the table: once, as written; or, when they use placeholders, once
 * per seat with that seat's values. Empty when there are none (or no one to give them to).
 */
export function renderInstructions(instructions: string, entries: readonly HandoutEntry[], style: Style): string {
  const text = instructions.trimEnd();
  if (!text.trim() || entries.length === 0) return "";
  const indent = (t: string, by: string): string => t.replace(/^/gm, by);
  if (!hasPlaceholders(text)) return `${style.bold("Instructions for the attendees:")}\n${indent(text, "  ")}`;
  const blocks = entries.map((e) => `  ${style.bold(`Seat ${e.seat ?? "-"}`)} ${style.dim(`(${e.name})`)}\n${indent(fillInstructions(text, e), "    ")}`);
  return `${style.bold("Instructions for the attendees, per seat:")}\n${blocks.join("\n")}`;
}

/** A CSV field, quoted when it must be (RFC 4180). */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export const CSV_COLUMNS = ["seat", "name", "address", "public_ip", "private_ip", "instance_id", "availability_zone", "instructions"] as const;

/** One row per seat, instructions filled for it; a header row first. */
export function handoutCsv(entries: readonly HandoutEntry[], instructions: string): string {
  const rows = entries.map((e) =>
    [
      e.seat === undefined ? "" : String(e.seat),
      e.name,
      addressOf(e),
      e.publicIp ?? "",
      e.privateIp ?? "",
      e.instanceId,
      e.availabilityZone ?? "",
      fillInstructions(instructions.trimEnd(), e),
    ].map(csvField),
  );
  return [CSV_COLUMNS.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n";
}

export interface HandoutSeatJson {
  seat: number | null;
  name: string;
  address: string;
  publicIp: string | null;
  privateIp: string | null;
  instanceId: string;
  availabilityZone: string | null;
  /** The workshop's instructions, placeholders filled for this seat. */
  instructions: string;
}

export function handoutSeatJson(e: HandoutEntry, instructions: string): HandoutSeatJson {
  return {
    seat: e.seat ?? null,
    name: e.name,
    address: addressOf(e),
    publicIp: e.publicIp ?? null,
    privateIp: e.privateIp ?? null,
    instanceId: e.instanceId,
    availabilityZone: e.availabilityZone ?? null,
    instructions: fillInstructions(instructions, e),
  };
}
