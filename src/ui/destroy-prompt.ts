// The interactive table of the original destroy_instances: show, filter, sort, select rows,
// confirm, terminate, show again. Plain readline on the terminal (line editing, history,
// Ctrl-C and Ctrl-D both mean "quit"). The EC2 side comes in as functions, so this module
// never loads the SDK and can be driven by any loader in tests.
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { buildRows, DEFAULT_SORT, filterStates, isDone, rowsOfSeats, type ListedInstance, type Row } from "../instances/listing.js";
import { describeError } from "../errors.js";
import { parseCommand, PROMPT_HELP, type SortKey } from "../instances/select.js";
import type { TerminateResult } from "../instances/terminate.js";
import { renderInstanceTable, tableFooter } from "./instance-table.js";
import type { Style } from "./style.js";
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


/** The selected rows again, under a warning that says exactly what will happen. */
export function renderSelection(rows: readonly Row[], o: { style: Style; time: TimeFormatter; sort?: SortKey }): string {
  const live = rows.filter((r) => !isDone(r.instance.state));
  const done = rows.length - live.length;
  const lines = [
    o.style.red(o.style.bold(`⚠  ${live.length} instance${live.length === 1 ? "" : "s"} will be TERMINATED.`)) +
      " Their disks and everything on them are deleted; this cannot be undone.",
    "",
    renderInstanceTable(rows, { style: o.style, time: o.time, sort: o.sort, indent: "  " }),
  ];
  if (done > 0) lines.push("", o.style.dim(`${done} of them ${done === 1 ? "is" : "are"} already terminated or shutting down: skipped.`));
  return lines.join("\n");
}

/** One line per instance: its new state, or why it was skipped. */
export function renderOutcome(result: TerminateResult, byId: ReadonlyMap<string, ListedInstance>, style: Style): string {
  const label = (id: string): string => {
    const name = byId.get(id)?.name;
    return name ? `${id} (${name})` : id;
  };
  const lines: string[] = [];
  for (const t of result.terminated) {
    lines.push(`  ${style.green("✓")} ${label(t.instanceId)}: ${t.previousState ?? "?"} → ${t.currentState ?? "?"}`);
  }
  for (const s of result.skipped) lines.push(`  ${style.yellow("-")} ${label(s.instanceId)}: skipped, ${s.reason}`);
  const n = result.terminated.length;
  lines.push(
    n > 0
      ? `Terminating ${n} instance${n === 1 ? "" : "s"}${result.skipped.length ? `; ${result.skipped.length} skipped` : ""}.`
      : `Nothing was terminated${result.skipped.length ? `; ${result.skipped.length} skipped` : ""}.`,
  );
  return lines.join("\n");
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
  /** Undefined when the user quit without terminating. */
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
  const draw = (all: readonly ListedInstance[], rows: readonly Row[], view: View, hint = true): void => {
    const shown = view.states.length ? ` (showing ${view.states.join(", ")}: ${rows.length} of ${all.length})` : "";
    out.write(`\n${style.bold(`Workshop "${o.workshop}"`)}: ${all.length} instance${all.length === 1 ? "" : "s"}${shown}\n\n`);
    if (rows.length) out.write(`${renderInstanceTable(rows, { style, time, sort: view.sort })}\n\n`);
    else out.write(`${view.states.length ? "No instances match this filter (fa shows all)." : "This workshop has no instances."}\n\n`);
    out.write(`${tableFooter({ time, style, terminatedNote: true })}\n`);
    if (hint)
      out.write(style.dim(`Rows to terminate (e.g. 1,2,4-6) or seats (seats 3,7-9), fr/fs/ft/fp/fa filter, se/si/sp/sc/ss/sn sort, r reload, q quit, ? help\n`));
  };

  const quit = (): DestroyPromptResult => {
    out.write(`Quit: nothing was terminated.\n`);
    return {};
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
          out.write(`\n${renderSelection(picked, { style, time, sort: view.sort })}\n\n`);
          if (live.length === 0) {
            out.write(`Nothing to terminate: pick running, pending, stopping or stopped rows.\n`);
            continue;
          }
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
          const byId = new Map(all.map((i) => [i.instanceId, i]));
          out.write(`\n${renderOutcome(result, byId, style)}\n`);
          let fresh: ListedInstance[] | undefined;
          try {
            fresh = await load();
          } catch (err) {
            // The termination went through: a failed re-read must not turn it into an error.
            out.write(`${style.red("✗")} Could not reload the table: ${describeError(err)}\n`);
          }
          if (fresh) draw(fresh, buildRows(fresh, { states: [], sort: view.sort }), { states: [], sort: view.sort }, false);
          return { result };
        }
      }
    }
  } finally {
    reader.close();
  }
}
