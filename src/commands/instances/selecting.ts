// What `instances stop`, `start` and `extend` share: which machines (--seats, --all, --batch, or
// the interactive table of `instances destroy` at a terminal), the selection shown under what
// will happen, and the confirmation (--yes in scripts).
import { Option, UsageError } from "clipanion";
import { UserError } from "../../errors.js";
import { commandToType } from "../../invocation.js";
import type { ListedInstance } from "../../instances/listing.js";
import { MAX_SEATS } from "../../instances/seats.js";
import { ANY_SEATS, parseSelection, SORT_KEYS, type SortKey } from "../../instances/select.js";
import type { WorkshopSession } from "../../instances/session.js";
import type { RowAction } from "../../ui/destroy-prompt.js";
import type { TimeFormatter } from "../../ui/time.js";
import * as t from "typanion";
import { WorkshopInstancesCommand } from "./workshop-instances.js";
import { jsonText } from "../../ui/visible.js";

export interface Selection {
  /** The confirmed machines the action applies to (re-read again when acting). */
  picked: ListedInstance[];
  /** The workshop as loaded for the selection. */
  listed: ListedInstance[];
}

export abstract class SelectingCommand extends WorkshopInstancesCommand {
  seats = Option.String("--seats", { description: "Only the machines of these seats: 3,7-9" });
  all = Option.Boolean("--all", false, { description: "Every machine of the workshop (of --batch, if given)" });
  sort = Option.String("--sort", "seat", {
    description: "Row order of the interactive table and the selection: seat, id, ip, created, state or name (default: seat)",
    validator: t.isEnum(SORT_KEYS),
  });
  yes = Option.Boolean("--yes,-y", false, { description: "Do not ask for confirmation (required without a terminal)" });
  json = Option.Boolean("--json", false, { description: "Print the outcome as JSON (needs a selection and --yes)" });

  protected writesData(): boolean {
    return this.json;
  }

  /** --seats parsed, before any AWS call; undefined without --seats. */
  protected seatList(): number[] | undefined {
    if (this.seats !== undefined && this.all) throw new UsageError("Give --seats or --all, not both.");
    if (this.seats === undefined) return undefined;
    const parsed = parseSelection(this.seats, MAX_SEATS, ANY_SEATS);
    if (!parsed.ok) throw new UsageError(`--seats: ${parsed.error}.`);
    return parsed.rows;
  }

  /** Whether flags select (else the interactive table); checked before any AWS call. */
  protected checkSelection(): boolean {
    const seats = this.seatList();
    const byFlags = seats !== undefined || this.all || this.batch !== undefined;
    if (!byFlags) {
      const what = "--seats, --all or --batch";
      if (this.json) throw new UsageError(`--json needs a selection: ${what}.`);
      if (this.yes) throw new UsageError(`--yes needs a selection: ${what}.`);
      if (!this.interactive) throw new UsageError(`Nothing selected, and no terminal to ask in: pass ${what} (with --yes).`);
    }
    return byFlags;
  }

  /**
   * The machines to act on: picked in the interactive table, or by the flags (shown under the
   * action's warning and confirmed, unless --yes). Undefined when the user said no or quit.
   */
  protected async select(session: WorkshopSession, action: RowAction, time: TimeFormatter): Promise<Selection | undefined> {
    const out = this.context.stdout;
    const style = this.style;
    const { LineReader, pickRows, renderSelection, confirmAction } = await import("../../ui/destroy-prompt.js");
    const sort = this.sort as SortKey;
    if (!this.checkSelection()) {
      const reader = new LineReader(this.context.stdin, out);
      try {
        const picked = await pickRows({ stdin: this.context.stdin, stdout: out, style, time, workshop: session.name, load: (signal) => session.load(undefined, signal), sort, action, reader });
        return picked ? { picked: picked.rows.map((r) => r.instance), listed: picked.all } : undefined;
      } finally {
        reader.close();
      }
    }
    const { buildRows, rowsOfSeats } = await import("../../instances/listing.js");
    const listed = await session.load(undefined, this.abortSignal);
    const rows = buildRows(listed, { sort });
    const seats = this.seatList();
    let chosen = rows;
    if (seats) {
      const found = rowsOfSeats(rows, seats);
      if (found.free.length)
        throw new UserError(
          `Workshop "${session.name}" has no machine in seat${found.free.length === 1 ? "" : "s"} ${found.free.join(", ")}${this.batch ? ` (batch ${this.batch})` : ""}: nothing was done. See \`${commandToType(`instances list --workshop ${session.name}`)}\`.`,
        );
      chosen = found.rows;
    }
    const applicable = chosen.filter((r) => action.applies(r.instance));
    if (applicable.length === 0) return { picked: [], listed };
    const { tableWidth } = await import("../../ui/terminal.js");
    if (!this.json) out.write(`${renderSelection(chosen, { style, time, sort, action, width: tableWidth(out) })}\n\n`);
    if (!this.yes) {
      if (!this.interactive || this.json)
        throw new UserError(
          `Refusing to ${action.verb} ${applicable.length} instance${applicable.length === 1 ? "" : "s"} without confirmation: there is no terminal to ask in. Add --yes to confirm. Nothing was done.`,
        );
      const reader = new LineReader(this.context.stdin, out);
      try {
        const decision = await confirmAction({ reader, out, style, count: applicable.length, verb: action.verb });
        if (decision !== "y") return undefined;
      } finally {
        reader.close();
      }
    }
    return { picked: applicable.map((r) => r.instance), listed };
  }

  /**
   * The whole life of a stop, start or extend: the selection checked before any AWS call, the
   * workshop opened, the machines selected and confirmed, then `act` on them. A refusal or a quit
   * changes nothing (exit 1); a selection the action applies to none of says so (as JSON with
   * `key` empty, for --json) and exits 0.
   */
  protected async actOnSelection(
    action: RowAction,
    words: { key: string; why: string },
    act: (session: WorkshopSession, picked: ListedInstance[], time: TimeFormatter) => Promise<number>,
  ): Promise<number> {
    this.checkSelection();
    const session = await this.openSession();
    try {
      const { timeFormatter } = await import("../../ui/time.js");
      const time = timeFormatter(this.env);
      const selection = await this.select(session, action, time);
      if (!selection) {
        this.context.stdout.write(`Nothing was ${words.key}.\n`);
        return 1;
      }
      if (selection.picked.length === 0) {
        if (this.json) this.context.stdout.write(jsonText({ workshop: session.name, [words.key]: [], skipped: [] }));
        else this.context.stdout.write(`Nothing to ${action.verb} in workshop "${session.name}": ${words.why}.\n`);
        return 0;
      }
      return await act(session, selection.picked, time);
    } finally {
      session.close();
    }
  }
}
