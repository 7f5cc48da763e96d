import { Command, Option, UsageError } from "clipanion";
import * as t from "typanion";
import { EXIT } from "../base.js";
import { UserError } from "../../errors.js";
import { INSTANCE_ID } from "../../instances/instance-id.js";
import { isDone, parseStatesOption, type Row } from "../../instances/listing.js";
import { MAX_SEATS } from "../../instances/seats.js";
import { ANY_SEATS, parseSelection, selectionFormError, SORT_KEYS, type SortKey } from "../../instances/select.js";
import { CATALOG } from "../catalog.js";
import { stoppedWhile, WorkshopInstancesCommand } from "./workshop-instances.js";
import { commandToType } from "../../invocation.js";
import { jsonText, visible } from "../../ui/visible.js";

type Selection = "seats" | "rows" | "ids" | "all" | "failed" | "state";

export class InstancesDestroyCommand extends WorkshopInstancesCommand {
  static override paths = CATALOG.instancesDestroy.paths.map((p) => [...p]);

  static override usage = Command.Usage({
    category: CATALOG.instancesDestroy.category,
    description: CATALOG.instancesDestroy.description,
    details: `
      In a terminal, without a selection, shows the original's interactive table, by seat: type rows to
      terminate (\`1,2,3\`, \`1-4\`, \`1,2,4-6\`) or seats (\`seats 3,7-9\`), \`fr\`/\`fs\`/\`ft\`/\`fp\`/\`fa\` to filter
      (running, stopped, terminated, pending, all), \`se\`/\`si\`/\`sp\`/\`sc\`/\`ss\`/\`sn\` to sort (seat, id, public IP,
      creation time, state, name; the order of \`instances list --sort\`), \`r\` to reload, \`q\` to quit. The
      selected rows are shown again and you confirm with y/n/q; after a termination the table comes back, read
      again from EC2, until you quit.

      For scripts, select with exactly one of \`--seats\` (the attendees' numbers, as the hand-out gives them),
      \`--rows\` (numbered as \`instances list\` numbers them with the same \`--state\` and \`--sort\`), \`--ids\`,
      \`--all\` or \`--failed\` (stopped, impaired or failing checks); \`--state\` alone selects every instance in
      those states. Without a terminal, \`--yes\` is required.

      Just before terminating, the selected instances are read again from EC2: any that no longer carry this
      workshop's tag, or are gone, are dropped and named. Nothing else is ever terminated. Terminated instances
      stay listed until EC2 removes them (usually within an hour).
    `,
    examples: [
      ["Choose interactively", "$0 instances destroy --workshop intro-linux"],
      ["Terminate the machines of seats 3 and 7 to 9", "$0 instances destroy --workshop intro-linux --seats 3,7-9 --yes"],
      ["Terminate rows 1, 2 and 4 to 6 of `instances list`", "$0 instances destroy --workshop intro-linux --rows 1,2,4-6 --yes"],
      ["Terminate the failed instances", "$0 instances destroy --workshop intro-linux --failed --yes"],
      ["Terminate everything at the end of the day", "$0 instances destroy --workshop intro-linux --all --yes"],
    ],
  });

  seats = Option.String("--seats", { description: "Seats whose machines to terminate: 3,7-9" });
  rows = Option.String("--rows", { description: "Rows to terminate, as `instances list` numbers them: 1,2,4-6" });
  ids = Option.Array("--ids", { description: "Instance ids to terminate: i-...,i-... (repeatable)" });
  all = Option.Boolean("--all", false, { description: "Terminate all the workshop's instances (in --state, if given)" });
  failed = Option.Boolean("--failed", false, { description: "Terminate stopped, impaired and check-failing instances" });
  state = Option.Array("--state", {
    description: "Only instances in this state (repeatable); alone, selects them all",
  });
  sort = Option.String("--sort", "seat", {
    description: "Row order (for --rows, and the interactive table's start): seat, id, ip, created, state or name (default: seat)",
    validator: t.isEnum(SORT_KEYS),
  });
  yes = Option.Boolean("--yes,-y", false, { description: "Do not ask for confirmation (required without a terminal)" });
  json = Option.Boolean("--json", false, { description: "Print the outcome as JSON (needs a selection and --yes)" });

