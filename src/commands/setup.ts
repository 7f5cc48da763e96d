import { Command } from "clipanion";
import { NotYetCommand } from "./base.js";

export class SetupCommand extends NotYetCommand {
  static override paths = [["setup"]];

  static override usage = Command.Usage({
    category: "Setup",
    description: "Find and check AWS credentials and region, and the Pulumi CLI (not available yet)",
  });
}
