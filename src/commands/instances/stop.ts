import { Command, Option } from "clipanion";
import { CATALOG } from "../catalog.js";
import { EXIT } from "../base.js";
import { SelectingCommand } from "./selecting.js";
import { stoppedWhile } from "./workshop-instances.js";
import { jsonText } from "../../ui/visible.js";

export class InstancesStopCommand extends SelectingCommand {
  static override paths = CATALOG.instancesStop.paths.map((p) => [...p]);

  static override usage = Command.Usage({
    category: CATALOG.instancesStop.category,
    description: CATALOG.instancesStop.description,
    details: `
      Between the days of a workshop: stops the selected running machines and waits until EC2 shows them
      stopped. A stopped machine keeps its seat, tags, disk and private address, and costs only its disk;
      \`ec2-workshop instances start\` brings it back (with a new public address). Stopped machines still end
      at their expiry: \`instances extend\` moves it.

      Select with \`--seats 3,7-9\`, \`--all\` or \`--batch ID\` (alone: that batch's machines; with the others: narrows
      them), or, in a terminal without them, in the interactive table of \`instances destroy\`. Without a
      terminal, \`--yes\` is required. Just before stopping, the machines are read again from EC2: only this
      workshop's running ones are stopped.

      A machine still \`stopping\` after \`--timeout\` (default 10m) is reported: EC2 may be stuck shutting it down;
      \`--force\` stops it without an OS shutdown (like pulling the plug). Exit 0 when every selected machine is
      stopped, 3 when some are not (yet), 1 on error, 2 for bad input.
    `,
    examples: [
      ["Stop every machine at the end of day 1", "$0 instances stop --workshop intro-linux --all --yes"],
      ["Stop seats 3 and 7 to 9", "$0 instances stop --workshop intro-linux --seats 3,7-9 --yes"],
      ["Choose in the table", "$0 instances stop --workshop intro-linux"],
      ["Force a stop that hangs", "$0 instances stop --workshop intro-linux --seats 7 --force --yes"],
    ],
  });

  force = Option.Boolean("--force", false, { description: "Force the stop (no OS shutdown): for machines stuck in stopping" });
  timeout = Option.String("--timeout", "10m", { description: "How long to wait until they are stopped, e.g. 5m (default 10m)" });

  protected async run(): Promise<number> {
    const { requireDuration } = await import("../../instances/durations.js");
    const timeoutMs = requireDuration("--timeout", this.timeout);
    const { STOP_ACTION } = await import("../../ui/row-actions.js");
    const action = this.force ? { ...STOP_ACTION, applies: (i: { state: string }) => i.state === "running" || i.state === "stopping" } : STOP_ACTION;
    return this.actOnSelection(action, { key: "stopped", why: "no selected machine is running" }, async (session, picked, time) => {
      const { stopWorkshopInstances, waitUntilStopped } = await import("../../instances/power.js");
      const ids = picked.map((i) => i.instanceId);
      const signal = this.abortSignal;
      const result = await this.sayingIfStopped(stoppedWhile("stopping", ids.length, "some may still be running", session.name), () =>
        stopWorkshopInstances(session.ec2, session.name, ids, { clock: session.clock, now: session.clock.wallNow(), signal, ...(this.force ? { force: true } : {}) }),
      );
      const { renderPowerOutcome, renderStopSummary, stopJson } = await import("../../ui/power.js");
      const { tableWidth } = await import("../../ui/terminal.js");
      const out = this.json ? this.context.stderr : this.context.stdout;
      const style = this.json ? this.errStyle : this.style;
      out.write(`${renderPowerOutcome(result, "Stopping", style)}\n`);
      const asked = result.done.map((d) => d.instanceId);
      let shown = -1;
      // Stopped while waiting: EC2 goes on stopping them; only the wait ends.
      const waited = asked.length
        ? await this.sayingIfStopped(stoppedWhile("waiting for", asked.length, "EC2 goes on stopping them", session.name), () =>
            waitUntilStopped(session.ec2, session.name, asked, {
              clock: session.clock,
              timeoutMs,
              signal,
              onProgress: (n, total) => {
                if (n !== shown) out.write(`${style.dim(`  ${n} of ${total} stopped`)}\n`);
                shown = n;
              },
            }),
          )
        : { stopped: [], stillStopping: [], other: [] };
      if (this.json) this.context.stdout.write(jsonText(stopJson(session.name, result, waited)));
      else this.context.stdout.write(`${renderStopSummary({ workshop: session.name, result, waited, style, time, timeoutMs, width: tableWidth(this.context.stdout) })}\n`);
      return waited.stillStopping.length || waited.other.length ? EXIT.partial : EXIT.ok;
    });
  }
}
