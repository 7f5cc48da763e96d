// One `instances create` run as a service: prepare (template, subnets, caller, seats held),
// launch into seats, wait, optionally replace failures into their seats, settle seats shared
// with a concurrent run, and report. No terminal here: the command renders the events and the
// report; `instances replace`, the benchmark and the demo call the same functions.
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import type { WorkshopSettings } from "../workshops/settings.js";
import { launchBatch, newBatchId, batchName, type LaunchEvents, type LaunchStop, type WorkshopSubnet } from "./launch.js";
import { findWorkshopSubnets } from "./subnets.js";
import { readLaunchTemplate, type LaunchTemplateInfo } from "./template.js";
import { BatchWaiter, type PollTiming, type TrackedInstance, type WaitEvents, type WaitOptions, type WaitStats } from "./wait.js";
import { waitingFor, type Readiness, type ReadySignal } from "./readiness.js";
import { terminateWorkshopInstances } from "./terminate.js";
import { withClientRetry } from "./backoff.js";
import { describeError } from "../errors.js";
import { describeWorkshopInstances, type WorkshopInstance } from "./describe.js";
import { HOLDING_STATES, planSeatRepairs, type SeatEviction, type SeatMove } from "./seat-assignment.js";
import { SeatNamer } from "./seat-names.js";
import { settleSeats } from "./seat-repair.js";
import { compareSeats, seatName } from "./seats.js";
import type { Expiry } from "./expiry.js";
import type { ExpirySchedules } from "./schedules.js";

export const DEFAULT_PHASE_TIMEOUT_MS = 5 * 60_000;
/** Another batch launched this close to ours (either side) may still be settling its seats: look again at the end. */
const CONCURRENT_RUN_WINDOW_MS = 10 * 60_000;
/** Replacement rounds `--replace-failed` may use. */
export const REPLACE_ROUNDS = 2;

export interface Preparation {
  template: LaunchTemplateInfo;
  subnets: WorkshopSubnet[];
  launchedBy: string;
  /** The workshop's seat-holding instances, read with the rest: which seats are free. */
  holders: WorkshopInstance[];
}

/** Everything read before spending money: the template, the subnets, who is launching, the seats held. */
export async function prepareBatch(
  ec2: EC2Client,
  sts: STSClient,
  settings: WorkshopSettings,
  clock: Clock,
  signal?: AbortSignal,
): Promise<Preparation> {
  // Reads only: retried on throttling/5xx for up to a minute.
  const retry = { clock, signal, deadline: clock.now() + 60_000 };
  const reading = withClientRetry(ec2, () => readLaunchTemplate(ec2, settings, signal), retry);
  const [template, subnets, identity, holders] = await Promise.all([
    reading,
    withClientRetry(ec2, () => findWorkshopSubnets(ec2, settings, async () => (await reading).securityGroupIds ?? [], signal), retry),
    withClientRetry(sts, () => sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal }), retry),
    withClientRetry(ec2, () => describeWorkshopInstances(ec2, { workshop: settings.name, states: HOLDING_STATES, abortSignal: signal }), retry),
  ]);
  return { template, subnets, launchedBy: identity.Arn ?? identity.UserId ?? "unknown", holders };
}

export interface ReadyInstance {
  seat?: number;
  instanceId: string;
  name: string;
  publicIp?: string;
  privateIp?: string;
  availabilityZone?: string;
  /** Which signal made it ready: its service answered, or EC2's status checks passed. */
  readyBy?: ReadySignal;
}

export interface FailedInstance {
  seat?: number;
  /** Undefined for a seat that was never launched. */
  instanceId?: string;
  reason: string;
  /** Already terminated (replaced, or left without a seat): no cleanup needed. */
  replaced?: boolean;
  /** EC2 terminated it (or is): it holds no seat, nothing to clean up. */
  gone?: boolean;
  /** Terminated because a concurrent run took its seat first and none was free: `seat` is that run's. */
  evicted?: boolean;
  /** Its time ran out while EC2 could not be reached: it may be running; never offered for clean-up. */
  unknown?: boolean;
}

export interface BatchReport {
  workshop: string;
  batch: string;
  /** The workshop's maximum (seat labels are padded to its width). */
  maximum: number;
  requested: number;
  /** By seat. */
  ready: ReadyInstance[];
  /** By seat: instances that failed, and seats that were never launched. */
  failed: FailedInstance[];
  /** Instances launched but neither ready nor failed (interrupted runs). */
  unfinished: { instanceId: string; seat?: number }[];
  /** Why fewer than requested were launched, when that happened. */
  launchStops: LaunchStop[];
  /** Seats a concurrent run had taken first: this run's instances moved (or were terminated). */
  seatMoves: SeatMove[];
  interrupted: boolean;
  stats: WaitStats;
}

