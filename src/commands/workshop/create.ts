import { existsSync } from "node:fs";
import { Command, Option } from "clipanion";
import { checkUsableRegion } from "../../aws/regions.js";
import { InputError, UserError } from "../../errors.js";
import { stackConfigPath, workshopHome } from "../../home.js";
import { prepareWorkshopDir } from "../../workshops/project.js";
import { DEFAULTS, PROJECT, checkBuildable, checkWorkshopName, formatPortRange } from "../../workshops/settings.js";
import { EXIT } from "../base.js";
import { describeOutputs, ensurePlugin, ioOf, pulumiOrInstall, upWithProgress } from "./deploy.js";
import { WorkshopSettingsCommand } from "./settings-flags.js";
import { CATALOG } from "../catalog.js";
import { commandToType } from "../../invocation.js";

type Clack = typeof import("@clack/prompts");

export class WorkshopCreateCommand extends WorkshopSettingsCommand {
  static override paths = CATALOG.workshopCreate.paths.map((p) => [...p]);

  static override usage = Command.Usage({
    category: CATALOG.workshopCreate.category,
    description: CATALOG.workshopCreate.description,
    details: `
      Builds what every instance of the workshop needs: a VPC, one public subnet in each of up to three
      Availability Zones that offer the instance type, an internet gateway and routes, a security group
      opening the ports to the CIDRs, and the launch template \`ec2-workshop-<name>\` (AMI, instance type,
      key pair, user data, IMDSv2 required, root volume, Workshop tags). With \`--launch-template lt-...\` it
      adopts an existing template instead and builds no network.

      At a terminal it asks for whatever the flags leave out; elsewhere the flags are the answers
      (\`--ami\` and \`--instance-type\`, or \`--launch-template\`, are then required). Every value is
      checked first, with AWS too (the AMI exists in the region and its root snapshot fits the volume,
      the key pair exists, the Availability Zones offer the type): nothing is written or created
      before. The settings go to \`stacks/Pulumi.<name>.yaml\` in the workshop directory; the stack's
      state to the Pulumi backend (see README, "Where state lives"). Needs the Pulumi CLI; the AWS
      provider plugin is installed on first use. Ctrl-C cancels gracefully (Pulumi finishes what it
      started and releases the stack).
    `,
    examples: [
      ["Answer the questions", "$0 workshop create"],
      [
        "Everything as flags",
        "$0 workshop create intro-linux --region eu-west-1 --ami ami-0123456789abcdef0 --instance-type t3.micro --maximum 30 --instructions 'ssh student@{address}'",
      ],
      ["Open SSH and a web port to one network", "$0 workshop create web101 --ports 22,8080 --cidrs 203.0.113.0/24 --ami ami-0123456789abcdef0 --instance-type t3.small"],
      ["Adopt an existing launch template", "$0 workshop create legacy --region us-east-1 --launch-template lt-0abc12345678def90 --maximum 20"],
    ],
  });

  name = Option.String({ required: false, name: "name" });
  yes = Option.Boolean("--yes,-y", false, { description: "Take the defaults for anything not given; ask nothing" });

  /** Where the new workshop's region came from (for the error line if AWS does not know it). */
  private regionSource = "--region";

