import { Command, Option, UsageError } from "clipanion";
import { UserError } from "../errors.js";
import { BaseCommand, EXIT } from "./base.js";
import { CATALOG } from "./catalog.js";
import { jsonText } from "../ui/visible.js";

export class SweepCommand extends BaseCommand {
  static override paths = CATALOG.sweep.paths.map((p) => [...p]);

  static override usage = Command.Usage({
    category: CATALOG.sweep.category,
    description: CATALOG.sweep.description,
    details: `
      Finds every workshop's machines (tagged \`Workshop=<name>\` or \`ManagedBy=ec2-workshop\`) whose expiry
      (\`ec2-workshop:expires-at\`) has passed, shows them, and terminates them once you confirm (\`--yes\` in
      scripts; \`--dry-run\` only lists). It is the safety net when AWS could not enforce an expiry (no
      scheduler role in the workshop's stack, EventBridge Scheduler denied or missing), and after any
      workshop.

      It also lists what is left behind and still costs money, without touching it: live machines of
      workshops that have no settings file (\`stacks/Pulumi.<name>.yaml\`) in this workshop directory (the
      rule for "its stack no longer exists": destroyed, or built from another directory), detached volumes and
      Elastic IPs tagged with a workshop; with the AWS CLI commands that remove them.

      Regions: \`--region R\`, or \`--all-regions\` (every region enabled for the account), else the regions of
      the workshops in this directory and AWS_REGION. Nothing untagged is ever read as a workshop's, and
      each machine is read again just before terminating: it must still carry its Workshop tag and still be
      past its expiry.
    `,
    examples: [
      ["What would be terminated, everywhere", "$0 sweep --all-regions --dry-run"],
      ["Terminate the expired machines of one region", "$0 sweep --region eu-west-1 --yes"],
    ],
  });

  allRegions = Option.Boolean("--all-regions", false, { description: "Every region enabled for the account" });
  dryRun = Option.Boolean("--dry-run", false, { description: "Only list: terminate nothing" });
  yes = Option.Boolean("--yes,-y", false, { description: "Terminate without asking (required without a terminal)" });
  json = Option.Boolean("--json", false, { description: "Print the findings (and what was terminated) as JSON" });

