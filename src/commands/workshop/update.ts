import { Command } from "clipanion";
import { NotYetCommand } from "../base.js";

export class WorkshopUpdateCommand extends NotYetCommand {
  static override paths = [["workshop", "update"]];

  static override usage = Command.Usage({
    category: "Workshops",
    description: "Change a workshop's settings and update its stack (not available yet)",
  });
}
