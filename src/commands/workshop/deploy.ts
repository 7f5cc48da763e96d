// The part `workshop create` and `workshop update` share: find the Pulumi CLI (offering to
// install it at a terminal), run `up` with progress, and print the outcome. Light at the top:
// the Automation API and @clack/prompts are imported inside the functions.
import type { Readable, Writable } from "node:stream";
import type { Stack } from "@pulumi/pulumi/automation/index.js";
import type { Env } from "../../home.js";
import type { Style } from "../../ui/style.js";
import type { WorkshopStacks } from "../../workshops/stacks.js";
import type { PulumiCommand } from "@pulumi/pulumi/automation/index.js";

export interface Io {
  stdin: Readable;
  stdout: Writable;
  env: Env;
  style: Style;
  interactive: boolean;
}

/**
 * The Pulumi CLI, or one clear line with the installation hint. At a terminal the Automation
 * API's installer is offered first (it downloads from get.pulumi.com).
 */
export async function pulumiOrInstall(io: Io): Promise<PulumiCommand> {
  const { findPulumi, installPulumi, installRoot, PulumiMissingError } = await import("../../workshops/stacks.js");
  try {
    return await findPulumi(io.env);
  } catch (err) {
    if (!(err instanceof PulumiMissingError) || !io.interactive) throw err;
    const p = await import("@clack/prompts");
    p.log.warn(err.message, { output: io.stdout });
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

export interface UpOutcome {
  outputs: Record<string, unknown>;
  counts: Record<string, number>;
}

/** `pulumi up` for the stack, resource by resource on screen; throws one clear line on failure. */
export async function upWithProgress(io: Io, stacks: WorkshopStacks, stack: Stack, title: string): Promise<UpOutcome> {
  const { pulumiProgress } = await import("../../ui/pulumi-progress.js");
  const clack = io.interactive ? await import("@clack/prompts") : undefined;
  const progress = pulumiProgress({ stdout: io.stdout, style: io.style, title, clack });
  try {
    const raw = await stacks.up(stack, (e) => progress.onEvent(e), progress.diagnostics);
    const past: Record<string, string> = { create: "created", update: "updated", delete: "deleted", replace: "replaced" };
    const changed = Object.entries(progress.counts).map(([op, n]) => `${n} ${past[op] ?? op}`);
    progress.finish(true, changed.length ? `Done: ${changed.join(", ")}.` : "Done: nothing to change.");
    return { outputs: Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value])), counts: progress.counts };
  } catch (err) {
    progress.finish(false, "Pulumi stopped with an error.");
    throw err;
  }
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
  };
  for (const key of ["launchTemplateName", "launchTemplateId", "launchTemplateVersion", "vpcId", "securityGroupId"]) {
    if (outputs[key] !== undefined) lines.push(`${label[key]}: ${String(outputs[key])}`);
  }
  const subnets = outputs.subnetIds as Record<string, string> | undefined;
  if (subnets) for (const [az, id] of Object.entries(subnets)) lines.push(`subnet ${az}: ${id}`);
  return lines;
}
