// The interactive table of the original destroy_instances: show, filter, sort, select rows,
// confirm, terminate, and back to the table (fresh from EC2) until the user quits. Plain
// readline on the terminal (line editing, history, Ctrl-C and Ctrl-D both mean "quit"). The
// picking (pickRows) serves any row action: `instances stop`, `start` and `extend` use it too.
// The EC2 side comes in as functions, so this module never loads the SDK and can be driven by
// any loader in tests.
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { buildRows, DEFAULT_SORT, filterStates, isDone, rowsOfSeats, type ListedInstance, type Row } from "../instances/listing.js";
import { describeError } from "../errors.js";
import { parseCommand, promptHelp, SORT_COMMAND_LIST, type SortKey } from "../instances/select.js";
import { formatSeatList } from "../instances/seats.js";
import type { TerminateResult } from "../instances/terminate.js";
import { renderInstanceTable, tableFooter, tableHeading } from "./instance-table.js";
import type { Style } from "./style.js";
import { tableWidth } from "./terminal.js";
import { fitToTerminal, wrapWords } from "./wrap.js";
import { visible } from "./visible.js";
import type { TimeFormatter } from "./time.js";

/** Reads one answer at a time; null means Ctrl-C or end of input (both: quit). */
export class LineReader {
  private readonly rl: Interface;
  private pending?: (answer: string | null) => void;
  private closed = false;
  /** Called on Ctrl-C while no question is open (e.g. during a reload). */
  onInterrupt?: () => void;

  constructor(
    input: Readable,
    private readonly output: Writable,
  ) {
    this.rl = createInterface({ input, output, terminal: Boolean((input as { isTTY?: boolean }).isTTY), historySize: 50 });
    this.rl.on("SIGINT", () => {
      if (this.pending) {
        this.output.write("^C\n");
        this.finish(null);
      } else this.onInterrupt?.();
    });
    this.rl.on("close", () => {
      this.closed = true;
      if (this.pending) this.output.write("\n");
      this.finish(null);
    });
  }

  ask(query: string): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.pending = resolve;
      this.rl.question(query, (answer) => this.finish(answer));
    });
  }

  private finish(answer: string | null): void {
    const resolve = this.pending;
    this.pending = undefined;
    resolve?.(answer);
  }

  close(): void {
    if (!this.closed) this.rl.close();
  }
}

export interface ConfirmOptions {
  reader: LineReader;
  out: Writable;
  style: Style;
  count: number;
}

/** What the interactive table selects rows for: terminate (destroy), stop, start, extend. */
export interface RowAction {
  /** The verb, as the hint and the answers use it: "terminate", "stop", ... */
  verb: string;
  /** Whether a selected row can have it (the others are shown, and skipped). */
  applies(i: ListedInstance): boolean;
  /** Above the selected rows, what exactly will happen: a short title ("3 instances will be STOPPED.")... */
  heading(count: number, style: Style): string;
  /** ...and what that means, after it (under it on a terminal narrower than 100 columns). */
  detail: string;
  /** Why selected rows it does not apply to are skipped ("already terminated or shutting down"). */
  skippedWhy: string;
  /** When none of the selected rows applies: one line saying so. */
  nothing(rows: readonly Row[]): string;
}

/** Why a selection of rows that are all terminated (or shutting down) terminates nothing. */
export function renderNothingToTerminate(rows: readonly Row[]): string {
  const states = [...new Set(rows.map((r) => visible(r.instance.state).replace("-", " ")))].sort();
  const which =
    rows.length === 1
      ? `Row ${rows[0]!.row} (${visible(rows[0]!.instance.instanceId)}) is`
      : `Rows ${formatSeatList(rows.map((r) => r.row))} are`;
  // One line that fits 80 columns (an instance id included).
  return `${which} already ${states.join(" or ")}: nothing to terminate.`;
}

