// The command language of the original destroy_instances, parsed strictly: every answer is
// either fully understood or rejected with one line saying why. A half-parsed answer never
// selects anything, and no answer can select a row outside the table.

import { MAX_SEATS } from "./seats.js";

/** Filters (`fr`, `fs`, ...): which states the table shows. `all` shows every state. */
export type FilterKey = "all" | "running" | "stopped" | "terminated" | "pending";

/**
 * Every sort, once: its `--sort` value, its command at the interactive prompt, and what it sorts
 * by. `--sort`, the prompt, its help and the table's marked column all come from here, so the
 * flag and the prompt cannot drift apart (the order itself is listing.ts sortInstances).
 */
export const SORTS = [
  { key: "seat", command: "se", by: "seat" },
  { key: "id", command: "si", by: "id" },
  { key: "ip", command: "sp", by: "public IP" },
  { key: "created", command: "sc", by: "creation time" },
  { key: "state", command: "ss", by: "state" },
  { key: "name", command: "sn", by: "name" },
] as const;

/** The values of `--sort`, also what the prompt's sort commands select. */
export type SortKey = (typeof SORTS)[number]["key"];

export const SORT_KEYS: readonly SortKey[] = SORTS.map((s) => s.key);

/** `se/si/sp/sc/ss/sn`, as the prompt's hint writes them. */
export const SORT_COMMAND_LIST = SORTS.map((s) => s.command).join("/");

const FILTER_COMMANDS: Record<string, FilterKey> = {
  fa: "all",
  fr: "running",
  fs: "stopped",
  ft: "terminated",
  fp: "pending",
};

const SORT_COMMANDS: Record<string, SortKey> = Object.fromEntries(SORTS.map((s) => [s.command, s.key]));

export type SelectionResult = { ok: true; rows: number[] } | { ok: false; error: string };

/** What a list of numbers selects: rows of a table, or seats. */
export interface NumberedUnit {
  noun: string;
  /** Why a number past `limit` selects nothing. */
  beyond(token: string, limit: number): string;
}

export const ROWS: NumberedUnit = {
  noun: "row",
  beyond: (token, n) => (n === 0 ? `there are no rows to select` : `there is no row ${token}: the table has ${n} row${n === 1 ? "" : "s"}`),
};

export const SEATS: NumberedUnit = {
  noun: "seat",
  beyond: (token, n) => `there is no seat ${token}: the workshop's seats are 1 to ${n}`,
};

/** Seats before the workshop is known: none is beyond the most any workshop may have. */
export const ANY_SEATS: NumberedUnit = {
  noun: "seat",
  beyond: (token, n) => `there is no seat ${token}: a workshop has at most ${n} seats`,
};

/** Longest number we read as a number; anything longer is certainly past the end. */
const MAX_DIGITS = 9;

type Checked<T> = { ok: true } & T | { ok: false; error: string };

/** One number of a selection; `limit` undefined = not known yet (then only its form is checked). */
function listNumber(token: string, limit: number | undefined, unit: NumberedUnit): Checked<{ n: number }> {
  if (!/^\d+$/.test(token)) return { ok: false, error: `"${token}" is not a ${unit.noun} number` };
  const n = token.length > MAX_DIGITS ? Number.POSITIVE_INFINITY : Number(token);
  if (n === 0) return { ok: false, error: `there is no ${unit.noun} 0: ${unit.noun}s are numbered from 1` };
  if (limit !== undefined && n > limit) return { ok: false, error: unit.beyond(token, limit) };
  if (!Number.isFinite(n)) return { ok: false, error: `${unit.noun} ${token} is out of range` };
  return { ok: true, n };
}

/** The items of a selection as ranges (a single number is a range of one), checked, not expanded. */
function parseRanges(input: string, limit: number | undefined, unit: NumberedUnit): Checked<{ ranges: [number, number][] }> {
  const text = input.trim();
  if (text === "") return { ok: false, error: `nothing selected: give ${unit.noun} numbers like 1,2,4-6` };
  const ranges: [number, number][] = [];
  for (const rawItem of text.split(",")) {
    const item = rawItem.trim();
    if (item === "") return { ok: false, error: `"${text}" has an empty item between commas` };
    const parts = item.split("-").map((p) => p.trim());
    if (parts.length === 1) {
      const r = listNumber(parts[0]!, limit, unit);
      if (!r.ok) return r;
      ranges.push([r.n, r.n]);
    } else if (parts.length === 2) {
      if (parts[0] === "" || parts[1] === "") return { ok: false, error: `"${item}" is not a range: write it like 4-6` };
      const from = listNumber(parts[0]!, limit, unit);
      if (!from.ok) return from;
      const to = listNumber(parts[1]!, limit, unit);
      if (!to.ok) return to;
      if (from.n > to.n) return { ok: false, error: `"${item}" runs backwards: write the smaller ${unit.noun} first (${to.n}-${from.n})` };
      ranges.push([from.n, to.n]);
    } else {
      return { ok: false, error: `"${item}" is not a range: write it like 4-6` };
    }
  }
  return { ok: true, ranges };
}

