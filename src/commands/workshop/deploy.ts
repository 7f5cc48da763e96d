// The part `workshop create`, `update` and `destroy` share: find the Pulumi CLI (offering to
// install it at a terminal), install the provider plugin, run `up`/`destroy` with progress and a
// graceful Ctrl-C, cache the outputs, and print the outcome. Light at the top: the Automation API
// and @clack/prompts are imported inside the functions.
import type { Readable, Writable } from "node:stream";
import type { PulumiCommand, Stack } from "@pulumi/pulumi/automation/index.js";
import { UserError } from "../../errors.js";
import type { Env } from "../../home.js";
import type { WorkshopInstance } from "../../instances/describe.js";
import type { Style } from "../../ui/style.js";
import type { PulumiProgress } from "../../ui/pulumi-progress.js";
import { cacheableOutputs, writeSettings, type WorkshopSettings } from "../../workshops/settings.js";
import type { WorkshopStacks } from "../../workshops/stacks.js";
import { fitToTerminal } from "../../ui/wrap.js";
import { EXIT_ON_SIGNAL, type RunControl, type StopSignal } from "../../interrupts.js";
import { visible } from "../../ui/visible.js";

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Env;
  style: Style;
  interactive: boolean;
  /** The run's stop switch, whose signals a Pulumi operation takes over while it runs. */
  run?: RunControl;
}

/** A command's streams and environment, as the shared steps below take them. */
export function ioOf(c: { context: { stdin: Readable; stdout: Writable; stderr: Writable; run?: RunControl }; env: Env; style: Style; interactive: boolean }): Io {
  return { stdin: c.context.stdin, stdout: c.context.stdout, stderr: c.context.stderr, env: c.env, style: c.style, interactive: c.interactive, run: c.context.run };
}

/**
 * The Pulumi CLI, or one clear line with the installation hint. At a terminal the Automation
 * API's installer is offered first (it downloads from get.pulumi.com).
 */
export async function pulumiOrInstall(io: Io): Promise<PulumiCommand> {
  const { findPulumi, installPulumi, installRoot, PulumiMissingError } = await import("../../workshops/pulumi-cli.js");
  try {
    return await findPulumi(io.env);
  } catch (err) {
    if (!(err instanceof PulumiMissingError) || !io.interactive) throw err;
    const p = await import("@clack/prompts");
    p.log.warn(fitToTerminal(io.stdout, err.message, 3), { output: io.stdout });
    const yes = await p.confirm({
      message: `Install the Pulumi CLI now into ${installRoot(io.env)}?`,
      initialValue: true,
      input: io.stdin,
      output: io.stdout,
    });
    if (p.isCancel(yes) || yes !== true) throw err;
    const s = p.spinner({ output: io.stdout });
    s.start("Downloading the Pulumi CLI");
    try {
      const cmd = await installPulumi(io.env);
      s.stop(`Pulumi CLI ${cmd.version?.toString() ?? ""} installed`);
      return cmd;
    } catch (installErr) {
      s.error("The Pulumi CLI could not be installed");
      throw installErr;
    }
  }
}

/** The AWS provider plugin, installed before the first `up`/`destroy` with a visible download. */
export async function ensurePlugin(io: Io, stacks: WorkshopStacks): Promise<void> {
  const clack = io.interactive ? await import("@clack/prompts") : undefined;
  let spinner: ReturnType<NonNullable<typeof clack>["spinner"]> | undefined;
  let label = "";
  try {
    const installed = await stacks.ensureAwsPlugin((plugin) => {
      label = `the Pulumi ${plugin.name} provider plugin v${plugin.version}`;
      const text = `Installing ${label} (once per version; a download of about 100 MB from get.pulumi.com)`;
      if (clack) {
        spinner = clack.spinner({ output: io.stdout });
        spinner.start(text);
      } else io.stdout.write(`${text}…\n`);
    });
    if (installed) {
      if (spinner) spinner.stop(`Installed ${label}`);
      else io.stdout.write(`${io.style.green("✔")} Installed ${label}.\n`);
    }
  } catch (err) {
    spinner?.error(`Could not install ${label}`);
    throw err;
  }
}

/** An operation a signal cancelled (exit 130 for Ctrl-C, 143 for SIGTERM or a closed terminal). */
export class CancelledError extends UserError {
  constructor(message: string, signal: StopSignal) {
    super(message, EXIT_ON_SIGNAL[signal]);
    this.name = "CancelledError";
  }
}

/**
 * Runs a Pulumi operation so that Ctrl-C, SIGTERM or a closed terminal cancel it the way the
 * engine cancels safely: one abort (the CLI finishes what is in flight, records it, releases the
 * lock), never a kill. Further signals only say that it is still stopping. Once it has stopped,
 * the stack is inspected: a lock or pending operations left behind are named with the exact
 * commands that clear them. `what` is e.g. `update of workshop "intro"`.
 */
