// The hand-out as people and scripts read it: the seat table and the instructions (the end of
// `instances create` and `instances replace`, and `instances handout --format text`), CSV and
// JSON. The printable cards are in handout-cards.ts.
import { addressOf, fillInstructions, hasPlaceholders, type HandoutEntry } from "../instances/handout.js";
import type { Style } from "./style.js";
import { renderTable } from "./table.js";
import { visible, visibleText } from "./visible.js";

/**
 * One line per seat: Seat, Address, Name, AZ, Instance; and "Ready by" (service or checks)
 * when the entries say which signal made them ready (the end of a launch). `marks`: a word after
 * the address of some machines (e.g. "new address" after `instances start`). `width`: the
 * terminal's, to fit (long names are cut, then the AZ goes); none for a pipe or file.
 */
export function renderHandoutTable(
  entries: readonly (HandoutEntry & { readyBy?: string })[],
  o: { style: Style; indent?: string; width?: number; marks?: ReadonlyMap<string, string> },
): string {
  const s = o.style;
  const readyBy = entries.some((e) => e.readyBy !== undefined);
  const mark = (e: HandoutEntry): string => (o.marks?.has(e.instanceId) ? ` ${s.yellow(`(${o.marks.get(e.instanceId)})`)}` : "");
  return renderTable(
    entries,
    [
      { header: "Seat", value: (e) => (e.seat === undefined ? "-" : String(e.seat)), align: "right" },
      { header: "Address", value: (e) => (e.publicIp ?? (e.privateIp ? `${e.privateIp} (private)` : "-")) + mark(e) },
      { header: "Name", value: (e) => e.name, minWidth: 8 },
      { header: "AZ", value: (e) => e.availabilityZone ?? "", dropOrder: 1 },
      ...(readyBy ? [{ header: "Ready by", value: (e: { readyBy?: string }) => e.readyBy ?? "" }] : []),
      { header: "Instance", value: (e) => e.instanceId, paint: (cell) => s.dim(cell) },
    ],
    { style: s, indent: o.indent ?? "  ", width: o.width },
  );
}

/**
 * One seat's instructions as printed: the text made visible (line feeds and tabs kept), each
 * placeholder filled with its value made visible on one line, so an address or Name cannot
 * add a line to them either.
 */
export function shownInstructions(instructions: string, e: HandoutEntry): string {
  const shown: HandoutEntry = {
    ...e,
    name: visible(e.name),
    ...(e.publicIp !== undefined ? { publicIp: visible(e.publicIp) } : {}),
    ...(e.privateIp !== undefined ? { privateIp: visible(e.privateIp) } : {}),
  };
  return fillInstructions(visibleText(instructions), shown);
}

/**
 * The instructions under the table: once, as written; or, when they use placeholders, once
 * per seat with that seat's values. Empty when there are none (or no one to give them to).
 */
export function renderInstructions(instructions: string, entries: readonly HandoutEntry[], style: Style): string {
  const text = instructions.trimEnd();
  if (!text.trim() || entries.length === 0) return "";
  const indent = (t: string, by: string): string => t.replace(/^/gm, by);
  if (!hasPlaceholders(text)) return `${style.bold("Instructions for the attendees:")}\n${indent(visibleText(text), "  ")}`;
  const blocks = entries.map((e) => `  ${style.bold(`Seat ${e.seat ?? "-"}`)} ${style.dim(`(${visible(e.name)})`)}\n${indent(shownInstructions(text, e), "    ")}`);
  return `${style.bold("Instructions for the attendees, per seat:")}\n${blocks.join("\n")}`;
}

/**
 * A CSV field: control characters made visible (line feeds and tabs of the instructions kept),
 * a value a spreadsheet would run as a formula (starting with = + - @) given a leading
 * apostrophe, as OWASP advises, and quoted when it must be (RFC 4180).
 */
export function csvField(v: string, multiline = false): string {
  let text = multiline ? visibleText(v) : visible(v);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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
      shownInstructions(instructions.trimEnd(), e),
    ].map((v, i) => csvField(v, i === CSV_COLUMNS.indexOf("instructions"))),
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
