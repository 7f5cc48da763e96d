import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { Command, Option } from "clipanion";
import { InputError, UserError } from "../../errors.js";
import { stackConfigPath, workshopHome } from "../../home.js";
import { prepareWorkshopDir } from "../../workshops/project.js";
import { checkWorkshopName, readSettings } from "../../workshops/settings.js";
import { BaseCommand, EXIT } from "../base.js";
import { CancelledError, ensurePlugin, interruptibly, ioOf, liveInstanceLines, pulumiOrInstall } from "./deploy.js";
import { CATALOG } from "../catalog.js";
import { commandToType } from "../../invocation.js";

export class WorkshopDestroyCommand extends BaseCommand {
  static override paths = CATALOG.workshopDestroy.paths.map((p) => [...p]);

  static override usage = Command.Usage({
    category: CATALOG.workshopDestroy.category,
    description: CATALOG.workshopDestroy.description,
    details: `
      Refuses while instances tagged with the workshop are not terminated (they hold the network and cost
      money): it lists them and points to \`instances destroy\`. With \`--terminate-instances\` it terminates
      them, waits until EC2 reports them terminated, and goes on.

      Then \`pulumi destroy\` deletes the VPC, subnets, gateway, routes, security group and launch template
      (an adopted template is left alone), the stack is removed from the backend, and
      \`stacks/Pulumi.<name>.yaml\` is deleted (asked at a terminal; \`--yes\` for scripts). Ctrl-C during
      \`pulumi destroy\` cancels gracefully; the stack and its settings are kept, and running the command
      again continues.
    `,
    examples: [
      ["Destroy a workshop whose instances are gone", "$0 workshop destroy intro-linux"],
      ["Terminate what is left, then destroy, without questions", "$0 workshop destroy intro-linux --terminate-instances --yes"],
    ],
  });

  name = Option.String({ name: "name" });
  terminateInstances = Option.Boolean("--terminate-instances", false, {
    description: "Terminate the workshop's remaining instances first, and wait until they are gone",
  });
  yes = Option.Boolean("--yes,-y", false, { description: "Do not ask; also delete the settings file" });

  protected async run(): Promise<number> {
    checkWorkshopName(this.name);
    const home = workshopHome(this.env);
    const settings = await readSettings(home, this.name);
    if (!this.interactive && !this.yes)
      throw new InputError(`Destroying workshop "${this.name}" cannot be undone: pass --yes to confirm when not at a terminal.`);
    for (const note of await prepareWorkshopDir(home)) this.context.stdout.write(`${note}\n`);
    const io = ioOf({ context: this.context, env: this.env, style: this.style, interactive: this.interactive });
    const pulumiCommand = await pulumiOrInstall(io);
    const out = this.context.stdout;
    const s = this.style;
    const target = this.workshopTarget(settings);
    // The engine and its provider plugin are ready before any instance is terminated.
    const { WorkshopStacks } = await import("../../workshops/stacks.js");
    const stacks = await WorkshopStacks.open({ home, env: this.env, profile: target.profile, endpointUrl: target.endpointUrl }, pulumiCommand);
    await ensurePlugin(io, stacks);

    // 1. Nothing of the workshop may still run (EC2 is the truth, not the stack).
    const { openEc2, liveInstances, terminateAndWait } = await import("../../workshops/live.js");
    const ec2 = openEc2(target);
    try {
      const live = await liveInstances(ec2, this.name);
      if (live.length && !this.terminateInstances) {
        this.context.stderr.write(`Workshop "${this.name}" still has ${live.length} instance(s) that are not terminated:\n${liveInstanceLines(live).join("\n")}\n`);
        throw new UserError(
          `Refusing to destroy workshop "${this.name}" while it has instances. Terminate them with \`${commandToType(`instances destroy --workshop ${this.name} --all --yes`)}\`, or pass --terminate-instances.`,
        );
      }
      if (!(await this.confirm(`Destroy workshop "${this.name}" in ${settings.region}${live.length ? ` and terminate its ${live.length} instance(s)` : ""}? This cannot be undone.`)))
        throw new UserError("Cancelled: nothing was changed.");
      if (live.length) {
        out.write(`Terminating ${live.length} instance(s) of "${this.name}"…\n`);
        const { clockFromEnv } = await import("../../clock.js");
        let last = -1;
        const result = await terminateAndWait(ec2, this.name, live.map((i) => i.instanceId), {
          clock: clockFromEnv(this.env),
          onProgress: (left) => {
            if (left !== last && left > 0) out.write(`  ${left} not terminated yet\n`);
            last = left;
          },
        });
        out.write(`${s.green("✔")} ${result.terminated.length} terminated${result.skipped.length ? `, ${result.skipped.length} already gone` : ""}.\n`);
      }
    } finally {
      ec2.destroy();
    }

    // 2. The stack: destroy its resources, then remove it from the backend.
    let stack;
    try {
      stack = await stacks.select(this.name);
    } catch (err) {
      if (!/^No workshop /.test((err as Error).message)) throw err;
      out.write(`No stack "${this.name}" in ${stacks.backend.url}: nothing to tear down there.\n`);
    }
    if (stack) {
      const { pulumiProgress } = await import("../../ui/pulumi-progress.js");
      const clack = this.interactive ? await import("@clack/prompts") : undefined;
      const progress = pulumiProgress({ stdout: out, style: s, title: `Destroying workshop "${this.name}"`, clack });
      try {
        await interruptibly(io, stacks, this.name, `destruction of workshop "${this.name}"`, progress, (signal) =>
          stacks.destroy(stack, { onEvent: (e) => progress.onEvent(e), diagnostics: progress.diagnostics, signal }),
        );
      } catch (err) {
        if (!(err instanceof CancelledError)) progress.finish(false, "Pulumi stopped with an error; the stack and its settings are kept, so you can retry.");
        throw err;
      }
      progress.finish(true, `Deleted ${progress.counts.delete ?? 0} resource(s).`);
      await stacks.remove(this.name);
      out.write(`Stack "${this.name}" removed from ${stacks.backend.url}.\n`);
    }

    // 3. The settings file.
    const file = stackConfigPath(home, this.name);
    if (existsSync(file)) {
      if (this.yes || (await this.confirm(`Delete the settings file ${file} too?`))) {
        await rm(file, { force: true });
        out.write(`Deleted ${file}.\n`);
      } else {
        // The recorded network is gone: no launch may look for it.
        const { writeSettings } = await import("../../workshops/settings.js");
        await writeSettings(home, { ...settings, outputs: undefined, azs: undefined });
        out.write(`Kept ${file} (without the ids of what was destroyed).\n`);
      }
    }
    out.write(`${s.green("✔")} Workshop "${this.name}" is gone.\n`);
    return EXIT.ok;
  }

  private async confirm(message: string): Promise<boolean> {
    if (this.yes) return true;
    const p = await import("@clack/prompts");
    const answer = await p.confirm({ message, initialValue: false, input: this.context.stdin, output: this.context.stdout });
    return !p.isCancel(answer) && answer === true;
  }
}
