// The base of every command: global options and the error boundary (one line, right exit code).
import { Command, Option, UsageError, type BaseContext } from "clipanion";
import { describeError, exitCodeOf } from "../errors.js";
import { takeHomeNotes, type Env } from "../home.js";
import { RunControl, STOP_GRACE_MS, type StopSignal } from "../interrupts.js";
import { writeError } from "./error-output.js";
import { helpHint, rephraseInvalidValue } from "./usage-errors.js";
import { resolveTarget, workshopTarget, type AwsTarget, type WorkshopPlace } from "../aws/target.js";
import { styleFor, type Style } from "../ui/style.js";
import { isInteractive } from "../ui/terminal.js";

export interface AppContext extends BaseContext {
  /** The environment the command sees (tests pass their own). */
  env: Env;
  /** The run's stop switch: Ctrl-C / SIGTERM arrive here (src/interrupts.ts). */
  run?: RunControl;
}

export const EXIT = { ok: 0, error: 1, usage: 2, partial: 3 } as const;

export abstract class BaseCommand extends Command<AppContext> {
  /** Changes nothing (lists, shows): a Ctrl-C or a closed stdout may end it at once. */
  static readOnly = false;
  /** How long, once stopped by a signal, the command may take to finish before the process exits anyway. */
  static stopGraceMs = STOP_GRACE_MS;

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
      const code = (await this.run()) ?? EXIT.ok;
      // Stopped by a signal: the exit code says so, whatever the command made of it.
      return this.runControl.exitCode ?? code;
    } catch (err) {
      const stopped = this.runControl.exitCode;
      if (stopped !== undefined) {
        // Not an error: the person asked for it. One line, then the signal's exit code.
        this.context.stderr.write(`${(this.runControl.signal.reason as Error).message}\n`);
        return stopped;
      }
      return this.reportError(err);
    } finally {
      // What finding the workshop directory did (e.g. moved an earlier version's workshops).
      for (const note of takeHomeNotes()) this.context.stderr.write(`${note}\n`);
    }
  }

  private localControl?: RunControl;

  /** The run's stop switch: its `signal` is aborted by Ctrl-C / SIGTERM; pass it to every wait. */
  protected get runControl(): RunControl {
    return this.context.run ?? (this.localControl ??= new RunControl());
  }

  protected get abortSignal(): AbortSignal {
    return this.runControl.signal;
  }

  /**
   * `work` changes machines. Stopped part-way (Ctrl-C, SIGTERM, or a forced exit when a request
   * hangs), the run first says `lastWords` on stderr: what may or may not have happened, and the
   * command that shows it.
   */
  protected async sayingIfStopped<T>(lastWords: string, work: () => Promise<T>): Promise<T> {
    const control = this.runControl;
    const unsay = control.addLastWords(() => this.context.stderr.write(`${lastWords}\n`));
    try {
      return await work();
    } catch (err) {
      if (control.stoppedBy) control.sayLastWords();
      throw err;
    } finally {
      unsay();
    }
  }

  /**
   * `work` must not be cut in the middle (e.g. expiry tags moved but their schedules not): a first
   * signal only says it finishes first, and stops the run once it has; a second stops at once.
   */
  protected async finishingFirst<T>(what: string, work: () => Promise<T>): Promise<T> {
    const control = this.runControl;
    let received: StopSignal | undefined;
    const release = control.holdSignals((sig) => {
      if (received) {
        release();
        control.stop(sig);
        return;
      }
      received = sig;
      this.context.stderr.write(`\n${sig === "SIGINT" ? "Ctrl-C" : sig}: finishing ${what} first (a few seconds); again to stop at once.\n`);
    });
    try {
      return await work();
    } finally {
      release();
      if (received) control.stop(received);
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
    const target = resolveTarget({ profile: this.profile, region: this.region, endpointUrl: this.endpointUrl }, this.env, region, regionSource);
    // Every AWS call of the command ends when the run is stopped.
    return { ...target, signal: this.abortSignal };
  }

  /** Where an existing workshop's AWS calls go: its own region; a --region naming another is refused (workshopTarget). */
  protected workshopTarget(workshop: WorkshopPlace): AwsTarget {
    const target = workshopTarget({ profile: this.profile, region: this.region, endpointUrl: this.endpointUrl }, this.env, workshop);
    return { ...target, signal: this.abortSignal };
  }

  protected reportError(err: unknown): number {
    const s = this.errStyle;
    if (err instanceof UsageError) {
      writeError(this.context.stderr, s, rephraseInvalidValue(err.message), helpHint(this.path));
      return EXIT.usage;
    }
    writeError(this.context.stderr, s, describeError(err));
    if (this.debug || /\bec2-workshop\b|^\*$/.test(this.env.DEBUG ?? "")) {
      this.context.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    }
    return exitCodeOf(err);
  }
}