export async function interruptibly<T>(
  io: Io,
  stacks: WorkshopStacks,
  name: string,
  what: string,
  progress: PulumiProgress,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const ac = new AbortController();
  let received: StopSignal | undefined;
  // The process-wide signal handling (src/interrupts.ts) hands every signal to this handler
  // while the operation runs: no forced exit may cut a graceful cancel short.
  const release = io.run?.holdSignals((sig) => {
    if (received) {
      io.stderr.write(`Still stopping the ${what}: Pulumi is finishing the changes already sent to AWS, so the stack stays consistent. Please wait.\n`);
      return;
    }
    received = sig;
    io.stderr.write(
      `\n${sig === "SIGINT" ? "Ctrl-C" : sig}: cancelling the ${what}. Pulumi finishes the changes already sent to AWS, records them and stops (this can take a minute); nothing is killed.\n`,
    );
    ac.abort();
  });
  try {
    return await run(ac.signal);
  } catch (err) {
    if (!received) throw err;
    progress.finish(false, "Cancelled.");
    const left = await stacks.leftovers(name);
    if (left.commands.length) {
      const reasons = [left.locked ? "is still locked" : "", left.pending ? `has ${left.pending} operation(s) that were in flight and may not be recorded` : ""].filter(Boolean);
      io.stderr.write(
        `The stack ${reasons.length ? reasons.join(" and ") : "may still be locked"}. To clear it, run:\n${left.commands.join("\n")}\nthen run the ec2-workshop command again.\n`,
      );
    }
    const clean = left.commands.length === 0 ? " Pulumi stopped cleanly: the stack is unlocked and records every change made so far; run the command again to finish." : "";
    throw new CancelledError(`The ${what} was cancelled (${received}).${clean}`, received);
  } finally {
    release?.();
  }
}

export interface UpOutcome {
  outputs: Record<string, unknown>;
  counts: Record<string, number>;
}

/**
 * `pulumi up` for the stack, resource by resource on screen, interruptible; then the outputs the
 * instance commands need are cached in the settings file. Throws one clear line on failure.
 */
export async function upWithProgress(io: Io, stacks: WorkshopStacks, stack: Stack, settings: WorkshopSettings, title: string, what: string): Promise<UpOutcome> {
  const { pulumiProgress } = await import("../../ui/pulumi-progress.js");
  const clack = io.interactive ? await import("@clack/prompts") : undefined;
  const progress = pulumiProgress({ stdout: io.stdout, style: io.style, title, clack });
  let raw;
  try {
    raw = await interruptibly(io, stacks, stack.name, what, progress, (signal) =>
      stacks.up(stack, { onEvent: (e) => progress.onEvent(e), diagnostics: progress.diagnostics, signal }),
    );
  } catch (err) {
    if (!(err instanceof CancelledError)) progress.finish(false, "Pulumi stopped with an error.");
    throw err;
  }
  const past: Record<string, string> = { create: "created", update: "updated", delete: "deleted", replace: "replaced" };
  const changed = Object.entries(progress.counts).map(([op, n]) => `${n} ${past[op] ?? op}`);
  progress.finish(true, changed.length ? `Done: ${changed.join(", ")}.` : "Done: nothing to change.");
  const outputs = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
  // The instance commands never start the engine: they find the network by these ids.
  await writeSettings(stacks.target.home, { ...settings, outputs: cacheableOutputs(outputs) });
  return { outputs, counts: progress.counts };
}

/** Instances named in a refusal; the rest are counted. */
const LISTED = 10;

/** A workshop's live instances as lines for a refusal: id, state, address. */
export function liveInstanceLines(live: readonly WorkshopInstance[]): string[] {
  const shown = live.slice(0, LISTED).map((i) => `  ${visible(`${i.instanceId}  ${i.state}${i.publicIp ? `  ${i.publicIp}` : ""}`)}`);
  if (live.length > LISTED) shown.push(`  … and ${live.length - LISTED} more`);
  return shown;
}

/** The outputs as `key: value` lines (subnets one per AZ). */
export function describeOutputs(outputs: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const label: Record<string, string> = {
    launchTemplateName: "launch template",
    launchTemplateId: "launch template id",
    launchTemplateVersion: "default version",
    vpcId: "VPC",
    securityGroupId: "security group",
    scheduleGroupName: "schedule group",
    schedulerRoleArn: "scheduler role",
  };
  for (const key of ["launchTemplateName", "launchTemplateId", "launchTemplateVersion", "vpcId", "securityGroupId", "scheduleGroupName", "schedulerRoleArn"]) {
    if (outputs[key] !== undefined) lines.push(`${label[key]}: ${String(outputs[key])}`);
  }
  const subnets = outputs.subnetIds as Record<string, string> | undefined;
  if (subnets) for (const [az, id] of Object.entries(subnets)) lines.push(`subnet ${az}: ${id}`);
  return lines;
}
