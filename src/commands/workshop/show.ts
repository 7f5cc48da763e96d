import { Command, Option } from "clipanion";
import { workshopHome } from "../../home.js";
import { checkWorkshopName, formatPortRange, launchTemplateName, readSettings } from "../../workshops/settings.js";
import { BaseCommand, EXIT } from "../base.js";
import { CATALOG } from "../catalog.js";
import { fitToTerminal } from "../../ui/wrap.js";
import { jsonText, visible, visibleText } from "../../ui/visible.js";

export class WorkshopShowCommand extends BaseCommand {
  static override paths = CATALOG.workshopShow.paths.map((p) => [...p]);
  static override readOnly = true;

  static override usage = Command.Usage({
    category: CATALOG.workshopShow.category,
    description: CATALOG.workshopShow.description,
    details: `
      The settings from \`stacks/Pulumi.<name>.yaml\`, the stack's outputs from the Pulumi backend (VPC,
      subnets by Availability Zone, security group, launch template; needs the Pulumi CLI) and the
      workshop's instances by state, the seats they hold, and the live machines' instance-hours and cost so
      far (needs AWS credentials). A source that cannot be read becomes a note.
    `,
    examples: [["Show a workshop", "$0 workshop show intro-linux"]],
  });

  name = Option.String({ name: "name" });
  json = Option.Boolean("--json", false, { description: "Print JSON instead of text" });

  protected async run(): Promise<number> {
    checkWorkshopName(this.name);
    const home = workshopHome(this.env);
    const settings = await readSettings(home, this.name);
    const { gatherOverview } = await import("../../workshops/overview.js");
    const target = this.workshopTarget(settings);
    const { rows, notes } = await gatherOverview({
      home,
      env: this.env,
      target: () => target,
      profile: target.profile,
      endpointUrl: target.endpointUrl,
      only: this.name,
      backend: false,
    });
    const row = rows[0];
    let outputs: Record<string, unknown> | undefined;
    const { whyNoEngine } = await import("../../workshops/overview.js");
    const noEngine = await whyNoEngine(home, this.env);
    if (noEngine) notes.unshift(`Stack outputs not read: ${noEngine}`);
    else
      try {
        const { WorkshopStacks } = await import("../../workshops/stacks.js");
        const stacks = await WorkshopStacks.open({ home, env: this.env, profile: target.profile, endpointUrl: target.endpointUrl });
        const raw = await stacks.outputs(this.name);
        outputs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
      } catch (err) {
        const { describeError } = await import("../../errors.js");
        notes.unshift(`Stack outputs not read: ${describeError(err)}`);
      }
    const cached = !outputs && settings.outputs;
    if (cached) outputs = { ...settings.outputs };
    const out = this.context.stdout;
    let soFar: Awaited<ReturnType<WorkshopShowCommand["soFar"]>> | undefined;
    if (row?.live && Object.keys(row.live).length) {
      try {
        soFar = await this.soFar(settings);
      } catch (err) {
        const { describeError } = await import("../../errors.js");
        notes.push(`Cost so far unknown: ${describeError(err)}`);
      }
    }
    if (this.json) {
      const spent = soFar ? { instances: soFar.usage.instances, instanceHours: Math.round(soFar.usage.instanceHours * 100) / 100, costUsd: soFar.spent.known ? Math.round(soFar.spent.usd * 100) / 100 : null } : null;
      out.write(
        jsonText({ settings: { ...settings, extra: undefined, outputs: undefined }, outputs: outputs ?? null, outputsCached: Boolean(cached), instances: row?.live ?? null, seats: row?.seats ?? null, soFar: spent, notes }),
      );
      return EXIT.ok;
    }
    const s = this.style;
    // Values from the settings file and AWS: made visible, so none can act on the terminal or add a line.
    const field = (label: string, value: string): string => `  ${label.padEnd(16)}${visible(value)}`;
    const lines = [
      s.bold(`Workshop ${settings.name}`),
      field("region", settings.region),
      field("maximum", `${settings.maximum} seats`),
    ];
    if (settings.hours !== undefined) lines.push(field("length", `${settings.hours} h (for the cost estimate)`));
    lines.push(field("ready when", settings.readyWhen ?? "service-or-checks (the default)"));
    if (settings.launchTemplate) lines.push(field("template", `${settings.launchTemplate} (adopted)`));
    else {
      lines.push(
        field("template", launchTemplateName(settings.name)),
        field("AMI", settings.ami ?? ""),
        field("instance type", settings.instanceType ?? ""),
        field("ports", settings.ports.map(formatPortRange).join(", ")),
        field("from", settings.cidrs.join(", ")),
        field("key pair", settings.keyPair ?? "(none)"),
        field("root volume", `${settings.volumeSize} GiB ${settings.volumeType}${settings.volumeIops !== undefined ? `, ${settings.volumeIops} IOPS` : ""}`),
        field("user data", settings.userDataFile ?? "(none)"),
        field("VPC CIDR", `${settings.vpcCidr}, ${settings.azs ? `in ${settings.azs.join(", ")}` : `up to ${settings.azCount} AZs`}${settings.ipv6 ? ", with IPv6" : ""}`),
      );
    }
    if (settings.instructions) lines.push("  instructions", ...visibleText(settings.instructions).split("\n").map((l) => `    ${l}`));
    if (outputs) {
      const { describeOutputs } = await import("./deploy.js");
      lines.push(s.bold(cached ? "Stack outputs (as of the last update, from the settings file)" : "Stack outputs"), ...describeOutputs(outputs).map((l) => `  ${visible(l)}`));
    }
    lines.push(s.bold("Instances"));
    if (row?.live) {
      const entries = Object.entries(row.live);
      lines.push(entries.length ? `  ${visible(entries.map(([state, n]) => `${n} ${state}`).join(", "))}` : "  none (terminated ones are not counted)");
    } else lines.push("  ?");
    if (row?.seats) {
      const { formatSeatList } = await import("../../instances/seats.js");
      const held = row.seats;
      lines.push(s.bold("Seats"), `  ${held.length} of ${settings.maximum} taken${held.length ? `: ${formatSeatList(held)}` : ""}`);
    }
    if (soFar && soFar.usage.instances > 0) {
      const { usageLine } = await import("../../ui/usage.js");
      const { tableWidth } = await import("../../ui/terminal.js");
      lines.push(usageLine(soFar.usage, soFar.spent, s, tableWidth(this.context.stdout), "  "));
    }
    out.write(`${lines.join("\n")}\n`);
    for (const n of notes) out.write(`${s.dim(fitToTerminal(out, visible(n)))}\n`);
    return EXIT.ok;
  }

  /** The live machines' instance-hours and cost so far (src/instances/usage.ts, src/preflight/spent.ts). */
  private async soFar(settings: import("../../workshops/settings.js").WorkshopSettings) {
    const target = this.workshopTarget(settings);
    const { openEc2, liveInstances } = await import("../../workshops/live.js");
    const ec2 = openEc2(target);
    try {
      const { clockFromEnv } = await import("../../clock.js");
      const { usageSoFar } = await import("../../instances/usage.js");
      const usage = usageSoFar(await liveInstances(ec2, settings.name), clockFromEnv(this.env).wallNow());
      const { spentSoFar } = await import("../../preflight/spent.js");
      return { usage, spent: await spentSoFar(usage, { settings, target, env: this.env }) };
    } finally {
      ec2.destroy();
    }
  }
}
