// The hand-out: one entry per seat whose machine is ready (seat, address, the instructions),
// from a create run's report or read again from EC2 at any time (`instances handout`). The
// workshop's instructions may hold placeholders, filled per seat; any other text, braces
// included, is kept as written (the original's free text works unchanged).
import type { ListedInstance } from "./listing.js";
import { checksMakeReady, probesService, type ReadyWhen } from "./readiness.js";
import { seatKeepers } from "./seat-assignment.js";
import { compareSeats, seatName } from "./seats.js";

/** The placeholders instructions may use, and what each becomes for one seat. */
export const PLACEHOLDERS = {
  "{address}": "the machine's public IP address (its private one when it has none)",
  "{seat}": "the seat number",
  "{name}": "the machine's name, <workshop>-<seat> (e.g. intro-07)",
} as const;

export interface HandoutEntry {
  seat?: number;
  /** `<workshop>-<seat>`, or the Name tag for an instance without a seat. */
  name: string;
  instanceId: string;
  publicIp?: string;
  privateIp?: string;
  availabilityZone?: string;
}

/** What an attendee connects to: the public IP, else the private one. */
export function addressOf(e: Pick<HandoutEntry, "publicIp" | "privateIp">): string {
  return e.publicIp ?? e.privateIp ?? "";
}

const PLACEHOLDER = /\{(address|seat|name)\}/g;

export function hasPlaceholders(instructions: string): boolean {
  return new RegExp(PLACEHOLDER.source).test(instructions);
}

/** The instructions for one seat: placeholders filled, everything else as written. */
export function fillInstructions(instructions: string, e: HandoutEntry): string {
  return instructions.replace(PLACEHOLDER, (_, key: "address" | "seat" | "name") =>
    key === "address" ? addressOf(e) : key === "seat" ? (e.seat === undefined ? "-" : String(e.seat)) : e.name,
  );
}

/** As EC2 alone tells it: running, with both status checks ok. */
export function checksPassed(i: ListedInstance): boolean {
  return i.state === "running" && i.checks?.instance === "ok" && i.checks.system === "ok";
}

function impaired(i: ListedInstance): boolean {
  return i.checks?.instance === "impaired" || i.checks?.system === "impaired";
}

export interface HandoutReadiness {
  /** What counts (the workshop's readyWhen); default checks. */
  readyWhen?: ReadyWhen;
  /** Machines whose service answered a look just now (service-watch.ts answeringNow). */
  answered?: ReadonlySet<string>;
}

/** Ready for an attendee, by the workshop's readiness: its service answered and/or its checks passed; never when impaired. */
export function isHandoutReady(i: ListedInstance, r: HandoutReadiness = {}): boolean {
  const readyWhen = r.readyWhen ?? "checks";
  if (i.state !== "running" || impaired(i)) return false;
  if (checksMakeReady(readyWhen) && checksPassed(i)) return true;
  return probesService(readyWhen) && (r.answered?.has(i.instanceId) ?? false);
}

/** The machines worth a look at their service: running, not impaired, with an address, and not ready on their checks alone. */
export function serviceCandidates(instances: readonly ListedInstance[], readyWhen: ReadyWhen): { instanceId: string; address: string }[] {
  if (!probesService(readyWhen)) return [];
  return instances
    .filter((i) => i.state === "running" && !impaired(i) && (i.publicIp ?? i.privateIp) && !(checksMakeReady(readyWhen) && checksPassed(i)))
    .map((i) => ({ instanceId: i.instanceId, address: (i.publicIp ?? i.privateIp)! }));
}

export interface Handout {
  /** One per seat with a ready machine, by seat. */
  entries: HandoutEntry[];
  /** Seats whose machine is not ready (yet): what to tell the room. */
  notReady: { seat: number; instanceId: string; state: string; checks?: string }[];
}

/**
 * The hand-out from a workshop's instances as listed: each seat's machine (the one that keeps
 * the seat, should two share it), ready ones as entries, the others as not ready. Instances
 * without a seat (from before seats) are left out: they have no attendee number.
 */
export function handoutFromInstances(instances: readonly ListedInstance[], o: { workshop: string; maximum: number } & HandoutReadiness): Handout {
  const keepers = [...seatKeepers(instances)].sort((a, b) => compareSeats(a[0], b[0]));
  const entries: HandoutEntry[] = [];
  const notReady: Handout["notReady"] = [];
  for (const [seat, i] of keepers) {
    if (isHandoutReady(i, o))
      entries.push({
        seat,
        name: seatName(o.workshop, seat, o.maximum),
        instanceId: i.instanceId,
        publicIp: i.publicIp,
        privateIp: i.privateIp,
        availabilityZone: i.availabilityZone,
      });
    else
      notReady.push({
        seat,
        instanceId: i.instanceId,
        state: i.state,
        ...(i.checks ? { checks: `${i.checks.instance}/${i.checks.system}` } : {}),
      });
  }
  return { entries, notReady };
}