export interface CreateBatchEvents extends LaunchEvents, WaitEvents {
  /** A new phase of the run: "launch", "wait", "replace". */
  phase?(name: "launch" | "wait" | "replace", detail: string): void;
}

export interface CreateBatchOptions {
  settings: WorkshopSettings;
  /** The seats to launch into (seat-assignment.ts assignSeats): one instance each. */
  seats: readonly number[];
  prep: Preparation;
  clock: Clock;
  batch?: string;
  launchTimeoutMs?: number;
  checkTimeoutMs?: number;
  /** Replacement rounds for failed instances (0 = none). */
  replaceRounds?: number;
  /** Readable per-seat Names in the background (default true). */
  nameSeats?: boolean;
  /** What counts as ready (readiness.ts resolveReadiness); default: EC2's checks only. */
  readiness?: Readiness;
  /** When the machines end: their `ec2-workshop:expires-at` tag at launch. */
  expiresAt?: Expiry;
  /** The workshop's expiry schedules: the batch's are made right after each launch, and put in step at the end. */
  schedules?: Pick<ExpirySchedules, "sync">;
  signal?: AbortSignal;
  random?: () => number;
  timing?: Partial<PollTiming>;
  probeTiming?: WaitOptions["probeTiming"];
  probe?: WaitOptions["probe"];
  events?: CreateBatchEvents;
}

const NOT_LAUNCHED: Record<LaunchStop["kind"], string> = {
  capacity: "not launched: no capacity",
  quota: "not launched: over the account's quota",
  error: "not launched: RunInstances failed",
  interrupted: "not launched: the run was stopped",
};

/**
 * Launch, wait, (replace), settle seats, report. Never throws for capacity/quota/timeouts:
 * those are in the report. `names` is still naming seats in the background: the caller prints
 * the hand-out first, then gives it a moment (`names.finish`).
 */
