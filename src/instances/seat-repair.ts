// The last step of a run before its hand-out: does any of its instances share a seat with
// another run's (two runs read the free seats at the same moment)? The rule is in
// seat-assignment.ts (the earlier claim keeps the seat); here it is carried out in EC2: a moved
// instance gets `ec2-workshop:seat` (and its Name) by CreateTags, and one with no free seat left
// within the maximum is terminated. Then the workshop is read again, until nothing is shared.
import { CreateTagsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { withClientRetry } from "./backoff.js";
import type { WorkshopInstance } from "./describe.js";
import { planSeatRepairs, type SeatEviction, type SeatMove } from "./seat-assignment.js";
import { seatName } from "./seats.js";
import { TAG } from "./tags.js";

/** Rounds of check-and-move: each move frees nothing, so more than a few means runs keep racing. */
const MAX_ROUNDS = 3;

export interface SettleOptions {
  workshop: string;
  maximum: number;
  /** This run's instances: the only ones it moves. */
  mine: ReadonlySet<string>;
  clock: Clock;
  signal?: AbortSignal;
  /** The workshop read again (all of it). */
  read(): Promise<WorkshopInstance[]>;
  /** Terminates instances left without a seat. */
  evict(evictions: readonly SeatEviction[]): Promise<void>;
  /** Called before a seat tag is written (e.g. to stop a background Name for it). */
  beforeMove?(moves: readonly SeatMove[]): Promise<void>;
  note?(message: string): void;
}

export interface SettleResult {
  moves: SeatMove[];
  evictions: SeatEviction[];
  /** The last read of the workshop. */
  seen: WorkshopInstance[];
}

/** The tags that move an instance to `seat`: the seat, when (its claim time), and its Name. */
export function moveTags(workshop: string, seat: number, maximum: number, at: Date): { Key: string; Value: string }[] {
  return [
    { Key: TAG.seat, Value: String(seat) },
    { Key: TAG.seatMovedAt, Value: at.toISOString() },
    { Key: TAG.name, Value: seatName(workshop, seat, maximum) },
  ];
}

/** Moves this run's instances off seats an earlier claim holds; `seen` is a fresh read of the workshop. */
export async function settleSeats(ec2: EC2Client, seen: WorkshopInstance[], o: SettleOptions): Promise<SettleResult> {
  const result: SettleResult = { moves: [], evictions: [], seen };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const plan = planSeatRepairs(result.seen, o.mine, o.maximum);
    if (plan.moves.length === 0 && plan.evictions.length === 0) break;
    await o.beforeMove?.(plan.moves);
    for (const m of plan.moves) {
      await withClientRetry(
        ec2,
        () =>
          ec2.send(new CreateTagsCommand({ Resources: [m.instanceId], Tags: moveTags(o.workshop, m.to, o.maximum, o.clock.wallNow()) }), {
            abortSignal: o.signal,
          }),
        { clock: o.clock, signal: o.signal, maxAttempts: 6 },
      );
      o.note?.(`Seat ${m.from} was taken first by another run (${m.keptBy}): ${m.instanceId} moves to seat ${m.to}.`);
    }
    if (plan.evictions.length) {
      await o.evict(plan.evictions);
      for (const e of plan.evictions)
        o.note?.(`Seat ${e.seat} was taken first by another run (${e.keptBy}) and no seat is free: ${e.instanceId} is terminated.`);
    }
    result.moves.push(...plan.moves);
    result.evictions.push(...plan.evictions);
    result.seen = await o.read();
  }
  return result;
}
