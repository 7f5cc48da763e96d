// EventBridge Scheduler, simulated: schedule groups, one-time schedules, and the IAM roles they
// assume. Like the instance lifecycle, nothing runs in the background: before every request (and
// every look the test API takes) the schedules that are due fire, in time order, at their own
// time, so the world is the same as if they had fired on the dot. A fired universal target
// `aws-sdk:ec2:terminateInstances` terminates its instances as the role allows: the role's
// policy (ec2:TerminateInstances where aws:ResourceTag/<key> = <value>) is checked for every id,
// and one id it does not cover, or one EC2 does not know, fails the whole call, as EC2 does.
import { SimError } from "./sim-error.js";
import type { SimScheduleRun } from "./types.js";

/** What firing needs of the world (the world holds this state, so no import back to world.ts). */
export interface InstanceWorld<I extends { id: string; tags: ReadonlyMap<string, string> }> {
  getInstance(id: string, now: number): I | undefined;
  terminate(inst: I, now: number): unknown;
}

export interface SimScheduleGroup {
  name: string;
  arn: string;
  createdAt: number;
  modifiedAt: number;
}

export interface SimScheduleTarget {
  arn: string;
  roleArn: string;
  input?: string;
}

export interface SimSchedule {
  name: string;
  groupName: string;
  arn: string;
  expression: string;
  timezone: string;
  /** When an `at(...)` schedule fires (sim ms); undefined for rate/cron (never fired here). */
  fireAt?: number;
  state: "ENABLED" | "DISABLED";
  actionAfterCompletion: "NONE" | "DELETE";
  flexibleWindow: { mode: "OFF" | "FLEXIBLE"; maximumWindowInMinutes?: number };
  target: SimScheduleTarget;
  description?: string;
  clientToken?: string;
  createdAt: number;
  modifiedAt: number;
  /** A one-time schedule that has fired (kept only with ActionAfterCompletion NONE). */
  completed?: boolean;
}

/** What a role may do, as far as the simulator checks it. */
export interface SimRole {
  /** Trusts scheduler.amazonaws.com (else CreateSchedule refuses it). */
  trustsScheduler: boolean;
  /** ec2:TerminateInstances only on instances with this tag (aws:ResourceTag/<key> = <value>). */
  terminateWhereTag?: { key: string; value: string };
}

/** One invocation of a schedule's target: for assertions and the demo. */
export type ScheduleRun = SimScheduleRun;

export const DEFAULT_GROUP = "default";
export const TERMINATE_TARGET = "arn:aws:scheduler:::aws-sdk:ec2:terminateInstances";
const UNIVERSAL = /^arn:aws(-[a-z]+)?:scheduler:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)$/;
/** Universal targets may not call read-only actions (EventBridge Scheduler User Guide, universal targets). */
const READ_ONLY = /^(get|describe|list|poll|receive|search|scan|query|select|read|lookup|discover|validate|batchGet|batchDescribe|batchRead|transactGet|adminGet|adminList|retrieve)/;

