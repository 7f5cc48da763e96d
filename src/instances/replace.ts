// `instances replace`: a seat's machine terminated and a new one launched into the same seat,
// waited for like any launch (create-batch.ts). A seat with no machine simply gets one.
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { UserError } from "../errors.js";
import type { WorkshopSettings } from "../workshops/settings.js";
import { createBatch, type CreateBatchEvents, type Preparation } from "./create-batch.js";
import type { WorkshopInstance } from "./describe.js";
import type { Readiness } from "./readiness.js";
import { expiryOf, NEVER, type Expiry } from "./expiry.js";
import type { ExpirySchedules } from "./schedules.js";
import { seatHolders } from "./seat-assignment.js";
import { terminateWorkshopInstances, isAlreadyGone } from "./terminate.js";

export interface ReplacementPlan {
  seats: number[];
  /** The machines now in those seats (none for an empty seat; two after an unsettled collision). */
  holders: WorkshopInstance[];
}

/** Which machines go, seat by seat; seats outside 1..maximum are refused. */
export function planReplacement(instances: readonly WorkshopInstance[], seats: readonly number[], settings: WorkshopSettings): ReplacementPlan {
  const beyond = seats.filter((s) => s > settings.maximum);
  if (beyond.length)
    throw new UserError(
      `Workshop "${settings.name}" has seats 1 to ${settings.maximum}; there is no seat ${beyond.join(", ")}. Nothing was changed.`,
    );
  const holders = seatHolders(instances);
  return { seats: [...seats], holders: seats.flatMap((s) => holders.get(s) ?? []) };
}

/**
 * The expiry a replacement takes by default: its predecessors' (the latest of them, so no machine
 * ends sooner than the one it replaces; never, if one of them never expires). Undefined when none
 * of them had one.
 */
export function inheritedExpiry(holders: readonly WorkshopInstance[]): Expiry | undefined {
  const expiries = holders.map(expiryOf).filter((e): e is Expiry => e !== undefined);
  if (expiries.includes(NEVER)) return NEVER;
  const dates = expiries.filter((e): e is Date => e instanceof Date);
  return dates.length ? new Date(Math.max(...dates.map((d) => d.getTime()))) : undefined;
}

export interface ReplaceOptions {
  settings: WorkshopSettings;
  plan: ReplacementPlan;
  prep: Preparation;
  clock: Clock;
  /** The new machines' expiry. */
  expiresAt?: Expiry;
  /** The old machines leave their batches' schedules; the new ones get their own. */
  schedules?: ExpirySchedules;
  launchTimeoutMs?: number;
  checkTimeoutMs?: number;
  /** What counts as ready (readiness.ts resolveReadiness), as for `instances create`. */
  readiness?: Readiness;
  signal?: AbortSignal;
  events?: CreateBatchEvents;
}

/**
 * Terminates the seats' machines (only this workshop's, re-read first), then launches one new
 * machine into each seat and waits for it. A machine that could not be terminated keeps its
 * seat: nothing is launched there, and the error says why.
 */
export async function replaceSeats(ec2: EC2Client, o: ReplaceOptions): Promise<Awaited<ReturnType<typeof createBatch>>> {
  const ids = o.plan.holders.map((h) => h.instanceId);
  if (ids.length) {
    const result = await terminateWorkshopInstances(ec2, o.settings.name, ids, { clock: o.clock, signal: o.signal });
    const stuck = result.skipped.filter((s) => !isAlreadyGone(s.reason));
    if (stuck.length)
      throw new UserError(
        `Not replaced: ${stuck.map((s) => `${s.instanceId} was not terminated (${s.reason})`).join("; ")}. Nothing was launched.`,
      );
    for (const t of result.terminated) o.events?.note?.(`Terminated ${t.instanceId} (${t.previousState ?? "?"} → ${t.currentState ?? "?"}).`);
    await o.schedules?.resync(ec2, result.terminated.map((t) => t.batch), { gone: new Set(result.terminated.map((t) => t.instanceId)) });
  }
  return createBatch(ec2, {
    settings: o.settings,
    seats: o.plan.seats,
    prep: o.prep,
    clock: o.clock,
    ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt } : {}),
    ...(o.schedules ? { schedules: o.schedules } : {}),
    launchTimeoutMs: o.launchTimeoutMs,
    checkTimeoutMs: o.checkTimeoutMs,
    readiness: o.readiness,
    signal: o.signal,
    events: o.events,
  });
}
