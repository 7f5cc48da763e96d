// One `instances create` run as a service: prepare (template, subnets, caller), launch, wait,
// optionally replace failures, and report. No terminal here: the command renders the events
// and the report; the benchmark and the demo call the same functions.
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import type { WorkshopSettings } from "../workshops/settings.js";
import { launchBatch, findWorkshopSubnets, newBatchId, batchName, type LaunchEvents, type LaunchStop, type WorkshopSubnet } from "./launch.js";
import { readLaunchTemplate, type LaunchTemplateInfo } from "./template.js";
import { BatchWaiter, type PollTiming, type TrackedInstance, type WaitEvents, type WaitStats } from "./wait.js";
import { terminateWorkshopInstances } from "./terminate.js";
import { withClientRetry } from "./backoff.js";
import { describeError } from "../errors.js";

export const DEFAULT_PHASE_TIMEOUT_MS = 5 * 60_000;
/** Replacement rounds `--replace-failed` may use. */
export const REPLACE_ROUNDS = 2;

export interface Preparation {
  template: LaunchTemplateInfo;
  subnets: WorkshopSubnet[];
  launchedBy: string;
}

/** Everything read before spending money: the template, the subnets, who is launching. */
export async function prepareBatch(
  ec2: EC2Client,
  sts: STSClient,
  settings: WorkshopSettings,
  clock: Clock,
  signal?: AbortSignal,
): Promise<Preparation> {
  // Reads only: retried on throttling/5xx for up to a minute.
  const retry = { clock, signal, deadline: clock.now() + 60_000 };
  const [template, subnets, identity] = await Promise.all([
    withClientRetry(ec2, () => readLaunchTemplate(ec2, settings, signal), retry),
    withClientRetry(ec2, () => findWorkshopSubnets(ec2, settings.name, signal), retry),
    withClientRetry(sts, () => sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal }), retry),
  ]);
  return { template, subnets, launchedBy: identity.Arn ?? identity.UserId ?? "unknown" };
}

export interface ReadyInstance {
  row: number;
  instanceId: string;
  name: string;
  publicIp?: string;
  privateIp?: string;
  availabilityZone?: string;
}

export interface FailedInstance {
  instanceId: string;
  reason: string;
  /** Already terminated by --replace-failed (no cleanup needed). */
  replaced?: boolean;
}

export interface BatchReport {
  workshop: string;
  batch: string;
  requested: number;
  ready: ReadyInstance[];
  failed: FailedInstance[];
  /** Instances launched but neither ready nor failed (interrupted runs). */
  unfinished: string[];
  /** Why fewer than requested were launched, when that happened. */
  launchStops: LaunchStop[];
  interrupted: boolean;
  stats: WaitStats;
}

export interface CreateBatchEvents extends LaunchEvents, WaitEvents {
  /** A new phase of the run: "launch", "wait", "replace". */
  phase?(name: "launch" | "wait" | "replace", detail: string): void;
}

export interface CreateBatchOptions {
  settings: WorkshopSettings;
  count: number;
  prep: Preparation;
  clock: Clock;
  batch?: string;
  launchTimeoutMs?: number;
  checkTimeoutMs?: number;
  /** Replacement rounds for failed instances (0 = none). */
  replaceRounds?: number;
  signal?: AbortSignal;
  random?: () => number;
  timing?: Partial<PollTiming>;
  events?: CreateBatchEvents;
}

