// The setting flags `workshop create` and `workshop update` share, and their mapping onto the
// stack config keys (validated with the same typanion rules as the config file and the program).
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { Option } from "clipanion";
import { checkUsableRegion } from "../../aws/regions.js";
import { InputError } from "../../errors.js";
import { MAX_SEATS } from "../../instances/seats.js";
import { BaseCommand } from "../base.js";
import { PROJECT, settingsFromConfig, type WorkshopSettings } from "../../workshops/settings.js";
import { visible } from "../../ui/visible.js";

/** Setting key -> the flag that sets it (for error lines). */
export const FLAG_OF: Record<string, string> = {
  "aws:region": "--region",
  region: "--region",
  maximum: "--maximum",
  instructions: "--instructions",
  ami: "--ami",
  instanceType: "--instance-type",
  launchTemplate: "--launch-template",
  ports: "--ports",
  cidrs: "--cidrs",
  keyPair: "--key-pair",
  volumeSize: "--volume-size",
  volumeType: "--volume-type",
  volumeIops: "--volume-iops",
  userDataFile: "--user-data-file",
  vpcCidr: "--vpc-cidr",
  azCount: "--azs",
  hours: "--hours",
  readyWhen: "--ready-when",
};

export const flagFor = (key: string): string => FLAG_OF[key] ?? `--${key}`;

export abstract class WorkshopSettingsCommand extends BaseCommand {
  ami = Option.String("--ami", { description: "The AMI of the prepared image (ami-...)" });
  instanceType = Option.String("--instance-type", { description: "Instance type, e.g. t3.micro" });
  maximum = Option.String("--maximum", { description: `Seats: the most instances the workshop has at once, 1-${MAX_SEATS} (suggested: 25)` });
  instructions = Option.String("--instructions", { description: "Text shown after a launch, e.g. how attendees log in (\\n for new lines; {address}, {seat} and {name} are filled per seat)" });
  ports = Option.Array("--ports", { description: "TCP ports to open, comma-separated or repeated: 22,8000-8999 (default 22)" });
  cidrs = Option.Array("--cidrs", { description: "Who may connect: IPv4/IPv6 CIDRs, comma-separated or repeated (default 0.0.0.0/0,::/0)" });
  keyPair = Option.String("--key-pair", { description: "An existing EC2 key pair name for SSH (optional)" });
  volumeSize = Option.String("--volume-size", { description: "Root volume size in GiB (default 16)" });
  volumeType = Option.String("--volume-type", { description: "Root volume type: gp3 (default), gp2, io1, io2 or standard (types an instance can boot from)" });
  volumeIops = Option.String("--volume-iops", { description: "Provisioned IOPS of the root volume: required for io1/io2, optional for gp3 (3000-16000)" });
  userDataFile = Option.String("--user-data-file", { description: "A file whose content runs at first boot (user data)" });
  vpcCidr = Option.String("--vpc-cidr", { description: "The VPC's IPv4 CIDR, /16 to /24 (default 10.42.0.0/16)" });
  azs = Option.String("--azs", { description: "Availability Zones to spread over, 1-3 (default 3)" });
  launchTemplate = Option.String("--launch-template", { description: "Adopt an existing launch template (lt-...): no network is built" });
  hours = Option.String("--hours", { description: "How long the workshop runs, in hours, for the cost estimate (default 8)" });
  readyWhen = Option.String("--ready-when", {
    description: "When a launched machine is handed out: service-or-checks (default: its first port answers, or EC2's status checks pass), service, or checks",
  });

  /** The setting flags given on the command line, as stack config entries (`ec2-workshop:<key>`). */
  protected givenSettings(): Record<string, unknown> {
    const list = (values: string[] | undefined): string[] | undefined =>
      values?.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
    const entries: [string, unknown][] = [
      ["ami", this.ami],
      ["instanceType", this.instanceType],
      ["maximum", this.maximum],
      ["instructions", this.instructions?.replace(/\\n/g, "\n")],
      ["ports", list(this.ports)],
      ["cidrs", list(this.cidrs)],
      ["keyPair", this.keyPair],
      ["volumeSize", this.volumeSize],
      ["volumeType", this.volumeType],
      ["volumeIops", this.volumeIops],
      ["userDataFile", this.userDataFile],
      ["vpcCidr", this.vpcCidr],
      ["azCount", this.azs],
      ["launchTemplate", this.launchTemplate],
      ["hours", this.hours],
      ["readyWhen", this.readyWhen],
    ];
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) if (v !== undefined) out[`${PROJECT}:${k}`] = v;
    if (this.region !== undefined) out["aws:region"] = this.region;
    return out;
  }

  /**
   * Checks the given flags alone (before any prompt or file): a bad value is one line, exit 2.
   * Placeholders stand in for required settings that were not given.
   */
  protected checkGivenSettings(name: string): void {
    const placeholder = { "aws:region": "us-east-1", [`${PROJECT}:maximum`]: 1 };
    settingsFromConfig(name, { ...placeholder, ...this.givenSettings() }, { flagFor });
    if (this.region !== undefined) checkUsableRegion(this.region.trim(), "--region", this.awsTarget().endpointUrl);
    if (
      this.launchTemplate &&
      (this.ports || this.cidrs || this.vpcCidr || this.azs || this.keyPair || this.userDataFile || this.volumeSize || this.volumeType || this.volumeIops)
    )
      throw new InputError(
        "--launch-template adopts a template as it is: --ports, --cidrs, --vpc-cidr, --azs, --key-pair, --volume-* and --user-data-file do not apply.",
      );
  }

  /**
   * --user-data-file as the user means it: relative to where the command runs (the program
   * would read a relative path from the workshop directory), and existing.
   */
  protected checkUserDataFile(path: string): string {
    const file = isAbsolute(path) ? path : resolve(process.cwd(), path);
    if (!existsSync(file)) throw new InputError(`Invalid --user-data-file: ${file} does not exist.`);
    return file;
  }

  /** Validates a complete config; flag-named errors, exit 2. */
  protected toSettings(name: string, config: Record<string, unknown>): WorkshopSettings {
    return settingsFromConfig(name, config, { flagFor });
  }

  /**
   * The settings checked against AWS in their region (AMI, root snapshot, key pair, adopted
   * template, Availability Zones) before anything is written or created; warnings are printed.
   * Returns the settings with the Availability Zones to use.
   */
  protected async checkAgainstAws(settings: WorkshopSettings, file: string, o: { creating: boolean }): Promise<WorkshopSettings> {
    const { createEc2Client } = await import("../../aws/clients.js");
    const { checkAgainstAws } = await import("../../workshops/value-checks.js");
    const { clockFromEnv } = await import("../../clock.js");
    const given = this.givenSettings();
    const ec2 = createEc2Client(this.awsTarget(settings.region));
    try {
      const result = await checkAgainstAws(ec2, settings, {
        // A new workshop's values are all the command line's (given or defaulted); an update's are the file's unless given.
        givenAs: (key) => (o.creating || given[`${PROJECT}:${key}`] !== undefined ? flagFor(key) : undefined),
        file,
        now: clockFromEnv(this.env).wallNow(),
      });
      for (const warning of result.warnings) this.context.stderr.write(`${this.errStyle.yellow("Warning:")} ${visible(warning)}\n`);
      return result.azs ? { ...settings, azs: result.azs } : settings;
    } finally {
      ec2.destroy();
    }
  }
}
