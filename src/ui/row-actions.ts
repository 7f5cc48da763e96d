// The row actions of `instances stop`, `start` and `extend` for the interactive table (and the
// warning above a selection made by flags): which rows each applies to, and what it will do.
import { isDone, type ListedInstance } from "../instances/listing.js";
import { expiryOf, NEVER } from "../instances/expiry.js";
import type { RowAction } from "./destroy-prompt.js";
import type { Style } from "./style.js";
import { commandToType } from "../invocation.js";

const plural = (n: number): string => `${n} instance${n === 1 ? "" : "s"}`;

export const STOP_ACTION: RowAction = {
  verb: "stop",
  applies: (i: ListedInstance) => i.state === "running",
  heading: (n: number, s: Style) => s.yellow(s.bold(`${plural(n)} will be STOPPED.`)),
  get detail() {
    return `Attendees lose their session; disks, seats and tags stay, and \`${commandToType("instances start")}\` brings them back (with new public addresses).`;
  },
  skippedWhy: "not running",
  nothing: () => "Nothing to stop there: pick running rows.",
};

export const START_ACTION: RowAction = {
  verb: "start",
  applies: (i: ListedInstance) => i.state === "stopped",
  heading: (n: number, s: Style) => s.bold(`${plural(n)} will be STARTED.`),
  detail: "They are billed again from now; each gets a new public address.",
  skippedWhy: "not stopped",
  nothing: () => "Nothing to start there: pick stopped rows.",
};

/** `instances extend --hours H`: live machines that have an expiry to move. */
export function extendAction(hours: number): RowAction {
  return {
    verb: "extend",
    applies: (i: ListedInstance) => !isDone(i.state) && expiryOf(i) !== NEVER,
    heading: (n: number, s: Style) => s.bold(`${plural(n)} will end ${hours} h later.`),
    detail: `An expired one ends ${hours} h from now.`,
    skippedWhy: "terminated, shutting down or never expiring",
    nothing: () => "Nothing to extend there: pick machines that are not terminated and have an expiry.",
  };
}
