import { Command, Option } from "clipanion";
import * as t from "typanion";
import { InputError } from "../../errors.js";
import { workshopHome } from "../../home.js";
import { checkWorkshopName, isHours, readSettings } from "../../workshops/settings.js";
import { BaseCommand, EXIT } from "../base.js";
import { CATALOG } from "../catalog.js";
import { commandToType } from "../../invocation.js";
import { jsonText } from "../../ui/visible.js";

export class WorkshopCheckCommand extends BaseCommand {
  static override paths = CATALOG.workshopCheck.paths.map((p) => [...p]);
  static override readOnly = true;

  static override usage = Command.Usage({
    category: CATALOG.workshopCheck.category,
    description: CATALOG.workshopCheck.description,
    details: `
      Answers "will \`--count\` instances launch?" before the day, one line per check, ok / warn / fail, and for warn and fail what to do:

      - the launch template exists;
      - vCPU quota: the On-Demand quota of the type's family (Service Quotas), minus the vCPUs already running in the region, against \`--count\` × the type's vCPUs; a shortfall names the exact \`aws service-quotas request-service-quota-increase\` command (an increase can take a day);
      - the type is offered in every Availability Zone of the workshop's subnets;
      - the AMI exists, is available, fits the type's architecture, and its root snapshot fits the template's root volume;
      - the subnets have \`--count\` free addresses;
      - a DryRun RunInstances from the template passes (permissions and parameters).

      Then the cost: the on-demand price (AWS Price List) of the instances, their root volumes and public IPv4 addresses, per hour and for the workshop's length (\`--hours\`, else the workshop's \`hours\` setting, else 8). Prices are cached for a day in ~/.cache/ec2-workshop ($XDG_CACHE_HOME/ec2-workshop); offline or denied, the price is unknown, never an error.

      Exit codes: 0 nothing failed (warnings allowed), 1 a check failed or an error, 2 bad input.
    `,
    examples: [
      ["Check a workshop for its maximum", "$0 workshop check intro-linux"],
      ["For 40 attendees and a 6-hour day", "$0 workshop check intro-linux --count 40 --hours 6"],
      ["As JSON, for a script", "$0 workshop check intro-linux --count 40 --json"],
    ],
  });

  name = Option.String({ name: "name" });
  count = Option.String("--count,-n", {
    description: "How many instances to check for (default: the workshop's maximum)",
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(1)]),
  });
  hours = Option.String("--hours", {
    description: "How long the workshop runs, for the cost (default: the hours setting, else 8)",
    validator: t.cascade(t.isNumber(), [isHours]),
  });
  json = Option.Boolean("--json", false, { description: "Print the checks and the cost as JSON" });

  protected async run(): Promise<number> {
    checkWorkshopName(this.name);
    const settings = await readSettings(workshopHome(this.env), this.name);
    const count = this.count ?? settings.maximum;
    if (count > settings.maximum)
      throw new InputError(
        `--count ${count} is more than workshop "${settings.name}" launches at once (1..${settings.maximum}). Check a smaller count, or raise the maximum with \`${commandToType(`workshop update ${settings.name} --maximum ${count}`)}\`.`,
      );
    const { checkWorkshop, workshopHours } = await import("../../preflight/workshop.js");
    const { clockFromEnv } = await import("../../clock.js");
    const report = await checkWorkshop({
      settings,
      target: this.workshopTarget(settings),
      env: this.env,
      count,
      hours: workshopHours(settings, this.hours),
      clock: clockFromEnv(this.env),
    });
    const failed = report.checks.filter((c) => c.status === "fail").length;
    const ui = await import("../../ui/preflight.js");
    const out = this.context.stdout;
    if (this.json) {
      out.write(jsonText(ui.checkReportJson(report)));
      return failed ? EXIT.error : EXIT.ok;
    }
    const s = this.style;
    out.write(`${s.bold(`Workshop ${report.workshop}`)}: ${ui.launchWhat(report)}\n`);
    const { tableWidth } = await import("../../ui/terminal.js");
    const { fitToTerminal } = await import("../../ui/wrap.js");
    const width = tableWidth(out);
    out.write(ui.renderChecks(report.checks, s, "  ", width));
    out.write(ui.renderCost(report.cost, s, "  ", width));
    const warned = report.checks.filter((c) => c.status === "warn").length;
    if (failed) out.write(`\n${fitToTerminal(out, `${s.red("✗")} ${failed} check${failed === 1 ? "" : "s"} failed: fix ${failed === 1 ? "it" : "them"} before the workshop, then check again.`)}\n`);
    else
      out.write(
        `\n${fitToTerminal(out, `${s.green("✔")} Ready to launch ${count}${warned ? ` (${warned} warning${warned === 1 ? "" : "s"})` : ""}:`)}\n  ${commandToType(`instances create --workshop ${report.workshop} --count ${count}`)}\n`,
      );
    return failed ? EXIT.error : EXIT.ok;
  }
}