/** `instances destroy`: the original tool's action. */
export const TERMINATE_ACTION: RowAction = {
  verb: "terminate",
  applies: (i) => !isDone(i.state),
  heading: (n, style) => style.red(style.bold(`⚠  ${n} instance${n === 1 ? "" : "s"} will be TERMINATED.`)),
  detail: "Their disks and everything on them are deleted; this cannot be undone.",
  skippedWhy: "already terminated or shutting down",
  nothing: renderNothingToTerminate,
};

/** "terminated", "stopped", "started", "extended". */
export function pastTense(verb: string): string {
  if (verb === "stop") return "stopped";
  return verb.endsWith("e") ? `${verb}d` : `${verb}ed`;
}

/** `y/n/q` for an action, asked until one of them (or Ctrl-C / EOF, which is `q`) comes back. */
export async function confirmAction(o: ConfirmOptions & { verb: string }): Promise<"y" | "n" | "q"> {
  const noun = o.count === 1 ? "this instance" : `these ${o.count} instances`;
  const none = `nothing ${pastTense(o.verb)}`;
  for (;;) {
    const answer = await o.reader.ask(`${o.style.bold(`${o.verb.charAt(0).toUpperCase()}${o.verb.slice(1)} ${noun}?`)} [y/n/q] `);
    if (answer === null) return "q";
    const a = answer.trim().toLowerCase();
    if (a === "y" || a === "yes") return "y";
    if (a === "n" || a === "no") return "n";
    if (a === "q" || a === "quit") return "q";
    o.out.write(`Answer y (${o.verb}), n (back, ${none}) or q (quit, ${none}).\n`);
  }
}

/** `y/n/q` for a termination. */
export function confirmTermination(o: ConfirmOptions): Promise<"y" | "n" | "q"> {
  return confirmAction({ ...o, verb: "terminate" });
}

/** The selected rows again, under a warning that says exactly what will happen (some must be ones it applies to). */
export function renderSelection(rows: readonly Row[], o: { style: Style; time: TimeFormatter; sort?: SortKey; action?: RowAction; width?: number }): string {
  const action = o.action ?? TERMINATE_ACTION;
  const live = rows.filter((r) => action.applies(r.instance));
  const skipped = rows.length - live.length;
  const title = action.heading(live.length, o.style);
  const heading =
    o.width !== undefined && o.width < 100 ? [title, ...wrapWords(action.detail, o.width - 3).map((l) => `   ${l}`)].join("\n") : `${title} ${action.detail}`;
  const lines = [heading, "", renderInstanceTable(rows, { style: o.style, time: o.time, sort: o.sort, indent: "  ", width: o.width })];
  if (skipped > 0) lines.push("", o.style.dim(`${skipped} of them ${skipped === 1 ? "is" : "are"} ${action.skippedWhy}: skipped.`));
  return lines.join("\n");
}

/** What happened: a summary line, then one line per instance (its new state, or why it was skipped). */
export function renderOutcome(result: TerminateResult, byId: ReadonlyMap<string, ListedInstance>, style: Style): string {
  // The Name is anyone's text, and EC2 answers the ids and states: all made visible.
  const label = (id: string): string => {
    const name = byId.get(id)?.name;
    return visible(name ? `${id} (${name})` : id);
  };
  const n = result.terminated.length;
  const skipped = result.skipped.length ? `; ${result.skipped.length} skipped` : "";
  const lines = [n > 0 ? `Terminating ${n} instance${n === 1 ? "" : "s"}${skipped}.` : `Nothing was terminated${skipped}.`];
  for (const t of result.terminated) {
    lines.push(`  ${style.green("✓")} ${label(t.instanceId)}: ${visible(t.previousState ?? "?")} → ${visible(t.currentState ?? "?")}`);
  }
  for (const s of result.skipped) lines.push(`  ${style.yellow("-")} ${label(s.instanceId)}: skipped, ${visible(s.reason)}`);
  return lines.join("\n");
}

