// What a workshop's live machines have used so far: instance-hours (running time), public IPv4
// hours (an address exists only while running, unless it is an Elastic IP) and GiB-hours of disk
// (a disk costs from launch until termination, stopped or not). Running time is EC2's LaunchTime
// to now for the current period, plus the `ec2-workshop:run-hours` tag that `instances stop`
// writes for earlier periods (a start sets LaunchTime anew). Pure; the prices come in elsewhere.
import type { WorkshopInstance } from "./describe.js";
import { TAG } from "./tags.js";

const HOUR_MS = 60 * 60_000;

/** States whose machine is running now (billed per second by EC2 while pending or running). */
const RUNNING = new Set(["pending", "running", "stopping"]);
/** Live: everything but terminated and shutting down (their bill has ended or is ending). */
const LIVE = new Set(["pending", "running", "stopping", "stopped"]);

function recordedHours(i: Pick<WorkshopInstance, "tags">): number {
  const h = Number(i.tags[TAG.runHours]);
  return Number.isFinite(h) && h > 0 ? h : 0;
}

function currentPeriodHours(i: Pick<WorkshopInstance, "state" | "launchTime">, now: Date): number {
  if (!RUNNING.has(i.state) || !i.launchTime) return 0;
  return Math.max(0, now.getTime() - i.launchTime.getTime()) / HOUR_MS;
}

/** An instance's running hours so far: earlier periods (the tag) and the current one. */
export function runningHours(i: Pick<WorkshopInstance, "state" | "launchTime" | "tags">, now: Date): number {
  return recordedHours(i) + currentPeriodHours(i, now);
}

/** The `ec2-workshop:run-hours` value for a machine being stopped now (one decimal), or undefined when it is not running. */
export function runHoursAfterStop(i: Pick<WorkshopInstance, "state" | "launchTime" | "tags">, now: Date): string | undefined {
  if (i.state !== "running") return undefined;
  return (Math.round(runningHours(i, now) * 10) / 10).toFixed(1);
}

/** When the machine (and its disk) came to be: the launched-at tag, else LaunchTime. */
function bornAt(i: Pick<WorkshopInstance, "launchTime" | "tags">): Date | undefined {
  const tagged = Date.parse(i.tags[TAG.launchedAt] ?? "");
  if (Number.isFinite(tagged)) return new Date(tagged);
  return i.launchTime;
}

export interface Usage {
  /** Live machines counted. */
  instances: number;
  /** Running hours by instance type. */
  hoursByType: Map<string, number>;
  instanceHours: number;
  /** Hours with an auto-assigned public IPv4 address (running time of machines that have one). */
  publicIpv4Hours: number;
  /** Hours of disk (one root volume per machine), since launch. */
  volumeHours: number;
}

export function usageSoFar(instances: readonly WorkshopInstance[], now: Date): Usage {
  const usage: Usage = { instances: 0, hoursByType: new Map(), instanceHours: 0, publicIpv4Hours: 0, volumeHours: 0 };
  for (const i of instances) {
    if (!LIVE.has(i.state)) continue;
    usage.instances++;
    const hours = runningHours(i, now);
    const type = i.instanceType ?? "unknown";
    usage.hoursByType.set(type, (usage.hoursByType.get(type) ?? 0) + hours);
    usage.instanceHours += hours;
    // A machine with a public address had one for every running hour (a new one at each start).
    // A stopped one shows none: its earlier hours are counted as with one (this tool's templates
    // give every machine a public address; a private-only workshop over-reports $0.005 an hour).
    if (i.publicIp || i.state === "stopped") usage.publicIpv4Hours += hours;
    const born = bornAt(i);
    if (born) usage.volumeHours += Math.max(0, now.getTime() - born.getTime()) / HOUR_MS;
  }
  return usage;
}

/** "41.3 instance-hours": one decimal. */
export function formatInstanceHours(h: number): string {
  return `${(Math.round(h * 10) / 10).toFixed(1)} instance-hour${Math.round(h * 10) === 10 ? "" : "s"}`;
}