export class SchedulerState {
  readonly groups = new Map<string, SimScheduleGroup>();
  /** By `group/name`. */
  readonly schedules = new Map<string, SimSchedule>();
  readonly roles = new Map<string, SimRole>();
  readonly runs: ScheduleRun[] = [];

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    now: number,
  ) {
    this.addGroup(DEFAULT_GROUP, now);
  }

  groupArn(name: string): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule-group/${name}`;
  }

  scheduleArn(group: string, name: string): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule/${group}/${name}`;
  }

  addGroup(name: string, now: number): SimScheduleGroup {
    const g = { name, arn: this.groupArn(name), createdAt: now, modifiedAt: now };
    this.groups.set(name, g);
    return g;
  }

  /** A role the simulator's "IAM" knows: EventBridge Scheduler may assume it, to terminate instances with `tag`. */
  addRole(name: string, terminateWhereTag?: { key: string; value: string }): string {
    const arn = `arn:aws:iam::${this.accountId}:role/${name}`;
    this.roles.set(arn, { trustsScheduler: true, ...(terminateWhereTag ? { terminateWhereTag } : {}) });
    return arn;
  }

  /** Validates and stores a new schedule (CreateSchedule's rules). */
  create(s: Omit<SimSchedule, "arn" | "createdAt" | "modifiedAt" | "fireAt">, now: number): SimSchedule {
    if (!this.groups.has(s.groupName)) throw new SimError("ResourceNotFoundException", `Schedule group ${s.groupName} does not exist.`, 404);
    const key = `${s.groupName}/${s.name}`;
    const existing = this.schedules.get(key);
    if (existing) {
      // A retried request with the same ClientToken gets the same answer.
      if (s.clientToken && existing.clientToken === s.clientToken) return existing;
      throw new SimError("ConflictException", `Schedule ${s.name} already exists.`, 409);
    }
    const m = UNIVERSAL.exec(s.target.arn);
    if (m && READ_ONLY.test(m[3]!)) throw validation(`Universal target ${s.target.arn} calls a read-only action, which EventBridge Scheduler does not support.`);
    const role = this.roles.get(s.target.roleArn);
    if (!role?.trustsScheduler) throw validation("The execution role you provide must allow AWS EventBridge Scheduler to assume the role.");
    const fireAt = parseAt(s.expression, s.timezone);
    const schedule: SimSchedule = { ...s, arn: this.scheduleArn(s.groupName, s.name), createdAt: now, modifiedAt: now, ...(fireAt !== undefined ? { fireAt } : {}) };
    this.schedules.set(key, schedule);
    return schedule;
  }

  get(group: string, name: string): SimSchedule {
    const s = this.schedules.get(`${group}/${name}`);
    if (!s) throw new SimError("ResourceNotFoundException", `Schedule ${name} does not exist.`, 404);
    return s;
  }

  delete(group: string, name: string): void {
    this.get(group, name);
    this.schedules.delete(`${group}/${name}`);
  }

  deleteGroup(name: string): void {
    if (name === DEFAULT_GROUP) throw validation("The default schedule group cannot be deleted.");
    if (!this.groups.has(name)) throw new SimError("ResourceNotFoundException", `Schedule group ${name} does not exist.`, 404);
    this.groups.delete(name);
    for (const [key, s] of this.schedules) if (s.groupName === name) this.schedules.delete(key);
  }

  /** Fires every enabled one-time schedule due by `now`, earliest first, each at its own time. */
  fireDue<I extends { id: string; tags: ReadonlyMap<string, string> }>(world: InstanceWorld<I>, now: number): void {
    const due = [...this.schedules.values()]
      .filter((s) => s.state === "ENABLED" && !s.completed && s.fireAt !== undefined && s.fireAt <= now)
      .sort((a, b) => a.fireAt! - b.fireAt! || a.arn.localeCompare(b.arn));
    for (const s of due) {
      this.runs.push(this.invoke(world, s, s.fireAt!));
      s.completed = true;
      if (s.actionAfterCompletion === "DELETE") this.schedules.delete(`${s.groupName}/${s.name}`);
    }
  }

  private invoke<I extends { id: string; tags: ReadonlyMap<string, string> }>(world: InstanceWorld<I>, s: SimSchedule, at: number): ScheduleRun {
    const run: ScheduleRun = { groupName: s.groupName, name: s.name, at, targetArn: s.target.arn, instanceIds: [], outcome: "ok" };
    const fail = (outcome: string, message: string): ScheduleRun => ({ ...run, outcome, message });
    if (s.target.arn !== TERMINATE_TARGET) return fail("Unsupported", `the simulator runs only ${TERMINATE_TARGET}`);
    let ids: unknown;
    try {
      ids = (JSON.parse(s.target.input ?? "{}") as { InstanceIds?: unknown }).InstanceIds;
    } catch {
      return fail("ValidationException", "the target's Input is not JSON");
    }
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === "string"))
      return fail("MissingParameter", "The request must contain the parameter InstanceId");
    run.instanceIds = ids as string[];
    const role = this.roles.get(s.target.roleArn);
    if (!role) return fail("AccessDenied", `the role ${s.target.roleArn} does not exist (any more)`);
    const instances: I[] = [];
    const missing: string[] = [];
    for (const id of run.instanceIds) {
      const inst = world.getInstance(id, at);
      if (!inst) missing.push(id);
      else instances.push(inst);
    }
    if (missing.length) return fail("InvalidInstanceID.NotFound", `The instance IDs '${missing.join(", ")}' do not exist`);
    const cond = role.terminateWhereTag;
    const denied = instances.filter((i) => !cond || i.tags.get(cond.key) !== cond.value);
    if (denied.length)
      return fail(
        "UnauthorizedOperation",
        `${s.target.roleArn} is not authorized to perform ec2:TerminateInstances on ${denied.map((i) => i.id).join(", ")}`,
      );
    for (const inst of instances) world.terminate(inst, at);
    return run;
  }
}

function validation(message: string): SimError {
  return new SimError("ValidationException", message, 400);
}

/**
 * The moment an `at(yyyy-mm-ddThh:mm:ss)` expression names, in `timezone` (an IANA zone); undefined
 * for rate() and cron() schedules, which the simulator stores but never fires.
 */
export function parseAt(expression: string, timezone: string): number | undefined {
  if (/^(rate|cron)\(.+\)$/.test(expression)) return undefined;
  const m = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (!m) throw validation(`Invalid Schedule Expression ${expression}.`);
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, se);
  if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== d) throw validation(`Invalid Schedule Expression ${expression}.`);
  let offset: number;
  try {
    offset = zoneOffset(wall, timezone);
  } catch {
    throw validation(`Invalid ScheduleExpressionTimezone ${timezone}.`);
  }
  // The wall time in the zone: subtract its offset (asked again at the result, for summer time).
  return wall - zoneOffset(wall - offset, timezone);
}

/** The zone's offset from UTC at instant `ms`, in ms. */
function zoneOffset(ms: number, timezone: string): number {
  if (timezone === "UTC" || timezone === "Etc/UTC") return 0;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: timezone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(ms / 1000) * 1000;
}
