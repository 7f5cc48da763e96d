// Terminating a workshop's instances, safely: whatever ids come in, only instances that EC2
// says carry Workshop=<workshop> right now are terminated. Every other id is dropped and named.
import { DescribeInstancesCommand, TerminateInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { scaledClock, type Clock } from "../clock.js";
import { describeError, UserError } from "../errors.js";
import { callRetry, withClientRetry } from "./backoff.js";
import { describeWorkshopInstances, MAX_PAGE } from "./describe.js";
import { INSTANCE_ID, withoutMissingIds } from "./instance-id.js";
import { TAG, tagValue } from "./tags.js";
import { commandToType } from "../invocation.js";

export interface TerminateOutcome {
  instanceId: string;
  previousState?: string;
  currentState?: string;
}

export interface TerminateResult {
  terminated: TerminateOutcome[];
  skipped: { instanceId: string; reason: string }[];
}

/**
 * Ids per TerminateInstances call. EC2 accepts up to 1000 but recommends smaller batches
 * (API reference, TerminateInstances, InstanceIds); 100 keeps a failing call small and stays
 * far inside the resource-rate bucket (1000 instances, refill 20/s: "Request throttling for the
 * Amazon EC2 API", https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html).
 */
export const TERMINATE_CHUNK = 100;

/**
 * Values per filter: more than 200 in one DescribeInstances filter fails with
 * FilterLimitExceeded (Amazon EC2 API Reference, DescribeInstances, Filters).
 */
export const FILTER_CHUNK = 200;

/**
 * TerminateInstances failed part-way (e.g. UnauthorizedOperation, or throttling past every
 * retry) after earlier chunks were terminated: says how far it got, carries what was done.
 */
export class PartialTerminationError extends UserError {
  constructor(
    readonly partial: TerminateResult,
    readonly requested: number,
    cause: unknown,
  ) {
    super(
      `${describeError(cause).replace(/\.?$/, ".")} Termination stopped after ${partial.terminated.length} of ${requested} instances; ` +
        `run \`${commandToType("instances list")}\` to see which, then retry for the rest.`,
    );
    this.name = "PartialTerminationError";
    this.cause = cause;
  }
}

/** Skip reasons that only mean "nothing left to do" (every other reason is worth a warning). */
export const ALREADY_TERMINATED = "already terminated";
export const ALREADY_SHUTTING_DOWN = "already shutting down";

export function isAlreadyGone(reason: string): boolean {
  return reason === ALREADY_TERMINATED || reason === ALREADY_SHUTTING_DOWN;
}

/** One EC2 call with its path's single retry layer (the tool's callRetry, or the SDK's own). */
function retried<T>(ec2: EC2Client, call: () => Promise<T>, clock: Clock, signal?: AbortSignal): Promise<T> {
  return withClientRetry(ec2, call, callRetry(clock, signal));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Why an id that is not among the workshop's instances was dropped: looked up by id filter. */
async function explainMissing(
  ec2: EC2Client,
  workshop: string,
  ids: readonly string[],
  clock: Clock,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  for (const chunk of chunks(ids, FILTER_CHUNK)) {
    let token: string | undefined;
    do {
      const res = await retried(
        ec2,
        () =>
          ec2.send(
            new DescribeInstancesCommand({
              Filters: [{ Name: "instance-id", Values: chunk }],
              MaxResults: MAX_PAGE,
              NextToken: token,
            }),
            { abortSignal: signal },
          ),
        clock,
        signal,
      );
      for (const r of res.Reservations ?? []) {
        for (const i of r.Instances ?? []) {
          // An endpoint that ignores the filter answers with other instances too.
          if (!i.InstanceId || !chunk.includes(i.InstanceId)) continue;
          const owner = tagValue(i.Tags, TAG.workshop);
          reasons.set(
            i.InstanceId,
            owner === undefined
              ? `not tagged ${TAG.workshop}=${workshop} (it has no ${TAG.workshop} tag)`
              : `not tagged ${TAG.workshop}=${workshop} (it belongs to workshop "${owner}")`,
          );
        }
      }
      token = res.NextToken;
    } while (token);
  }
  for (const id of ids) if (!reasons.has(id)) reasons.set(id, "no such instance in EC2 (already gone, or another account or region)");
  return reasons;
}

/**
 * Terminates those of `instanceIds` that belong to `workshop`, re-reading them from EC2 first
 * (by the workshop's tag filter, so no long id lists). Already terminated or shutting-down
 * instances, and anything that is not (or no longer) this workshop's, are skipped with a reason.
 * Throttling and 5xx are retried. Throws on anything else (e.g. UnauthorizedOperation): the
 * error itself when nothing was terminated yet, else a PartialTerminationError carrying what
 * earlier chunks did (TerminateInstances cannot be undone).
 */
export async function terminateWorkshopInstances(
  ec2: EC2Client,
  workshop: string,
  instanceIds: readonly string[],
  opts: { clock?: Clock; signal?: AbortSignal } = {},
): Promise<TerminateResult> {
  const clock = opts.clock ?? scaledClock(1);
  const signal = opts.signal;
  const result: TerminateResult = { terminated: [], skipped: [] };
  const wanted: string[] = [];
  for (const id of new Set(instanceIds)) {
    if (INSTANCE_ID.test(id)) wanted.push(id);
    else result.skipped.push({ instanceId: id, reason: "not an EC2 instance id" });
  }
  if (wanted.length === 0) return result;

  const current = await retried(ec2, () => describeWorkshopInstances(ec2, { workshop, abortSignal: signal }), clock, signal);
  const byId = new Map(current.map((i) => [i.instanceId, i]));
  const missing = wanted.filter((id) => !byId.has(id));
  const missingReasons = missing.length ? await explainMissing(ec2, workshop, missing, clock, signal) : new Map<string, string>();

  const toTerminate: string[] = [];
  for (const id of wanted) {
    const instance = byId.get(id);
    if (!instance) result.skipped.push({ instanceId: id, reason: missingReasons.get(id)! });
    else if (instance.state === "terminated") result.skipped.push({ instanceId: id, reason: ALREADY_TERMINATED });
    else if (instance.state === "shutting-down") result.skipped.push({ instanceId: id, reason: ALREADY_SHUTTING_DOWN });
    else toTerminate.push(id);
  }

  for (const chunk of chunks(toTerminate, TERMINATE_CHUNK)) {
    if (signal?.aborted) throw signal.reason ?? new Error("aborted");
    let outcome;
    try {
      // An instance that vanished between the re-read and this call fails the whole call:
      // the ids EC2 names are dropped and the rest terminated.
      outcome = await withoutMissingIds(chunk, (ids) =>
        retried(ec2, () => ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }), { abortSignal: signal }), clock, signal),
      );
    } catch (err) {
      if (result.terminated.length > 0) throw new PartialTerminationError(result, toTerminate.length, err);
      throw err;
    }
    for (const id of outcome.missing) result.skipped.push({ instanceId: id, reason: "no longer exists in EC2" });
    for (const c of outcome.answer?.TerminatingInstances ?? []) {
      if (!c.InstanceId || !chunk.includes(c.InstanceId)) continue;
      result.terminated.push({ instanceId: c.InstanceId, previousState: c.PreviousState?.Name, currentState: c.CurrentState?.Name });
    }
  }
  return result;
}
