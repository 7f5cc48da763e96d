// The base of every command: global options and the error boundary (one line, right exit code).
import { Command, Option, UsageError, type BaseContext } from "clipanion";
import { describeError, exitCodeOf } from "../errors.js";
import { takeHomeNotes, type Env } from "../home.js";
import { resolveTarget, workshopTarget, type AwsTarget, type WorkshopPlace } from "../aws/target.js";
import { styleFor, type Style } from "../ui/style.js";
import { isInteractive } from "../ui/terminal.js";

export interface AppContext extends BaseContext {
  /** The environment the command sees (tests pass their own). */
  env: Env;
}

export const EXIT = { ok: 0, error: 1, usage: 2, partial: 3 } as const;

export abstract class BaseCommand extends Command<AppContext> {
  profile = Option.String("--profile", {
    description: "AWS named profile (default: AWS_PROFILE, else the SDK's default chain)",
  });
  region = Option.String("--region", {
    description: "AWS region (a workshop's commands use its own and refuse another; elsewhere the default is AWS_REGION / the profile's)",
  });
  endpointUrl = Option.String("--endpoint-url", {
    description: "EC2-compatible endpoint, e.g. the simulator (default: AWS_ENDPOINT_URL_EC2)",
  });
  debug = Option.Boolean("--debug", false, { description: "Show stack traces on errors (or set DEBUG=ec2-workshop)" });

  /** The command's work; returns the exit code (0 when nothing is returned). */
  protected abstract run(): Promise<number | void>;

  async execute(): Promise<number> {
    try {
      return (await this.run()) ?? EXIT.ok;
    } catch (err) {
      return this.reportError(err);
    } finally {
      // What finding the workshop directory did (e.g. moved an earlier version's workshops).
      for (const note of takeHomeNotes()) this.context.stderr.write(`${note}\n`);
    }
  }

  protected get env(): Env {
    return this.context.env;
  }

  protected get style(): Style {
    return styleFor(this.context.stdout, this.env);
  }

  protected get errStyle(): Style {
    return styleFor(this.context.stderr, this.env);
  }

  protected get interactive(): boolean {
    return isInteractive(this.context.stdin, this.context.stdout);
  }

  /** Where to send AWS calls: `region` when given (see resolveTarget), else --region, else AWS_REGION. */
  protected awsTarget(region?: string, regionSource?: string): AwsTarget {
    return resolveTarget({ profile: this.profile, region: this.region, endpointUrl: this.endpointUrl }, this.env, region, regionSource);
  }

  /** Where an existing workshop's AWS calls go: its own region; a --region naming another is refused (workshopTarget). */
  protected workshopTarget(workshop: WorkshopPlace): AwsTarget {
    return workshopTarget({ profile: this.profile, region: this.region, endpointUrl: this.endpointUrl }, this.env, workshop);
  }

  protected reportError(err: unknown): number {
    const s = this.errStyle;
    if (err instanceof UsageError) {
      this.context.stderr.write(`${s.red("Usage error:")} ${err.message.split("\n")[0]}\n`);
      this.context.stderr.write(`Run \`ec2-workshop ${this.path.join(" ")} --help\` for the options.\n`);
      return EXIT.usage;
    }
    this.context.stderr.write(`${s.red("Error:")} ${describeError(err)}\n`);
    if (this.debug || /\bec2-workshop\b|^\*$/.test(this.env.DEBUG ?? "")) {
      this.context.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    }
    return exitCodeOf(err);
  }
}
