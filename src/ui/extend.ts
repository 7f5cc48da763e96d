// The outcome of `instances extend`: each machine's new expiry, for people and as JSON.
import { expiryTag, formatSpan, type Expiry } from "../instances/expiry.js";
import type { ExtendResult } from "../instances/extend.js";
import type { Style } from "./style.js";
import { renderTable } from "./table.js";
import { commandToType } from "../invocation.js";
import { fitWidth } from "./wrap.js";
import type { TimeFormatter } from "./time.js";
import { visible } from "./visible.js";

function when(e: Expiry | undefined, time: TimeFormatter, now: Date): string {
  if (e === undefined) return "(none)";
  if (e === "never") return "never";
  const left = e.getTime() - now.getTime();
  return `${time.format(e, now)} (${left > 0 ? `in ${formatSpan(left)}` : `${formatSpan(left)} ago`})`;
}

/** `width`: the terminal's, to fit the table and the sentences to (none for a pipe or file). */
export function renderExtended(o: { workshop: string; result: ExtendResult; time: TimeFormatter; style: Style; enforcedByAws: boolean; width?: number }): string {
  const { style: s, result, time } = o;
  const now = time.now();
  const lines: string[] = [];
  if (result.extended.length) {
    lines.push(
      "",
      `${s.green("✔")} ${s.bold(`Extended ${result.extended.length} machine${result.extended.length === 1 ? "" : "s"}`)} ${s.dim(`(workshop ${o.workshop})`)}`,
      "",
      renderTable(
        result.extended,
        [
          { header: "Seat", value: (e) => (e.seat === undefined ? "-" : String(e.seat)), align: "right" },
          { header: "Instance", value: (e) => e.instanceId },
          { header: "Was", value: (e) => s.dim(when(e.from, time, now)), dropOrder: 1 },
          { header: "Now ends", value: (e) => when(e.to, time, now) },
        ],
        { style: s, indent: "  ", width: o.width },
      ),
      "",
      fitWidth(
        o.enforcedByAws
          ? "AWS terminates them at the new time (their EventBridge Scheduler schedules moved with it)."
          : `\`${commandToType("sweep")}\` terminates them once the new time has passed.`,
        o.width,
      ),
    );
  } else lines.push("Nothing was extended.");
  for (const k of result.skipped) lines.push(`${s.yellow("-")} ${visible(k.instanceId)}: skipped, ${visible(k.reason)}`);
  return lines.join("\n");
}

export function extendJson(workshop: string, r: ExtendResult): unknown {
  return {
    workshop,
    extended: r.extended.map((e) => ({ seat: e.seat ?? null, instanceId: e.instanceId, expiresAt: expiryTag(e.to), previous: e.from === undefined ? null : expiryTag(e.from) })),
    skipped: r.skipped,
  };
}
