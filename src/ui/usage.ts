// The "so far" line of `instances list` and `workshop show`: instance-hours and the cost.
import { formatInstanceHours, type Usage } from "../instances/usage.js";
import { spentPhrase, type Spent } from "../preflight/spent.js";
import type { Style } from "./style.js";

export function usageLine(usage: Usage, spent: Spent, s: Style): string {
  return `${s.bold("So far:")} ${usage.instances} live machine${usage.instances === 1 ? "" : "s"}, ${formatInstanceHours(usage.instanceHours)} (running time, earlier days included); ${spentPhrase(spent)}.`;
}
