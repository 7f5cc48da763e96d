// Waiting until a batch is usable. Each instance has two phases with their own timeouts:
// phase 1 (launch) from its launch until EC2 shows it running, found by DescribeInstances on
// the batch tag (paginated, 1000 a page); phase 2 (checks) from then until instance and system
// status are `ok`, read by DescribeInstanceStatus in id chunks of 100. Per-instance phases mean
// one instance stuck in pending never delays noticing that the others are ready.
// Calls per round: ceil(N/1000) + ceil(running/100). Throttling and 5xx are retried with
// backoff inside the timeout, never ending the run early.
import { DescribeInstanceStatusCommand, type EC2Client, type InstanceStatus } from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { describeError } from "../errors.js";
import { AbortedError, isRetryable, isThrottle, withClientRetry } from "./backoff.js";
import { describeWorkshopInstances, STATUS_CHUNK, type WorkshopInstance } from "./describe.js";
import { withoutMissingIds } from "./instance-id.js";
import type { LaunchedInstance } from "./launch.js";
/** Status chunks in flight at once: few enough to stay far below the Describe* bucket refill. */
const STATUS_CONCURRENCY = 4;

export interface PollTiming {
  /** First interval between rounds (tool ms). */
  firstMs: number;
  /** Phase-1-only rounds back off up to this interval. */
  launchMaxMs: number;
  /** Interval while instances are in their status checks: short, so readiness is noticed fast. */
  checkMs: number;
  /** Random extra added to every interval: concurrent runs do not poll in step. */
  jitterMs: number;
  /** After throttled rounds the interval is multiplied, up to this. */
  penaltyMaxMs: number;
}

export const DEFAULT_TIMING: PollTiming = { firstMs: 2000, launchMaxMs: 6000, checkMs: 2000, jitterMs: 600, penaltyMaxMs: 20_000 };

export type Phase = "pending" | "checking" | "ready" | "failed";

export interface TrackedInstance {
  instanceId: string;
  /** Its seat: from the launch, then as EC2 reports it (a moved seat shows here too). */
  seat?: number;
  phase: Phase;
  /** Tool time the launch phase started (RunInstances returned it). */
  launchedAt: number;
  /** Tool time the check phase started (first seen running). */
  runningSince?: number;
  /** Tool time the tool first saw it ready. */
  readySeenAt?: number;
  failure?: string;
  /** What to say if a failure is a stop: EC2's state reason, filled by the final refresh. */
  failedState?: string;
  info?: WorkshopInstance;
  lastStatus?: { instance?: string; system?: string };
}

export interface WaitCounts {
  total: number;
  pending: number;
  checking: number;
  ready: number;
  failed: number;
}

export interface WaitEvents {
  /** Counts changed (or a round ended). */
  update?(counts: WaitCounts): void;
  ready?(i: TrackedInstance): void;
  failed?(i: TrackedInstance): void;
  /** A retry, a newly found batch member, ...: worth a line. */
  note?(message: string): void;
}

export interface WaitOptions {
  workshop: string;
  /**
   * The batch waited for (its tag narrows each read). Undefined: exactly the instances added,
   * read from the whole workshop (`instances start`, whose machines come from any batch).
   */
  batch?: string;
  clock: Clock;
  launchTimeoutMs: number;
  checkTimeoutMs: number;
  signal?: AbortSignal;
  random?: () => number;
  timing?: Partial<PollTiming>;
  events?: WaitEvents;
}

/** Counters for the report and tests. */
export interface WaitStats {
  rounds: number;
  describeCalls: number;
  statusCalls: number;
  retries: number;
  throttled: number;
}

const GONE = new Set(["stopping", "stopped", "shutting-down", "terminated"]);

/**
 * The states that carry on one failure: a stopping machine that is now stopped failed for the
 * reason EC2 gives now. A stopped one that is now terminated was terminated since (by
 * --replace-failed, or by someone): that reason says nothing about why it failed.
 */
