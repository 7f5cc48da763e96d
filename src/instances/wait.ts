// Waiting until a batch is usable (readiness.ts says what counts). Each instance has two phases
// with their own timeouts: launch, from its launch until EC2 shows it running (with its
// addresses), and check, from then until it is ready: its service answered (service-watch.ts
// looks at it, with no AWS call) and/or EC2's instance and system status checks are ok.
//
// EC2 is asked only what only EC2 knows, each on its own schedule:
//  - state and addresses: DescribeInstances while any instance is pending: soon after the
//    launch, then backing off. The first read after a launch takes the whole workshop (by tag,
//    paginated, 1000 a page: it shows any seat a concurrent run shares); later ones ask for the
//    instances still pending (by id, 194 a call) in any state but pending, so each instance is
//    read (and parsed: a large answer stalls everything else, the probe included) about once;
//  - status checks: DescribeInstanceStatus in id chunks of 100, per instance due every
//    `checkMs` when the checks are the signal, `fallbackCheckMs` when the service is expected
//    first (`slowFallbackCheckMs` once some machine's service answered), `watchMs` when they
//    only guard a machine already handed out by its service (impaired before the run ends =
//    failed). Instances not due yet fill a chunk's free room.
// Calls per round therefore grow with N/1000 and N/100, not with N. Throttling and 5xx are
// retried with backoff inside the timeout, never ending the run early.
import { DescribeInstanceStatusCommand, type EC2Client, type InstanceStatus } from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { describeError } from "../errors.js";
import { AbortedError, isRetryable, isThrottle, withClientRetry } from "./backoff.js";
import { describeWorkshopInstances, PAST_PENDING, PAST_PENDING_CHUNK, STATUS_CHUNK, type WorkshopInstance } from "./describe.js";
import { withoutMissingIds } from "./instance-id.js";
import type { LaunchedInstance } from "./launch.js";
import { CHECKS_ONLY, checksMakeReady, describeService, probesService, type Readiness, type ReadySignal } from "./readiness.js";
import { ServiceWatch, type ProbeTiming, type ServiceWatchOptions } from "./service-watch.js";

/** Status chunks in flight at once: few enough to stay far below the Describe* bucket refill. */
const STATUS_CONCURRENCY = 4;

export interface PollTiming {
  /** From the launch to the first DescribeInstances (tool ms). */
  firstMs: number;
  /** DescribeInstances backs off (x1.5 a round) up to this interval while instances are pending. */
  launchMaxMs: number;
  /** Status checks of an instance, when they are the readiness signal (`--ready-when checks`): short, so readiness is noticed fast. */
  checkMs: number;
  /** ... when they are the fallback: the service usually answers a minute before they pass. */
  fallbackCheckMs: number;
  /** ... the same, once services of the batch answer (the probe works from here): the checks only catch the odd machine. */
  slowFallbackCheckMs: number;
  /** ... when they only guard against impairment (handed out by its service, or `--ready-when service`). */
  watchMs: number;
  /** Random extra added to every interval: concurrent runs do not poll in step. */
  jitterMs: number;
  /** After throttled rounds the interval is multiplied, up to this. */
  penaltyMaxMs: number;
}

