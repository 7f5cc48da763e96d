// Changing a workshop's instances safely (terminate, stop, start): whatever ids come in, the
// instances are read again from EC2 just before acting (by the workshop's tag filter, so no long
// id lists), every instance of every answer is checked to carry exactly Workshop=<workshop>
// (never trusting the filter alone), and only those are changed, in chunks, paced to stay within
// EC2's resource-rate bucket. Every other id is dropped and named with the reason.
import { DescribeInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { scaledClock, type Clock } from "../clock.js";
import { describeError, UserError } from "../errors.js";
import { CALL_BUDGET_MS, callRetry, PACED_CALL_BUDGET_MS, withClientRetry } from "./backoff.js";
import { describeWorkshopInstances, MAX_PAGE, type WorkshopInstance } from "./describe.js";
import { INSTANCE_ID, withoutMissingIds } from "./instance-id.js";
import { TAG, tagValue } from "./tags.js";
import { commandToType } from "../invocation.js";

export interface ActionOutcome {
  instanceId: string;
  previousState?: string;
  currentState?: string;
  /** Its batch and seat, as the re-read showed them (for expiry schedules and messages). */
  batch?: string;
  seat?: number;
}

export interface ActionResult {
  done: ActionOutcome[];
  skipped: { instanceId: string; reason: string }[];
}

/**
 * Values per filter: more than 200 in one DescribeInstances filter fails with
 * FilterLimitExceeded (Amazon EC2 API Reference, DescribeInstances, Filters).
 */
export const FILTER_CHUNK = 200;

/** A resource-rate bucket of EC2 ("Request throttling for the Amazon EC2 API", AWS-FACTS.md): instances, not requests. */
export interface ResourceBucket {
  size: number;
  refillPerSecond: number;
}

/**
 * Waits before a chunk so that the instances asked for stay within the bucket, assuming it was
 * full at the start (a fresh command): a start of 3,000 machines never meets RequestLimitExceeded.
 */
export class ResourcePacer {
  private tokens: number;
  private last: number;

  constructor(
    private readonly bucket: ResourceBucket,
    private readonly clock: Clock,
  ) {
    this.tokens = bucket.size;
    this.last = clock.now();
  }

  async take(n: number, signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    this.tokens = Math.min(this.bucket.size, this.tokens + ((now - this.last) / 1000) * this.bucket.refillPerSecond);
    this.last = now;
    const need = Math.min(n, this.bucket.size);
    if (this.tokens < need) {
      await this.clock.sleep(((need - this.tokens) / this.bucket.refillPerSecond) * 1000, signal);
      this.tokens = need;
      this.last = this.clock.now();
    }
    this.tokens -= need;
  }
}

/** What one kind of change does: which instances it skips, and its EC2 call for a chunk of ids. */
export interface StateChange {
  /** "terminated", "stopped", "started": for the message of a change that stopped part-way. */
  past: string;
  /** Why this (re-read, this workshop's) instance is left alone; undefined to change it. */
  skip(i: WorkshopInstance): string | undefined;
  /** Ids per call. */
  chunk: number;
  bucket?: ResourceBucket;
  /** One call for `ids` (`current`: the re-read instances); its state changes, as EC2 answers them. */
  call(
    ec2: EC2Client,
    ids: string[],
    current: ReadonlyMap<string, WorkshopInstance>,
    signal?: AbortSignal,
  ): Promise<{ InstanceId?: string; PreviousState?: { Name?: string }; CurrentState?: { Name?: string } }[]>;
}

/**
 * The change failed part-way (e.g. UnauthorizedOperation, or throttling past every retry) after
 * earlier chunks were changed: says how far it got, carries what was done.
 */
export class PartialActionError extends UserError {
  constructor(
    readonly partial: ActionResult,
    readonly requested: number,
    cause: unknown,
    past: string,
  ) {
    super(
      `${describeError(cause).replace(/\.?$/, ".")} ${past.charAt(0).toUpperCase()}${past.slice(1).replace(/ed$/, "ing")} stopped after ${partial.done.length} of ${requested} instances; ` +
        `run \`${commandToType("instances list")}\` to see which, then retry for the rest.`,
    );
    this.name = "PartialActionError";
    this.cause = cause;
  }
}

/**
 * One EC2 call with its path's single retry layer (the tool's callRetry, or the SDK's own); a
 * call drawing on a resource bucket (`paced`) waits out throttling for longer.
 */
function retried<T>(ec2: EC2Client, call: () => Promise<T>, clock: Clock, signal?: AbortSignal, paced = false): Promise<T> {
  return withClientRetry(ec2, call, callRetry(clock, signal, paced ? PACED_CALL_BUDGET_MS : CALL_BUDGET_MS));
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
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
 * The workshop's instances now, by its tag (describeWorkshopInstances checks each to carry exactly
 * Workshop=<workshop>: an endpoint that ignored the filter cannot slip another's machine in).
 */
export async function readWorkshopNow(ec2: EC2Client, workshop: string, clock: Clock, signal?: AbortSignal): Promise<Map<string, WorkshopInstance>> {
  const current = await retried(ec2, () => describeWorkshopInstances(ec2, { workshop, abortSignal: signal }), clock, signal);
  return new Map(current.map((i) => [i.instanceId, i]));
}

/**
 * Applies `change` to those of `instanceIds` that belong to `workshop` now. Throws on anything
 * but throttling/5xx (retried): the error itself when nothing was changed yet, else a
 * PartialActionError carrying what earlier chunks did.
 */
export async function changeWorkshopInstances(
  ec2: EC2Client,
  workshop: string,
  instanceIds: readonly string[],
  change: StateChange,
  opts: { clock?: Clock; signal?: AbortSignal } = {},
): Promise<ActionResult & { current: Map<string, WorkshopInstance> }> {
  const clock = opts.clock ?? scaledClock(1);
  const signal = opts.signal;
  const result: ActionResult = { done: [], skipped: [] };
  const wanted: string[] = [];
  for (const id of new Set(instanceIds)) {
    if (INSTANCE_ID.test(id)) wanted.push(id);
    else result.skipped.push({ instanceId: id, reason: "not an EC2 instance id" });
  }
  if (wanted.length === 0) return { ...result, current: new Map() };

  const current = await readWorkshopNow(ec2, workshop, clock, signal);
  const missing = wanted.filter((id) => !current.has(id));
  const missingReasons = missing.length ? await explainMissing(ec2, workshop, missing, clock, signal) : new Map<string, string>();

  const toChange: string[] = [];
  for (const id of wanted) {
    const instance = current.get(id);
    const why = instance ? change.skip(instance) : missingReasons.get(id)!;
    if (why !== undefined) result.skipped.push({ instanceId: id, reason: why });
    else toChange.push(id);
  }

  const pacer = change.bucket ? new ResourcePacer(change.bucket, clock) : undefined;
  for (const chunk of chunks(toChange, change.chunk)) {
    if (signal?.aborted) throw signal.reason ?? new Error("aborted");
    await pacer?.take(chunk.length, signal);
    let outcome;
    try {
      // An instance that vanished between the re-read and this call fails the whole call:
      // the ids EC2 names are dropped and the rest changed.
      outcome = await withoutMissingIds(chunk, (ids) => retried(ec2, () => change.call(ec2, ids, current, signal), clock, signal, change.bucket !== undefined));
    } catch (err) {
      if (result.done.length > 0) throw new PartialActionError(result, toChange.length, err, change.past);
      throw err;
    }
    for (const id of outcome.missing) result.skipped.push({ instanceId: id, reason: "no longer exists in EC2" });
    for (const c of outcome.answer ?? []) {
      // Only the ids asked for: an answer naming others is not believed.
      if (!c.InstanceId || !chunk.includes(c.InstanceId)) continue;
      const known = current.get(c.InstanceId);
      result.done.push({
        instanceId: c.InstanceId,
        previousState: c.PreviousState?.Name,
        currentState: c.CurrentState?.Name,
        ...(known?.batch ? { batch: known.batch } : {}),
        ...(known?.seat !== undefined ? { seat: known.seat } : {}),
      });
    }
  }
  return { ...result, current };
}
