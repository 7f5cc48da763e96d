import { Command, Option, UsageError } from "clipanion";
import * as t from "typanion";
import { BaseCommand, EXIT } from "../base.js";
import { InputError } from "../../errors.js";
import { EXIT_ON_SIGNAL } from "../../interrupts.js";
import { commandToType } from "../../invocation.js";
import { MAX_SEATS } from "../../instances/seats.js";
import { ANY_SEATS, parseSelection } from "../../instances/select.js";
import { tableWidth } from "../../ui/terminal.js";
import { READY_WHEN } from "../../instances/readiness.js";
import { jsonText, visible } from "../../ui/visible.js";
import { CATALOG } from "../catalog.js";
import { chooseExpiry, confirmNoExpiry, expirySource, lifetimeOption, noExpiryOption } from "./expiry-options.js";
import { chooseWorkshopWithClients } from "./workshop-instances.js";

export class InstancesCreateCommand extends BaseCommand {
  static override paths = CATALOG.instancesCreate.paths.map((p) => [...p]);

  static override usage = Command.Usage({
    category: CATALOG.instancesCreate.category,
    description: CATALOG.instancesCreate.description,
    details: `
      Launches one instance per seat from the workshop's launch template (read from
      \`stacks/Pulumi.<workshop>.yaml\`; the Pulumi engine is not started), spread over the workshop's
      subnets when one Availability Zone runs out of capacity. A seat (1..the workshop's maximum) is an
      attendee's number: \`--count N\` takes the N lowest free seats, \`--seats 3,7-9\` exactly those (refused
      while one is taken). Every instance and volume is tagged at launch with the workshop, a batch id, its
      seat, who launched it and when, so nothing is ever untraceable or without a seat.

      It then waits, per instance, up to \`--launch-timeout\` to leave \`pending\` and up to
      \`--check-timeout\` more to be usable. \`--ready-when\` (else the workshop's \`readyWhen\` setting) says
      what counts: \`service-or-checks\` (the default) hands a machine out as soon as its service answers (the
      first of the workshop's \`ports\`, at its public address: for port 22 an SSH banner, for any other port
      an accepted connection) or EC2's status checks pass, whichever comes first; \`service\` only on an answer;
      \`checks\` only on the checks (the original tool's meaning, a minute or two later). Each seat's line
      comes up the moment its machine is ready, saying which signal made it so; a machine whose checks turn
      impaired before the run ends is withdrawn and reported as failed. At the end it prints one line per
      seat (its address), the workshop's instructions (\`{address}\`, \`{seat}\` and \`{name}\` in them are
      filled per seat), and for the seats without a ready machine the commands that give them one (replace
      the failed machines, or launch into free seats) or only terminate the failed ones (\`--json\` has the
      same seat lists under \`next\`). \`--replace-failed\` launches each replacement into
      the failed machine's seat. If a concurrent run took the same seats, the earlier
      launch keeps them and this run's machines move to free seats before the hand-out is printed.

      Every machine ends at its expiry (tag \`ec2-workshop:expires-at\`): \`--lifetime\` from now (default:
      the workshop's \`lifetime\` setting, else 12 h), terminated by AWS itself (an EventBridge Scheduler
      schedule per batch, made with the workshop stack's role), so a closed laptop changes nothing.
      \`ec2-workshop instances extend\` moves it; \`--no-expiry\` (asked to confirm; \`--yes\` in scripts) has none.

      Before it asks to confirm, it checks (in parallel, in well under a second) that the vCPU quota has
      room, that the type is offered in the workshop's AZs, that the AMI is available and fits, and that
      the subnets have free addresses: a failed check stops the run with nothing launched
      (\`--skip-checks\` skips them; \`ec2-workshop workshop check\` runs them all, and a DryRun). The
      confirmation names the type, AMI and region, and what the batch costs per hour and for the
      workshop's length (its \`hours\` setting, default 8).

      Exit codes: 0 all ready, 3 fewer ready than requested, 1 error, 2 bad input, 130/143 stopped by
      Ctrl-C / SIGTERM or SIGHUP (the instances keep running; the message says how to list or terminate
      them). At a terminal the first Ctrl-C asks whether to stop waiting; the run ends with the answer.
      Several runs for the same workshop may go on at once: each waits only for its own batch.
    `,
    examples: [
      ["Launch 25 instances for a workshop, asking for confirmation", "$0 instances create --workshop intro-linux --count 25"],
      ["Launch exactly seats 3 and 7 to 9 (e.g. the ones missing after a partial launch)", "$0 instances create --workshop intro-linux --seats 3,7-9 --yes"],
      ["Unattended, as JSON", "$0 instances create --workshop intro-linux --count 25 --yes --json"],
      ["Shorter timeouts, replacing instances that fail", "$0 instances create -w intro-linux -n 10 --launch-timeout 3m --check-timeout 4m --replace-failed"],
      ["Hand out only machines whose service answers (not on status checks alone)", "$0 instances create -w intro-linux -n 25 --ready-when service"],
      ["A two-day workshop: machines that live 36 hours", "$0 instances create --workshop intro-linux --count 25 --lifetime 36h"],
    ],
  });

