// What `instances list` and `instances destroy` share: --workshop and --batch, and opening the
// workshop (the menu when it is not given, at a terminal; its settings and an EC2 client).
import { Option } from "clipanion";
import * as t from "typanion";
import type { WorkshopSession } from "../../instances/session.js";
import { BaseCommand } from "../base.js";

export abstract class WorkshopInstancesCommand extends BaseCommand {
  workshop = Option.String("--workshop,-w", { description: "The workshop (default: ask, when in a terminal)" });
  batch = Option.String("--batch", {
    description: "Only the instances of this batch (one `instances create` run: the Batch column)",
    validator: t.cascade(t.isString(), [t.matchesRegExp(/^[a-z0-9]{1,32}$/)]),
  });

  /** --json: no menu (stdout carries only the JSON). */
  abstract json: boolean;

  protected async openSession(): Promise<WorkshopSession> {
    const { openWorkshop } = await import("../../instances/session.js");
    return openWorkshop({
      given: this.workshop,
      target: (region) => this.awsTarget(region),
      env: this.env,
      stdin: this.context.stdin,
      stdout: this.context.stdout,
      interactive: this.interactive && !this.json,
      ...(this.batch ? { batch: this.batch } : {}),
    });
  }
}
