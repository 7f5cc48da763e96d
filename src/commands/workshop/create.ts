import { Command } from "clipanion";
import { NotYetCommand } from "../base.js";

export class WorkshopCreateCommand extends NotYetCommand {
  static override paths = [["workshop", "create"]];

  static override usage = Command.Usage({
    category: "Workshops",
    description: "Build a workshop: network and launch template, as a Pulumi stack (not available yet)",
  });
}
