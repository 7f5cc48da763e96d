// Watching many machines' service ports at once, until each answers: every watched machine is
// looked at (probe.ts) as soon as it is watched, then again `retryMs` after each look that
// found nothing, with at most `concurrency` connections open at once (so 1,000 machines cost
// a few hundred sockets at most, and no AWS call). Looks that are due wait in order of their
// due time. All timing is on the tool's clock; the run's abort signal (or stop()) ends it.
//
// Slowly while nothing can answer yet: the machines of one batch boot alike, so once a few
// have answered, the shortest boot seen (from "seen running" to "answered") tells when the
// others can first answer, counted from the last moment each was known to be still pending.
// Until then a machine is not looked at, which saves most looks of a large batch.
import type { Clock } from "../clock.js";
import { describeProbeFailure, probeService, type ProbeFailure, type ProbeResult } from "./probe.js";
import type { ServiceTarget } from "./readiness.js";

export interface ProbeTiming {
  /** Connections open at once. */
  concurrency: number;
  /** Tool ms from a look that found nothing to the next look at that machine. */
  retryMs: number;
  /** Tool ms one look may take (connection, and for SSH the banner). */
  timeoutMs: number;
}

/**
 * A look every 0.7 s keeps "answered" to "noticed" under a second for 95% of machines; 2 s is
 * plenty for a connection and a banner (a healthy sshd greets within milliseconds); 128 open
 * connections stay far below any file-descriptor limit while a refused look takes a millisecond.
 */
export const DEFAULT_PROBE_TIMING: ProbeTiming = { concurrency: 128, retryMs: 500, timeoutMs: 1500 };

/** Answers seen before the shortest boot is trusted, and the share of it that is waited. */
const LEARN_AFTER = 3;
const BOOT_SHARE = 0.8;

export interface ServiceWatchOptions {
  target: ServiceTarget;
  clock: Clock;
  signal?: AbortSignal;
  timing?: Partial<ProbeTiming>;
  /** Once per machine whose service answered, at the tool time it did. */
  onUsable(instanceId: string, at: number): void;
  /** The look itself (tests give their own). */
  probe?: (host: string, target: ServiceTarget, o: { clock: Clock; timeoutMs: number; signal?: AbortSignal }) => Promise<ProbeResult>;
}

export interface ProbeStats {
  /** Looks made. */
  attempts: number;
  /** Looks that ended by failure kind. */
  failures: Partial<Record<ProbeFailure, number>>;
  /** Most connections open at once. */
  maxInFlight: number;
}

interface Entry {
  instanceId: string;
  address: string;
  dueAt: number;
  /** When it was first watched (seen running). */
  since: number;
  /** It became running after this moment (the last time it was seen pending). */
  runningAfter: number;
  lastFailure?: ProbeFailure;
}

/** A binary min-heap of entries by due time. */
class DueQueue {
  private readonly items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p]!.dueAt <= a[i]!.dueAt) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }

  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.dueAt < a[m]!.dueAt) m = l;
        if (r < a.length && a[r]!.dueAt < a[m]!.dueAt) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

export class ServiceWatch {
  readonly stats: ProbeStats = { attempts: 0, failures: {}, maxInFlight: 0 };
  private readonly timing: ProbeTiming;
  /** The machines watched now: instance id -> its entry (a queued entry not in here is stale). */
  private readonly watched = new Map<string, Entry>();
  private readonly queue = new DueQueue();
  private readonly stopper = new AbortController();
  private readonly signal: AbortSignal;
  private inFlight = 0;
  /** One timer for the next due look (event-driven: no loop, no timer per look besides its timeout). */
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private idle?: () => void;
  /** Answers so far, and the shortest time from watched to answered among them (tool ms). */
  private answers = 0;
  private shortestBoot = Number.POSITIVE_INFINITY;

  constructor(private readonly o: ServiceWatchOptions) {
    this.timing = { ...DEFAULT_PROBE_TIMING, ...o.timing };
    this.signal = o.signal ? AbortSignal.any([o.signal, this.stopper.signal]) : this.stopper.signal;
    this.signal.addEventListener("abort", () => this.disarm(), { once: true });
  }

  /**
   * Looks at `address` from now (or once its batch's boots say it can answer) until it answers;
   * a new address replaces the old one. `runningAfter`: it was still pending then (default: now).
   */
  watch(instanceId: string, address: string, runningAfter?: number): void {
    if (this.signal.aborted) return;
    const known = this.watched.get(instanceId);
    if (known?.address === address) return;
    const now = this.o.clock.now();
    const entry: Entry = { instanceId, address, dueAt: now, since: now, runningAfter: Math.min(now, runningAfter ?? now) };
    this.watched.set(instanceId, entry);
    this.queue.push(entry);
    this.pump();
  }