  protected writesData(): boolean {
    return this.json;
  }

  /** Which selection flag was given; checked before any AWS call. */
  private selection(states: string[]): Selection | undefined {
    const given = (
      [
        ["seats", this.seats !== undefined],
        ["rows", this.rows !== undefined],
        ["ids", this.ids !== undefined],
        ["all", this.all],
        ["failed", this.failed],
      ] as const
    )
      .filter(([, on]) => on)
      .map(([name]) => name);
    if (given.length > 1) throw new UsageError(`Choose one selection: ${given.map((g) => `--${g}`).join(", ")} cannot be combined.`);
    if (given[0] === "ids" && states.length) throw new UsageError(`--ids names instances exactly: leave out --state.`);
    if (given[0] === "seats" && states.length) throw new UsageError(`--seats names machines exactly: leave out --state.`);
    return given[0] ?? (states.length ? "state" : undefined);
  }

  private idList(): string[] {
    const ids = (this.ids ?? []).flatMap((v) => v.split(",")).map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0) throw new UsageError(`--ids needs instance ids, like --ids i-0123456789abcdef0,i-0fedcba9876543210.`);
    const bad = ids.filter((id) => !INSTANCE_ID.test(id));
    if (bad.length) throw new UsageError(`--ids: "${bad[0]}" is not an instance id (they look like i-0123456789abcdef0).`);
    return [...new Set(ids)];
  }

  protected async run(): Promise<number> {
    const states = parseStatesOption(this.state);
    const selection = this.selection(states);
    const ids = selection === "ids" ? this.idList() : [];
    if (selection === "rows") {
      // Syntax first, before any AWS call; the row count is checked once the table is known.
      const wrong = selectionFormError(this.rows!);
      if (wrong) throw new UsageError(`--rows: ${wrong}.`);
    }
    const seats = selection === "seats" ? parseSelection(this.seats!, MAX_SEATS, ANY_SEATS) : undefined;
    if (seats && !seats.ok) throw new UsageError(`--seats: ${seats.error}.`);
    if (!selection) {
      if (this.json) throw new UsageError(`--json needs a selection: --seats, --rows, --ids, --all, --failed or --state.`);
      if (this.yes) throw new UsageError(`--yes needs a selection: --seats, --rows, --ids, --all, --failed or --state.`);
      if (!this.interactive)
        throw new UsageError(
          `Nothing selected, and no terminal to ask in: pass --seats, --rows, --ids, --all, --failed or --state (with --yes).`,
        );
    }

    const session = await this.openSession();
    try {
      const { timeFormatter } = await import("../../ui/time.js");
      const time = timeFormatter(this.env);
      if (!selection) {
        const { runDestroyPrompt } = await import("../../ui/destroy-prompt.js");
        await runDestroyPrompt({
          stdin: this.context.stdin,
          stdout: this.context.stdout,
          style: this.style,
          time,
          workshop: session.name,
          load: (signal) => session.load(undefined, signal),
          terminate: (instanceIds) => session.terminate(instanceIds),
          sort: this.sort as SortKey,
        });
        return EXIT.ok;
      }
      return await this.terminateSelected(session, selection, states, ids, seats?.ok ? seats.rows : [], time);
    } finally {
      session.close();
    }
  }

  private async terminateSelected(
    session: import("../../instances/session.js").WorkshopSession,
    selection: Selection,
    states: string[],
    ids: string[],
    seats: number[],
    time: import("../../ui/time.js").TimeFormatter,
  ): Promise<number> {
    const { buildRows, isFailed } = await import("../../instances/listing.js");
    const { renderSelection, renderOutcome, confirmTermination, LineReader } = await import("../../ui/destroy-prompt.js");
    const { renderInstanceTable, tableFooter } = await import("../../ui/instance-table.js");
    const { tableWidth } = await import("../../ui/terminal.js");
    const out = this.context.stdout;
    const style = this.style;
    const sort = this.sort as SortKey;

    const listed = await session.load(states, this.abortSignal);
    const rows = buildRows(listed, { sort });
    let picked: Row[];
    switch (selection) {
      case "seats": {
        const { rowsOfSeats } = await import("../../instances/listing.js");
        const found = rowsOfSeats(rows, seats);
        if (found.free.length)
          throw new UserError(
            `Workshop "${session.name}" has no machine in seat${found.free.length === 1 ? "" : "s"} ${found.free.join(", ")}: nothing was terminated. See \`${commandToType(`instances list --workshop ${session.name}`)}\`.`,
          );
        picked = found.rows;
        break;
      }
      case "rows": {
        const parsed = parseSelection(this.rows!, rows.length);
        if (!parsed.ok) {
          const view = states.length ? ` (with --state ${states.join(",")})` : "";
          throw new UsageError(`--rows: ${parsed.error}${view}. See \`${commandToType(`instances list --workshop ${session.name}`)}\`.`);
        }
        picked = parsed.rows.map((n) => rows[n - 1]!);
        break;
      }
      case "ids": {
        const byId = new Map(rows.map((r) => [r.instance.instanceId, r]));
        const foreign = ids.filter((id) => !byId.has(id));
        if (foreign.length)
          throw new UserError(
            `Not instances of workshop "${session.name}": ${foreign.join(", ")}. Nothing was terminated; check the ids with \`${commandToType(`instances list --workshop ${session.name}`)}\`.`,
          );
        picked = ids.map((id) => byId.get(id)!);
        break;
      }
      case "failed":
        picked = rows.filter((r) => isFailed(r.instance));
        break;
      case "all":
      case "state":
        picked = rows;
        break;
    }

    const live = picked.filter((r) => !isDone(r.instance.state));
    const width = tableWidth(out);
    if (!this.json && live.length) out.write(`${renderSelection(picked, { style, time, sort, width })}\n\n`);
    if (live.length === 0) {
      const inStates = states.length ? ` in state ${states.join(" or ")}` : "";
      const what =
        selection === "failed"
          ? `no failed instances${inStates}`
          : picked.length
            ? "the selected instances are already terminated or shutting down"
            : `it has no instances${inStates}`;
      if (this.json) out.write(jsonText({ workshop: session.name, terminated: [], skipped: [] }));
      else out.write(`Nothing to terminate in workshop "${session.name}": ${what}.\n`);
      return EXIT.ok;
    }

    if (!this.yes) {
      if (!this.interactive || this.json)
        throw new UserError(
          `Refusing to terminate ${live.length} instance${live.length === 1 ? "" : "s"} without confirmation: there is no terminal to ask in. Add --yes to confirm. Nothing was terminated.`,
        );
      const reader = new LineReader(this.context.stdin, out);
      let decision;
      try {
        decision = await confirmTermination({ reader, out, style, count: live.length });
      } finally {
        reader.close();
      }
      if (decision !== "y") {
        out.write(`Cancelled: nothing was terminated.\n`);
        return EXIT.error;
      }
    }

    // Stopped part-way (Ctrl-C, or a forced exit): what was asked may or may not have happened.
    const result = await this.sayingIfStopped(stoppedWhile("terminating", live.length, "some may still be running", session.name), () =>
      session.terminate(live.map((r) => r.instance.instanceId)),
    );
    if (this.json) {
      out.write(jsonText({ workshop: session.name, ...result }));
    } else {
      out.write(`${renderOutcome(result, new Map(listed.map((i) => [i.instanceId, i])), style)}\n`);
      let reloaded;
      try {
        reloaded = await session.load();
      } catch (err) {
        // The termination went through: a failed re-read must not turn it into an error.
        const { describeError } = await import("../../errors.js");
        this.context.stderr.write(`${this.errStyle.yellow("Warning:")} could not reload the table: ${describeError(err)}\n`);
      }
      if (reloaded) {
        const fresh = buildRows(reloaded, { sort });
        const now = time.now();
        out.write(`\n${style.bold(`Workshop "${session.name}"`)} now:\n\n${renderInstanceTable(fresh, { style, time, sort, now, width })}\n\n`);
        out.write(`${tableFooter({ time, now, style, terminatedNote: true })}\n`);
      }
    }
    const { isAlreadyGone } = await import("../../instances/terminate.js");
    for (const s of result.skipped) {
      if (!isAlreadyGone(s.reason))
        this.context.stderr.write(`${this.errStyle.yellow("Warning:")} ${visible(`${s.instanceId} was not terminated: ${s.reason}`)}.\n`);
    }
    return EXIT.ok;
  }
}