  protected async run(): Promise<number> {
    if (this.name !== undefined) checkWorkshopName(this.name);
    this.checkGivenSettings(this.name ?? "workshop");
    const home = workshopHome(this.env);
    // The directory first: writable, set up, its Pulumi.yaml pointing at this installation.
    for (const note of await prepareWorkshopDir(home)) this.context.stdout.write(`${note}\n`);
    if (this.name !== undefined) this.refuseExisting(home, this.name);
    const io = ioOf({ context: this.context, env: this.env, style: this.style, interactive: this.interactive });
    // Fail fast, before any question: without the CLI nothing can be built.
    const pulumiCommand = await pulumiOrInstall(io);

    const clack = this.interactive && !this.yes ? await import("@clack/prompts") : undefined;
    clack?.intro("Create a workshop", { output: this.context.stdout });
    const name = this.name ?? (await this.askName(clack));
    this.refuseExisting(home, name);
    const config = await this.collect(clack);
    const given = this.toSettings(name, config);
    checkBuildable(given);
    if (given.userDataFile) given.userDataFile = this.checkUserDataFile(given.userDataFile);
    const settings = await this.checkAgainstAws(given, stackConfigPath(home, name), { creating: true });

    const { WorkshopStacks } = await import("../../workshops/stacks.js");
    const { writeSettings } = await import("../../workshops/settings.js");
    const target = this.awsTarget(settings.region, this.regionSource);
    const stacks = await WorkshopStacks.open({ home, env: this.env, profile: target.profile, endpointUrl: target.endpointUrl }, pulumiCommand);
    await ensurePlugin(io, stacks);
    const stack = await stacks.create(name);
    const file = await writeSettings(home, settings);
    this.context.stdout.write(`Settings written to ${file}\n`);
    const { outputs } = await upWithProgress(io, stacks, stack, settings, `Building workshop "${name}" in ${settings.region}`, `creation of workshop "${name}"`);

    const next = commandToType(`instances create --workshop ${name} --count <n>`);
    const lines = [
      `Workshop "${name}" is ready in ${settings.region} (${settings.maximum} seats).`,
      ...describeOutputs(outputs),
      "",
      `Next: ${next}`,
    ];
    if (clack) {
      clack.note(lines.join("\n"), "What's next?", { output: this.context.stdout });
      clack.outro(`Launch the instances with \`${next}\``, { output: this.context.stdout });
    } else {
      this.context.stdout.write(`${lines.join("\n")}\n`);
    }
    return EXIT.ok;
  }

  /** Where a new workshop goes when --region is not given: AWS_REGION / AWS_DEFAULT_REGION, else the profile's region (what setup stores). */
  private async ambientRegion(): Promise<{ name: string; source: string } | undefined> {
    const ambient = this.awsTarget();
    if (ambient.region) return { name: ambient.region, source: ambient.regionSource ?? "AWS_REGION" };
    const { awsFilePaths, readProfile } = await import("../../aws/credentials-file.js");
    const file = awsFilePaths(this.env).config;
    const profile = ambient.profile ?? "default";
    const stored = (await readProfile(file, "config", profile).catch(() => undefined))?.region?.trim();
    return stored ? { name: stored, source: `the region of profile "${profile}" in ${file}` } : undefined;
  }

  private refuseExisting(home: string, name: string): void {
    const file = stackConfigPath(home, name);
    if (existsSync(file))
      throw new UserError(`Workshop "${name}" already exists (${file}). Change it with \`${commandToType(`workshop update ${name}`)}\`, or choose another name.`);
  }

