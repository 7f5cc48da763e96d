import { Command } from "clipanion";
import { NotYetCommand } from "../base.js";

export class InstancesCreateCommand extends NotYetCommand {
  static override paths = [["instances", "create"], ["create-instances"]];

  static override usage = Command.Usage({
    category: "Instances",
    description: "Launch a batch of instances, wait until usable, print one address per attendee (not available yet)",
  });
}
