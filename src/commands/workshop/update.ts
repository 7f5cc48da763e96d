import { Command, Option } from "clipanion";
import { UserError } from "../../errors.js";
import { workshopHome } from "../../home.js";
import { PROJECT, checkBuildable, checkWorkshopName, readSettings, settingsToConfig } from "../../workshops/settings.js";
import { EXIT } from "../base.js";
import { describeOutputs, pulumiOrInstall, upWithProgress, type Io } from "./deploy.js";
import { WorkshopSettingsCommand } from "./settings-flags.js";
import { CATALOG } from "../catalog.js";

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
      The region cannot change (destroy the workshop and create it again).
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
        `Workshop "${this.name}" lives in ${current.region}; it cannot move. Destroy it (\`ec2-workshop workshop destroy ${this.name}\`) and create it again in the other region.`,
      );
    delete given["aws:region"];
    const userDataKey = `${PROJECT}:userDataFile`;
    if (typeof given[userDataKey] === "string") given[userDataKey] = this.checkUserDataFile(given[userDataKey]);
    const settings = this.toSettings(this.name, { ...settingsToConfig(current), ...given });
    if (given[`${PROJECT}:launchTemplate`] === undefined && current.launchTemplate && Object.keys(given).some((k) => /ami|instanceType/.test(k)))
      throw new UserError(`Workshop "${this.name}" adopts ${current.launchTemplate}; change that template in EC2, not here.`);
    checkBuildable(settings);

    const io: Io = { stdin: this.context.stdin, stdout: this.context.stdout, env: this.env, style: this.style, interactive: this.interactive };
    const pulumiCommand = await pulumiOrInstall(io);
    const { WorkshopStacks } = await import("../../workshops/stacks.js");
    const { writeSettings } = await import("../../workshops/settings.js");
    const stacks = await WorkshopStacks.open(
      { home, env: this.env, profile: this.awsTarget().profile, endpointUrl: this.awsTarget().endpointUrl },
      pulumiCommand,
    );
    const stack = await stacks.select(this.name);
    // Written only now: a bad value or a missing stack changed nothing.
    await writeSettings(home, settings);
    const { outputs, counts } = await upWithProgress(io, stacks, stack, `Updating workshop "${this.name}"`);

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
}
