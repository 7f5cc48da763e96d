// DescribeInstanceStatus: status checks (instance + system) computed from the clock.
import { compileFilters, matches } from "../filters.js";
import { type CheckStatus, STATE_CODE, statusAt } from "../lifecycle.js";
import { filters, list } from "../params.js";
import { instanceState } from "../render.js";
import { SimError } from "../sim-error.js";
import type { SimInstance } from "../world.js";
import { el, isoTime, node, set } from "../xml.js";
import { type ActionContext, decodeToken, encodeToken, pageSize } from "./context.js";
import { resolveIds } from "./instances.js";

/**
 * DescribeInstanceStatus takes at most 100 ids (Amazon EC2 API Reference, DescribeInstanceStatus:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceStatus.html).
 */
export const MAX_STATUS_IDS = 100;

const STATUS_FILTERS = new Set([
  "availability-zone", "instance-state-name", "instance-state-code", "instance-status.status",
  "system-status.status", "instance-status.reachability", "system-status.reachability", "event.code",
]);

function reachability(s: CheckStatus): string {
  return s === "ok" ? "passed" : s === "impaired" ? "failed" : s;
}

function summary(name: string, status: CheckStatus, impairedSince?: number): string {
  return node(
    name,
    el("status", status),
    set("details", [
      el("name", "reachability") + el("status", reachability(status)) + (impairedSince !== undefined ? el("impairedSince", isoTime(impairedSince)) : ""),
    ]),
  );
}

export function describeInstanceStatus(ctx: ActionContext): string {
  const { world, params, now } = ctx;
  const ids = list(params, "InstanceId");
  if (ids.length > MAX_STATUS_IDS)
    throw SimError.invalidParameterValue(`The maximum number of instance IDs in one request is ${MAX_STATUS_IDS}; ${ids.length} were given.`);
  const compiled = compileFilters(filters(params), (n) => STATUS_FILTERS.has(n));
  const max = pageSize(params, ids.length > 0, "instancesSet");
  const after = decodeToken(params.NextToken, "dis");
  const includeAll = params.IncludeAllInstances === "true";
  const pool = ids.length ? resolveIds(world, ids, now) : world.liveInstances(now);
  const limit = max ?? (params.NextToken ? 1000 : Infinity);
  const page: string[] = [];
  let lastSeq = 0;
  let more = false;
  for (const inst of pool) {
    if (inst.seq <= after) continue;
    const state = world.state(inst, now).state;
    if (!includeAll && state !== "running") continue;
    const st = statusAt(inst.timeline, now);
    const values = (n: string): readonly string[] => {
      switch (n) {
        case "availability-zone":
          return [inst.az];
        case "instance-state-name":
          return [state];
        case "instance-state-code":
          return [String(STATE_CODE[state])];
        case "instance-status.status":
          return [st.instance];
        case "system-status.status":
          return [st.system];
        case "instance-status.reachability":
          return [reachability(st.instance)];
        case "system-status.reachability":
          return [reachability(st.system)];
      }
      return [];
    };
    if (!matches(compiled, values)) continue;
    if (page.length >= limit) {
      more = true;
      break;
    }
    if (state === "running" && st.instance === "ok" && st.system === "ok") markReported(inst, now);
    page.push(
      el("instanceId", inst.id) +
        el("availabilityZone", inst.az) +
        el("availabilityZoneId", world.azByName(inst.az)?.id) +
        set("eventsSet", []) +
        instanceState("instanceState", state) +
        summary("systemStatus", st.system) +
        summary("instanceStatus", st.instance, st.impairedSince) +
        node("attachedEbsStatus", el("status", st.system), set("details", [el("name", "reachability") + el("status", reachability(st.system))])),
    );
    lastSeq = inst.seq;
  }
  return set("instanceStatusSet", page) + (more ? el("nextToken", encodeToken(lastSeq, "dis")) : "");
}

function markReported(inst: SimInstance, now: number): void {
  if (inst.firstReportedReadyAt === undefined) inst.firstReportedReadyAt = now;
}