const SAME_FAILURE: Record<string, string> = { stopping: "stop", stopped: "stop", "shutting-down": "end", terminated: "end" };

function formatMinutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return s % 60 === 0 ? `${s / 60} min` : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** Tracks one batch's instances through both phases. Add instances, then run() until all settle. */
export class BatchWaiter {
  readonly tracked = new Map<string, TrackedInstance>();
  readonly stats: WaitStats = { rounds: 0, describeCalls: 0, statusCalls: 0, retries: 0, throttled: 0 };
  private readonly timing: PollTiming;
  private readonly random: () => number;
  private launchInterval: number;
  private penalty = 1;

  constructor(
    private readonly ec2: EC2Client,
    private readonly o: WaitOptions,
  ) {
    this.timing = { ...DEFAULT_TIMING, ...o.timing };
    this.random = o.random ?? Math.random;
    this.launchInterval = this.timing.firstMs;
  }

  /** Instances to wait for (`instances start` adds machines of any batch, some from before seats). */
  add(instances: readonly (Omit<LaunchedInstance, "seat"> & { seat?: number })[]): void {
    for (const i of instances) {
      if (!this.tracked.has(i.instanceId))
        this.tracked.set(i.instanceId, { instanceId: i.instanceId, seat: i.seat, phase: "pending", launchedAt: i.launchedAt });
    }
    this.launchInterval = this.timing.firstMs;
  }

  counts(): WaitCounts {
    const c: WaitCounts = { total: this.tracked.size, pending: 0, checking: 0, ready: 0, failed: 0 };
    for (const t of this.tracked.values()) c[t.phase]++;
    return c;
  }

  private unsettled(): TrackedInstance[] {
    return [...this.tracked.values()].filter((t) => t.phase === "pending" || t.phase === "checking");
  }

  /** Polls until every tracked instance is ready or failed, or the signal aborts. */
  async run(): Promise<void> {
    const { clock, signal } = this.o;
    // RunInstances has just said they are pending: a DescribeInstances now would say the same.
    const unsettled = this.unsettled();
    if (unsettled.length > 0 && unsettled.every((t) => t.phase === "pending")) {
      const firstLook = Math.max(...unsettled.map((t) => t.launchedAt)) + this.timing.firstMs;
      await clock.sleep(firstLook - clock.now(), signal);
    }
    while (this.unsettled().length > 0 && !signal?.aborted) {
      const roundStart = clock.now();
      this.stats.rounds++;
      const throttledBefore = this.stats.throttled;
      try {
        await this.round();
      } catch (err) {
        if (err instanceof AbortedError) break;
        throw err;
      }
      this.o.events?.update?.(this.counts());
      if (this.unsettled().length === 0 || signal?.aborted) break;
      this.penalty = this.stats.throttled > throttledBefore ? Math.min(this.penalty * 2, 8) : Math.max(1, this.penalty / 2);
      const checking = this.unsettled().some((t) => t.phase === "checking");
      let interval: number;
      if (checking) interval = this.timing.checkMs;
      else {
        interval = this.launchInterval;
        this.launchInterval = Math.min(this.timing.launchMaxMs, this.launchInterval * 1.5);
      }
      interval = Math.min(this.timing.penaltyMaxMs, interval * this.penalty) + this.random() * this.timing.jitterMs;
      await clock.sleep(roundStart + interval - clock.now(), signal);
    }
  }

