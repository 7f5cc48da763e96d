import { Command } from "clipanion";
import { NotYetCommand } from "../base.js";

export class InstancesDestroyCommand extends NotYetCommand {
  static override paths = [["instances", "destroy"], ["destroy-instances"]];

  static override usage = Command.Usage({
    category: "Instances",
    description: "Select and terminate a workshop's instances (not available yet)",
  });
}