  protected async run(): Promise<number> {
    if (this.allRegions && this.region) throw new UsageError("Give --region or --all-regions, not both.");
    if (this.dryRun && this.yes) throw new UsageError("Give --dry-run or --yes, not both.");
    const base = this.awsTarget();
    if (this.region) {
      // A region AWS does not have: one line with a "did you mean", before any call.
      const { checkUsableRegion } = await import("../aws/regions.js");
      checkUsableRegion(this.region, "--region", base.endpointUrl);
    }
    const { workshopHome } = await import("../home.js");
    const { listWorkshopNames, readSettings } = await import("../workshops/settings.js");
    const home = workshopHome(this.env);
    const known = new Set(await listWorkshopNames(home));
    const { clockFromEnv } = await import("../clock.js");
    const clock = clockFromEnv(this.env);
    const { createEc2Client } = await import("../aws/clients.js");
    const clientFor = (region: string) => createEc2Client({ ...base, region }, { retry: "caller" });

    const regions = await this.regions(known, home, readSettings, clientFor, clock);
    const { scanRegion, terminateExpired } = await import("../instances/sweep.js");
    const now = clock.wallNow();
    const seen = new Set<string>();
    const scans: { region: string; scan: Awaited<ReturnType<typeof scanRegion>> }[] = [];
    for (const region of regions) {
      const ec2 = clientFor(region);
      try {
        scans.push({ region, scan: await scanRegion(ec2, { region, known, now, clock, seen }) });
      } finally {
        ec2.destroy();
      }
    }
    const { renderSweep, sweepJson, renderSweepOutcome } = await import("../ui/sweep.js");
    const { timeFormatter } = await import("../ui/time.js");
    const time = timeFormatter(this.env);
    const expired = scans.flatMap((s) => s.scan.expired);
    const out = this.context.stdout;
    const { tableWidth } = await import("../ui/terminal.js");
    const width = tableWidth(out);
    if (!this.json) out.write(`${renderSweep({ scans, regions, home, now, time, style: this.style, width })}\n`);
    if (expired.length === 0 || this.dryRun) {
      if (this.json) out.write(jsonText(sweepJson({ scans, regions, now, dryRun: this.dryRun })));
      else if (this.dryRun && expired.length) {
        const { commandToType } = await import("../invocation.js");
        const { fitWidth } = await import("../ui/wrap.js");
        const same = this.region ? ` --region ${this.region}` : this.allRegions ? " --all-regions" : "";
        out.write(
          `\n${fitWidth(`Dry run: nothing was terminated. To terminate the ${expired.length} expired machine${expired.length === 1 ? "" : "s"}:`, width)}\n  ${commandToType(`sweep${same} --yes`)}\n`,
        );
      }
      return EXIT.ok;
    }
    if (!this.yes) {
      if (!this.interactive || this.json)
        throw new UserError(
          `Refusing to terminate ${expired.length} expired machine${expired.length === 1 ? "" : "s"} without confirmation: there is no terminal to ask in. Add --yes to confirm, or --dry-run to only list. Nothing was terminated.`,
        );
      const { LineReader, confirmTermination } = await import("../ui/destroy-prompt.js");
      const reader = new LineReader(this.context.stdin, out);
      let decision;
      try {
        decision = await confirmTermination({ reader, out, style: this.style, count: expired.length });
      } finally {
        reader.close();
      }
      if (decision !== "y") {
        out.write("Cancelled: nothing was terminated.\n");
        return EXIT.error;
      }
    }
    const results: Awaited<ReturnType<typeof terminateExpired>>[] = [];
    const { commandToType } = await import("../invocation.js");
    const lastWords = `Stopped while terminating ${expired.length} expired machine${expired.length === 1 ? "" : "s"}: some may still be running. Check with \`${commandToType("sweep --dry-run")}\`.`;
    await this.sayingIfStopped(lastWords, async () => {
      for (const { region, scan } of scans) {
        if (scan.expired.length === 0) continue;
        const ec2 = clientFor(region);
        try {
          results.push(await terminateExpired(ec2, scan.expired, { clock, now: () => clock.wallNow(), signal: this.abortSignal }));
        } finally {
          ec2.destroy();
        }
      }
    });
    const terminated = results.flatMap((r) => r.terminated);
    const skipped = results.flatMap((r) => r.skipped);
    if (this.json) out.write(jsonText(sweepJson({ scans, regions, now, dryRun: false, terminated, skipped })));
    else out.write(`${renderSweepOutcome(terminated, skipped, this.style)}\n`);
    return EXIT.ok;
  }

  /** --region, --all-regions, else the directory's workshops' regions and AWS_REGION. */
  private async regions(
    known: ReadonlySet<string>,
    home: string,
    readSettings: (home: string, name: string) => Promise<{ region: string }>,
    clientFor: (region: string) => import("@aws-sdk/client-ec2").EC2Client,
    clock: import("../clock.js").Clock,
  ): Promise<string[]> {
    if (this.region) return [this.region];
    const ambient = this.awsTarget().region;
    if (this.allRegions) {
      const ec2 = clientFor(ambient ?? "us-east-1");
      try {
        // Through our module, never `import("@aws-sdk/client-ec2")` itself: a lazy import of the
        // whole package would keep every EC2 command and shape in the bundle (scripts/bundle.mjs).
        const { enabledRegions } = await import("../instances/sweep.js");
        return await enabledRegions(ec2, clock);
      } finally {
        ec2.destroy();
      }
    }
    const regions = new Set<string>();
    for (const name of known) {
      try {
        regions.add((await readSettings(home, name)).region);
      } catch {
        // A damaged settings file: its region is unknown; --region or --all-regions reach it.
      }
    }
    if (ambient) regions.add(ambient);
    if (regions.size === 0) throw new UsageError("No region to sweep: pass --region R or --all-regions (this workshop directory has no workshops, and AWS_REGION is not set).");
    return [...regions].sort();
  }
}
