import { Command } from "clipanion";
import { NotYetCommand } from "../base.js";

export class WorkshopDestroyCommand extends NotYetCommand {
  static override paths = [["workshop", "destroy"]];

  static override usage = Command.Usage({
    category: "Workshops",
    description: "Tear a workshop's network and template down, and remove its stack (not available yet)",
  });
}
