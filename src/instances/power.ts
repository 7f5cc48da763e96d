// Between the days of a workshop: stopping a workshop's machines (they keep their seats, tags,
// disks and private addresses; a stopped machine costs only its disk) and starting them again
// (each in its own Availability Zone, where its disk is; a new public IPv4 address). Both act only
// on this workshop's machines, read again just before (workshop-action.ts), in chunks, paced
// within EC2's Stop/Start resource buckets.
import { CreateTagsCommand, StartInstancesCommand, StopInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { describeError } from "../errors.js";
import { callRetry, isCapacityError, withClientRetry } from "./backoff.js";
import type { WorkshopInstance } from "./describe.js";
import { withoutMissingIds } from "./instance-id.js";
import { TAG } from "./tags.js";
import { runHoursAfterStop } from "./usage.js";
import { changeWorkshopInstances, readWorkshopNow, type ActionOutcome, type StateChange } from "./workshop-action.js";

/**
 * Ids per Stop/StartInstances call, as for termination: small failing calls. The buckets are
 * EC2's resource-rate buckets ("Request throttling for the Amazon EC2 API", AWS-FACTS.md):
 * StopInstances shares TerminateInstances' (1,000 instances, refill 20/s); StartInstances shares
 * RunInstances' (1,000 instances, refill 2/s).
 */
export const POWER_CHUNK = 100;
const STOP_BUCKET = { size: 1000, refillPerSecond: 20 };
const START_BUCKET = { size: 1000, refillPerSecond: 2 };

export interface PowerResult {
  /** Asked to stop (or start): EC2 accepted the request for these. */
  done: ActionOutcome[];
  /** Left alone, with why (already stopped, not this workshop's, ...). */
  skipped: { instanceId: string; reason: string }[];
  /** Start only: EC2 refused to start these (no capacity in their AZ), with its reason. */
  failed: { instanceId: string; seat?: number; reason: string }[];
}

export const ALREADY_STOPPED = "already stopped";
export const ALREADY_STOPPING = "already stopping";
export const ALREADY_RUNNING = "already running";

function stopSkip(i: WorkshopInstance): string | undefined {
  switch (i.state) {
    case "running":
      return undefined;
    case "stopped":
      return ALREADY_STOPPED;
    case "stopping":
      return ALREADY_STOPPING;
    case "pending":
      return "still pending (starting): stop it once it is running";
    default:
      return i.state === "terminated" || i.state === "shutting-down" ? `${i.state}: nothing to stop` : `in state ${i.state}`;
  }
}

/**
 * Asks EC2 to stop the workshop's running machines among `instanceIds`. `force`: EC2's forced
 * stop (no OS shutdown: the cure for a machine stuck in `stopping`); then stopping ones are asked
 * again too. Before asking, each machine's running hours so far are added to its
 * `ec2-workshop:run-hours` tag (the cost so far survives the reset of LaunchTime at the next start).
 */
export async function stopWorkshopInstances(
  ec2: EC2Client,
  workshop: string,
  instanceIds: readonly string[],
  o: { clock: Clock; now: Date; force?: boolean; signal?: AbortSignal },
): Promise<PowerResult> {
  const change: StateChange = {
    past: "stopped",
    skip: (i) => (o.force && i.state === "stopping" ? undefined : stopSkip(i)),
    chunk: POWER_CHUNK,
    bucket: STOP_BUCKET,
    call: async (client, ids, current, signal) => {
      await recordRunHours(client, ids.map((id) => current.get(id)!).filter((i) => i.state === "running"), o.now, o.clock, signal);
      return (await client.send(new StopInstancesCommand({ InstanceIds: ids, ...(o.force ? { Force: true } : {}) }), { abortSignal: signal })).StoppingInstances ?? [];
    },
  };
  const { done, skipped } = await changeWorkshopInstances(ec2, workshop, instanceIds, change, o);
  return { done, skipped, failed: [] };
}

/**
 * `ec2-workshop:run-hours` for machines about to stop: one CreateTags per distinct value (a
 * batch launched together shares one, so a stop of 300 costs a call or two, not 300). Best
 * effort: a machine whose tag could not be written only under-reports its cost so far.
 */
async function recordRunHours(ec2: EC2Client, running: readonly WorkshopInstance[], now: Date, clock: Clock, signal?: AbortSignal): Promise<void> {
  const byValue = new Map<string, string[]>();
  for (const i of running) {
    const value = runHoursAfterStop(i, now);
    if (value !== undefined) byValue.set(value, [...(byValue.get(value) ?? []), i.instanceId]);
  }
  for (const [value, ids] of byValue) {
    try {
      await withoutMissingIds(ids, (rest) =>
        withClientRetry(ec2, () => ec2.send(new CreateTagsCommand({ Resources: rest, Tags: [{ Key: TAG.runHours, Value: value }] }), { abortSignal: signal }), callRetry(clock, signal)),
      );
    } catch {
      // The stop matters more than the accounting.
    }
  }
}

/**
 * Asks EC2 to start the workshop's stopped machines among `instanceIds`. A chunk refused for
 * capacity (InsufficientInstanceCapacity, per AZ) is asked again AZ by AZ: the machines of an AZ
 * with room start, the others are reported failed with EC2's reason (a stopped machine can only
 * start in its own AZ).
 */
export async function startWorkshopInstances(
  ec2: EC2Client,
  workshop: string,
  instanceIds: readonly string[],
  o: { clock: Clock; signal?: AbortSignal },
): Promise<PowerResult> {
  const failed: PowerResult["failed"] = [];
  const start = async (client: EC2Client, ids: string[], signal?: AbortSignal) =>
    (await client.send(new StartInstancesCommand({ InstanceIds: ids }), { abortSignal: signal })).StartingInstances ?? [];
  const change: StateChange = {
    past: "started",
    skip: (i) => (i.state === "stopped" ? undefined : i.state === "running" || i.state === "pending" ? ALREADY_RUNNING : `${i.state}: cannot be started now`),
    chunk: POWER_CHUNK,
    bucket: START_BUCKET,
    call: async (client, ids, current, signal) => {
      try {
        return await start(client, ids, signal);
      } catch (err) {
        if (!isCapacityError(err)) throw err;
        const byAz = new Map<string, string[]>();
        for (const id of ids) {
          const az = current.get(id)?.availabilityZone ?? "";
          byAz.set(az, [...(byAz.get(az) ?? []), id]);
        }
        const started = [];
        for (const azIds of byAz.values()) {
          try {
            // The first refusal named one AZ; one AZ at a time, the others may have room.
            const { answer } = await withoutMissingIds(azIds, (rest) => withClientRetry(client, () => start(client, rest, signal), callRetry(o.clock, signal)));
            started.push(...(answer ?? []));
          } catch (azErr) {
            if (!isCapacityError(azErr)) throw azErr;
            for (const id of azIds) failed.push({ instanceId: id, seat: current.get(id)?.seat, reason: `not started: ${describeError(azErr)}` });
          }
        }
        return started;
      }
    },
  };
  const { done, skipped } = await changeWorkshopInstances(ec2, workshop, instanceIds, change, o);
  return { done, skipped, failed };
}

export interface StopWaitOutcome {
  stopped: WorkshopInstance[];
  /** Still stopping at the deadline (a hung stop: `--force` ends it). */
  stillStopping: WorkshopInstance[];
  /** Neither: e.g. started again by someone else, terminated, vanished. */
  other: { instanceId: string; state: string }[];
}

/**
 * Polls the workshop (by its tag, one call per 1,000 machines a round) until every one of `ids`
 * is stopped, or the deadline passes. The interval grows from 2 s to 10 s.
 */
export async function waitUntilStopped(
  ec2: EC2Client,
  workshop: string,
  ids: readonly string[],
  o: { clock: Clock; timeoutMs: number; signal?: AbortSignal; onProgress?: (stopped: number, total: number) => void },
): Promise<StopWaitOutcome> {
  const deadline = o.clock.now() + o.timeoutMs;
  let interval = 2_000;
  for (;;) {
    await o.clock.sleep(interval, o.signal);
    const now = await readWorkshopNow(ec2, workshop, o.clock, o.signal);
    const mine = ids.map((id) => now.get(id));
    const stopped = mine.filter((i): i is WorkshopInstance => i?.state === "stopped");
    const stopping = mine.filter((i): i is WorkshopInstance => i?.state === "stopping");
    o.onProgress?.(stopped.length, ids.length);
    const done = stopping.length === 0 || o.clock.now() >= deadline || o.signal?.aborted;
    if (done) {
      const other = ids
        .filter((id) => now.get(id)?.state !== "stopped" && now.get(id)?.state !== "stopping")
        .map((id) => ({ instanceId: id, state: now.get(id)?.state ?? "gone" }));
      return { stopped, stillStopping: stopping, other };
    }
    interval = Math.min(10_000, interval * 1.5);
  }
}
