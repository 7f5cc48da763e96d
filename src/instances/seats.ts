// An attendee's seat (1..the workshop's maximum), read from EC2 alone. EC2 applies one
// TagSpecification to every instance of a RunInstances call, so each call carries the list of
// its seats (`ec2-workshop:seats=3,7-9`), and EC2 numbers the instances of one call 0..k-1
// (AmiLaunchIndex, reported by DescribeInstances too): instance i of the call holds the i-th
// seat of the list. One tag per call and no extra call per instance; every instance has its
// seat from the moment it exists, however its run ends. A call that got fewer instances than
// it asked for (MinCount=1) holds the first k seats of its list; the launcher puts the rest in
// the next call's list. A seat moved later (seat-assignment.ts, collisions) is written as
// `ec2-workshop:seat`, which wins over the list.
import { TAG } from "./tags.js";

/**
 * The most seats a workshop may have. Every seat is a machine launched, tagged, listed and handed
 * out one by one, and a launch must keep EC2's pace: RunInstances' instance bucket holds 1,000 and
 * refills 2 a second ("Request throttling for the Amazon EC2 API"), so 2,000 machines already
 * take over 8 minutes to start, longer than a launch phase's default 5, and they are 4,000 vCPUs
 * even of the smallest t3, beyond the On-Demand quota of nearly every account. A larger maximum
 * is a typo (an extra zero, 1e9), not a workshop; a bigger event runs several workshops.
 */
export const MAX_SEATS = 2000;

/** EC2 tag values hold at most 256 characters: a call's seat list must fit (seatsThatFit). */
export const TAG_VALUE_MAX = 256;

/** `[3, 7, 8, 9]` -> "3,7-9": ascending consecutive runs become ranges; the order is kept. */
export function formatSeatList(seats: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seats.length; ) {
    let j = i;
    while (j + 1 < seats.length && seats[j + 1] === seats[j]! + 1) j++;
    parts.push(j > i ? `${seats[i]}-${seats[j]}` : String(seats[i]));
    i = j + 1;
  }
  return parts.join(",");
}

/** The inverse of formatSeatList for tag values: undefined for anything malformed (then no seat). */
export function parseSeatList(text: string | undefined): number[] | undefined {
  if (!text || !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(text)) return undefined;
  const out: number[] = [];
  for (const part of text.split(",")) {
    const [from, to] = part.split("-").map(Number) as [number, number | undefined];
    const last = to ?? from;
    if (from < 1 || last < from || last - from > 100_000) return undefined;
    for (let s = from; s <= last; s++) out.push(s);
  }
  return out;
}

/** How many of `seats` (from the start) one RunInstances call can carry in its seat tag. */
export function seatsThatFit(seats: readonly number[], max = TAG_VALUE_MAX): number {
  if (formatSeatList(seats).length <= max) return seats.length;
  let lo = 1;
  let hi = seats.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (formatSeatList(seats.slice(0, mid)).length <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function positiveInt(text: string | undefined): number | undefined {
  return text !== undefined && /^[1-9]\d{0,8}$/.test(text) ? Number(text) : undefined;
}

/**
 * An instance's seat from its tags and its AmiLaunchIndex: a moved seat first, else the i-th of
 * its call's list. Undefined for instances launched before seats existed (or not by this tool).
 */
export function seatOf(tags: Readonly<Record<string, string>>, amiLaunchIndex: number | undefined): number | undefined {
  const moved = positiveInt(tags[TAG.seat]);
  if (moved !== undefined) return moved;
  const list = parseSeatList(tags[TAG.seats]);
  if (!list || amiLaunchIndex === undefined || !Number.isInteger(amiLaunchIndex) || amiLaunchIndex < 0) return undefined;
  return list[amiLaunchIndex];
}

/** Digits of the workshop's largest seat: seat labels line up and sort as text too. */
export function seatWidth(maximum: number): number {
  return String(Math.max(1, maximum)).length;
}

/** "07" in a workshop of up to 25; "-" for no seat. */
export function seatLabel(seat: number | undefined, maximum: number): string {
  return seat === undefined ? "-" : String(seat).padStart(seatWidth(maximum), "0");
}

/** The readable Name of a seat's instance: `<workshop>-<seat, zero padded>`. */
export function seatName(workshop: string, seat: number, maximum: number): string {
  return `${workshop}-${seatLabel(seat, maximum)}`;
}

/** Ascending seats; instances without one last. */
export function compareSeats(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  return a - b;
}
