import { Command, Option } from "clipanion";
import * as t from "typanion";
import { SORT_KEYS, type SortKey } from "../../instances/select.js";
import { parseStatesOption } from "../../instances/listing.js";
import { CATALOG } from "../catalog.js";
import { WorkshopInstancesCommand } from "./workshop-instances.js";
import { jsonText, visible } from "../../ui/visible.js";

export class InstancesListCommand extends WorkshopInstancesCommand {
  static override paths = CATALOG.instancesList.paths.map((p) => [...p]);
  static override readOnly = true;

  static override usage = Command.Usage({
    category: CATALOG.instancesList.category,
    description: CATALOG.instancesList.description,
    details: `
      Shows every instance tagged \`Workshop=<workshop>\`, by seat: row number, seat (the attendee's number,
      as the hand-out gives it; \`-\` for instances from before seats, listed last), instance id, Name, public
      IP, launch time (in TZ, else the system's zone), state, status checks of the running ones, and the batch
      (one per \`instances create\` run) and the time left until each machine's expiry. Under the table: the
      instance-hours of the live machines listed and, at the Price List's on-demand price, what they have cost
      so far (running time, public IPv4 addresses and disks). The row numbers are the ones \`instances destroy --rows\` uses with the
      same \`--state\` and \`--sort\`; \`instances destroy --seats\` and \`instances replace --seats\` use the seats.

      Terminated instances stay listed until EC2 removes them (usually within an hour).
    `,
    examples: [
      ["List a workshop's instances", "$0 instances list --workshop intro-linux"],
      ["Only the running and stopped ones, by public IP", "$0 instances list --workshop intro-linux --state running --state stopped --sort ip"],
      ["As JSON, for scripts", "$0 instances list --workshop intro-linux --json"],
    ],
  });

  state = Option.Array("--state", {
    description: "Only instances in this state: pending, running, stopping, stopped, shutting-down, terminated (repeatable)",
  });
  sort = Option.String("--sort", "seat", {
    description: "Sort by seat, id, ip, created, state or name (default: seat)",
    validator: t.isEnum(SORT_KEYS),
  });
  json = Option.Boolean("--json", false, { description: "Print a JSON array (ISO times) instead of the table" });

  protected writesData(): boolean {
    return this.json;
  }

  protected async run(): Promise<number> {
    const states = parseStatesOption(this.state);
    const session = await this.openSession();
    try {
      const { buildRows } = await import("../../instances/listing.js");
      const rows = buildRows(await session.load(states, this.abortSignal), { sort: this.sort as SortKey });
      const { instanceJson, renderInstanceTable, tableFooter, tableHeading } = await import("../../ui/instance-table.js");
      if (this.json) {
        this.context.stdout.write(jsonText(rows.map(instanceJson)));
        return 0;
      }
      const { timeFormatter } = await import("../../ui/time.js");
      const { tableWidth } = await import("../../ui/terminal.js");
      const time = timeFormatter(this.env);
      const style = this.style;
      const out = this.context.stdout;
      const now = time.now();
      if (rows.length === 0) {
        const which = states.length ? ` in state ${states.join(" or ")}` : "";
        out.write(`Workshop "${session.name}" has no instances${which}.\n`);
      } else {
        out.write(`${tableHeading(session.name, rows.length, { style, states })}\n\n`);
        out.write(`${renderInstanceTable(rows, { style, time, sort: this.sort as SortKey, now, width: tableWidth(out) })}\n\n`);
      }
      out.write(`${tableFooter({ time, now, style, terminatedNote: rows.some((r) => r.instance.state === "terminated") })}\n`);
      await this.writeUsage(session, rows.map((r) => r.instance), now);
      // Two machines in one seat: a run stopped before it could settle a collision (seat-assignment.ts).
      const { seatHolders } = await import("../../instances/seat-assignment.js");
      for (const [seat, holders] of seatHolders(rows.map((r) => r.instance))) {
        if (holders.length > 1)
          out.write(
            `${style.yellow("!")} ${visible(`Seat ${seat} is held by ${holders.map((h) => h.instanceId).join(" and ")}: the hand-out gives it to ${holders[0]!.instanceId} (the earlier claim); replace or destroy the other by --ids.`)}\n`,
          );
      }
      return 0;
    } finally {
      session.close();
    }
  }

  /** Instance-hours of the live machines listed, and what they cost so far (at the Price List's prices). */
  private async writeUsage(session: import("../../instances/session.js").WorkshopSession, instances: import("../../instances/listing.js").ListedInstance[], now: Date): Promise<void> {
    const { usageSoFar } = await import("../../instances/usage.js");
    const usage = usageSoFar(instances, now);
    if (usage.instances === 0) return;
    const { spentSoFar } = await import("../../preflight/spent.js");
    const spent = await spentSoFar(usage, { settings: session.settings, target: this.workshopTarget(session.settings), env: this.env });
    const { usageLine } = await import("../../ui/usage.js");
    const { tableWidth } = await import("../../ui/terminal.js");
    this.context.stdout.write(`${usageLine(usage, spent, this.style, tableWidth(this.context.stdout))}\n`);
  }
}