export const DEFAULT_TIMING: PollTiming = {
  firstMs: 2000,
  launchMaxMs: 6000,
  checkMs: 2000,
  fallbackCheckMs: 5000,
  slowFallbackCheckMs: 10_000,
  watchMs: 10_000,
  jitterMs: 600,
  penaltyMaxMs: 20_000,
};

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
  /** Tool time of the last read that showed it still pending (it became running after that). */
  pendingSeenAt?: number;
  /** Tool time the tool first saw it ready. */
  readySeenAt?: number;
  /** Which signal made it ready. */
  readyBy?: ReadySignal;
  /** Its status checks were seen ok: nothing more to watch. */
  checksOk?: boolean;
  /** Tool time its status checks are next read (while they are watched). */
  statusDueAt?: number;
  failure?: string;
  /** What to say if a failure is a stop: EC2's state reason, filled by the final refresh. */
  failedState?: string;
  info?: WorkshopInstance;
  lastStatus?: { instance?: string; system?: string };
  /**
   * Its time ran out while EC2 could not be reached: it failed to be seen, not (as far as anyone
   * knows) to start. It may well be running; nothing may be done to it on such a guess.
   */
  unknown?: boolean;
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
  /** A failure; `i.readyBy` set means it had been handed out (it turned impaired or stopped since). */
  failed?(i: TrackedInstance): void;
  /** A retry, a newly found batch member, ...: worth a line. */
  note?(message: string): void;
  /** Each read of the whole workshop while waiting (e.g. to settle seats shared with a concurrent run). */
  seen?(instances: WorkshopInstance[]): Promise<void> | void;
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
  /** What counts as ready (readiness.ts resolveReadiness); default: EC2's checks only. */
  readiness?: Readiness;
  signal?: AbortSignal;
  random?: () => number;
  timing?: Partial<PollTiming>;
  probeTiming?: Partial<ProbeTiming>;
  /** The service look (tests give their own; default probe.ts). */
  probe?: ServiceWatchOptions["probe"];
  events?: WaitEvents;
}

/** Counters for the report and tests. */
export interface WaitStats {
  rounds: number;
  describeCalls: number;
  statusCalls: number;
  retries: number;
  throttled: number;
  /** Looks at service ports. */
  probes: number;
}

/** Why a wait is cut short (a given reason spares building an AbortError each time). */
const WAKE = Symbol("wake");

const GONE = new Set(["stopping", "stopped", "shutting-down", "terminated"]);

/**
 * No answer from EC2 for this long (tool ms; errors with an HTTP status are answers) is lost
 * contact: said at once, and an instance whose time runs out after that is "unknown", not failed.
 */
export const LOST_CONTACT_MS = 20_000;