  /** One round: DescribeInstances by batch tag for the launch phase, status chunks for the checks. */
  private async round(): Promise<void> {
    const now = (): number => this.o.clock.now();
    const pending = this.unsettled().filter((t) => t.phase === "pending");
    if (pending.length > 0) {
      const deadline = Math.max(...pending.map((t) => t.launchedAt + this.o.launchTimeoutMs));
      try {
        const seen = await this.describeWorkshop(deadline, this.o.signal, true);
        this.applyDescribe(seen);
      } catch (err) {
        if (err instanceof AbortedError || !isRetryable(err)) throw err;
        this.failOverdue(pending, "launch", `could not be checked (${describeError(err)})`);
      }
      this.failOverdue(pending, "launch");
    }
    const checking = this.unsettled().filter((t) => t.phase === "checking");
    if (checking.length > 0) {
      const chunks: TrackedInstance[][] = [];
      for (let i = 0; i < checking.length; i += STATUS_CHUNK) chunks.push(checking.slice(i, i + STATUS_CHUNK));
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < chunks.length) {
          const chunk = chunks[next++]!;
          const deadline = Math.max(...chunk.map((t) => (t.runningSince ?? now()) + this.o.checkTimeoutMs));
          try {
            const statuses = await this.describeStatus(chunk.map((t) => t.instanceId), deadline);
            this.applyStatuses(chunk, statuses);
          } catch (err) {
            if (err instanceof AbortedError || !isRetryable(err)) throw err;
            this.failOverdue(chunk, "check", `could not be checked (${describeError(err)})`);
          }
          this.failOverdue(chunk, "check");
        }
      };
      await Promise.all(Array.from({ length: Math.min(STATUS_CONCURRENCY, chunks.length) }, worker));
    }
  }

  private retryOptions(deadline: number) {
    return {
      clock: this.o.clock,
      signal: this.o.signal,
      deadline,
      random: this.random,
      onRetry: (err: unknown) => {
        this.stats.retries++;
        if (isThrottle(err)) this.stats.throttled++;
      },
    };
  }

  /**
   * Statuses of `ids`. An id DescribeInstances just showed may be briefly unknown here (eventual
   * consistency): it is left out of this round (withoutMissingIds) and asked again in the next.
   */
  private async describeStatus(ids: string[], deadline: number): Promise<InstanceStatus[]> {
    const { answer } = await withoutMissingIds(ids, (rest) =>
      withClientRetry(
        this.ec2,
        async () => {
          this.stats.statusCalls++;
          const out = await this.ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: rest, IncludeAllInstances: true }), {
            abortSignal: this.o.signal,
          });
          return out.InstanceStatuses ?? [];
        },
        this.retryOptions(deadline),
      ),
    );
    return answer ?? [];
  }

  private applyDescribe(seen: readonly WorkshopInstance[]): void {
    const now = this.o.clock.now();
    for (const info of seen) {
      let t = this.tracked.get(info.instanceId);
      if (!t && this.o.batch === undefined) continue;
      if (!t) {
        // A batch member this run did not see launched (a RunInstances answer lost to an
        // interruption): it is ours, so it is waited for and reported like the others.
        t = { instanceId: info.instanceId, seat: info.seat, phase: "pending", launchedAt: now };
        this.tracked.set(t.instanceId, t);
        this.o.events?.note?.(`Found ${info.instanceId} of this batch by its tags; waiting for it too.`);
      }
      t.info = info;
      t.seat = info.seat ?? t.seat;
      if (t.phase === "ready" || t.phase === "failed") continue;
      if (t.phase === "pending" && info.state === "running") {
        t.phase = "checking";
        t.runningSince = now;
      } else if (GONE.has(info.state)) {
        this.fail(t, `${info.state}${info.stateReason ? `: ${info.stateReason}` : ""}`, info.state);
      }
    }
  }

  private applyStatuses(chunk: readonly TrackedInstance[], statuses: readonly InstanceStatus[]): void {
    const now = this.o.clock.now();
    const byId = new Map(statuses.map((s) => [s.InstanceId, s]));
    for (const t of chunk) {
      if (t.phase !== "checking") continue;
      const s = byId.get(t.instanceId);
      if (!s) continue;
      const state = s.InstanceState?.Name ?? "unknown";
      const inst = s.InstanceStatus?.Status;
      const sys = s.SystemStatus?.Status;
      t.lastStatus = { instance: inst, system: sys };
      if (GONE.has(state)) {
        this.fail(t, state, state);
      } else if (inst === "impaired" || sys === "impaired") {
        const which = [inst === "impaired" ? "instance" : "", sys === "impaired" ? "system" : ""].filter(Boolean).join(" and ");
        this.fail(t, `impaired (${which} status check failed)`);
      } else if (state === "running" && inst === "ok" && sys === "ok") {
        t.phase = "ready";
        t.readySeenAt = now;
        this.o.events?.ready?.(t);
      }
    }
  }

  private failOverdue(list: readonly TrackedInstance[], phase: "launch" | "check", why?: string): void {
    const now = this.o.clock.now();
    for (const t of list) {
      if (phase === "launch" && t.phase === "pending" && now >= t.launchedAt + this.o.launchTimeoutMs) {
        const seen = t.info ? `still ${t.info.state}` : "not yet visible in EC2";
        this.fail(t, `timed out in the launch phase after ${formatMinutes(this.o.launchTimeoutMs)} (${why ?? seen})`);
      } else if (phase === "check" && t.phase === "checking" && now >= (t.runningSince ?? now) + this.o.checkTimeoutMs) {
        const st = t.lastStatus ? `instance ${t.lastStatus.instance ?? "?"}, system ${t.lastStatus.system ?? "?"}` : "no status yet";
        this.fail(t, `timed out in the check phase after ${formatMinutes(this.o.checkTimeoutMs)} (${why ?? st})`);
      }
    }
  }

  private fail(t: TrackedInstance, reason: string, failedState?: string): void {
    t.phase = "failed";
    t.failure = reason;
    if (failedState) t.failedState = failedState;
    this.o.events?.failed?.(t);
  }

  /**
   * One last DescribeInstances by batch tag: fresh addresses for the ready ones and EC2's state
   * reason for the stopped ones. Best effort: on failure the last known data stays.
   */
  async refresh(deadline: number, signal?: AbortSignal): Promise<void> {
    let seen: WorkshopInstance[];
    try {
      seen = await this.describeWorkshop(deadline, signal, true);
    } catch {
      return;
    }
    this.absorb(seen);
  }

  /**
   * DescribeInstances of the whole workshop (`batchOnly`: of this batch), counted in the stats
   * and retried like the polling. The final look of a run reads the whole workshop: it carries
   * this batch's news and every seat another run may share (create-batch.ts).
   */
  describeWorkshop(deadline: number, signal?: AbortSignal, batchOnly = false): Promise<WorkshopInstance[]> {
    return withClientRetry(
      this.ec2,
      () => {
        this.stats.describeCalls++;
        return describeWorkshopInstances(this.ec2, { workshop: this.o.workshop, ...(batchOnly && this.o.batch !== undefined ? { batch: this.o.batch } : {}), abortSignal: signal });
      },
      { ...this.retryOptions(deadline), signal },
    );
  }

  /** Takes in a fresh read (other batches' instances are ignored): addresses, seats, state reasons. */
  absorb(seen: readonly WorkshopInstance[]): void {
    for (const info of seen) {
      const t = this.tracked.get(info.instanceId);
      if (this.o.batch === undefined ? !t : info.batch !== this.o.batch) continue;
      if (!t) {
        // Launched but never tracked (e.g. interrupted mid-launch): report it as unfinished.
        this.tracked.set(info.instanceId, {
          instanceId: info.instanceId,
          seat: info.seat,
          phase: GONE.has(info.state) ? "failed" : "pending",
          launchedAt: this.o.clock.now(),
          info,
          ...(GONE.has(info.state) ? { failure: info.state } : {}),
        });
        continue;
      }
      t.info = info;
      t.seat = info.seat ?? t.seat;
      const sameFailure = t.failedState !== undefined && SAME_FAILURE[t.failedState] === SAME_FAILURE[info.state];
      if (t.phase === "failed" && sameFailure && info.stateReason && !t.failure?.includes(info.stateReason)) {
        t.failure = `${info.state}: ${info.stateReason}`;
      }
    }
  }
}
