import { Command, Option } from "clipanion";
import { UserError } from "../../errors.js";
import { stackConfigPath, workshopHome } from "../../home.js";
import { adoptsOnBuilt, replacingChanges } from "../../workshops/changes.js";
import { prepareWorkshopDir } from "../../workshops/project.js";
import { PROJECT, checkBuildable, cidrFamily, checkWorkshopName, readSettings, settingsToConfig, type WorkshopSettings } from "../../workshops/settings.js";
import { EXIT } from "../base.js";
import { describeOutputs, ensurePlugin, liveInstanceLines, ioOf, pulumiOrInstall, upWithProgress } from "./deploy.js";
import { WorkshopSettingsCommand } from "./settings-flags.js";
import { CATALOG } from "../catalog.js";
import { commandToType } from "../../invocation.js";

export class WorkshopUpdateCommand extends WorkshopSettingsCommand {
  static override paths = CATALOG.workshopUpdate.paths.map((p) => [...p]);

  static override usage = Command.Usage({
    category: CATALOG.workshopUpdate.category,
    description: CATALOG.workshopUpdate.description,
    details: `
      Applies the given flags to \`stacks/Pulumi.<name>.yaml\` and runs \`pulumi up\` again. Without flags it
      re-applies the current settings (e.g. after fixing what made \`workshop create\` fail).

      A changed AMI, instance type, key pair, volume or user data makes a new version of the launch
      template and makes it the default: instances launched from then on use it; running ones keep theirs.
      Ports and CIDRs change the security group in place. The region cannot change (destroy the workshop
      and create it again). While the workshop has live instances, a change that would replace or remove
      its network (\`--vpc-cidr\`, fewer \`--azs\`) is refused; adopting a template (\`--launch-template\`)
      on a workshop that built its own is always refused. The Availability Zones chosen at creation are
      kept, and IPv6, once on, stays on. Ctrl-C cancels gracefully.
    `,
    examples: [
      ["Use a new image", "$0 workshop update intro-linux --ami ami-0fedcba9876543210"],
      ["Allow more seats and open a web port", "$0 workshop update intro-linux --maximum 40 --ports 22,8080"],
      ["Retry after a failed create", "$0 workshop update intro-linux"],
    ],
  });

  name = Option.String({ name: "name" });

  protected async run(): Promise<number> {
    checkWorkshopName(this.name);
    this.checkGivenSettings(this.name);
    const home = workshopHome(this.env);
    const current = await readSettings(home, this.name);
    const given = this.givenSettings();
    if (given["aws:region"] !== undefined && given["aws:region"] !== current.region)
      throw new UserError(
        `Workshop "${this.name}" lives in ${current.region}; it cannot move. Destroy it (\`${commandToType(`workshop destroy ${this.name}`)}\`) and create it again in the other region.`,
      );
    delete given["aws:region"];
    const userDataKey = `${PROJECT}:userDataFile`;
    if (typeof given[userDataKey] === "string") given[userDataKey] = this.checkUserDataFile(given[userDataKey]);
    const merged = this.toSettings(this.name, { ...settingsToConfig(current), ...given });
    if (adoptsOnBuilt(current, merged))
      throw new UserError(
        `Workshop "${this.name}" built its own network and launch template; adopting ${merged.launchTemplate} would delete them. Create a new workshop with --launch-template instead.`,
      );
    if (given[`${PROJECT}:launchTemplate`] === undefined && current.launchTemplate && Object.keys(given).some((k) => /ami|instanceType/.test(k)))
      throw new UserError(`Workshop "${this.name}" adopts ${current.launchTemplate}; change that template in EC2, not here.`);
    checkBuildable(merged);
    if (current.ipv6 && !merged.cidrs.some((c) => cidrFamily(c) === 6))
      this.context.stdout.write(
        "IPv6 stays on for this workshop's network (turning it off would remove the VPC's IPv6 block under its subnets); only the security group's IPv6 rules go.\n",
      );

    // The directory (writable, Pulumi.yaml right), then the CLI: nothing is written before the checks below.
    for (const note of await prepareWorkshopDir(home)) this.context.stdout.write(`${note}\n`);
    const io = ioOf({ context: this.context, env: this.env, style: this.style, interactive: this.interactive });
    const pulumiCommand = await pulumiOrInstall(io);
    const { WorkshopStacks } = await import("../../workshops/stacks.js");
    const { writeSettings } = await import("../../workshops/settings.js");
    const target = this.workshopTarget(current);
    const stacks = await WorkshopStacks.open({ home, env: this.env, profile: target.profile, endpointUrl: target.endpointUrl }, pulumiCommand);
    const stack = await stacks.select(this.name);

    // The AZs the network already uses (settings of an earlier version kept none: read them off the stack).
    let kept = current.azs ?? keysOf(current.outputs?.subnetIds);
    if (!kept && !current.launchTemplate) kept = keysOf((await stacks.outputs(this.name)).subnetIds?.value as Record<string, string> | undefined);
    const settings = await this.checkAgainstAws({ ...merged, azs: kept }, stackConfigPath(home, this.name), { creating: false });
    await this.refuseReplacingWhileLive({ ...current, azs: kept }, settings);

    await ensurePlugin(io, stacks);
    // Written only now: a bad value, a missing stack or live instances changed nothing.
    await writeSettings(home, settings);
    const { outputs, counts } = await upWithProgress(io, stacks, stack, settings, `Updating workshop "${this.name}"`, `update of workshop "${this.name}"`);

    const out = this.context.stdout;
    out.write(`${describeOutputs(outputs).join("\n")}\n`);
    const templateChanged = (counts.update ?? 0) + (counts.replace ?? 0) > 0 && outputs.launchTemplateVersion !== undefined && !settings.launchTemplate;
    if (templateChanged && Number(outputs.launchTemplateVersion) > 1)
      out.write(
        `The launch template ${outputs.launchTemplateName} now has a new default version (${outputs.launchTemplateVersion}): instances launched from now on use it; running ones keep theirs.\n`,
      );
    out.write(`Workshop "${this.name}" is up to date.\n`);
    return EXIT.ok;
  }

  /** A change that replaces or removes the network, while instances use it: refused, naming them. */
  private async refuseReplacingWhileLive(current: WorkshopSettings, next: WorkshopSettings): Promise<void> {
    const changes = replacingChanges(current, next);
    if (!changes.length) return;
    const { openEc2, liveInstances } = await import("../../workshops/live.js");
    const ec2 = openEc2(this.workshopTarget(current));
    let live;
    try {
      live = await liveInstances(ec2, this.name);
    } finally {
      ec2.destroy();
    }
    if (!live.length) return;
    this.context.stderr.write(`Workshop "${this.name}" has ${live.length} instance(s) that are not terminated:\n${liveInstanceLines(live).join("\n")}\n`);
    throw new UserError(
      `Refusing to update workshop "${this.name}" while it has instances: ${changes.join("; ")}. Terminate them first (\`${commandToType(`instances destroy --workshop ${this.name} --all --yes`)}\`), or leave that setting as it is.`,
    );
  }
}

function keysOf(map: Record<string, string> | undefined): string[] | undefined {
  const keys = Object.keys(map ?? {});
  return keys.length ? keys : undefined;
}
