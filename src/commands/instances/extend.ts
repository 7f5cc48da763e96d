import { Command, Option } from "clipanion";
import * as t from "typanion";
import { CATALOG } from "../catalog.js";
import { EXIT } from "../base.js";
import { SelectingCommand } from "./selecting.js";
import { stoppedWhile } from "./workshop-instances.js";
import { jsonText } from "../../ui/visible.js";

/** At most 31 days at once, like a lifetime. */
const MAX_HOURS = 744;

export class InstancesExtendCommand extends SelectingCommand {
  static override paths = CATALOG.instancesExtend.paths.map((p) => [...p]);

  static override usage = Command.Usage({
    category: CATALOG.instancesExtend.category,
    description: CATALOG.instancesExtend.description,
    details: `
      Moves the expiry (tag \`ec2-workshop:expires-at\`) of the selected machines \`--hours\` later: H hours after
      their current expiry, or after now for one already past it. The workshop's EventBridge Scheduler
      schedules move with it, so AWS terminates them at the new time. Machines that never expire are left
      as they are.

      Select with \`--seats 3,7-9\`, \`--all\` or \`--batch ID\`, or, in a terminal without them, in the interactive
      table. Without a terminal, \`--yes\` is required. Only this workshop's machines, read again just before,
      are changed.
    `,
    examples: [
      ["Keep every machine one more day (a two-day workshop)", "$0 instances extend --workshop intro-linux --all --hours 24 --yes"],
      ["Two more hours for seat 7", "$0 instances extend --workshop intro-linux --seats 7 --hours 2 --yes"],
    ],
  });

  hours = Option.String("--hours", {
    required: true,
    description: `How much later, in hours (more than 0, at most ${MAX_HOURS}; e.g. 2 or 1.5)`,
    validator: t.cascade(t.isNumber(), [t.isInInclusiveRange(0.01, MAX_HOURS)]),
  });

  protected async run(): Promise<number> {
    const { extendAction } = await import("../../ui/row-actions.js");
    return this.actOnSelection(extendAction(this.hours), { key: "extended", why: "no selected machine is live with an expiry" }, async (session, picked, time) => {
      session.expiry.announceIfUnavailable();
      const { extendExpiry } = await import("../../instances/extend.js");
      // Tags moved without their schedules would let AWS terminate the machines at the old time.
      const lastWords = stoppedWhile("extending", picked.length, "some expiries may have moved without their schedules (AWS ends those at the old time)", session.name);
      const result = await this.sayingIfStopped(lastWords, () => this.finishingFirst("the extension (its tags and schedules go together)", async () => {
        const extended = await extendExpiry(session.ec2, session.name, picked.map((i) => i.instanceId), this.hours, {
          clock: session.clock,
          now: session.clock.wallNow(),
          signal: this.abortSignal,
        });
        await session.expiry.resync(session.ec2, extended.extended.map((e) => e.batch), { expiry: new Map(extended.extended.map((e) => [e.instanceId, e.to])) });
        return extended;
      }));
      const { renderExtended, extendJson } = await import("../../ui/extend.js");
      if (this.json) this.context.stdout.write(jsonText(extendJson(session.name, result)));
      else {
        const { tableWidth } = await import("../../ui/terminal.js");
        const width = tableWidth(this.context.stdout);
        this.context.stdout.write(`${renderExtended({ workshop: session.name, result, time, style: this.style, enforcedByAws: session.expiry.available, width })}\n`);
      }
      return EXIT.ok;
    });
  }
}