  /** Stops looking at this machine (ready by another signal, failed, gone). */
  unwatch(instanceId: string): void {
    this.watched.delete(instanceId);
  }

  /** Machines that have answered so far: the service is reachable from here. */
  get answered(): number {
    return this.answers;
  }

  isWatching(instanceId: string): boolean {
    return this.watched.has(instanceId);
  }

  /** Why the last look at this machine found nothing, in words (undefined before any look). */
  lastFailure(instanceId: string): string | undefined {
    const why = this.watched.get(instanceId)?.lastFailure;
    return why ? describeProbeFailure(why, this.timing.timeoutMs) : undefined;
  }

  /** Ends every look at once; nothing is reported after this. Resolves when no connection is left open. */
  stop(): Promise<void> {
    this.stopper.abort();
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }

  /** Starts every look that is due (as connections allow), and sets the timer for the next one. */
  private pump(): void {
    if (this.signal.aborted) return;
    const { clock } = this.o;
    const now = clock.now();
    let head: Entry | undefined;
    while (this.inFlight < this.timing.concurrency && (head = this.queue.peek())) {
      if (this.watched.get(head.instanceId) !== head) {
        this.queue.pop();
        continue;
      }
      const earliest = this.earliestAnswer(head);
      if (earliest > head.dueAt) {
        this.queue.pop();
        head.dueAt = earliest;
        this.queue.push(head);
        continue;
      }
      if (head.dueAt > now) break;
      this.queue.pop();
      this.look(head);
    }
    head = this.queue.peek();
    if (head && this.inFlight < this.timing.concurrency) this.arm(head.dueAt);
    else this.disarm();
  }

  private arm(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    this.disarm();
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, (at - this.o.clock.now()) / this.o.clock.scale),
    );
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** The first moment this machine can answer, by the shortest boot seen in its batch (none known: now). */
  private earliestAnswer(e: Entry): number {
    if (this.answers < LEARN_AFTER) return Number.NEGATIVE_INFINITY;
    return e.runningAfter + BOOT_SHARE * this.shortestBoot;
  }

  private look(e: Entry): void {
    const { clock } = this.o;
    this.inFlight++;
    this.stats.attempts++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
    const probe = this.o.probe ?? probeService;
    probe(e.address, this.o.target, { clock, timeoutMs: this.timing.timeoutMs, signal: this.signal })
      .catch((): ProbeResult => ({ usable: false, why: "error" }))
      .then((result) => {
        this.inFlight--;
        if (this.signal.aborted) {
          if (this.inFlight === 0) this.idle?.();
          return;
        }
        if (this.watched.get(e.instanceId) === e) this.took(e, result);
        this.pump();
      });
  }

  private took(e: Entry, result: ProbeResult): void {
    const now = this.o.clock.now();
    if (result.usable) {
      this.watched.delete(e.instanceId);
      this.answers++;
      this.shortestBoot = Math.min(this.shortestBoot, now - e.since);
      this.o.onUsable(e.instanceId, now);
      return;
    }
    this.stats.failures[result.why] = (this.stats.failures[result.why] ?? 0) + 1;
    e.lastFailure = result.why;
    e.dueAt = now + this.timing.retryMs;
    this.queue.push(e);
  }
}

/**
 * One look at each machine (at most `concurrency` at once): the ids whose service answers now.
 * For commands that show who is usable without waiting (e.g. `instances handout`).
 */
export async function answeringNow(
  machines: readonly { instanceId: string; address: string }[],
  target: ServiceTarget,
  o: { clock: Clock; signal?: AbortSignal; timing?: Partial<ProbeTiming>; probe?: ServiceWatchOptions["probe"] },
): Promise<Set<string>> {
  const timing = { ...DEFAULT_PROBE_TIMING, ...o.timing };
  const probe = o.probe ?? probeService;
  const answered = new Set<string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < machines.length && !o.signal?.aborted) {
      const m = machines[next++]!;
      const r = await probe(m.address, target, { clock: o.clock, timeoutMs: timing.timeoutMs, signal: o.signal }).catch(() => undefined);
      if (r?.usable) answered.add(m.instanceId);
    }
  };
  await Promise.all(Array.from({ length: Math.min(timing.concurrency, machines.length) }, worker));
  return answered;
}
