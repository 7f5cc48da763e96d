// The "so far" line of `instances list` and `workshop show`: instance-hours and the cost.
import { formatInstanceHours, type Usage } from "../instances/usage.js";
import { spentPhrase, type Spent } from "../preflight/spent.js";
import type { Style } from "./style.js";
import { wrapWords } from "./wrap.js";

/** `width`: the terminal's, to wrap to (each line after `indent`); none for a pipe or file. */
export function usageLine(usage: Usage, spent: Spent, s: Style, width?: number, indent = ""): string {
  const text = `${s.bold("So far:")} ${usage.instances} live machine${usage.instances === 1 ? "" : "s"}, ${formatInstanceHours(usage.instanceHours)} (running time, earlier days included); ${spentPhrase(spent)}.`;
  if (width === undefined) return indent + text;
  return wrapWords(text, width - indent.length)
    .map((l) => indent + l)
    .join("\n");
}
