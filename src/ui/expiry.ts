// Telling when machines end: after a launch, a replacement or an extension.
import { NEVER, formatSpan, type Expiry } from "../instances/expiry.js";
import { commandToType } from "../invocation.js";
import type { Style } from "./style.js";
import type { TimeFormatter } from "./time.js";
import { fitWidth } from "./wrap.js";

/**
 * "They end Tue, Mar 4 21:00 (in 12 h, the default lifetime): AWS terminates them then." and,
 * on a line of its own, the command that moves it; or, for machines that never expire, the one
 * that ends them. `width`: the terminal's, to wrap the sentence to.
 */
export function expiryLines(o: {
  expiry: Expiry;
  /** Why this expiry ("the default lifetime, 12 h"). */
  source?: string;
  workshop: string;
  time: TimeFormatter;
  style: Style;
  /** Whether AWS (EventBridge Scheduler) terminates them, or only `sweep` does. */
  enforcedByAws: boolean;
  width?: number;
}): string {
  const { style: s } = o;
  if (o.expiry === NEVER)
    return [
      fitWidth(`${s.yellow("!")} These machines never expire: they run until someone terminates them, with this (or a narrower selection):`, o.width),
      `  ${commandToType(`instances destroy --workshop ${o.workshop} --all --yes`)}`,
    ].join("\n");
  const now = o.time.now();
  const left = o.expiry.getTime() - now.getTime();
  const when = `${o.time.format(o.expiry, now)} (${left > 0 ? `in ${formatSpan(left)}` : "already passed"}${o.source ? `, ${o.source}` : ""})`;
  const who = o.enforcedByAws ? "AWS terminates them then (EventBridge Scheduler), with or without this computer" : `\`${commandToType("sweep")}\` terminates them once it has passed`;
  return [fitWidth(`They end ${when}: ${who}. To keep them longer:`, o.width), `  ${commandToType(`instances extend --workshop ${o.workshop} --all --hours N`)}`].join("\n");
}