/** The table's instances with the states TerminateInstances answered (when they cannot be read again). */
function withNewStates(all: readonly ListedInstance[], result: TerminateResult): ListedInstance[] {
  const now = new Map(result.terminated.map((t) => [t.instanceId, t.currentState]));
  return all.map((i) => {
    const state = now.get(i.instanceId);
    return state ? { ...i, state, checks: undefined } : i;
  });
}

export interface View {
  states: string[];
  sort: SortKey;
}

export interface PickOptions {
  stdin: Readable;
  stdout: Writable;
  style: Style;
  time: TimeFormatter;
  workshop: string;
  /** Every instance of the workshop, all states (filters are applied here). */
  load(signal?: AbortSignal): Promise<ListedInstance[]>;
  /** The sort to start with (and return to on `r`); default by seat. */
  sort?: SortKey;
  action: RowAction;
  /** The reader to ask on (the caller keeps it, e.g. to answer Ctrl-C while it acts). */
  reader: LineReader;
  /** Back to the table after an action: these instances (not loaded again) in this view. */
  resume?: { all: ListedInstance[]; view: View };
}

export interface Picked {
  /** The confirmed rows the action applies to. */
  rows: Row[];
  /** The workshop as last loaded. */
  all: ListedInstance[];
  /** The filter and sort the rows were picked in. */
  view: View;
}

/**
 * The original's interactive table, for any row action: show, filter, sort, reload, select rows
 * (or seats), show the selection under the action's warning, confirm y/n/q. Returns the confirmed
 * rows, or undefined when the user quit.
 */
export async function pickRows(o: PickOptions): Promise<Picked | undefined> {
  const out = o.stdout;
  const { style, time, reader, action } = o;
  const initialView: View = { states: [], sort: o.sort ?? DEFAULT_SORT };
  let loading: AbortController | undefined;
  reader.onInterrupt = () => loading?.abort();
  const load = async (): Promise<ListedInstance[] | undefined> => {
    loading = new AbortController();
    try {
      return await o.load(loading.signal);
    } catch (err) {
      if (loading.signal.aborted) return undefined;
      throw err;
    } finally {
      loading = undefined;
    }
  };
  const draw = (all: readonly ListedInstance[], rows: readonly Row[], view: View): void => {
    out.write(`\n${tableHeading(o.workshop, rows.length, { style, states: view.states, total: all.length })}\n\n`);
    if (rows.length) out.write(`${renderInstanceTable(rows, { style, time, sort: view.sort, width: tableWidth(out) })}\n\n`);
    else out.write(`${view.states.length ? "No instances match this filter (fa shows all)." : "This workshop has no instances."}\n\n`);
    out.write(`${tableFooter({ time, style, terminatedNote: true })}\n`);
    out.write(style.dim(`${fitToTerminal(out, `Rows to ${action.verb} (e.g. 1,2,4-6) or seats (seats 3,7-9), fr/fs/ft/fp/fa filter, ${SORT_COMMAND_LIST} sort, r reload, q quit, ? help`)}\n`));
  };

  let all = o.resume?.all ?? (await load());
  if (!all) return undefined;
  let view: View = o.resume?.view ?? { ...initialView };
  let redraw = true;
  for (;;) {
    const rows = buildRows(all, view);
    if (redraw) draw(all, rows, view);
    redraw = false;
    const answer = await reader.ask(`${style.cyan("›")} `);
    if (answer === null) return undefined;
    const cmd = parseCommand(answer, rows.length);
    switch (cmd.kind) {
      case "quit":
        return undefined;
      case "empty":
        continue;
      case "help":
        out.write(`${promptHelp(action.verb)}\n`);
        continue;
      case "reload": {
        let fresh: ListedInstance[] | undefined;
        try {
          fresh = await load();
        } catch (err) {
          // A failed reload (network, throttling past the retries) keeps the table on screen.
          out.write(`${style.red("✗")} Could not reload: ${describeError(err)} The table above is unchanged.\n`);
          continue;
        }
        if (!fresh) return undefined;
        all = fresh;
        view = { ...initialView };
        redraw = true;
        continue;
      }
      case "filter":
        view = { ...view, states: filterStates(cmd.filter) };
        redraw = true;
        continue;
      case "sort":
        view = { ...view, sort: cmd.sort };
        redraw = true;
        continue;
      case "error":
        out.write(`${style.red("✗")} ${cmd.message}\n`);
        continue;
      case "select":
      case "seats": {
        let picked: Row[];
        if (cmd.kind === "seats") {
          const found = rowsOfSeats(rows, cmd.seats);
          if (found.free.length) {
            const shown = view.states.length ? " among the rows shown (fa shows all)" : "";
            out.write(`${style.red("✗")} No machine holds seat${found.free.length === 1 ? "" : "s"} ${found.free.join(", ")}${shown}.\n`);
            continue;
          }
          picked = found.rows;
        } else picked = cmd.rows.map((n) => rows[n - 1]!);
        const live = picked.filter((r) => action.applies(r.instance));
        if (live.length === 0) {
          out.write(`${style.yellow("!")} ${action.nothing(picked)}\n`);
          continue;
        }
        out.write(`\n${renderSelection(picked, { style, time, sort: view.sort, action, width: tableWidth(out) })}\n\n`);
        const decision = await confirmAction({ reader, out, style, count: live.length, verb: action.verb });
        if (decision === "q") return undefined;
        if (decision === "n") {
          out.write(`Nothing ${pastTense(action.verb)}.\n`);
          redraw = true;
          continue;
        }
        return { rows: live, all, view };
      }
    }
  }
}

