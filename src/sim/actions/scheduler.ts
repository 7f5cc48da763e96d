// The EventBridge Scheduler API (restJson1: the operation is the method and path, e.g.
// POST /schedules/{Name}, GET /schedules?ScheduleGroup=..., as the SDK's serializer sends them),
// answered from the world's SchedulerState. Dates are epoch seconds, as restJson1 writes them.
import { SimError } from "../sim-error.js";
import { DEFAULT_GROUP, type SimSchedule, type SimScheduleGroup } from "../scheduler.js";
import type { World } from "../world.js";

export interface RestRequest {
  method: string;
  /** The path without the query, e.g. /schedules/my-schedule. */
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  now: number;
}

export interface RestOperation {
  /** As the request log and the `unauthorized` fault name it (CreateSchedule, ...). */
  action: string;
  iamAction: string;
  handle(world: World, r: RestRequest, name: string | undefined): unknown;
}

const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const PAGE = 100;

const seconds = (ms: number): number => Math.floor(ms / 1000);

function validation(message: string): SimError {
  return new SimError("ValidationException", message, 400);
}

function checkName(name: string | undefined, what: string): string {
  if (!name || !NAME.test(name)) throw validation(`1 validation error detected: Value '${name ?? ""}' at '${what}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$`);
  return name;
}

function str(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  return typeof v === "string" ? v : undefined;
}

function scheduleJson(s: SimSchedule): unknown {
  return {
    Arn: s.arn,
    Name: s.name,
    GroupName: s.groupName,
    ScheduleExpression: s.expression,
    ScheduleExpressionTimezone: s.timezone,
    State: s.state,
    ActionAfterCompletion: s.actionAfterCompletion,
    FlexibleTimeWindow: { Mode: s.flexibleWindow.mode, ...(s.flexibleWindow.maximumWindowInMinutes ? { MaximumWindowInMinutes: s.flexibleWindow.maximumWindowInMinutes } : {}) },
    Target: { Arn: s.target.arn, RoleArn: s.target.roleArn, ...(s.target.input !== undefined ? { Input: s.target.input } : {}) },
    ...(s.description ? { Description: s.description } : {}),
    CreationDate: seconds(s.createdAt),
    LastModificationDate: seconds(s.modifiedAt),
  };
}

function groupJson(g: SimScheduleGroup): unknown {
  return { Arn: g.arn, Name: g.name, State: "ACTIVE", CreationDate: seconds(g.createdAt), LastModificationDate: seconds(g.modifiedAt) };
}

/** A page of `items` after the NextToken (an index), MaxResults (1..100) long. */
function page<T>(items: readonly T[], query: URLSearchParams): { items: T[]; next?: string } {
  const max = query.has("MaxResults") ? Number(query.get("MaxResults")) : PAGE;
  if (!Number.isInteger(max) || max < 1 || max > PAGE) throw validation(`MaxResults must be between 1 and ${PAGE}.`);
  const token = query.get("NextToken");
  const start = token ? Number(Buffer.from(token, "base64").toString("utf8")) : 0;
  if (!Number.isInteger(start) || start < 0) throw validation("Invalid NextToken.");
  const slice = items.slice(start, start + max);
  const end = start + slice.length;
  return { items: slice, ...(end < items.length ? { next: Buffer.from(String(end)).toString("base64") } : {}) };
}

function createSchedule(world: World, r: RestRequest, name: string | undefined): unknown {
  const b = r.body;
  const target = b.Target as Record<string, unknown> | undefined;
  const window = b.FlexibleTimeWindow as Record<string, unknown> | undefined;
  const expression = str(b, "ScheduleExpression");
  if (!expression) throw validation("1 validation error detected: Value null at 'scheduleExpression' failed to satisfy constraint: Member must not be null");
  if (!window || (window.Mode !== "OFF" && window.Mode !== "FLEXIBLE")) throw validation("FlexibleTimeWindow.Mode must be OFF or FLEXIBLE.");
  if (!target || typeof target.Arn !== "string" || typeof target.RoleArn !== "string") throw validation("Target.Arn and Target.RoleArn are required.");
  if (!/^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(target.RoleArn)) throw validation(`Invalid RoleArn ${target.RoleArn}.`);
  const after = str(b, "ActionAfterCompletion") ?? "NONE";
  if (after !== "NONE" && after !== "DELETE") throw validation("ActionAfterCompletion must be NONE or DELETE.");
  const state = str(b, "State") ?? "ENABLED";
  if (state !== "ENABLED" && state !== "DISABLED") throw validation("State must be ENABLED or DISABLED.");
  const s = world.scheduler.create(
    {
      name: checkName(name, "name"),
      groupName: checkName(str(b, "GroupName") ?? DEFAULT_GROUP, "groupName"),
      expression,
      timezone: str(b, "ScheduleExpressionTimezone") ?? "UTC",
      state,
      actionAfterCompletion: after,
      flexibleWindow: { mode: window.Mode, ...(typeof window.MaximumWindowInMinutes === "number" ? { maximumWindowInMinutes: window.MaximumWindowInMinutes } : {}) },
      target: { arn: target.Arn, roleArn: target.RoleArn, ...(typeof target.Input === "string" ? { input: target.Input } : {}) },
      ...(str(b, "Description") ? { description: str(b, "Description") } : {}),
      ...(str(b, "ClientToken") ? { clientToken: str(b, "ClientToken") } : {}),
    },
    r.now,
  );
  return { ScheduleArn: s.arn };
}

