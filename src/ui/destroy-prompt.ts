// The interactive table of the original destroy_instances: show, filter, sort, select rows,
// confirm, terminate, and back to the table (fresh from EC2) until the user quits. Plain
// readline on the terminal (line editing, history, Ctrl-C and Ctrl-D both mean "quit"). The
// EC2 side comes in as functions, so this module never loads the SDK and can be driven by any
// loader in tests.
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { buildRows, DEFAULT_SORT, filterStates, isDone, rowsOfSeats, type ListedInstance, type Row } from "../instances/listing.js";
import { describeError } from "../errors.js";
import { parseCommand, PROMPT_HELP, SORT_COMMAND_LIST, type SortKey } from "../instances/select.js";
import { formatSeatList } from "../instances/seats.js";
import type { TerminateResult } from "../instances/terminate.js";
import { renderInstanceTable, tableFooter, tableHeading } from "./instance-table.js";
import type { Style } from "./style.js";
import { tableWidth } from "./terminal.js";
import { fitToTerminal } from "./wrap.js";
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

/** `y/n/q`, asked until one of them (or Ctrl-C / EOF, which is `q`) comes back. */
export async function confirmTermination(o: ConfirmOptions): Promise<"y" | "n" | "q"> {
  const noun = o.count === 1 ? "this instance" : `these ${o.count} instances`;
  for (;;) {
    const answer = await o.reader.ask(`${o.style.bold(`Terminate ${noun}?`)} [y/n/q] `);
    if (answer === null) return "q";
    const a = answer.trim().toLowerCase();
    if (a === "y" || a === "yes") return "y";
    if (a === "n" || a === "no") return "n";
    if (a === "q" || a === "quit") return "q";
    o.out.write(`Answer y (terminate), n (back, nothing terminated) or q (quit, nothing terminated).\n`);
  }
}


/** Why a selection of rows that are all terminated (or shutting down) terminates nothing. */
export function renderNothingToTerminate(rows: readonly Row[]): string {
  const states = [...new Set(rows.map((r) => r.instance.state.replace("-", " ")))].sort();
  const which =
    rows.length === 1
      ? `Row ${rows[0]!.row} (${rows[0]!.instance.instanceId}) is`
      : `Rows ${formatSeatList(rows.map((r) => r.row))} are`;
  // One line that fits 80 columns (an instance id included).
  return `${which} already ${states.join(" or ")}: nothing to terminate.`;
}

/** The selected rows again, under a warning that says exactly what will happen (some must be live). */
export function renderSelection(rows: readonly Row[], o: { style: Style; time: TimeFormatter; sort?: SortKey; width?: number }): string {
  const live = rows.filter((r) => !isDone(r.instance.state));
  const done = rows.length - live.length;
  const lines = [
    o.style.red(o.style.bold(`⚠  ${live.length} instance${live.length === 1 ? "" : "s"} will be TERMINATED.`)) +
      (o.width !== undefined && o.width < 100 ? "\n   " : " ") +
      "Their disks and everything on them are deleted; this cannot be undone.",
    "",
    renderInstanceTable(rows, { style: o.style, time: o.time, sort: o.sort, indent: "  ", width: o.width }),
  ];
  if (done > 0) lines.push("", o.style.dim(`${done} of them ${done === 1 ? "is" : "are"} already terminated or shutting down: skipped.`));
  return lines.join("\n");
}

