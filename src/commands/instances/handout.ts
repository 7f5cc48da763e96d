import { Command, Option } from "clipanion";
import * as t from "typanion";
import { EXIT } from "../base.js";
import { UserError } from "../../errors.js";
import { CATALOG } from "../catalog.js";
import { WorkshopInstancesCommand } from "./workshop-instances.js";
import { commandToType } from "../../invocation.js";
import { jsonText, visible } from "../../ui/visible.js";
import { tableWidth } from "../../ui/terminal.js";

const FORMATS = ["text", "csv", "json", "html"] as const;
type Format = (typeof FORMATS)[number];

export class InstancesHandoutCommand extends WorkshopInstancesCommand {
  static override paths = CATALOG.instancesHandout.paths.map((p) => [...p]);
  static override readOnly = true;

  static override usage = Command.Usage({
    category: CATALOG.instancesHandout.category,
    description: CATALOG.instancesHandout.description,
    details: `
      Reads the workshop's machines from EC2 (nothing stored locally, so it works from any computer and at
      any time) and prints one entry per seat whose machine is ready, as \`instances create\` means it (the
      workshop's \`readyWhen\`: by default its service answers a look made now, or its status checks are ok;
      never while impaired): the seat, the address (public IP, else private) and the workshop's instructions.
      Seats whose machine is not ready are named on stderr.

      The instructions may use placeholders, filled per seat: \`{address}\` (the address), \`{seat}\` (the seat
      number) and \`{name}\` (\`<workshop>-<seat>\`, e.g. intro-07). Any other text is kept as written.

      \`--format\`: \`text\` (the table and the instructions, as \`instances create\` ends), \`csv\` (one row per
      seat, with a header), \`json\`, or \`html\`: a printable sheet of cards, one per attendee, with a big seat
      number, the address, a QR code of the address and the instructions; it prints on A4 and US Letter, and a
      card never splits across pages.
    `,
    examples: [
      ["The hand-out again", "$0 instances handout --workshop intro-linux"],
      ["Printable cards", "$0 instances handout --workshop intro-linux --format html --output cards.html"],
      ["One batch, as CSV", "$0 instances handout --workshop intro-linux --batch k3f9x2ab --format csv > seats.csv"],
    ],
  });

  format = Option.String("--format", "text", {
    description: "text, csv, json or html (printable cards) (default: text)",
    validator: t.isEnum(FORMATS),
  });
  output = Option.String("--output,-o", { description: "Write to this file instead of stdout" });

  protected writesData(): boolean {
    return this.format !== "text" && this.output === undefined;
  }

  protected async run(): Promise<number> {
    const session = await this.openSession();
    let handout;
    try {
      const { handoutFromInstances, serviceCandidates } = await import("../../instances/handout.js");
      const { resolveReadiness } = await import("../../instances/readiness.js");
      const { answeringNow } = await import("../../instances/service-watch.js");
      const listed = await session.load();
      const { readyWhen, service } = resolveReadiness(undefined, session.settings);
      // A machine handed out by its service may still be in its checks: one look at each says whether it answers.
      const answered = await answeringNow(serviceCandidates(listed, readyWhen), service, { clock: session.clock });
      handout = handoutFromInstances(listed, { workshop: session.name, maximum: session.settings.maximum, readyWhen, answered });
    } finally {
      session.close();
    }
    const { entries, notReady } = handout;
    const instructions = session.settings.instructions;
    const err = this.context.stderr;
    if (notReady.length)
      err.write(
        `${this.errStyle.yellow("!")} ${visible(`Not ready (left out): ${notReady.map((n) => `seat ${n.seat} (${n.instanceId}, ${n.state}${n.checks ? `, checks ${n.checks}` : ""})`).join("; ")}.`)}\n`,
      );
    if (entries.length === 0)
      throw new UserError(
        `No seat of workshop "${session.name}"${this.batch ? ` (batch ${this.batch})` : ""} has a ready machine yet. See \`${commandToType(`instances list --workshop ${session.name}`)}\`.`,
      );

    const format = this.format as Format;
    const toFile = this.output !== undefined;
    const style = toFile ? (await import("../../ui/style.js")).styleFor(err, { NO_COLOR: "1" }) : this.style;
    let text: string;
    if (format === "html") {
      const { renderHandoutCards } = await import("../../ui/handout-cards.js");
      text = await renderHandoutCards(entries, { workshop: session.name, instructions });
    } else if (format === "csv") {
      text = (await import("../../ui/handout.js")).handoutCsv(entries, instructions);
    } else if (format === "json") {
      const { handoutSeatJson } = await import("../../ui/handout.js");
      const doc = {
        workshop: session.name,
        batch: this.batch ?? null,
        seats: entries.map((e) => handoutSeatJson(e, instructions)),
        notReady: notReady.map((n) => ({ seat: n.seat, instanceId: n.instanceId, state: n.state })),
      };
      text = jsonText(doc);
    } else {
      const { renderHandoutTable, renderInstructions } = await import("../../ui/handout.js");
      const head = `${style.bold(`Workshop "${session.name}"`)}${this.batch ? ` (batch ${this.batch})` : ""}: ${entries.length} seat${entries.length === 1 ? "" : "s"} ready`;
      const body = renderInstructions(instructions, entries, style);
      text = `${head}\n\n${renderHandoutTable(entries, { style, width: toFile ? undefined : tableWidth(this.context.stdout) })}\n${body ? `\n${body}\n` : ""}`;
    }
    if (toFile) {
      const { writeFile } = await import("node:fs/promises");
      try {
        await writeFile(this.output!, text);
      } catch (e) {
        throw new UserError(`Could not write ${this.output}: ${(e as Error).message}. Nothing was written.`);
      }
      err.write(`Wrote the hand-out of ${entries.length} seat${entries.length === 1 ? "" : "s"} (${format}) to ${this.output}.\n`);
    } else this.context.stdout.write(text);
    return EXIT.ok;
  }
}
