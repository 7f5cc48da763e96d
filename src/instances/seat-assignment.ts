// Which seats a launch takes, and who keeps a seat two runs took at once. Pure: the instances
// come in as read from EC2 (describe.ts), so every process decides the same from the same data.
//
// Free = no instance holds it (holding: pending, running, stopping or stopped; an instance that
// is shutting down has let its seat go). `--count N` takes the N lowest free seats; `--seats`
// takes exactly those, refused while one is held. Held + new never exceeds the maximum.
//
// EC2 has no conditional write, so two runs that read the seats at the same moment may launch
// into the same ones. Each run checks again before it prints its hand-out (planSeatRepairs):
// the earlier claim keeps the seat, the later one moves to the lowest free seat (CreateTags
// `ec2-workshop:seat` + `seat-moved-at`), or, with no free seat left, is terminated. A claim's
// time is the instance's LaunchTime (EC2's clock), or the time it was moved (the mover's clock);
// ties go to the lower instance id. A run that checked and printed before another run's claim
// existed holds the earlier claim, so a printed hand-out is not renumbered (short of clock skew
// between a mover and EC2). Note for stop/start: EC2 sets LaunchTime anew at each start, so a
// restarted machine's claim looks later; that only matters while two machines share a seat.
import { UserError } from "../errors.js";
import type { WorkshopInstance } from "./describe.js";
import { formatSeatList } from "./seats.js";
import { TAG } from "./tags.js";
import { commandToType } from "../invocation.js";

/** Instance states that hold a seat. */
export const HOLDING_STATES = ["pending", "running", "stopping", "stopped"] as const;
const HOLDING: ReadonlySet<string> = new Set(HOLDING_STATES);

export function holdsSeat(i: Pick<WorkshopInstance, "seat" | "state">): boolean {
  return i.seat !== undefined && HOLDING.has(i.state);
}

/** When the instance took its seat (ms since the epoch): moved-at, else LaunchTime. */
export function claimTime(i: Pick<WorkshopInstance, "launchTime" | "tags">): number {
  const moved = Date.parse(i.tags[TAG.seatMovedAt] ?? "");
  if (Number.isFinite(moved)) return moved;
  return i.launchTime?.getTime() ?? Number.POSITIVE_INFINITY;
}

/** Earlier claim first; equal times by instance id, so the order is total and the same everywhere. */
export function compareClaims(a: WorkshopInstance, b: WorkshopInstance): number {
  const ta = claimTime(a);
  const tb = claimTime(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
}

/** Seat -> the instances holding it, earliest claim first (more than one only after a collision). */
export function seatHolders<T extends WorkshopInstance>(instances: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const i of instances) {
    if (!holdsSeat(i)) continue;
    const list = out.get(i.seat!) ?? [];
    list.push(i);
    out.set(i.seat!, list);
  }
  for (const list of out.values()) list.sort(compareClaims);
  return out;
}

/** Seat -> the instance that keeps it (the earliest claim). */
export function seatKeepers<T extends WorkshopInstance>(instances: readonly T[]): Map<number, T> {
  return new Map([...seatHolders(instances)].map(([seat, list]) => [seat, list[0]!]));
}

/** Seats 1..maximum nobody holds, ascending. */
export function freeSeats(held: ReadonlySet<number> | ReadonlyMap<number, unknown>, maximum: number): number[] {
  const out: number[] = [];
  for (let s = 1; s <= maximum; s++) if (!held.has(s)) out.push(s);
  return out;
}

export interface SeatRequest {
  workshop: string;
  maximum: number;
  /** `--count N`: the N lowest free seats. */
  count?: number;
  /** `--seats`: exactly these (ascending, no duplicates). */
  seats?: readonly number[];
}

/** "i-0abc (running, 54.1.2.3)": who holds a seat, for messages. */
export function describeHolder(i: WorkshopInstance): string {
  return `${i.instanceId} (${[i.state, i.publicIp ?? i.privateIp].filter(Boolean).join(", ")})`;
}

/** The seats a launch takes, or one UserError that says why none can be taken. */
export function assignSeats(instances: readonly WorkshopInstance[], req: SeatRequest): number[] {
  const holders = seatHolders(instances);
  const free = freeSeats(holders, req.maximum);
  const heldInRange = req.maximum - free.length;
  if (req.seats) {
    const beyond = req.seats.filter((s) => s < 1 || s > req.maximum);
    if (beyond.length)
      throw new UserError(
        `Seat ${beyond[0]} is beyond workshop "${req.workshop}"'s seats (1..${req.maximum}): nothing was launched. Raise the maximum with \`${commandToType(`workshop update ${req.workshop}`)}\`, or choose seats in range.`,
      );
    const taken = req.seats.filter((s) => holders.has(s));
    if (taken.length) {
      const who = taken.map((s) => `seat ${s} by ${holders.get(s)!.map(describeHolder).join(" and ")}`).join("; ");
      throw new UserError(
        `${taken.length === 1 ? "That seat is" : "Those seats are"} taken (${who}): nothing was launched. ` +
          `Give its machine a fresh one with \`${commandToType(`instances replace --workshop ${req.workshop} --seats ${formatSeatList(taken)}`)}\`, or choose free seats.`,
      );
    }
    return [...req.seats];
  }
  const count = req.count ?? 0;
  if (count > free.length) {
    const where = free.length ? ` (free: seats ${formatSeatList(free)})` : "";
    throw new UserError(
      `Workshop "${req.workshop}" has ${free.length} free seat${free.length === 1 ? "" : "s"} of ${req.maximum}${where}; ${heldInRange} ${heldInRange === 1 ? "is" : "are"} taken: --count ${count} would go past its maximum. ` +
        `Launch at most ${free.length}, free seats with \`${commandToType(`instances destroy --workshop ${req.workshop} --seats ...`)}\`, or raise the maximum with \`${commandToType(`workshop update ${req.workshop}`)}\`. Nothing was launched.`,
    );
  }
  return free.slice(0, count);
}

export interface SeatMove {
  instanceId: string;
  from: number;
  to: number;
  /** The instance that kept `from`. */
  keptBy: string;
}

export interface SeatEviction {
  instanceId: string;
  seat: number;
  keptBy: string;
}

/**
 * What this run must do about seats it shares with other instances: each of `mine` that lost
 * its seat (a later claim than another holder's) moves to the lowest free seat (in seat order), or, when none is
 * left within the maximum, is evicted (the caller terminates it). Others' losers are left to
 * their own runs.
 */
export function planSeatRepairs(
  instances: readonly WorkshopInstance[],
  mine: ReadonlySet<string>,
  maximum: number,
): { moves: SeatMove[]; evictions: SeatEviction[] } {
  const holders = seatHolders(instances);
  const losers: { instance: WorkshopInstance; keptBy: string }[] = [];
  for (const list of holders.values()) {
    for (const i of list.slice(1)) if (mine.has(i.instanceId)) losers.push({ instance: i, keptBy: list[0]!.instanceId });
  }
  // In seat order, so moved machines keep their order on the hand-out.
  losers.sort((a, b) => a.instance.seat! - b.instance.seat! || compareClaims(a.instance, b.instance));
  const free = freeSeats(holders, maximum);
  const moves: SeatMove[] = [];
  const evictions: SeatEviction[] = [];
  for (const { instance, keptBy } of losers) {
    const to = free.shift();
    if (to === undefined) evictions.push({ instanceId: instance.instanceId, seat: instance.seat!, keptBy });
    else moves.push({ instanceId: instance.instanceId, from: instance.seat!, to, keptBy });
  }
  return { moves, evictions };
}