/** What happened: a summary line, then one line per instance (its new state, or why it was skipped). */
export function renderOutcome(result: TerminateResult, byId: ReadonlyMap<string, ListedInstance>, style: Style): string {
  const label = (id: string): string => {
    const name = byId.get(id)?.name;
    return name ? `${id} (${name})` : id;
  };
  const n = result.terminated.length;
  const skipped = result.skipped.length ? `; ${result.skipped.length} skipped` : "";
  const lines = [n > 0 ? `Terminating ${n} instance${n === 1 ? "" : "s"}${skipped}.` : `Nothing was terminated${skipped}.`];
  for (const t of result.terminated) {
    lines.push(`  ${style.green("✓")} ${label(t.instanceId)}: ${t.previousState ?? "?"} → ${t.currentState ?? "?"}`);
  }
  for (const s of result.skipped) lines.push(`  ${style.yellow("-")} ${label(s.instanceId)}: skipped, ${s.reason}`);
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

export interface DestroyPromptOptions {
  stdin: Readable;
  stdout: Writable;
  style: Style;
  time: TimeFormatter;
  workshop: string;
  /** Every instance of the workshop, all states (filters are applied here). */
  load(signal?: AbortSignal): Promise<ListedInstance[]>;
  terminate(instanceIds: readonly string[]): Promise<TerminateResult>;
  /** The sort to start with (and return to on `r`); default by seat. */
  sort?: SortKey;
}

export interface DestroyPromptResult {
  /** Every termination of the session, together; undefined when the user quit without terminating. */
  result?: TerminateResult;
}

interface View {
  states: string[];
  sort: SortKey;
}

export async function runDestroyPrompt(o: DestroyPromptOptions): Promise<DestroyPromptResult> {
  const out = o.stdout;
  const { style, time } = o;
  const initialView: View = { states: [], sort: o.sort ?? DEFAULT_SORT };
  const reader = new LineReader(o.stdin, out);
  let loading: AbortController | undefined;
  let terminating = false;
  reader.onInterrupt = () => {
    if (terminating) out.write(`\nTermination was already requested and cannot be stopped; waiting for EC2's answer.\n`);
    else loading?.abort();
  };
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
    out.write(style.dim(`${fitToTerminal(out, `Rows to terminate (e.g. 1,2,4-6) or seats (seats 3,7-9), fr/fs/ft/fp/fa filter, ${SORT_COMMAND_LIST} sort, r reload, q quit, ? help`)}\n`));
  };

  // Everything terminated in this session (one table, several terminations).
  const done: TerminateResult = { terminated: [], skipped: [] };
  const quit = (): DestroyPromptResult => {
    const n = done.terminated.length;
    out.write(n === 0 ? `Quit: nothing was terminated.\n` : `Quit: ${n} instance${n === 1 ? " was" : "s were"} terminated.\n`);
    return n === 0 && done.skipped.length === 0 ? {} : { result: done };
  };
  try {
    let all = await load();
    if (!all) return quit();
    let view: View = { ...initialView };
    let redraw = true;
    for (;;) {
      const rows = buildRows(all, view);
      if (redraw) draw(all, rows, view);
      redraw = false;
      const answer = await reader.ask(`${style.cyan("›")} `);
      if (answer === null) return quit();
      const cmd = parseCommand(answer, rows.length);
      switch (cmd.kind) {
        case "quit":
          return quit();
        case "empty":
          continue;
        case "help":
          out.write(`${PROMPT_HELP}\n`);
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
          if (!fresh) return quit();
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
          const live = picked.filter((r) => !isDone(r.instance.state));
          if (live.length === 0) {
            out.write(`${style.yellow("!")} ${renderNothingToTerminate(picked)}\n`);
            continue;
          }
          out.write(`\n${renderSelection(picked, { style, time, sort: view.sort, width: tableWidth(out) })}\n\n`);
          const decision = await confirmTermination({ reader, out, style, count: live.length });
          if (decision === "q") return quit();
          if (decision === "n") {
            out.write(`Nothing terminated.\n`);
            redraw = true;
            continue;
          }
          terminating = true;
          const result = await o.terminate(live.map((r) => r.instance.instanceId));
          terminating = false;
          done.terminated.push(...result.terminated);
          done.skipped.push(...result.skipped);
          const byId = new Map(all.map((i) => [i.instanceId, i]));
          out.write(`\n${renderOutcome(result, byId, style)}\n`);
          // Back to the table, as EC2 now has it, in the same filter and sort.
          try {
            const fresh = await load();
            if (!fresh) return quit();
            all = fresh;
          } catch (err) {
            // The termination went through: a failed re-read must not turn it into an error.
            out.write(`${style.red("✗")} Could not reload the table: ${describeError(err)} Showing the states EC2 answered instead.\n`);
            all = withNewStates(all, result);
          }
          redraw = true;
          continue;
        }
      }
    }
  } finally {
    reader.close();
  }
}
