// DescribeInstances, TerminateInstances, StopInstances, StartInstances.
import { compileFilters, isTagFilter, matches, tagFilterValues } from "../filters.js";
import { STATE_CODE } from "../lifecycle.js";
import { filters, list } from "../params.js";
import { SimError } from "../sim-error.js";
import { renderReservationBody, instanceState } from "../render.js";
import type { SimInstance, World } from "../world.js";
import { el, set } from "../xml.js";
import {
  type ActionContext,
  checkInstanceIds,
  decodeToken,
  dryRunGate,
  encodeToken,
  instanceNotFound,
  pageSize,
} from "./context.js";

const INSTANCE_FILTERS = new Set([
  "instance-state-name", "instance-state-code", "instance-id", "vpc-id", "subnet-id", "availability-zone",
  "instance-type", "image-id", "reservation-id", "client-token", "private-ip-address", "ip-address", "key-name",
  "network-interface.subnet-id", "placement-group-name",
]);

export function instanceFilterValues(world: World, inst: SimInstance, now: number, name: string): readonly string[] | undefined {
  if (isTagFilter(name)) return tagFilterValues(inst.tags, name);
  switch (name) {
    case "instance-state-name":
      return [world.state(inst, now).state];
    case "instance-state-code":
      return [String(STATE_CODE[world.state(inst, now).state])];
    case "instance-id":
      return [inst.id];
    case "vpc-id":
      return inst.vpcId ? [inst.vpcId] : [];
    case "subnet-id":
    case "network-interface.subnet-id":
      return inst.subnet ? [inst.subnet.id] : [];
    case "availability-zone":
      return [inst.az];
    case "instance-type":
      return [inst.instanceType];
    case "image-id":
      return [inst.imageId];
    case "reservation-id":
      return [inst.reservationId];
    case "client-token":
      return inst.clientToken ? [inst.clientToken] : [];
    case "private-ip-address":
      return [inst.privateIp];
    case "ip-address": {
      const ip = world.publicIpOf(inst, now);
      return ip ? [ip] : [];
    }
    case "key-name":
      return inst.keyName ? [inst.keyName] : [];
    case "placement-group-name":
      return [];
  }
  return undefined;
}

const knownInstanceFilter = (name: string): boolean => isTagFilter(name) || INSTANCE_FILTERS.has(name);

/**
 * The instances named by InstanceId.N, in that order; unknown ids fail the whole request
 * (including ids still inside the eventual-consistency window after launch).
 */
export function resolveIds(world: World, ids: readonly string[], now: number): SimInstance[] {
  checkInstanceIds(ids);
  const found: SimInstance[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const inst = world.getInstance(id, now);
    if (!inst || now < inst.createdAt + world.timings.eventualConsistencyMs) missing.push(id);
    else found.push(inst);
  }
  if (missing.length) throw instanceNotFound(missing);
  return found;
}

export function describeInstances(ctx: ActionContext): string {
  const { world, params, now } = ctx;
  const ids = list(params, "InstanceId");
  const compiled = compileFilters(filters(params), knownInstanceFilter);
  const max = pageSize(params, ids.length > 0, "instancesSet");
  const after = decodeToken(params.NextToken, "di");
  const pool = ids.length ? resolveIds(world, ids, now) : world.liveInstances(now);
  const limit = max ?? (params.NextToken ? 1000 : Infinity);
  const page: SimInstance[] = [];
  let more = false;
  for (const inst of pool) {
    if (inst.seq <= after) continue;
    if (!matches(compiled, (n) => instanceFilterValues(world, inst, now, n))) continue;
    if (page.length >= limit) {
      more = true;
      break;
    }
    page.push(inst);
  }
  // Consecutive instances of one reservation share a reservation element, as on EC2.
  const groups: { reservationId: string; instances: SimInstance[] }[] = [];
  for (const inst of page) {
    const last = groups[groups.length - 1];
    if (last && last.reservationId === inst.reservationId) last.instances.push(inst);
    else groups.push({ reservationId: inst.reservationId, instances: [inst] });
  }
  const reservations = groups.map((g) => renderReservationBody(world, world.reservations.get(g.reservationId)!, g.instances, now));
  return set("reservationSet", reservations) + (more ? el("nextToken", encodeToken(page[page.length - 1]!.seq, "di")) : "");
}

function stateChanges(
  ctx: ActionContext,
  change: (world: World, inst: SimInstance, now: number) => { previous: keyof typeof STATE_CODE; current: keyof typeof STATE_CODE },
): string {
  const { world, params, now } = ctx;
  const ids = list(params, "InstanceId");
  if (ids.length === 0) throw new SimError("MissingParameter", "The request must contain the parameter InstanceId");
  const instances = resolveIds(world, ids, now);
  dryRunGate(ctx);
  const items = instances.map((inst) => {
    const { previous, current } = change(world, inst, now);
    return el("instanceId", inst.id) + instanceState("currentState", current) + instanceState("previousState", previous);
  });
  return set("instancesSet", items);
}

export function terminateInstances(ctx: ActionContext): string {
  return stateChanges(ctx, (w, i, now) => w.terminate(i, now));
}

export function stopInstances(ctx: ActionContext): string {
  // Check every instance first: one that cannot be stopped fails the request, changing nothing.
  const instances = resolveIds(ctx.world, list(ctx.params, "InstanceId"), ctx.now);
  const force = ctx.params.Force === "true";
  for (const inst of instances) {
    const s = ctx.world.state(inst, ctx.now).state;
    if (s !== "running" && s !== "stopping" && s !== "stopped") ctx.world.stop(inst, ctx.now);
  }
  return stateChanges(ctx, (w, i, now) => w.stop(i, now, force));
}

export function startInstances(ctx: ActionContext): string {
  const instances = resolveIds(ctx.world, list(ctx.params, "InstanceId"), ctx.now);
  for (const inst of instances) {
    const s = ctx.world.state(inst, ctx.now).state;
    if (s !== "stopped" && s !== "running" && s !== "pending") ctx.world.start(inst, ctx.now);
  }
  if (ctx.params.DryRun !== "true") ctx.world.checkStartCapacity(instances, ctx.now);
  return stateChanges(ctx, (w, i, now) => w.start(i, now));
}
