// The readable Name of each seat's instance, `<workshop>-<seat>` (e.g. intro-07), set after the
// launch with CreateTags: one call per instance, since one call gives all its resources the
// same tags. It runs in the background while the run waits, paced well inside EC2's CreateTags
// bucket (100 requests, refill 10/s; AWS-FACTS.md) so that concurrent runs and other tagging
// keep room, and it is never on the hand-out's path. Only cosmetic: the seat itself is in the
// launch tags (seats.ts), so a Name that never comes changes nothing the tool relies on.
import { CreateTagsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { describeError } from "../errors.js";
import { AbortedError, isRetryable, isThrottle, withClientRetry } from "./backoff.js";
import { seatName } from "./seats.js";
import { TAG } from "./tags.js";

/** Our share of the CreateTags bucket: a burst of 10, then 4 a second. */
export const NAME_PACE = { burst: 10, perSecond: 4 } as const;

/** The slowest pace throttling brings naming down to. */
const MIN_PER_SECOND = 0.5;

/** Once the hand-out is printed, how long (tool time) the Names still queued may take before the run ends. */
export const NAME_GRACE_MS = 10_000;

export interface SeatNamerOptions {
  workshop: string;
  maximum: number;
  clock: Clock;
  /** Said once when naming stops for good (e.g. no ec2:CreateTags permission). */
  onProblem?: (message: string) => void;
  pace?: { burst: number; perSecond: number };
}

export class SeatNamer {
  /** Instance id -> the seat to name it after; in the order they came. */
  private readonly queue = new Map<string, number>();
  private readonly stopper = new AbortController();
  private pump?: Promise<void>;
  private inflight?: Promise<unknown>;
  private tokens: number;
  private lastRefill: number;
  private pace: { burst: number; perSecond: number };
  /** Names set so far. */
  named = 0;

  constructor(
    private readonly ec2: EC2Client,
    private readonly o: SeatNamerOptions,
  ) {
    this.pace = o.pace ?? NAME_PACE;
    this.tokens = this.pace.burst;
    this.lastRefill = o.clock.now();
  }

  /** Names these (in the background); a seat given again replaces the queued one. */
  add(instances: readonly { instanceId: string; seat?: number }[]): void {
    if (this.stopper.signal.aborted) return;
    for (const i of instances) if (i.seat !== undefined) this.queue.set(i.instanceId, i.seat);
    this.pump ??= this.drain().finally(() => (this.pump = undefined));
  }

  /** Drops queued names (e.g. a moved seat is named by the move itself). */
  forget(instanceIds: Iterable<string>): void {
    for (const id of instanceIds) this.queue.delete(id);
  }

  /** Waits for the call in flight, so that a later tag of the same instance lands after it. */
  async idle(): Promise<void> {
    await this.inflight?.catch(() => undefined);
  }

  /** Gives the queue up to `maxWaitMs` (tool time) to finish, then stops naming. */
  async finish(maxWaitMs = NAME_GRACE_MS): Promise<void> {
    const timer = this.o.clock.sleep(maxWaitMs, this.stopper.signal).then(() => this.stop());
    await this.pump;
    this.stop();
    await timer;
  }

  stop(): void {
    this.queue.clear();
    this.stopper.abort();
  }

  private async takeToken(): Promise<void> {
    const { clock } = this.o;
    for (;;) {
      const now = clock.now();
      this.tokens = Math.min(this.pace.burst, this.tokens + ((now - this.lastRefill) / 1000) * this.pace.perSecond);
      this.lastRefill = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await clock.sleep(((1 - this.tokens) / this.pace.perSecond) * 1000, this.stopper.signal);
      if (this.stopper.signal.aborted) throw new AbortedError();
    }
  }

  private async drain(): Promise<void> {
    const signal = this.stopper.signal;
    while (this.queue.size > 0 && !signal.aborted) {
      try {
        await this.takeToken();
      } catch {
        return;
      }
      const next = this.queue.entries().next().value;
      if (!next) return;
      const [instanceId, seat] = next;
      this.queue.delete(instanceId);
      try {
        await (this.inflight = withClientRetry(
          this.ec2,
          () =>
            this.ec2.send(
              new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: TAG.name, Value: seatName(this.o.workshop, seat, this.o.maximum) }] }),
              { abortSignal: signal },
            ),
          {
            clock: this.o.clock,
            signal,
            maxAttempts: 4,
            // A just-launched id may be unknown for a moment (eventual consistency).
            retryIf: (err) => isRetryable(err) || (err as { name?: string }).name === "InvalidInstanceID.NotFound",
          },
        ));
        this.named++;
      } catch (err) {
        if (err instanceof AbortedError || signal.aborted) return;
        // Gone meanwhile (terminated by a replacement): nothing to name.
        if ((err as { name?: string }).name === "InvalidInstanceID.NotFound") continue;
        // The bucket is shared (other runs, other tools): slow down and try this one again later.
        // Names are cosmetic, so being throttled is nothing to tell anyone about.
        if (isThrottle(err)) {
          this.pace = { ...this.pace, perSecond: Math.max(MIN_PER_SECOND, this.pace.perSecond / 2) };
          this.tokens = 0;
          this.queue.set(instanceId, seat);
          continue;
        }
        this.o.onProblem?.(`Instances keep their batch Name (${describeError(err)}); their seats are unaffected.`);
        this.stop();
        return;
      }
    }
  }
}