export interface DestroyPromptOptions extends Omit<PickOptions, "action" | "reader" | "resume"> {
  terminate(instanceIds: readonly string[]): Promise<TerminateResult>;
}

export interface DestroyPromptResult {
  /** Every termination of the session, together; undefined when the user quit without terminating. */
  result?: TerminateResult;
}

/** `instances destroy` at a terminal: pick rows, terminate them, and back to the table until q. */
export async function runDestroyPrompt(o: DestroyPromptOptions): Promise<DestroyPromptResult> {
  const out = o.stdout;
  const { style } = o;
  const reader = new LineReader(o.stdin, out);
  // Everything terminated in this session (one table, several terminations).
  const done: TerminateResult = { terminated: [], skipped: [] };
  const quit = (): DestroyPromptResult => {
    const n = done.terminated.length;
    out.write(n === 0 ? `Quit: nothing was terminated.\n` : `Quit: ${n} instance${n === 1 ? " was" : "s were"} terminated.\n`);
    return n === 0 && done.skipped.length === 0 ? {} : { result: done };
  };
  try {
    let resume: PickOptions["resume"];
    for (;;) {
      const picked = await pickRows({ ...o, reader, action: TERMINATE_ACTION, ...(resume ? { resume } : {}) });
      if (!picked) return quit();
      reader.onInterrupt = () => out.write(`\nTermination was already requested and cannot be stopped; waiting for EC2's answer.\n`);
      const result = await o.terminate(picked.rows.map((r) => r.instance.instanceId));
      done.terminated.push(...result.terminated);
      done.skipped.push(...result.skipped);
      const byId = new Map(picked.all.map((i) => [i.instanceId, i]));
      out.write(`\n${renderOutcome(result, byId, style)}\n`);
      // Back to the table, as EC2 now has it, in the same filter and sort.
      let all: ListedInstance[];
      try {
        const fresh = await o.load();
        all = fresh;
      } catch (err) {
        // The termination went through: a failed re-read must not turn it into an error.
        out.write(`${style.red("✗")} Could not reload the table: ${describeError(err)} Showing the states EC2 answered instead.\n`);
        all = withNewStates(picked.all, result);
      }
      resume = { all, view: picked.view };
    }
  } finally {
    reader.close();
  }
}
