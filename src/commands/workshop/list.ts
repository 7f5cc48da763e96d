import { Command, Option } from "clipanion";
import { workshopHome } from "../../home.js";
import { renderTable } from "../../ui/table.js";
import { tableWidth } from "../../ui/terminal.js";
import { launchTemplateName } from "../../workshops/settings.js";
import { BaseCommand, EXIT } from "../base.js";
import { CATALOG } from "../catalog.js";
import { commandToType } from "../../invocation.js";
import { fitToTerminal } from "../../ui/wrap.js";
import { jsonText, visible } from "../../ui/visible.js";

export class WorkshopListCommand extends BaseCommand {
  static override paths = CATALOG.workshopList.paths.map((p) => [...p]);
  static override readOnly = true;

  static override usage = Command.Usage({
    category: CATALOG.workshopList.category,
    description: CATALOG.workshopList.description,
    details: `
      Every workshop with a settings file in \`stacks/\` or a stack in the Pulumi backend (with \`--region\`, only
      those in that region). The last update needs the Pulumi CLI; the live instance count (every state but
      terminated, read in each workshop's own region) needs AWS credentials: without them the column shows
      "?" and a note says why.
    `,
    examples: [
      ["List workshops", "$0 workshop list"],
      ["As JSON", "$0 workshop list --json"],
      ["Only the workshops in one region", "$0 workshop list --region eu-west-1"],
    ],
  });

  json = Option.Boolean("--json", false, { description: "Print a JSON array instead of the table" });

  protected async run(): Promise<number> {
    const { gatherOverview, formatTime, liveTotal } = await import("../../workshops/overview.js");
    const target = this.awsTarget();
    const { rows, notes } = await gatherOverview({
      home: workshopHome(this.env),
      env: this.env,
      target: (region) => this.awsTarget(region),
      ...(target.region && this.region !== undefined ? { inRegion: target.region } : {}),
      profile: target.profile,
      endpointUrl: target.endpointUrl,
    });
    const out = this.context.stdout;
    if (this.json) {
      const data = rows.map((r) => ({
        name: r.name,
        region: r.settings?.region ?? null,
        launchTemplate: r.settings ? (r.settings.launchTemplate ?? launchTemplateName(r.name)) : null,
        adopted: Boolean(r.settings?.launchTemplate),
        maximum: r.settings?.maximum ?? null,
        lastUpdate: r.lastUpdate ?? null,
        inBackend: r.inBackend ?? null,
        liveInstances: r.live ? Object.values(r.live).reduce((a, b) => a + b, 0) : null,
        liveByState: r.live ?? null,
        problem: r.settingsError ?? null,
      }));
      out.write(jsonText(data));
      return EXIT.ok;
    }
    if (rows.length === 0) {
      out.write(
        this.region !== undefined
          ? `No workshops in ${target.region ?? this.region}.\n`
          : `No workshops yet. Create one with \`${commandToType("workshop create")}\`.\n`,
      );
    } else {
      out.write(
        `${renderTable(
          rows,
          [
            { header: "WORKSHOP", value: (r) => r.name },
            { header: "REGION", value: (r) => r.settings?.region ?? "" },
            { header: "TEMPLATE", value: (r) => (r.settings ? (r.settings.launchTemplate ?? launchTemplateName(r.name)) : ""), minWidth: 12, dropOrder: 1 },
            { header: "MAX", value: (r) => (r.settings ? String(r.settings.maximum) : ""), align: "right" },
            { header: "LAST UPDATE", value: (r) => formatTime(r.lastUpdate) || (r.inBackend === false ? "not built" : "") },
            { header: "LIVE", value: (r) => (r.settings ? liveTotal(r.live) : ""), align: "right" },
            { header: "", value: (r) => r.settingsError ?? "", paint: (cell) => (cell ? this.style.yellow(cell) : cell), minWidth: 20 },
          ],
          { style: this.style, width: tableWidth(out) },
        )}\n`,
      );
    }
    for (const n of notes) out.write(`${this.style.dim(fitToTerminal(out, visible(n)))}\n`);
    return EXIT.ok;
  }
}
