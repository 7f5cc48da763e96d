import { Command } from "clipanion";
import { NotYetCommand } from "../base.js";

export class InstancesListCommand extends NotYetCommand {
  static override paths = [["instances", "list"]];

  static override usage = Command.Usage({
    category: "Instances",
    description: "List a workshop's instances (not available yet)",
  });
}
