import { Command } from "clipanion";
import { NotYetCommand } from "../base.js";

export class WorkshopListCommand extends NotYetCommand {
  static override paths = [["workshop", "list"]];

  static override usage = Command.Usage({
    category: "Workshops",
    description: "List workshops with region, template, maximum and live instances (not available yet)",
  });
}