  private async askName(clack: Clack | undefined): Promise<string> {
    if (!clack) throw new InputError(`Name the workshop: \`${commandToType("workshop create <name>")}\` (lowercase letters, digits, hyphens).`);
    const value = await clack.text({
      message: "Workshop name (lowercase letters, digits, hyphens)",
      placeholder: "intro-linux",
      validate: (v) => {
        try {
          checkWorkshopName(v ?? "");
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
      input: this.context.stdin,
      output: this.context.stdout,
    });
    return this.answered(clack, value);
  }

  private answered<T>(clack: Clack, value: T): Exclude<T, symbol> {
    if (clack.isCancel(value)) {
      clack.cancel("Nothing was created.", { output: this.context.stdout });
      throw new UserError("Cancelled: nothing was created.", EXIT.error);
    }
    return value as Exclude<T, symbol>;
  }

  /** The settings: flags first, questions at a terminal for the rest, defaults or an error otherwise. */
  private async collect(clack: Clack | undefined): Promise<Record<string, unknown>> {
    const K = (k: string): string => `${PROJECT}:${k}`;
    const config: Record<string, unknown> = { ...this.givenSettings() };
    const io = { input: this.context.stdin, output: this.context.stdout };

    if (config["aws:region"] === undefined) {
      const ambient = await this.ambientRegion();
      if (clack) {
        config["aws:region"] = this.answered(clack, await clack.text({ message: "AWS region", initialValue: ambient?.name ?? "us-east-1", ...io }));
        this.regionSource = "the region prompt";
      } else if (ambient) {
        config["aws:region"] = ambient.name;
        this.regionSource = ambient.source;
      } else throw new InputError(`No region: pass --region, set AWS_REGION, or store one in your profile with \`${commandToType("setup")}\`.`);
      // --region was checked with the other flags; a region from elsewhere is checked as it comes in.
      checkUsableRegion(String(config["aws:region"]).trim(), this.regionSource, this.awsTarget().endpointUrl);
    }
    const adopting = config[K("launchTemplate")] !== undefined;

    if (!adopting && config[K("ami")] === undefined) {
      if (!clack) throw new InputError("Pass --ami ami-... and --instance-type (or --launch-template lt-... to adopt a template).");
      config[K("ami")] = await this.askAmi(clack, String(config["aws:region"]));
    }
    if (!adopting && config[K("instanceType")] === undefined) {
      if (!clack) throw new InputError("Pass --instance-type, e.g. t3.micro.");
      config[K("instanceType")] = this.answered(clack, await clack.text({ message: "Instance type", initialValue: "t3.micro", ...io }));
    }
    if (config[K("maximum")] === undefined) {
      config[K("maximum")] = clack
        ? this.answered(clack, await clack.text({ message: "Seats (the most instances at once)", initialValue: String(DEFAULTS.maximum), ...io }))
        : DEFAULTS.maximum;
    }
    if (config[K("instructions")] === undefined) {
      config[K("instructions")] = clack
        ? this.answered(
            clack,
            await clack.multiline({
              message: "Instructions shown after a launch (how attendees log in; several lines; {address}, {seat}, {name} are filled per seat)",
              placeholder: "ssh student@{address}   password: on the whiteboard",
              ...io,
            }),
          ) ?? ""
        : "";
    }
    if (!adopting && clack) {
      if (config[K("ports")] === undefined)
        config[K("ports")] = this.answered(
          clack,
          await clack.text({ message: "TCP ports to open (comma-separated)", initialValue: DEFAULTS.ports.map(formatPortRange).join(","), ...io }),
        );
      if (config[K("cidrs")] === undefined)
        config[K("cidrs")] = this.answered(
          clack,
          await clack.text({ message: "Who may connect (CIDRs, comma-separated)", initialValue: DEFAULTS.cidrs.join(","), ...io }),
        );
      if (config[K("keyPair")] === undefined) {
        const key = this.answered(clack, await clack.text({ message: "EC2 key pair for SSH (empty: none)", ...io }));
        if (key?.trim()) config[K("keyPair")] = key.trim();
      }
      if (config[K("volumeSize")] === undefined)
        config[K("volumeSize")] = this.answered(clack, await clack.text({ message: "Root volume size (GiB)", initialValue: String(DEFAULTS.volumeSize), ...io }));
      if (config[K("userDataFile")] === undefined) {
        const file = this.answered(clack, await clack.text({ message: "User data file run at first boot (empty: none)", ...io }));
        if (file?.trim()) config[K("userDataFile")] = file.trim();
      }
    }
    return config;
  }

  /** The AMIs this account owns, newest first, or an id typed in. */
  private async askAmi(clack: Clack, region: string): Promise<string> {
    const io = { input: this.context.stdin, output: this.context.stdout };
    let owned: { id: string; label: string }[] = [];
    try {
      const { listOwnedImages } = await import("../../workshops/images.js");
      owned = await listOwnedImages(this.awsTarget(region));
    } catch {
      clack.log.warn("Could not list your AMIs (no credentials or no access); type the AMI id instead.", { output: this.context.stdout });
    }
    if (owned.length) {
      const choice = this.answered(
        clack,
        await clack.select({
          message: "The prepared image (AMIs this account owns)",
          options: [...owned.slice(0, 20).map((a) => ({ value: a.id, label: a.label })), { value: "", label: "Another AMI id…" }],
          ...io,
        }),
      );
      if (choice) return choice;
    }
    return this.answered(
      clack,
      await clack.text({
        message: "AMI id of the prepared image",
        placeholder: "ami-0123456789abcdef0",
        validate: (v) => (/^ami-[0-9a-f]{8,17}$/.test(v ?? "") ? undefined : "An AMI id looks like ami-0123456789abcdef0"),
        ...io,
      }),
    );
  }
}