/** Launch, wait, (replace), report. Never throws for capacity/quota/timeouts: those are in the report. */
export async function createBatch(ec2: EC2Client, o: CreateBatchOptions): Promise<{ report: BatchReport; waiter: BatchWaiter }> {
  const batch = o.batch ?? newBatchId();
  const launchTimeoutMs = o.launchTimeoutMs ?? DEFAULT_PHASE_TIMEOUT_MS;
  const checkTimeoutMs = o.checkTimeoutMs ?? DEFAULT_PHASE_TIMEOUT_MS;
  const waiter = new BatchWaiter(ec2, {
    workshop: o.settings.name,
    batch,
    clock: o.clock,
    launchTimeoutMs,
    checkTimeoutMs,
    signal: o.signal,
    random: o.random,
    timing: o.timing,
    events: o.events,
  });
  const launchStops: LaunchStop[] = [];
  const replacedIds = new Set<string>();
  let attempt = 1;
  const launchedAt = o.clock.wallNow();

  const launch = async (count: number): Promise<void> => {
    const outcome = await launchBatch(ec2, {
      workshop: o.settings.name,
      count,
      batch,
      launchedBy: o.prep.launchedBy,
      launchedAt,
      template: o.prep.template,
      region: o.settings.region,
      subnets: o.prep.subnets,
      clock: o.clock,
      signal: o.signal,
      deadline: o.clock.now() + launchTimeoutMs,
      firstAttempt: attempt,
      firstOrder: waiter.tracked.size,
      random: o.random,
      events: {
        launched: (got, subnet, wanted) => {
          waiter.add(got);
          o.events?.launched?.(got, subnet, wanted);
        },
        note: (m) => o.events?.note?.(m),
      },
    });
    // Next round's tokens must differ from every token used so far.
    attempt += Math.max(1, o.prep.subnets.length);
    if (outcome.stop) launchStops.push(outcome.stop);
  };

  o.events?.phase?.("launch", `Launching ${o.count} × ${o.prep.template.instanceType ?? "instance"} (batch ${batch})`);
  await launch(o.count);
  o.events?.phase?.("wait", `Waiting for ${waiter.tracked.size} instance(s) to start and pass status checks`);
  await waiter.run();

  const rounds = o.replaceRounds ?? 0;
  for (let r = 1; r <= rounds && !o.signal?.aborted; r++) {
    const counts = waiter.counts();
    const failedNow = [...waiter.tracked.values()].filter((t) => t.phase === "failed" && !replacedIds.has(t.instanceId));
    const wanted = o.count - counts.ready;
    if (failedNow.length === 0 || wanted <= 0) break;
    if (launchStops.some((s) => s.kind === "quota")) break;
    o.events?.phase?.("replace", `Replacing ${failedNow.length} failed instance(s) (round ${r} of ${rounds})`);
    try {
      // Terminates only instances still tagged with this workshop (re-read just before).
      const result = await terminateWorkshopInstances(ec2, o.settings.name, failedNow.map((t) => t.instanceId), { clock: o.clock, signal: o.signal });
      for (const t of result.terminated) replacedIds.add(t.instanceId);
      for (const s of result.skipped) {
        // Already gone (e.g. failed on launch): nothing to clean up, replaced all the same.
        if (/already (terminated|shutting down)|no longer exists/.test(s.reason)) replacedIds.add(s.instanceId);
        else o.events?.note?.(`Not terminated: ${s.instanceId} (${s.reason}).`);
      }
      await launch(Math.min(wanted, failedNow.length));
    } catch (err) {
      // The ready instances are already there: a replacement that cannot go on (e.g. no
      // ec2:TerminateInstances permission) ends the replacing, not the run and its report.
      if (o.signal?.aborted) break;
      launchStops.push({ kind: "error", message: `Replacing the failed instances stopped: ${describeError(err)}` });
      break;
    }
    await waiter.run();
  }

  await waiter.refresh(o.clock.now() + 60_000, undefined);
  const report = buildReport(o.settings.name, batch, o.count, [...waiter.tracked.values()], replacedIds, launchStops, Boolean(o.signal?.aborted));
  report.stats = { ...waiter.stats };
  return { report, waiter };
}

export function buildReport(
  workshop: string,
  batch: string,
  requested: number,
  tracked: readonly TrackedInstance[],
  replacedIds: ReadonlySet<string>,
  launchStops: LaunchStop[],
  interrupted: boolean,
): BatchReport {
  const byOrder = [...tracked].sort((a, b) => a.order - b.order);
  const ready = byOrder
    .filter((t) => t.phase === "ready")
    .map((t, i) => ({
      row: i + 1,
      instanceId: t.instanceId,
      name: t.info?.name || batchName(workshop, batch),
      publicIp: t.info?.publicIp,
      privateIp: t.info?.privateIp,
      availabilityZone: t.info?.availabilityZone,
    }));
  const failed = byOrder
    .filter((t) => t.phase === "failed")
    .map((t) => ({
      instanceId: t.instanceId,
      reason: replacedIds.has(t.instanceId) ? `${t.failure ?? "failed"}; terminated and replaced` : (t.failure ?? "failed"),
      ...(replacedIds.has(t.instanceId) ? { replaced: true } : {}),
    }));
  const unfinished = byOrder.filter((t) => t.phase === "pending" || t.phase === "checking").map((t) => t.instanceId);
  return {
    workshop,
    batch,
    requested,
    ready,
    failed,
    unfinished,
    launchStops,
    interrupted,
    stats: { rounds: 0, describeCalls: 0, statusCalls: 0, retries: 0, throttled: 0 },
  };
}