/**
 * Parses a selection of rows (or seats): `1,2,3`, `1-4`, `1,2,4-6`; spaces around numbers are
 * allowed. Returns the selected numbers, ascending, without duplicates; or the first problem
 * found. Every returned number is in 1..limit.
 */
export function parseSelection(input: string, limit: number, unit: NumberedUnit = ROWS): SelectionResult {
  const parsed = parseRanges(input, limit, unit);
  if (!parsed.ok) return parsed;
  const picked = new Set<number>();
  for (const [from, to] of parsed.ranges) for (let n = from; n <= to; n++) picked.add(n);
  return { ok: true, rows: [...picked].sort((a, b) => a - b) };
}

/**
 * What is wrong with the form of a selection, before the table it selects from is known (e.g.
 * `--rows` before the instances are read); undefined when nothing is. Nothing is expanded, so a
 * range as long as 1-999999999 costs nothing here.
 */
export function selectionFormError(input: string, unit: NumberedUnit = ROWS): string | undefined {
  const parsed = parseRanges(input, undefined, unit);
  return parsed.ok ? undefined : parsed.error;
}

export type PromptCommand =
  | { kind: "quit" }
  | { kind: "reload" }
  | { kind: "help" }
  | { kind: "empty" }
  | { kind: "filter"; filter: FilterKey }
  | { kind: "sort"; sort: SortKey }
  | { kind: "select"; rows: number[] }
  | { kind: "seats"; seats: number[] }
  | { kind: "error"; message: string };

/** One answer at the interactive prompt. Commands are case-insensitive; anything else is a selection. */
export function parseCommand(input: string, rowCount: number): PromptCommand {
  const text = input.trim();
  const word = text.toLowerCase();
  if (word === "") return { kind: "empty" };
  if (word === "q" || word === "quit" || word === "exit") return { kind: "quit" };
  if (word === "r") return { kind: "reload" };
  if (word === "?" || word === "h" || word === "help") return { kind: "help" };
  const filter = FILTER_COMMANDS[word];
  if (filter) return { kind: "filter", filter };
  const sort = SORT_COMMANDS[word];
  if (sort) return { kind: "sort", sort };
  // `seat 7`, `seats 3,7-9`: by seat rather than by row (the caller finds the seats' machines).
  const bySeat = /^seats?(?:\s+(.*))?$/.exec(word);
  if (bySeat) {
    const seats = parseSelection(bySeat[1] ?? "", MAX_SEATS, ANY_SEATS);
    return seats.ok ? { kind: "seats", seats: seats.rows } : { kind: "error", message: seats.error };
  }
  if (/^[a-z]+$/.test(word))
    return { kind: "error", message: `"${text}" is not a command: type ? for the list of commands, or rows like 1,2,4-6` };
  const selection = parseSelection(text, rowCount);
  return selection.ok ? { kind: "select", rows: selection.rows } : { kind: "error", message: selection.error };
}

/** The prompt's `?` answer, for an action ("terminate", "stop", ...). */
export const promptHelp = (verb: string): string => [
  "Commands:",
  `  1,2,4-6          select rows to ${verb} (you confirm before anything happens)`,
  "  seats 3,7-9      select by seat instead of by row",
  "  fr fs ft fp fa   show only running / stopped / terminated / pending instances; fa shows all",
  `  ${SORTS.map((s) => s.command).join(" ")}  sort by ${SORTS.map((s) => s.by).join(" / ")}`,
  "  r                reload from EC2 (resets filter and sort)",
  `  q                quit without doing anything (also Ctrl-C or Ctrl-D)`,
].join("\n");

export const PROMPT_HELP = promptHelp("terminate");
