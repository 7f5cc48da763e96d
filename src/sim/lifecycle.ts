// Instance lifecycle as a timeline of scheduled transitions. Nothing runs in the background:
// the state at any moment is read from the timeline when asked, so thousands of instances cost
// nothing between requests. A user action (stop, start, terminate) cuts the future off the
// timeline and schedules a new one.

export type StateName = "pending" | "running" | "shutting-down" | "terminated" | "stopping" | "stopped";

/** EC2's instance state codes. */
export const STATE_CODE: Record<StateName, number> = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface Transition {
  at: number;
  state: StateName;
  /** EC2's StateReason (code + message), e.g. Client.UserInitiatedShutdown. */
  reason?: { code: string; message: string };
  /** EC2's StateTransitionReason text. */
  transitionReason?: string;
  /** running only: when the status checks finish, and how. */
  checksAt?: number;
  checksResult?: "ok" | "impaired";
  /** running only: the public IP of this running period (a stop/start gets a new one). */
  publicIp?: string;
  /** running only: when the instance's service (e.g. sshd) starts answering; undefined = never, this period. */
  serviceAt?: number;
  /** running only: from serviceAt the port accepts connections but the service never speaks (a hung sshd). */
  serviceHung?: boolean;
}

export type CheckStatus = "initializing" | "ok" | "impaired" | "not-applicable";

export function currentTransition(timeline: readonly Transition[], now: number): Transition {
  for (let i = timeline.length - 1; i > 0; i--) if (timeline[i]!.at <= now) return timeline[i]!;
  return timeline[0]!;
}

/** The running transition the instance is in, or most recently was in, at `now`. */
export function lastRunning(timeline: readonly Transition[], now: number): Transition | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const t = timeline[i]!;
    if (t.at <= now && t.state === "running") return t;
  }
  return undefined;
}

export interface StatusNow {
  instance: CheckStatus;
  system: CheckStatus;
  /** When the instance status became impaired (for ImpairedSince). */
  impairedSince?: number;
}

export function statusAt(timeline: readonly Transition[], now: number): StatusNow {
  const cur = currentTransition(timeline, now);
  if (cur.state !== "running") return { instance: "not-applicable", system: "not-applicable" };
  if (cur.checksAt === undefined || now < cur.checksAt) return { instance: "initializing", system: "initializing" };
  if (cur.checksResult === "impaired") return { instance: "impaired", system: "ok", impairedSince: cur.checksAt };
  return { instance: "ok", system: "ok" };
}

export interface ServiceNow {
  /** down: nothing listens (connections are refused); up: it answers; hung: it accepts and says nothing. */
  state: "down" | "up" | "hung";
  /** When it came up (up or hung). */
  since?: number;
}

/**
 * The instance's service at `now`: only while running, from its service-up moment on, and not
 * once its status check is impaired (an OS that fails its reachability check answers nothing).
 */
export function serviceAt(timeline: readonly Transition[], now: number): ServiceNow {
  const cur = currentTransition(timeline, now);
  if (cur.state !== "running" || cur.serviceAt === undefined || now < cur.serviceAt) return { state: "down" };
  if (cur.checksResult === "impaired" && cur.checksAt !== undefined && now >= cur.checksAt) return { state: "down" };
  return { state: cur.serviceHung ? "hung" : "up", since: cur.serviceAt };
}

/** The first moment the instance was running with both checks ok (undefined if never, so far). */
export function readyAt(timeline: readonly Transition[], now: number): number | undefined {
  for (let i = 0; i < timeline.length; i++) {
    const t = timeline[i]!;
    if (t.state !== "running" || t.checksResult !== "ok" || t.checksAt === undefined || t.checksAt > now) continue;
    const next = timeline[i + 1];
    if (!next || next.at > t.checksAt) return t.checksAt;
  }
  return undefined;
}

/** Drop what was scheduled after `now` (a user action overrides it). */
export function cutFuture(timeline: Transition[], now: number): void {
  let keep = timeline.length;
  while (keep > 1 && timeline[keep - 1]!.at > now) keep--;
  timeline.length = keep;
}

/** "User initiated (2024-05-01 12:00:00 GMT)", as EC2 writes StateTransitionReason. */
export function userInitiated(now: number): string {
  const iso = new Date(now).toISOString();
  return `User initiated (${iso.slice(0, 10)} ${iso.slice(11, 19)} GMT)`;
}
