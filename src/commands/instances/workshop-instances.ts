// What `instances list`, `destroy` and `handout` share: --workshop and --batch, and opening the
// workshop (the menu when it is not given, at a terminal; its settings and an EC2 client).
import type { Writable } from "node:stream";
import { Option } from "clipanion";
import * as t from "typanion";
import type { AwsTarget } from "../../aws/target.js";
import type { WorkshopSession } from "../../instances/session.js";
import type { ChooseWorkshopOptions, WorkshopChoice } from "../../ui/choose-workshop.js";
import { BaseCommand } from "../base.js";
import { commandToType } from "../../invocation.js";

/**
 * `--workshop`, or the workshop menu at a terminal. The menu's launch-template checks get EC2
 * clients made on first use (so the menu shows before the SDK loads), freed once it is answered.
 */
export async function chooseWorkshopWithClients(
  o: Omit<ChooseWorkshopOptions, "ec2For"> & { targetFor(region: string): AwsTarget },
): Promise<WorkshopChoice> {
  const { chooseWorkshop } = await import("../../ui/choose-workshop.js");
  const clients: { destroy(): void }[] = [];
  try {
    return await chooseWorkshop({
      ...o,
      ec2For: async (region) => {
        const client = (await import("../../aws/clients.js")).createEc2Client(o.targetFor(region));
        clients.push(client);
        return client;
      },
    });
  } finally {
    // An unfinished check just ends: its socket is freed here.
    for (const c of clients) c.destroy();
  }
}

/**
 * The last words of a run stopped while changing machines: "Stopped while stopping 30 instances:
 * some may still be running. Check with `ec2-workshop instances list --workshop intro`."
 */
export function stoppedWhile(verbing: string, count: number, mayBe: string, workshop: string): string {
  return `Stopped while ${verbing} ${count} instance${count === 1 ? "" : "s"}: ${mayBe}. Check with \`${commandToType(`instances list --workshop ${workshop}`)}\`.`;
}

/** `--workshop`, and opening it: every command that works on one workshop's instances. */
export abstract class WorkshopCommand extends BaseCommand {
  workshop = Option.String("--workshop,-w", { description: "The workshop (default: ask, when in a terminal)" });

  /** Whether stdout carries data (e.g. --json): then no menu is drawn on it. */
  protected abstract writesData(): boolean;

  /**
   * The chosen workshop, opened. `requireTemplate`: the menu offers only workshops whose launch
   * template exists (for commands that launch); `menuOutput`: where the menu is drawn.
   */
  protected async openWorkshopSession(o: { batch?: string; requireTemplate?: boolean; menuOutput?: Writable } = {}): Promise<WorkshopSession> {
    const { workshopHome } = await import("../../home.js");
    const choice = await chooseWorkshopWithClients({
      home: workshopHome(this.env),
      given: this.workshop,
      targetFor: (region) => this.awsTarget(region),
      stdin: this.context.stdin,
      stdout: o.menuOutput ?? this.context.stdout,
      interactive: this.interactive && !this.writesData(),
      requireTemplate: o.requireTemplate ?? false,
      message: "Which workshop's instances?",
    });
    const { openWorkshop } = await import("../../instances/session.js");
    return openWorkshop({
      settings: choice.settings,
      target: this.workshopTarget(choice.settings),
      env: this.env,
      ...(o.batch ? { batch: o.batch } : {}),
      note: (m) => this.context.stderr.write(`${this.errStyle.yellow("!")} ${m}\n`),
    });
  }
}

/** What `instances list`, `destroy` and `handout` share: --workshop and --batch. */
export abstract class WorkshopInstancesCommand extends WorkshopCommand {
  batch = Option.String("--batch", {
    description: "Only the instances of this batch (one `instances create` run: the Batch column)",
    validator: t.cascade(t.isString(), [t.matchesRegExp(/^[a-z0-9]{1,32}$/)]),
  });

  protected openSession(): Promise<WorkshopSession> {
    return this.openWorkshopSession(this.batch ? { batch: this.batch } : {});
  }
}