function groupOf(r: RestRequest): string {
  return checkName(r.query.get("groupName") ?? DEFAULT_GROUP, "groupName");
}

function listSchedules(world: World, r: RestRequest): unknown {
  const group = r.query.get("ScheduleGroup");
  const prefix = r.query.get("NamePrefix") ?? "";
  const state = r.query.get("State");
  const all = [...world.scheduler.schedules.values()]
    .filter((s) => (!group || s.groupName === group) && s.name.startsWith(prefix) && (!state || s.state === state))
    .sort((a, b) => a.groupName.localeCompare(b.groupName) || a.name.localeCompare(b.name));
  const p = page(all, r.query);
  return {
    Schedules: p.items.map((s) => ({
      Arn: s.arn,
      Name: s.name,
      GroupName: s.groupName,
      State: s.state,
      CreationDate: seconds(s.createdAt),
      LastModificationDate: seconds(s.modifiedAt),
      Target: { Arn: s.target.arn },
    })),
    ...(p.next ? { NextToken: p.next } : {}),
  };
}

function listGroups(world: World, r: RestRequest): unknown {
  const prefix = r.query.get("NamePrefix") ?? "";
  const all = [...world.scheduler.groups.values()].filter((g) => g.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  const p = page(all, r.query);
  return { ScheduleGroups: p.items.map(groupJson), ...(p.next ? { NextToken: p.next } : {}) };
}

const op = (action: string, handle: RestOperation["handle"]): RestOperation => ({ action, iamAction: `scheduler:${action}`, handle });

/** Method + path pattern -> operation. `{Name}` is the last path segment. */
const ROUTES: { method: string; collection: "schedules" | "schedule-groups"; named: boolean; op: RestOperation }[] = [
  { method: "POST", collection: "schedules", named: true, op: op("CreateSchedule", createSchedule) },
  { method: "GET", collection: "schedules", named: true, op: op("GetSchedule", (w, r, n) => scheduleJson(w.scheduler.get(groupOf(r), checkName(n, "name")))) },
  {
    method: "DELETE",
    collection: "schedules",
    named: true,
    op: op("DeleteSchedule", (w, r, n) => {
      w.scheduler.delete(groupOf(r), checkName(n, "name"));
      return {};
    }),
  },
  { method: "GET", collection: "schedules", named: false, op: op("ListSchedules", (w, r) => listSchedules(w, r)) },
  {
    method: "POST",
    collection: "schedule-groups",
    named: true,
    op: op("CreateScheduleGroup", (w, r, n) => {
      const name = checkName(n, "name");
      if (w.scheduler.groups.has(name)) throw new SimError("ConflictException", `Schedule group ${name} already exists.`, 409);
      return { ScheduleGroupArn: w.scheduler.addGroup(name, r.now).arn };
    }),
  },
  {
    method: "GET",
    collection: "schedule-groups",
    named: true,
    op: op("GetScheduleGroup", (w, _r, n) => {
      const g = w.scheduler.groups.get(checkName(n, "name"));
      if (!g) throw new SimError("ResourceNotFoundException", `Schedule group ${n} does not exist.`, 404);
      return groupJson(g);
    }),
  },
  {
    method: "DELETE",
    collection: "schedule-groups",
    named: true,
    op: op("DeleteScheduleGroup", (w, _r, n) => {
      w.scheduler.deleteGroup(checkName(n, "name"));
      return {};
    }),
  },
  { method: "GET", collection: "schedule-groups", named: false, op: op("ListScheduleGroups", (w, r) => listGroups(w, r)) },
];

/** Is this path the Scheduler's (rather than EC2's `/`)? */
export function isSchedulerPath(path: string): boolean {
  return /^\/(schedules|schedule-groups)(\/|$)/.test(path);
}

/** The operation a request names, and the {Name} in its path; undefined when none matches. */
export function routeScheduler(method: string, path: string): { op: RestOperation; name?: string } | undefined {
  const m = /^\/(schedules|schedule-groups)(?:\/([^/]+))?\/?$/.exec(path);
  if (!m) return undefined;
  const name = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
  const route = ROUTES.find((x) => x.method === method && x.collection === m[1] && x.named === (name !== undefined));
  return route ? { op: route.op, ...(name !== undefined ? { name } : {}) } : undefined;
}