export async function createBatch(
  ec2: EC2Client,
  o: CreateBatchOptions,
): Promise<{ report: BatchReport; waiter: BatchWaiter; names: SeatNamer }> {
  const batch = o.batch ?? newBatchId();
  const workshop = o.settings.name;
  const maximum = o.settings.maximum;
  const launchTimeoutMs = o.launchTimeoutMs ?? DEFAULT_PHASE_TIMEOUT_MS;
  const checkTimeoutMs = o.checkTimeoutMs ?? DEFAULT_PHASE_TIMEOUT_MS;
  const evicted = new Map<string, SeatEviction>();
  const seatMoves: SeatMove[] = [];
  /** A read while waiting showed another run launching into this workshop around the same time. */
  let concurrentRun = false;
  const names = new SeatNamer(ec2, { workshop, maximum, clock: o.clock, onProblem: (m) => o.events?.note?.(m) });
  if (o.nameSeats === false) names.stop();
  /** Moves this run's instances off seats an earlier launch holds (seat-repair.ts), from a fresh read of the workshop. */
  const settle = async (seen: WorkshopInstance[]): Promise<void> => {
    const deadline = o.clock.now() + 60_000;
    const settled = await settleSeats(ec2, seen, {
      workshop,
      maximum,
      mine: new Set(waiter.tracked.keys()),
      clock: o.clock,
      read: () => waiter.describeWorkshop(deadline),
      beforeMove: async (moves) => {
        names.forget(moves.map((m) => m.instanceId));
        await names.idle();
      },
      evict: async (evictions) => {
        await terminateWorkshopInstances(ec2, workshop, evictions.map((e) => e.instanceId), { clock: o.clock });
        for (const e of evictions) evicted.set(e.instanceId, e);
      },
      note: (m) => o.events?.note?.(m),
    });
    waiter.absorb(settled.seen);
    seatMoves.push(...settled.moves);
  };
  const waiter: BatchWaiter = new BatchWaiter(ec2, {
    workshop,
    batch,
    clock: o.clock,
    launchTimeoutMs,
    checkTimeoutMs,
    readiness: o.readiness,
    signal: o.signal,
    random: o.random,
    timing: o.timing,
    probeTiming: o.probeTiming,
    probe: o.probe,
    events: {
      ...o.events,
      // Each read while waiting shows the whole workshop: a seat shared with a concurrent run is
      // settled then, before any of this run's machines is ready and on screen.
      seen: async (seen) => {
        concurrentRun ||= seen.some(
          (i) => i.batch !== batch && i.launchTime !== undefined && Math.abs(i.launchTime.getTime() - launchedAt.getTime()) < CONCURRENT_RUN_WINDOW_MS,
        );
        const plan = planSeatRepairs(seen, new Set(waiter.tracked.keys()), maximum);
        if (plan.moves.length === 0 && plan.evictions.length === 0) return;
        try {
          await settle(seen);
        } catch (err) {
          o.events?.note?.(`Could not finish checking seats against concurrent runs: ${describeError(err)}`);
        }
      },
    },
  });
  const launchStops: LaunchStop[] = [];
  const replacedIds = new Set<string>();
  /** Seats that never got an instance, and why. */
  const unlaunched = new Map<number, string>();
  let attempt = 1;
  const launchedAt = o.clock.wallNow();
  let scheduled = false;
  /**
   * The batch's live machines into its expiry schedules: right after each launch (so a laptop
   * closed while waiting changes nothing), and at the end (replaced, evicted and failed-and-gone
   * machines out: an id EC2 has forgotten would fail its schedule's whole call).
   */
  const schedule = async (): Promise<void> => {
    if (!o.schedules || o.expiresAt === undefined) return;
    const members = [...waiter.tracked.values()]
      .filter((t) => !replacedIds.has(t.instanceId) && !evicted.has(t.instanceId) && t.info?.state !== "terminated" && t.info?.state !== "shutting-down")
      .map((t) => ({ instanceId: t.instanceId, expiresAt: o.expiresAt }));
    await o.schedules.sync(batch, members, { fresh: !scheduled });
    scheduled = true;
  };

  const launch = async (seats: readonly number[]): Promise<void> => {
    const outcome = await launchBatch(ec2, {
      workshop,
      seats,
      maximum,
      batch,
      launchedBy: o.prep.launchedBy,
      launchedAt,
      ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt } : {}),
      template: o.prep.template,
      region: o.settings.region,
      subnets: o.prep.subnets,
      clock: o.clock,
      signal: o.signal,
      deadline: o.clock.now() + launchTimeoutMs,
      firstAttempt: attempt,
      random: o.random,
      events: {
        launched: (got, subnet, wanted) => {
          waiter.add(got);
          // A call of one seat was named at launch; the others get their seat's Name now.
          if (got.length > 1 || seats.length > 1) names.add(got);
          o.events?.launched?.(got, subnet, wanted);
        },
        note: (m) => o.events?.note?.(m),
      },
    });
    // Next round's tokens must differ from every token used so far.
    attempt = outcome.nextAttempt;
    for (const s of seats) unlaunched.delete(s);
    if (outcome.stop) {
      launchStops.push(outcome.stop);
      for (const s of outcome.unlaunched) unlaunched.set(s, NOT_LAUNCHED[outcome.stop.kind]);
    }
    if (outcome.instances.length) await schedule();
  };

  try {
    o.events?.phase?.("launch", `Launching ${o.seats.length} × ${o.prep.template.instanceType ?? "instance"} (batch ${batch})`);
    await launch(o.seats);
    o.events?.phase?.("wait", `Waiting for ${waiter.tracked.size} instance(s) ${waitingFor(o.readiness)}`);
    await waiter.run();

    const rounds = o.replaceRounds ?? 0;
    for (let r = 1; r <= rounds && !o.signal?.aborted; r++) {
      const counts = waiter.counts();
      const failedNow = [...waiter.tracked.values()].filter((t) => t.phase === "failed" && !t.unknown && !replacedIds.has(t.instanceId));
      const wanted = o.seats.length - counts.ready;
      if (failedNow.length === 0 || wanted <= 0) break;
      if (launchStops.some((s) => s.kind === "quota")) break;
      o.events?.phase?.("replace", `Replacing ${failedNow.length} failed instance(s) (round ${r} of ${rounds})`);
      // EC2's reason for a stop is read while the machine is still stopped: once terminated here,
      // EC2 only says "User initiated shutdown".
      await waiter.refresh(o.clock.now() + 60_000, o.signal);
      try {
        // Terminates only instances still tagged with this workshop (re-read just before).
        const result = await terminateWorkshopInstances(ec2, workshop, failedNow.map((t) => t.instanceId), { clock: o.clock, signal: o.signal });
        const freed = new Set(result.terminated.map((t) => t.instanceId));
        for (const s of result.skipped) {
          // Already gone (e.g. failed on launch): nothing to clean up, replaced all the same.
          if (/already (terminated|shutting down)|no longer exists/.test(s.reason)) freed.add(s.instanceId);
          else o.events?.note?.(`Not terminated: ${s.instanceId} (${s.reason}).`);
        }
        for (const id of freed) replacedIds.add(id);
        // Each replacement goes into the seat of the machine it replaces.
        const seats = failedNow.filter((t) => freed.has(t.instanceId) && t.seat !== undefined).map((t) => t.seat!);
        await launch(seats.sort((a, b) => a - b).slice(0, wanted));
      } catch (err) {
        // The ready instances are already there: a replacement that cannot go on (e.g. no
        // ec2:TerminateInstances permission) ends the replacing, not the run and its report.
        if (o.signal?.aborted) break;
        launchStops.push({ kind: "error", message: `Replacing the failed instances stopped: ${describeError(err)}` });
        break;
      }
      await waiter.run();
    }

    // A last look at the workshop only when the waiting left something to learn (a stop's reason,
    // an interrupted run's instances), or another run launched alongside this one (its seats may
    // have moved since): otherwise the reads while waiting said it all, seats included.
    if (waiter.needsFinalRead() || concurrentRun) {
      try {
        const seen = await waiter.describeWorkshop(o.clock.now() + 60_000);
        waiter.absorb(seen);
        await settle(seen);
      } catch (err) {
        // Best effort: the report keeps the last known data; a seat check that could not finish is said.
        o.events?.note?.(`Could not finish checking seats against concurrent runs: ${describeError(err)}`);
      }
    }
  } finally {
    // The looks at the services end with the wait, however it ends.
    await waiter.close();
  }
  await schedule();
  const report = buildReport({
    workshop,
    batch,
    maximum,
    requested: o.seats.length,
    tracked: [...waiter.tracked.values()],
    replacedIds,
    evicted,
    unlaunched,
    launchStops,
    seatMoves,
    interrupted: Boolean(o.signal?.aborted),
  });
  report.stats = { ...waiter.stats };
  return { report, waiter, names };
}

