// Figures derived from the simulator's request log and instance truth: calls by action, calls
// per polling round, detection lag. The benchmark and the tests share them; test/unit/bench-metrics.test.ts checks them.
import type { RequestLogEntry, SimInstanceView } from "../../src/sim/index.js";

export function countByAction(entries: readonly RequestLogEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) out[e.action] = (out[e.action] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export interface RoundStats {
  rounds: number;
  /** The most calls one polling round made (the figure the targets speak of). */
  max: number;
  mean: number;
}

/** Answered requests only: throttled, failed and dropped ones are retries, counted elsewhere. */
const answered = (e: RequestLogEntry): boolean => e.outcome === "ok";

function stats(perRound: number[]): RoundStats {
  if (perRound.length === 0) return { rounds: 0, max: 0, mean: 0 };
  const total = perRound.reduce((a, b) => a + b, 0);
  return { rounds: perRound.length, max: Math.max(...perRound), mean: Math.round((total / perRound.length) * 100) / 100 };
}

/** Instance ids named in a request (InstanceId.1, InstanceId.2, ...). */
function idsOf(e: RequestLogEntry): string[] {
  return Object.entries(e.params)
    .filter(([k]) => /^InstanceId\.\d+$/.test(k))
    .map(([, v]) => v);
}

/**
 * DescribeInstances rounds: a round starts with a first-page request (no NextToken); its
 * further pages follow it. So calls per round = pages per sweep of the batch.
 */
export function describeInstancesRounds(entries: readonly RequestLogEntry[]): RoundStats {
  const perRound: number[] = [];
  for (const e of entries) {
    if (e.action !== "DescribeInstances" || !answered(e)) continue;
    if (!e.params.NextToken || perRound.length === 0) perRound.push(1);
    else perRound[perRound.length - 1]! += 1;
  }
  return stats(perRound);
}

/**
 * DescribeInstanceStatus rounds, for a poller that asks by id chunks: a round is a sweep over
 * the ids still being watched, so a new round starts when an id comes up again. Paginated
 * (NextToken) follow-ups belong to the round they continue.
 */
export function describeStatusRounds(entries: readonly RequestLogEntry[]): RoundStats {
  const perRound: number[] = [];
  let seen = new Set<string>();
  for (const e of entries) {
    if (e.action !== "DescribeInstanceStatus" || !answered(e)) continue;
    const ids = idsOf(e);
    const repeats = ids.some((id) => seen.has(id));
    if (perRound.length === 0 || (repeats && !e.params.NextToken) || (ids.length === 0 && !e.params.NextToken)) {
      perRound.push(1);
      seen = new Set(ids);
    } else {
      perRound[perRound.length - 1]! += 1;
      for (const id of ids) seen.add(id);
    }
  }
  return stats(perRound);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Detection lag: from the simulator's ready time to the first answer that showed the instance ready. */
export function detectionLags(instances: readonly SimInstanceView[], ids: ReadonlySet<string>): number[] {
  return instances
    .filter((i) => ids.has(i.instanceId) && i.readyAt !== undefined && i.firstReportedReadyAt !== undefined)
    .map((i) => Math.max(0, i.firstReportedReadyAt! - i.readyAt!));
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Actions that are not EC2's (STS, Service Quotas, Price List): left out of "EC2 calls". */
const NOT_EC2 = new Set(["GetCallerIdentity", "GetServiceQuota", "GetProducts"]);

/** EC2 calls among `counts` (calls by action); `withoutNames` also leaves out CreateTags (the background seat Names). */
export function ec2Calls(counts: Record<string, number>, o: { withoutNames?: boolean } = {}): number {
  return Object.entries(counts)
    .filter(([action]) => !NOT_EC2.has(action) && !(o.withoutNames && action === "CreateTags"))
    .reduce((sum, [, n]) => sum + n, 0);
}

/**
 * When an instance became usable: its service up, and its port really listening (the simulator
 * binds it a few real ms later, more on a busy machine; that delay is the simulator's, not the
 * tool's). Undefined when its service never came up.
 */
export function usableAt(i: SimInstanceView): number | undefined {
  if (i.serviceUpAt === undefined) return undefined;
  return Math.max(i.serviceUpAt, i.listeningSince ?? i.serviceUpAt);
}

/**
 * Usable-to-on-screen lag: for each instance shown (id -> the simulator time its line reached the
 * screen), from the moment it became usable. Instances shown before that (handed out on their
 * checks) are left out: they were never "usable, then shown".
 */
export function usableLags(instances: readonly SimInstanceView[], shownAt: ReadonlyMap<string, number>): number[] {
  const out: number[] = [];
  for (const i of instances) {
    const shown = shownAt.get(i.instanceId);
    const usable = usableAt(i);
    if (shown === undefined || usable === undefined || shown < usable) continue;
    out.push(shown - usable);
  }
  return out;
}

/** Reads "✔ Seat 7 ready: 127.1.2.3 (...)" lines (the tool's progress) into the addresses they show. */
export function readyAddresses(text: string): string[] {
  return [...text.matchAll(/Seat \S+ ready: (\S+)/g)].map((m) => m[1]!);
}
