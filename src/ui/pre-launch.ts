// The pre-launch checks of `instances create`, on screen: runs the cheap checks and the price
// (src/preflight), prints the warnings and failures, stops the run when one failed, and returns
// what the confirmation asks about. Heavy (loads the preflight's SDK clients): import lazily.
import { UserError } from "../errors.js";
import { checkBeforeLaunch, type LaunchCheckInput } from "../preflight/workshop.js";
import { launchSummary, renderChecks } from "./preflight.js";
import type { Style } from "./style.js";
import { tableWidth } from "./terminal.js";
import { commandToType } from "../invocation.js";

export interface PreLaunchOptions extends LaunchCheckInput {
  skipChecks: boolean;
  /** Whether a confirmation follows (else the summary is printed as the launch begins). */
  confirming: boolean;
  output: NodeJS.WritableStream;
  style: Style;
}

/**
 * "40 × t3.micro (ami-…) in eu-west-1: about $0.52/h, $4.20 for 8 h", after the checks passed.
 * A failed check throws (nothing launched), naming `workshop check` and --skip-checks.
 */
export async function preLaunchChecks(o: PreLaunchOptions): Promise<string> {
  const report = await checkBeforeLaunch(o);
  const notable = report.checks.filter((c) => c.status === "warn" || c.status === "fail");
  if (notable.length) o.output.write(renderChecks(notable, o.style, "  ", tableWidth(o.output)));
  const failed = notable.filter((c) => c.status === "fail").length;
  if (failed)
    throw new UserError(
      `${failed === 1 ? "A pre-launch check" : `${failed} pre-launch checks`} failed: nothing was launched. ` +
        `Fix ${failed === 1 ? "it" : "them"} (\`${commandToType(`workshop check ${o.settings.name} --count ${o.count}`)}\` shows every check), or launch anyway with --skip-checks.`,
    );
  const summary = launchSummary({ count: o.count, instanceType: report.instanceType, imageId: report.imageId, region: report.region, cost: report.cost });
  if (!o.confirming) o.output.write(`Launching ${summary}.\n`);
  return summary;
}