export interface ReportInput {
  workshop: string;
  batch: string;
  maximum: number;
  requested: number;
  tracked: readonly TrackedInstance[];
  replacedIds: ReadonlySet<string>;
  evicted?: ReadonlyMap<string, SeatEviction>;
  unlaunched?: ReadonlyMap<number, string>;
  launchStops: LaunchStop[];
  seatMoves?: SeatMove[];
  interrupted: boolean;
}

export function buildReport(i: ReportInput): BatchReport {
  const bySeat = [...i.tracked].sort((a, b) => compareSeats(a.seat, b.seat));
  const ready = bySeat
    .filter((t) => t.phase === "ready" && !i.evicted?.has(t.instanceId))
    .map((t) => ({
      seat: t.seat,
      instanceId: t.instanceId,
      name: t.seat !== undefined ? seatName(i.workshop, t.seat, i.maximum) : t.info?.name || batchName(i.workshop, i.batch),
      publicIp: t.info?.publicIp,
      privateIp: t.info?.privateIp,
      availabilityZone: t.info?.availabilityZone,
      ...(t.readyBy ? { readyBy: t.readyBy } : {}),
    }));
  const failedInstances: FailedInstance[] = bySeat.flatMap((t): FailedInstance[] => {
    const eviction = i.evicted?.get(t.instanceId);
    if (eviction)
      return [{ seat: eviction.seat, instanceId: t.instanceId, reason: `seat ${eviction.seat} was taken first by another run and no seat was free: terminated`, replaced: true, evicted: true }];
    if (t.phase !== "failed") return [];
    const replaced = i.replacedIds.has(t.instanceId);
    const gone = t.info?.state === "terminated" || t.info?.state === "shutting-down";
    return [
      {
        seat: t.seat,
        instanceId: t.instanceId,
        reason: replaced ? `${t.failure ?? "failed"}; terminated and replaced` : (t.failure ?? "failed"),
        ...(replaced ? { replaced: true } : {}),
        ...(gone ? { gone: true } : {}),
        ...(t.unknown ? { unknown: true } : {}),
      },
    ];
  });
  // A seat whose RunInstances answer was lost still got its machine: found by its tags, it is not "not launched".
  const held = new Set(bySeat.map((t) => t.seat));
  const notLaunched: FailedInstance[] = [...(i.unlaunched ?? [])].filter(([seat]) => !held.has(seat)).map(([seat, reason]) => ({ seat, reason }));
  const failed = [...failedInstances, ...notLaunched].sort((a, b) => compareSeats(a.seat, b.seat));
  const unfinished = bySeat
    .filter((t) => (t.phase === "pending" || t.phase === "checking") && !i.evicted?.has(t.instanceId))
    .map((t) => ({ instanceId: t.instanceId, seat: t.seat }));
  return {
    workshop: i.workshop,
    batch: i.batch,
    maximum: i.maximum,
    requested: i.requested,
    ready,
    failed,
    unfinished,
    launchStops: i.launchStops,
    seatMoves: i.seatMoves ?? [],
    interrupted: i.interrupted,
    stats: { rounds: 0, describeCalls: 0, statusCalls: 0, retries: 0, throttled: 0, probes: 0 },
  };
}
