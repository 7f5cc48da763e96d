// Telling when machines end: after a launch, a replacement or an extension.
import { NEVER, formatSpan, type Expiry } from "../instances/expiry.js";
import type { Style } from "./style.js";
import type { TimeFormatter } from "./time.js";

/**
 * "They end Tue, Mar 4 21:00 (in 12 h, the default lifetime): AWS terminates them then." and how
 * to move it; or, for machines that never expire, how to end them.
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
}): string {
  const { style: s } = o;
  if (o.expiry === NEVER)
    return `${s.yellow("!")} These machines never expire: they run until \`ec2-workshop instances destroy --workshop ${o.workshop} --all --yes\` (or a narrower selection) ends them.`;
  const now = o.time.now();
  const left = o.expiry.getTime() - now.getTime();
  const when = `${o.time.format(o.expiry, now)} (${left > 0 ? `in ${formatSpan(left)}` : "already passed"}${o.source ? `, ${o.source}` : ""})`;
  const who = o.enforcedByAws ? "AWS terminates them then (EventBridge Scheduler), with or without this computer" : "`ec2-workshop sweep` terminates them once it has passed";
  return `They end ${when}: ${who}. To keep them longer: ec2-workshop instances extend --workshop ${o.workshop} --hours N`;
}
