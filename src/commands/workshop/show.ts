import { Command } from "clipanion";
import { NotYetCommand } from "../base.js";

export class WorkshopShowCommand extends NotYetCommand {
  static override paths = [["workshop", "show"]];

  static override usage = Command.Usage({
    category: "Workshops",
    description: "Show a workshop's settings, outputs and instances (not available yet)",
  });
}
