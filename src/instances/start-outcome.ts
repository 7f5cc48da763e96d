// What `instances start` reports, from what it did and what EC2 shows after waiting: which
// machines are usable again, which failed (refused for capacity, or not ready in time), the
// workshop's hand-out, and the seats whose address changed (a machine gets a new public IPv4
// address at every start; an Elastic IP or a private address stays). Pure.
import type { ListedInstance } from "./listing.js";
import type { Handout } from "./handout.js";
import type { PowerResult } from "./power.js";
import type { TrackedInstance } from "./wait.js";

export const NEW_ADDRESS = "new address";

export interface StartOutcome {
  workshop: string;
  /** Machines EC2 agreed to start. */
  started: { instanceId: string; seat?: number }[];
  /** Of those, the usable ones. */
  ready: { instanceId: string; seat?: number }[];
  /** Refused for capacity, or not usable in time (with the waiter's reason). */
  failed: { instanceId: string; seat?: number; reason: string }[];
  skipped: PowerResult["skipped"];
  /** The whole workshop's hand-out after the start. */
  handout: Handout;
  /** instance id -> NEW_ADDRESS, for the started machines whose hand-out address is new. */
  marks: Map<string, string>;
}

export function startOutcome(o: { workshop: string; result: PowerResult; tracked: readonly TrackedInstance[]; listed: readonly ListedInstance[]; handout: Handout }): StartOutcome {
  const byId = new Map(o.listed.map((i) => [i.instanceId, i]));
  const started = o.result.done.map((d) => ({ instanceId: d.instanceId, ...(d.seat !== undefined ? { seat: d.seat } : {}) }));
  const tracked = new Map(o.tracked.map((t) => [t.instanceId, t]));
  const ready = started.filter((s) => tracked.get(s.instanceId)?.phase === "ready");
  const failed = [
    ...o.result.failed.map((f) => ({ instanceId: f.instanceId, ...(f.seat !== undefined ? { seat: f.seat } : {}), reason: f.reason })),
    ...started
      .filter((s) => tracked.get(s.instanceId)?.phase !== "ready")
      .map((s) => ({ ...s, reason: tracked.get(s.instanceId)?.failure ?? "not ready when the run stopped waiting" })),
  ].sort((a, b) => (a.seat ?? Infinity) - (b.seat ?? Infinity));
  const marks = new Map<string, string>();
  for (const s of ready) {
    const i = byId.get(s.instanceId);
    if (i?.publicIp && !i.elasticIp) marks.set(s.instanceId, NEW_ADDRESS);
  }
  return { workshop: o.workshop, started, ready, failed, skipped: o.result.skipped, handout: o.handout, marks };
}