/** Whether an error is EC2's answer (throttling, 5xx, ...), not a request that got none. */
function isAnswer(err: unknown): boolean {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined;
}

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
  readonly stats: WaitStats = { rounds: 0, describeCalls: 0, statusCalls: 0, retries: 0, throttled: 0, probes: 0 };
  /** The last read of the whole workshop while waiting. */
  lastWorkshopRead?: WorkshopInstance[];
  readonly readiness: Readiness;
  private readonly timing: PollTiming;
  private readonly random: () => number;
  private readonly service?: ServiceWatch;
  private launchInterval: number;
  private nextDescribeAt = 0;
  /** Instances were launched since the last read of the whole workshop. */
  private wholeReadDue = false;
  private penalty = 1;
  /** Aborted to end the current wait early (an instance answered, the run stops). */
  private wake = new AbortController();
  /** Tool time of EC2's last answer (the waiter's start counts as one: the launch just answered). */
  private lastAnswerAt: number;
  /** A request got no answer since EC2's last one (silence alone, nothing asked, is no loss). */
  private unanswered = false;
  /** "Lost contact" was said, and not yet taken back. */
  private lostContactSaid = false;

  constructor(
    private readonly ec2: EC2Client,
    private readonly o: WaitOptions,
  ) {
    this.timing = { ...DEFAULT_TIMING, ...o.timing };
    this.random = o.random ?? Math.random;
    this.launchInterval = this.timing.firstMs;
    this.lastAnswerAt = o.clock.now();
    this.readiness = o.readiness ?? CHECKS_ONLY;
    if (probesService(this.readiness.readyWhen))
      this.service = new ServiceWatch({
        target: this.readiness.service,
        clock: o.clock,
        signal: o.signal,
        timing: o.probeTiming,
        probe: o.probe,
        onUsable: (id) => this.onServiceAnswered(id),
      });
  }

  /** Instances to wait for (`instances start` adds machines of any batch, some from before seats). */
  add(instances: readonly (Omit<LaunchedInstance, "seat"> & { seat?: number })[]): void {
    for (const i of instances) {
      if (!this.tracked.has(i.instanceId))
        this.tracked.set(i.instanceId, { instanceId: i.instanceId, seat: i.seat, phase: "pending", launchedAt: i.launchedAt });
    }
    // RunInstances has just said they are pending: a DescribeInstances now would say the same.
    this.launchInterval = this.timing.firstMs;
    const newest = Math.max(...instances.map((i) => i.launchedAt));
    if (instances.length) {
      this.nextDescribeAt = newest + this.timing.firstMs;
      this.wholeReadDue = true;
    }
  }

  counts(): WaitCounts {
    const c: WaitCounts = { total: this.tracked.size, pending: 0, checking: 0, ready: 0, failed: 0 };
    for (const t of this.tracked.values()) c[t.phase]++;
    return c;
  }

  private unsettled(): TrackedInstance[] {
    return [...this.tracked.values()].filter((t) => t.phase === "pending" || t.phase === "checking");
  }

  /** Instances whose status checks are read: running and not ready yet, or handed out by their service before the checks passed. */
  private statusWatched(): TrackedInstance[] {
    return [...this.tracked.values()].filter(
      (t) => t.statusDueAt !== undefined && !t.checksOk && (t.phase === "checking" || (t.phase === "ready" && t.readyBy === "service")),
    );
  }

  /** Polls until every tracked instance is ready or failed, or the signal aborts. */
  async run(): Promise<void> {
    const { clock, signal } = this.o;
    const onAbort = (): void => this.wake.abort(WAKE);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      while (this.unsettled().length > 0 && !signal?.aborted) {
        this.wake = new AbortController();
        const throttledBefore = this.stats.throttled;
        let polled = false;
        try {
          if (this.unsettled().some((t) => t.phase === "pending") && clock.now() >= this.nextDescribeAt) {
            polled = true;
            await this.describeRound();
          }
          const due = this.statusDue(clock.now());
          if (due.length > 0) {
            polled = true;
            await this.statusRound(due);
          }
        } catch (err) {
          if (err instanceof AbortedError) break;
          throw err;
        }
        this.expireOverdue();
        if (polled) {
          this.stats.rounds++;
          this.penalty = this.stats.throttled > throttledBefore ? Math.min(this.penalty * 2, 8) : Math.max(1, this.penalty / 2);
        }
        this.o.events?.update?.(this.counts());
        if (this.unsettled().length === 0 || signal?.aborted) break;
        await clock.sleep(this.nextWakeAt() - clock.now(), this.wake.signal);
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      this.stats.probes = this.service?.stats.attempts ?? 0;
    }
  }

  /** Ends the looks at the service (the run is over); the counts are final after this. */
  async close(): Promise<void> {
    await this.service?.stop();
    this.stats.probes = this.service?.stats.attempts ?? 0;
  }

  /** The earliest moment something is due: a DescribeInstances, a status read, a timeout. */
  private nextWakeAt(): number {
    let at = Number.POSITIVE_INFINITY;
    for (const t of this.unsettled()) {
      if (t.phase === "pending") at = Math.min(at, this.nextDescribeAt, t.launchedAt + this.o.launchTimeoutMs);
      else at = Math.min(at, (t.runningSince ?? 0) + this.o.checkTimeoutMs);
    }
    for (const t of this.statusWatched()) at = Math.min(at, t.statusDueAt!);
    return at;
  }

  /** An interval stretched by throttling, plus jitter. */
  private paced(ms: number): number {
    return Math.min(this.timing.penaltyMaxMs, ms * this.penalty) + this.random() * this.timing.jitterMs;
  }

  /** How long until this instance's checks are read again. */
  private statusInterval(t: TrackedInstance): number {
    if (t.phase !== "checking" || !checksMakeReady(this.readiness.readyWhen)) return this.timing.watchMs;
    if (!this.service) return this.timing.checkMs;
    return this.service.answered > 0 ? this.timing.slowFallbackCheckMs : this.timing.fallbackCheckMs;
  }

  /**
   * The instances whose checks are read this round: those due, and as many of the next due as
   * fit in the same calls (a call costs the same for 1 id or 100).
   */
  private statusDue(now: number): TrackedInstance[] {
    const watched = this.statusWatched();
    const due = watched.filter((t) => t.statusDueAt! <= now);
    if (due.length === 0) return [];
    const room = Math.ceil(due.length / STATUS_CHUNK) * STATUS_CHUNK - due.length;
    const early = watched
      .filter((t) => t.statusDueAt! > now)
      .sort((a, b) => a.statusDueAt! - b.statusDueAt!)
      .slice(0, room);
    return [...due, ...early];
  }

  /** DescribeInstances of the workshop: who runs now, with which addresses; who stopped. */
  private async describeRound(): Promise<void> {
    const { clock } = this.o;
    const pending = this.unsettled().filter((t) => t.phase === "pending");
    const deadline = Math.max(...pending.map((t) => t.launchedAt + this.o.launchTimeoutMs));
    const roundStart = clock.now();
    try {
      if (this.wholeReadDue) {
        const seen = await this.describeWorkshop(deadline, this.o.signal);
        this.wholeReadDue = false;
        this.lastWorkshopRead = seen;
        this.applyDescribe(seen, roundStart);
        await this.o.events?.seen?.(seen);
      } else {
        // Those not in the answer were still pending when it was asked for.
        for (const t of pending) t.pendingSeenAt = roundStart;
        this.applyDescribe(await this.describePastPending(pending.map((t) => t.instanceId), deadline), roundStart);
      }
    } catch (err) {
      if (err instanceof AbortedError || !isRetryable(err)) throw err;
      this.failOverdue(pending, "launch", `could not be checked (${describeError(err)})`);
    }
    this.nextDescribeAt = roundStart + this.paced(this.launchInterval);
    this.launchInterval = Math.min(this.timing.launchMaxMs, this.launchInterval * 1.5);
  }

  /** DescribeInstanceStatus of `list`, in chunks of 100, a few at a time. */
  private async statusRound(list: TrackedInstance[]): Promise<void> {
    const now = (): number => this.o.clock.now();
    const chunks: TrackedInstance[][] = [];
    for (let i = 0; i < list.length; i += STATUS_CHUNK) chunks.push(list.slice(i, i + STATUS_CHUNK));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const chunk = chunks[next++]!;
        const deadline = Math.max(now() + this.timing.watchMs, ...chunk.map((t) => (t.runningSince ?? now()) + this.o.checkTimeoutMs));
        try {
          const statuses = await this.describeStatus(chunk.map((t) => t.instanceId), deadline);
          this.applyStatuses(chunk, statuses);
        } catch (err) {
          if (err instanceof AbortedError || !isRetryable(err)) throw err;
          this.failOverdue(chunk, "check", `could not be checked (${describeError(err)})`);
          for (const t of chunk) t.statusDueAt = now() + this.paced(this.statusInterval(t));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(STATUS_CONCURRENCY, chunks.length) }, worker));
  }

  private expireOverdue(): void {
    const unsettled = this.unsettled();
    this.failOverdue(unsettled.filter((t) => t.phase === "pending"), "launch");
    this.failOverdue(unsettled.filter((t) => t.phase === "checking"), "check");
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
        if (isAnswer(err)) this.heard();
        else this.unanswered = true;
        if (this.contactLost() && !this.lostContactSaid) {
          this.lostContactSaid = true;
          this.o.events?.note?.(
            `Lost contact with EC2 (${describeError(err)}): no answer for ${formatMinutes(this.o.clock.now() - this.lastAnswerAt)}. ` +
              `Still trying until each instance's deadline; the instances keep running whatever happens here.`,
          );
        }
      },
    };
  }

  /** EC2 answered. */
  private heard(): void {
    this.lastAnswerAt = this.o.clock.now();
    this.unanswered = false;
    if (!this.lostContactSaid) return;
    this.lostContactSaid = false;
    this.o.events?.note?.("EC2 answers again.");
  }

  /** Requests unanswered, and no answer from EC2 for LOST_CONTACT_MS or more. */
  private contactLost(): boolean {
    return this.unanswered && this.o.clock.now() - this.lastAnswerAt >= LOST_CONTACT_MS;
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
          this.heard();
          return out.InstanceStatuses ?? [];
        },
        this.retryOptions(deadline),
      ),
    );
    return answer ?? [];
  }

  /** `readAt`: when the read was asked for (what it shows was true at least then). */
  private applyDescribe(seen: readonly WorkshopInstance[], readAt: number): void {
    const now = this.o.clock.now();
    for (const info of seen) {
      // A batch run takes its batch's instances; a run without one (instances start) only those it tracks.
      if (this.o.batch !== undefined && info.batch !== this.o.batch) continue;
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
      if (t.phase === "failed" || (t.phase === "ready" && !this.stillGuarded(t))) continue;
      if (GONE.has(info.state)) {
        this.fail(t, `${info.state}${info.stateReason ? `: ${info.stateReason}` : ""}`, info.state);
      } else if (t.phase === "pending" && info.state === "running") {
        t.phase = "checking";
        t.runningSince = now;
        t.statusDueAt = now + this.paced(this.statusInterval(t));
        const address = info.publicIp ?? info.privateIp;
        if (this.service && address) this.service.watch(t.instanceId, address, t.pendingSeenAt ?? t.launchedAt);
      } else if (t.phase === "pending" && info.state === "pending") {
        t.pendingSeenAt = readAt;
      }
    }
  }

  /** A machine handed out by its service stays watched (checks, state) until its checks pass. */
  private stillGuarded(t: TrackedInstance): boolean {
    return t.readyBy === "service" && !t.checksOk;
  }

  private applyStatuses(chunk: readonly TrackedInstance[], statuses: readonly InstanceStatus[]): void {
    const now = this.o.clock.now();
    const byId = new Map(statuses.map((s) => [s.InstanceId, s]));
    for (const t of chunk) {
      if (t.phase === "failed" || (t.phase === "ready" && !this.stillGuarded(t))) continue;
      t.statusDueAt = now + this.paced(this.statusInterval(t));
      const s = byId.get(t.instanceId);
      if (!s) continue;
      const state = s.InstanceState?.Name ?? "unknown";
      const inst = s.InstanceStatus?.Status;
      const sys = s.SystemStatus?.Status;
      t.lastStatus = { instance: inst, system: sys };
      const after = t.phase === "ready" ? " after its service answered" : "";
      if (GONE.has(state)) {
        this.fail(t, `${state}${after}`, state);
      } else if (inst === "impaired" || sys === "impaired") {
        const which = [inst === "impaired" ? "instance" : "", sys === "impaired" ? "system" : ""].filter(Boolean).join(" and ");
        this.fail(t, `impaired (${which} status check failed)${after}`);
      } else if (state === "running" && inst === "ok" && sys === "ok") {
        t.checksOk = true;
        if (t.phase === "checking" && checksMakeReady(this.readiness.readyWhen)) this.markReady(t, "checks", now);
      }
    }
  }

  private onServiceAnswered(instanceId: string): void {
    const t = this.tracked.get(instanceId);
    if (!t || t.phase !== "checking") return;
    this.markReady(t, "service", this.o.clock.now());
    this.o.events?.update?.(this.counts());
    this.wake.abort(WAKE);
  }

  private markReady(t: TrackedInstance, by: ReadySignal, at: number): void {
    t.phase = "ready";
    t.readyBy = by;
    t.readySeenAt = at;
    this.service?.unwatch(t.instanceId);
    this.o.events?.ready?.(t);
  }

  private failOverdue(list: readonly TrackedInstance[], phase: "launch" | "check", why?: string): void {
    const now = this.o.clock.now();
    for (const t of list) {
      const overdue =
        (phase === "launch" && t.phase === "pending" && now >= t.launchedAt + this.o.launchTimeoutMs) ||
        (phase === "check" && t.phase === "checking" && now >= (t.runningSince ?? now) + this.o.checkTimeoutMs);
      if (overdue && this.contactLost()) {
        // Out of time, but only because EC2 could not be asked: say so, and claim nothing about it.
        t.unknown = true;
        const last = t.info ? `last seen ${t.phase === "checking" ? "running" : t.info.state}` : "never seen";
        this.fail(t, `state unknown: lost contact with EC2 (no answer for ${formatMinutes(now - this.lastAnswerAt)}; ${last}); it may be running`);
      } else if (phase === "launch" && t.phase === "pending" && now >= t.launchedAt + this.o.launchTimeoutMs) {
        const seen = t.info ? `still ${t.info.state}` : "not yet visible in EC2";
        this.fail(t, `timed out in the launch phase after ${formatMinutes(this.o.launchTimeoutMs)} (${why ?? seen})`);
      } else if (phase === "check" && t.phase === "checking" && now >= (t.runningSince ?? now) + this.o.checkTimeoutMs) {
        this.fail(t, `timed out in the check phase after ${formatMinutes(this.o.checkTimeoutMs)} (${why ?? this.whyNotReady(t)})`);
      }
    }
  }

  /** What was last known of a machine that never became ready: its service, its checks. */
  private whyNotReady(t: TrackedInstance): string {
    const checks = t.lastStatus ? `instance ${t.lastStatus.instance ?? "?"}, system ${t.lastStatus.system ?? "?"}` : "no status yet";
    if (!this.service) return checks;
    const service = describeService(this.readiness.service);
    const answer = this.service.lastFailure(t.instanceId) ?? (t.info?.publicIp ?? t.info?.privateIp ? "no answer" : "no address to reach");
    return `${service}: ${answer}; ${checks}`;
  }

  private fail(t: TrackedInstance, reason: string, failedState?: string): void {
    t.phase = "failed";
    t.failure = reason;
    if (failedState) t.failedState = failedState;
    this.service?.unwatch(t.instanceId);
    this.o.events?.failed?.(t);
  }

  /**
   * Whether the end of the run needs one more DescribeInstances of this batch: for a stop's
   * reason EC2 has not told yet, an address not known yet, or an interrupted run's instances.
   * Otherwise what the waiting read is all there is to say (and the seats were checked then).
   */
  needsFinalRead(): boolean {
    if (this.o.signal?.aborted || this.lastWorkshopRead === undefined) return this.tracked.size > 0 || Boolean(this.o.signal?.aborted);
    for (const t of this.tracked.values()) {
      if (t.phase === "ready" && !(t.info?.publicIp ?? t.info?.privateIp)) return true;
      if (t.phase === "failed" && t.failedState && !t.info?.stateReason) return true;
      if (t.phase === "pending" || t.phase === "checking") return true;
    }
    return false;
  }

  /**
   * A DescribeInstances of this batch, taken in: fresh addresses for the ready ones and EC2's
   * state reason for the stopped ones. Best effort: on failure the last known data stays.
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
   * and retried like the polling. The reads while waiting take the whole workshop: they carry
   * this batch's news and every seat another run may share (create-batch.ts).
   */
  describeWorkshop(deadline: number, signal?: AbortSignal, batchOnly = false): Promise<WorkshopInstance[]> {
    return withClientRetry(
      this.ec2,
      async () => {
        this.stats.describeCalls++;
        const seen = await describeWorkshopInstances(this.ec2, { workshop: this.o.workshop, ...(batchOnly && this.o.batch !== undefined ? { batch: this.o.batch } : {}), abortSignal: signal });
        this.heard();
        return seen;
      },
      { ...this.retryOptions(deadline), signal },
    );
  }

  /** Those of these instances (by id, in chunks) that have left `pending`; counted and retried like the polling. */
  private async describePastPending(ids: readonly string[], deadline: number): Promise<WorkshopInstance[]> {
    const out: WorkshopInstance[] = [];
    for (let i = 0; i < ids.length; i += PAST_PENDING_CHUNK) {
      const chunk = ids.slice(i, i + PAST_PENDING_CHUNK);
      const seen = await withClientRetry(
        this.ec2,
        async () => {
          this.stats.describeCalls++;
          const seen = await describeWorkshopInstances(this.ec2, { workshop: this.o.workshop, states: PAST_PENDING, instanceIds: chunk, abortSignal: this.o.signal });
          this.heard();
          return seen;
        },
        this.retryOptions(deadline),
      );
      out.push(...seen);
    }
    return out;
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
        t.failure = `${info.state}: ${info.stateReason}${t.readyBy ? " after its service answered" : ""}`;
      }
    }
  }
}
