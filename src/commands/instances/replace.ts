import { Command, Option, UsageError } from "clipanion";
import * as t from "typanion";
import { EXIT } from "../base.js";
import { UserError } from "../../errors.js";
import { MAX_SEATS } from "../../instances/seats.js";
import { ANY_SEATS, parseSelection } from "../../instances/select.js";
import { READY_WHEN } from "../../instances/readiness.js";
import { CATALOG } from "../catalog.js";
import { chooseExpiry, confirmNoExpiry, expirySource, lifetimeOption, noExpiryOption } from "./expiry-options.js";
import { WorkshopCommand } from "./workshop-instances.js";
import { tableWidth } from "../../ui/terminal.js";
import { jsonText, visible } from "../../ui/visible.js";

export class InstancesReplaceCommand extends WorkshopCommand {
  static override paths = CATALOG.instancesReplace.paths.map((p) => [...p]);

  static override usage = Command.Usage({
    category: CATALOG.instancesReplace.category,
    description: CATALOG.instancesReplace.description,
    details: `
      For each seat in \`--seats\`: terminates the machine in it (only this workshop's, read again from EC2
      first), launches a new one into the same seat, waits for it as \`instances create\` does (until usable,
      by \`--ready-when\` or the workshop's \`readyWhen\` setting), and prints that seat's hand-out line, so the
      attendee keeps their number. A seat with no machine gets one.

      The new machines end when the ones they replace would have (the latest of them), unless
      \`--lifetime\` (from now) or \`--no-expiry\` says otherwise; a seat with no machine (or one already
      past its expiry) gets the workshop's lifetime. The old machines leave their batches' expiry schedules
      and the new ones get their own.

      Exit codes: 0 every seat has a ready machine, 3 fewer, 1 error, 2 bad input.
    `,
    examples: [
      ["Give seat 7 a new machine", "$0 instances replace --workshop intro-linux --seats 7"],
      ["Unattended, several seats, as JSON", "$0 instances replace --workshop intro-linux --seats 3,7-9 --yes --json"],
    ],
  });

  seats = Option.String("--seats", { required: true, description: "The seats whose machines to replace: 7, or 3,7-9" });
  yes = Option.Boolean("--yes,-y", false, { description: "Do not ask for confirmation (required without a terminal)" });
  json = Option.Boolean("--json", false, { description: "Print the result as JSON on stdout (progress goes to stderr)" });
  readyWhen = Option.String("--ready-when", {
    description: "What makes a machine ready: service-or-checks (default), service, or checks (default: the workshop's readyWhen setting)",
    validator: t.isEnum(READY_WHEN),
  });
  lifetime = lifetimeOption();
  noExpiry = noExpiryOption();

  protected writesData(): boolean {
    return this.json;
  }

  protected async run(): Promise<number> {
    const parsed = parseSelection(this.seats, MAX_SEATS, ANY_SEATS);
    if (!parsed.ok) throw new UsageError(`--seats: ${parsed.error}.`);
    if (this.noExpiry && this.lifetime !== undefined) throw new UsageError("Give --lifetime or --no-expiry, not both.");
    const ui = this.json ? this.context.stderr : this.context.stdout;
    const style = this.json ? this.errStyle : this.style;
    const session = await this.openWorkshopSession({ requireTemplate: true, menuOutput: ui });
    const { createStsClient } = await import("../../aws/clients.js");
    const sts = createStsClient(this.workshopTarget(session.settings), this.env, { retry: "caller" });
    try {
      const { prepareBatch } = await import("../../instances/create-batch.js");
      const { planReplacement, replaceSeats } = await import("../../instances/replace.js");
      const prep = await prepareBatch(session.ec2, sts, session.settings, session.clock);
      const plan = planReplacement(prep.holders, parsed.rows, session.settings);
      const { inheritedExpiry } = await import("../../instances/replace.js");
      const inherited = inheritedExpiry(plan.holders);
      const expiryFor = () =>
        chooseExpiry({ lifetime: this.lifetime, noExpiry: this.noExpiry, settings: session.settings, now: session.clock.wallNow(), ...(inherited !== undefined ? { inherited } : {}) });
      const chosen = expiryFor();
      const { describeReplacement } = await import("../../ui/batch-report.js");
      ui.write(`${describeReplacement(plan, session.name, style)}\n`);
      if (this.noExpiry && !(await confirmNoExpiry({ yes: this.yes, interactive: this.interactive && !this.json, stdin: this.context.stdin, output: ui, count: plan.seats.length }))) {
        ui.write("Nothing was changed.\n");
        return EXIT.error;
      }
      if (!this.yes) {
        if (!this.interactive || this.json)
          throw new UserError(`Refusing to replace without confirmation: there is no terminal to ask in. Add --yes to confirm. Nothing was changed.`);
        const p = await import("@clack/prompts");
        const ok = await p.confirm({ message: "Go ahead?", input: this.context.stdin, output: ui, initialValue: false });
        if (p.isCancel(ok) || ok !== true) {
          ui.write("Nothing was changed.\n");
          return EXIT.error;
        }
      }
      const { createProgressView } = await import("../../ui/progress.js");
      const { waitLines } = await import("../../ui/batch-report.js");
      const { resolveReadiness } = await import("../../instances/readiness.js");
      const readiness = resolveReadiness(this.readyWhen, session.settings);
      // A lifetime counts from the launch, not from the question.
      const expiry = chosen.source === "inherited" ? chosen : expiryFor();
      if (expiry.expiry !== "never") session.expiry.announceIfUnavailable();
      const view = createProgressView({ output: ui, live: this.interactive, style, clock: session.clock });
      let result;
      try {
        result = await replaceSeats(session.ec2, {
          settings: session.settings,
          plan,
          prep,
          clock: session.clock,
          expiresAt: expiry.expiry,
          schedules: session.expiry,
          // Ctrl-C / SIGTERM: the report so far (which seat has which machine), then the signal's exit code.
          signal: this.abortSignal,
          readiness,
          events: {
            phase: (_name, detail) => view.phase(detail),
            launched: (got) => view.line(`Launched ${visible(got.map((g) => `${g.instanceId} (seat ${g.seat})`).join(", "))}`),
            ...waitLines(view, readiness, style),
          },
        });
      } finally {
        view.stop();
      }
      const { renderBatchReport, batchReportJson } = await import("../../ui/batch-report.js");
      const { expiryTag } = await import("../../instances/expiry.js");
      if (this.json)
        this.context.stdout.write(jsonText({ ...(batchReportJson(result.report, session.settings.instructions) as object), expiresAt: expiryTag(expiry.expiry) }));
      else {
        this.context.stdout.write(`${renderBatchReport(result.report, session.settings.instructions, this.style, tableWidth(this.context.stdout))}\n`);
        const { expiryLines } = await import("../../ui/expiry.js");
        const { timeFormatter } = await import("../../ui/time.js");
        const line = expiryLines({ expiry: expiry.expiry, source: expirySource(expiry), workshop: session.name, time: timeFormatter(this.env), style: this.style, enforcedByAws: session.expiry.available, width: tableWidth(this.context.stdout) });
        this.context.stdout.write(`\n${line}\n`);
      }
      await result.names.finish();
      return result.report.ready.length === plan.seats.length ? EXIT.ok : EXIT.partial;
    } finally {
      sts.destroy();
      session.close();
    }
  }
}