  workshop = Option.String("--workshop,-w", { description: "The workshop (default: ask, when in a terminal)" });
  count = Option.String("--count,-n", {
    description: "How many instances, 1..the workshop's maximum (default: ask, when in a terminal)",
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(1)]),
  });
  seats = Option.String("--seats", { description: "Launch into exactly these free seats instead of --count: 3,7-9" });
  yes = Option.Boolean("--yes,-y", false, { description: "Do not ask for confirmation before launching" });
  json = Option.Boolean("--json", false, { description: "Print the result as JSON on stdout (progress goes to stderr)" });
  launchTimeout = Option.String("--launch-timeout", "5m", { description: "Per instance: time to leave pending, with a unit: 90s, 5m, 1m30s (default 5m)" });
  checkTimeout = Option.String("--check-timeout", "5m", { description: "Per instance: time to become usable once running, with a unit (default 5m)" });
  readyWhen = Option.String("--ready-when", {
    description: "What makes a machine ready: service-or-checks (default), service, or checks (default: the workshop's readyWhen setting)",
    validator: t.isEnum(READY_WHEN),
  });
  replaceFailed = Option.Boolean("--replace-failed", false, {
    description: "Terminate failed instances of this batch and launch replacements (up to 2 rounds)",
  });
  skipChecks = Option.Boolean("--skip-checks", false, {
    description: "Launch without the pre-launch checks (vCPU quota, AZ offerings, AMI, free addresses)",
  });
  lifetime = lifetimeOption();
  noExpiry = noExpiryOption();

  protected async run(): Promise<number> {
    const { phaseTimeouts } = await import("../../instances/durations.js");
    const { launchTimeoutMs, checkTimeoutMs } = phaseTimeouts(this.launchTimeout, this.checkTimeout);
    if (this.seats !== undefined && this.count !== undefined) throw new UsageError(`Give --count or --seats, not both.`);
    if (this.noExpiry && this.lifetime !== undefined) throw new UsageError("Give --lifetime or --no-expiry, not both.");
    const wantedSeats = this.seats === undefined ? undefined : parseSelection(this.seats, MAX_SEATS, ANY_SEATS);
    if (wantedSeats && !wantedSeats.ok) throw new UsageError(`--seats: ${wantedSeats.error}.`);

    const { clockFromEnv } = await import("../../clock.js");
    const { workshopHome } = await import("../../home.js");
    const clock = clockFromEnv(this.env);
    const home = workshopHome(this.env);
    // With --json, stdout carries only the JSON: questions and progress go to stderr.
    const ui = this.json ? this.context.stderr : this.context.stdout;
    const interactive = this.interactive;

    // No AWS call (nor the SDK's load) before the workshop and the count are chosen: the
    // prompts come up at once.
    const choice = await chooseWorkshopWithClients({
      home,
      given: this.workshop,
      interactive,
      stdin: this.context.stdin,
      stdout: ui,
      targetFor: (region) => this.awsTarget(region),
    });
    const settings = choice.settings;
    // A bad --lifetime (or lifetime setting) is said before anything else is asked.
    chooseExpiry({ lifetime: this.lifetime, noExpiry: this.noExpiry, settings, now: clock.wallNow() });
    const count = wantedSeats?.ok ? wantedSeats.rows.length : await this.resolveCount(settings.maximum, settings.name, interactive, ui);

    const { resolveReadiness } = await import("../../instances/readiness.js");
    const readiness = resolveReadiness(this.readyWhen, settings);
    const target = this.workshopTarget(settings);
    const { createEc2Client, createStsClient } = await import("../../aws/clients.js");
    // One HTTP request per call: launch, polling and the reads before them retry in backoff.ts,
    // within their deadlines on the tool's clock.
    const ec2 = createEc2Client(target, { retry: "caller" });
    const sts = createStsClient(target, this.env, { retry: "caller" });
    try {
      const { prepareBatch, createBatch, REPLACE_ROUNDS } = await import("../../instances/create-batch.js");
      const prep = await prepareBatch(ec2, sts, settings, clock, this.abortSignal);
      const { assignSeats } = await import("../../instances/seat-assignment.js");
      const { formatSeatList } = await import("../../instances/seats.js");
      const seats = assignSeats(prep.holders, {
        workshop: settings.name,
        maximum: settings.maximum,
        ...(wantedSeats?.ok ? { seats: wantedSeats.rows } : { count }),
      });
      const { preLaunchChecks } = await import("../../ui/pre-launch.js");
      const launching = await preLaunchChecks({
        ec2, target, env: this.env, settings, prep, count, clock, skipChecks: this.skipChecks,
        confirming: interactive && !this.yes, output: ui, style: this.json ? this.errStyle : this.style,
      });
      if (this.noExpiry && !(await confirmNoExpiry({ yes: this.yes, interactive, stdin: this.context.stdin, output: ui, count }))) {
        ui.write("Nothing launched.\n");
        return EXIT.error;
      }
      if (interactive && !this.yes) {
        const p = await import("@clack/prompts");
        const ok = await p.confirm({
          message: `Launch ${launching}, seat${count === 1 ? "" : "s"} ${formatSeatList(seats)}?`,
          input: this.context.stdin,
          output: ui,
          initialValue: true,
        });
        if (p.isCancel(ok) || ok !== true) {
          ui.write("Nothing launched.\n");
          return EXIT.error;
        }
      }

      const { createProgressView } = await import("../../ui/progress.js");
      const { askStopWaiting, guardInterrupts } = await import("../../ui/interrupt-guard.js");
      const { newBatchId } = await import("../../instances/launch.js");
      const { waitLines } = await import("../../ui/batch-report.js");
      const style = this.json ? this.errStyle : this.style;
      // The expiry counts from the launch, not from when the command started.
      const expiry = chooseExpiry({ lifetime: this.lifetime, noExpiry: this.noExpiry, settings, now: clock.wallNow() });
      const { expirySchedulesFor } = await import("../../instances/schedules.js");
      // Why expiry is not enforced by AWS, said once: as a line of the progress view once there is one.
      const say = { line: (m: string): void => void ui.write(`${style.yellow("!")} ${m}\n`) };
      const schedules = expirySchedulesFor({ settings, target, env: this.env, clock, onUnavailable: (m) => say.line(m) });
      if (expiry.expiry !== "never") schedules.announceIfUnavailable();
      const view = createProgressView({ output: ui, live: interactive, style, clock });
      say.line = (m) => view.line(style.yellow(m));
      const control = this.runControl;
      const guard = guardInterrupts({
        control,
        interactive,
        view,
        ask: (signal) =>
          askStopWaiting({ input: this.context.stdin, output: ui, signal, closedLabel: () => `Stopping now (${control.stoppedBy ?? "stopped"})` }),
      });
      const batch = newBatchId();
      let launchedIds: string[] = [];
      // RunInstances was asked: from here on, instances may exist that this run has not heard of.
      let launchAsked = false;
      // If the process has to exit before the report (a request that never returns), the
      // instances are still named, with the commands that find them.
      const unsayLastWords = control.addLastWords(() => this.writeRecoveryMessage("Stopped waiting.", settings.name, batch, launchedIds, "launched so far keep running"));
      let result;
      try {
        result = await createBatch(ec2, {
          settings,
          seats,
          prep,
          clock,
          batch,
          launchTimeoutMs,
          checkTimeoutMs,
          readiness,
          replaceRounds: this.replaceFailed ? REPLACE_ROUNDS : 0,
          expiresAt: expiry.expiry,
          schedules,
          signal: control.signal,
          events: {
            phase: (name, detail) => {
              if (name === "launch") launchAsked = true;
              view.phase(detail);
            },
            launched: (got, subnet) => {
              launchedIds = [...launchedIds, ...got.map((g) => g.instanceId)];
              const where = subnet ? ` in ${subnet.availabilityZone}` : "";
              view.line(`Launched ${got.length}${where}: ${visible(got.map((g) => g.instanceId).join(", "))}`);
            },
            ...waitLines(view, readiness, style),
          },
        });
        // A question still open is answered before anything is reported.
        await guard.settled();
      } catch (err) {
        // Ended by an error after the launch was asked for (the connection lost just as EC2
        // launched): the batch is named with the commands that find it, or a rerun would launch
        // a second one beside it. The error's own line follows.
        if (launchAsked && !control.signal.aborted) {
          view.stop();
          unsayLastWords();
          this.writeRecoveryMessage("Lost contact with EC2 while launching.", settings.name, batch, launchedIds, MAY_HAVE_LAUNCHED);
        }
        throw err;
      } finally {
        view.stop();
        guard.dispose();
        schedules.close();
      }
      const report = result.report;
      const { renderBatchReport, batchReportJson } = await import("../../ui/batch-report.js");
      const { expiryTag } = await import("../../instances/expiry.js");
      if (this.json) {
        this.context.stdout.write(jsonText({ ...(batchReportJson(report, settings.instructions) as object), expiresAt: expiryTag(expiry.expiry) }));
        // The JSON's keys are fixed; why a launch stopped short (quota, capacity) goes to stderr.
        for (const stop of report.launchStops) this.context.stderr.write(`${this.errStyle.yellow("!")} ${visible(stop.message)}\n`);
      } else {
        this.context.stdout.write(`${renderBatchReport(report, settings.instructions, this.style, tableWidth(this.context.stdout))}\n`);
        if (report.ready.length + report.failed.length > 0) {
          const { expiryLines } = await import("../../ui/expiry.js");
          const { timeFormatter } = await import("../../ui/time.js");
          const line = expiryLines({ expiry: expiry.expiry, source: expirySource(expiry), workshop: settings.name, time: timeFormatter(this.env), style: this.style, enforcedByAws: schedules.available, width: tableWidth(this.context.stdout) });
          this.context.stdout.write(`\n${line}\n`);
        }
      }
      const stoppedBy = guard.stoppedBy();
      unsayLastWords();
      if (stoppedBy) {
        result.names.stop();
        const ids = [
          ...new Set([
            ...launchedIds,
            ...report.ready.map((x) => x.instanceId),
            ...report.failed.flatMap((x) => (x.instanceId ? [x.instanceId] : [])),
            ...report.unfinished.map((u) => u.instanceId),
          ]),
        ];
        this.writeRecoveryMessage("Stopped waiting.", report.workshop, report.batch, ids, "launched so far keep running");
        return EXIT_ON_SIGNAL[stoppedBy];
      }
      // The hand-out is out: the readable Names still queued get a short while, then the run ends.
      await result.names.finish();
      return report.ready.length === count ? EXIT.ok : EXIT.partial;
    } finally {
      ec2.destroy();
      sts.destroy();
    }
  }

  private async resolveCount(maximum: number, workshop: string, interactive: boolean, ui: NodeJS.WritableStream): Promise<number> {
    const range = `1..${maximum}`;
    if (this.count !== undefined) {
      if (this.count > maximum)
        throw new InputError(
          `--count ${this.count} is more than workshop "${workshop}" allows (${range}; its maximum is in stacks/Pulumi.${workshop}.yaml). Run again with a smaller count, or raise the maximum with \`${commandToType(`workshop update ${workshop}`)}\`.`,
        );
      return this.count;
    }
    if (!interactive) throw new InputError(`Pass --count ${range}: there is no terminal to ask on.`);
    const p = await import("@clack/prompts");
    // What Enter alone takes: shown as the placeholder, so it is a real default, not a decoy.
    const suggested = String(Math.min(maximum, 25));
    const answer = await p.text({
      message: `How many instances? (${range}, Enter for ${suggested})`,
      placeholder: suggested,
      defaultValue: suggested,
      input: this.context.stdin,
      output: ui as never,
      signal: this.abortSignal,
      validate: (v) => {
        const typed = (v ?? "").trim();
        if (typed === "") return undefined;
        const n = Number(typed);
        return /^\d+$/.test(typed) && n >= 1 && n <= maximum ? undefined : `Enter a whole number from 1 to ${maximum}.`;
      },
    });
    if (p.isCancel(answer)) throw new InputError("Cancelled: nothing was launched.");
    return Number(answer.trim() || suggested);
  }

  /**
   * What the instances of a run that ends early are (`what`: "launched so far keep running", or
   * "may have been launched" when EC2's answer was lost), and the commands that list and terminate them.
   */
  private writeRecoveryMessage(headline: string, workshop: string, batch: string, ids: readonly string[], what: string): void {
    const err = this.context.stderr;
    const s = this.errStyle;
    // None heard of may still mean some launched (the answer was lost): then no "0 instances".
    const count = ids.length === 0 && what === MAY_HAVE_LAUNCHED ? `Instances ${what}` : `${ids.length} instance${ids.length === 1 ? "" : "s"} ${what}`;
    err.write(
      `\n${s.yellow(headline)} ${count}, tagged ec2-workshop:batch=${batch}` +
        `${ids.length ? `: ${ids.join(", ")}` : ""}.\n` +
        `  List them:      ${commandToType(`instances list --workshop ${workshop} --batch ${batch}`)}\n` +
        (ids.length ? `  Terminate them: ${cleanupLine(workshop, ids)}\n` : "") +
        `  or the whole batch, ids unknown here included: ${commandToType(`instances destroy --workshop ${workshop} --batch ${batch} --all --yes`)}\n`,
    );
  }
}

const MAY_HAVE_LAUNCHED = "may have been launched";

function cleanupLine(workshop: string, ids: readonly string[]): string {
  return commandToType(`instances destroy --workshop ${workshop} --ids ${ids.join(",")} --yes`);
}
