import { Command, Option } from "clipanion";
import { CATALOG } from "../catalog.js";
import { EXIT } from "../base.js";
import { SelectingCommand } from "./selecting.js";
import { stoppedWhile } from "./workshop-instances.js";
import { commandToType } from "../../invocation.js";
import { jsonText } from "../../ui/visible.js";

export class InstancesStartCommand extends SelectingCommand {
  static override paths = CATALOG.instancesStart.paths.map((p) => [...p]);

  static override usage = Command.Usage({
    category: CATALOG.instancesStart.category,
    description: CATALOG.instancesStart.description,
    details: `
      The morning of day 2: starts the selected stopped machines, each in its own Availability Zone (where its
      disk is), and waits until they are usable, with the same readiness and timeouts as
      \`instances create\` (\`--launch-timeout\` to be running, \`--check-timeout\` more to pass the checks). Then it
      prints the hand-out again, every seat with a ready machine, marking the seats whose address changed:
      EC2 gives a machine a new public IPv4 address at every start (an Elastic IP or a private address
      stays).

      Select with \`--seats 3,7-9\`, \`--all\` or \`--batch ID\` (alone: that batch's machines; with the others: narrows
      them), or, in a terminal without them, in the interactive table. Without a terminal, \`--yes\` is
      required. Only this workshop's stopped machines, read again just before, are started.

      When an Availability Zone has no capacity for the type (InsufficientInstanceCapacity), the machines
      there stay stopped and are named, with what to do; the others start. Exit 0 when every selected machine
      is ready, 3 when fewer are, 1 on error, 2 for bad input.
    `,
    examples: [
      ["Start every machine in the morning", "$0 instances start --workshop intro-linux --all --yes"],
      ["Start seats 3 and 7 to 9", "$0 instances start --workshop intro-linux --seats 3,7-9 --yes"],
      ["As JSON, for scripts", "$0 instances start --workshop intro-linux --all --yes --json"],
    ],
  });

  launchTimeout = Option.String("--launch-timeout", "5m", { description: "Per machine: time to be running again, e.g. 90s, 5m (default 5m)" });
  checkTimeout = Option.String("--check-timeout", "5m", { description: "Per machine: time to pass status checks once running (default 5m)" });

  protected async run(): Promise<number> {
    const { phaseTimeouts } = await import("../../instances/durations.js");
    const { launchTimeoutMs, checkTimeoutMs } = phaseTimeouts(this.launchTimeout, this.checkTimeout);
    const { START_ACTION } = await import("../../ui/row-actions.js");
    return this.actOnSelection(START_ACTION, { key: "started", why: "no selected machine is stopped" }, async (session, picked) => {
      const ui = this.json ? this.context.stderr : this.context.stdout;
      const style = this.json ? this.errStyle : this.style;
      const { startWorkshopInstances } = await import("../../instances/power.js");
      const signal = this.abortSignal;
      const result = await this.sayingIfStopped(stoppedWhile("starting", picked.length, "some may be starting, others still stopped", session.name), () =>
        startWorkshopInstances(session.ec2, session.name, picked.map((i) => i.instanceId), { clock: session.clock, signal }),
      );
      const { renderPowerOutcome } = await import("../../ui/power.js");
      ui.write(`${renderPowerOutcome(result, "Starting", style)}\n`);

      // The same waiter as `instances create`: running, then usable (the same readiness).
      const { BatchWaiter } = await import("../../instances/wait.js");
      const { createProgressView } = await import("../../ui/progress.js");
      const { waitLines } = await import("../../ui/batch-report.js");
      const { resolveReadiness, waitingFor } = await import("../../instances/readiness.js");
      const readiness = resolveReadiness(undefined, session.settings);
      const view = createProgressView({ output: ui, live: this.interactive, style, clock: session.clock });
      const waiter = new BatchWaiter(session.ec2, {
        workshop: session.name,
        clock: session.clock,
        launchTimeoutMs,
        checkTimeoutMs,
        readiness,
        signal,
        events: waitLines(view, readiness, style),
      });
      const startedAt = session.clock.now();
      waiter.add(result.done.map((d) => ({ instanceId: d.instanceId, ...(d.seat !== undefined ? { seat: d.seat } : {}), launchedAt: startedAt })));
      if (result.done.length) view.phase(`Waiting for ${result.done.length} machine(s) ${waitingFor(readiness)}`);
      try {
        // Stopped while waiting: they go on starting; the hand-out shows their addresses once ready.
        const words = `${stoppedWhile("waiting for", result.done.length, "EC2 goes on starting them", session.name)} Their addresses: \`${commandToType(`instances handout --workshop ${session.name}`)}\`.`;
        await this.sayingIfStopped(words, async () => {
          await waiter.run();
          signal.throwIfAborted();
        });
      } finally {
        // The service looks end with the wait, however it ends.
        await waiter.close();
        view.stop();
      }

      const { handoutFromInstances } = await import("../../instances/handout.js");
      const listed = await session.load(undefined, signal);
      const handout = handoutFromInstances(listed, { workshop: session.name, maximum: session.settings.maximum });
      const { startOutcome } = await import("../../instances/start-outcome.js");
      const { renderStartReport, startJson } = await import("../../ui/start-report.js");
      const { tableWidth } = await import("../../ui/terminal.js");
      const report = startOutcome({ workshop: session.name, result, tracked: [...waiter.tracked.values()], listed, handout });
      if (this.json) this.context.stdout.write(jsonText(startJson(report, session.settings.instructions)));
      else this.context.stdout.write(`${renderStartReport(report, session.settings.instructions, this.style, tableWidth(this.context.stdout))}\n`);
      return report.failed.length ? EXIT.partial : EXIT.ok;
    });
  }
}
