// Expiry enforced by AWS, without the laptop: per batch, one-time EventBridge Scheduler schedules
// at the machines' expiry whose universal target calls EC2 TerminateInstances for their ids,
// assuming the workshop stack's role (it may terminate only instances tagged with the workshop),
// in the workshop's schedule group, deleted by the Scheduler once they ran.
//
// A batch's schedules are derived from its live machines: grouped by expiry, in chunks of ids,
// each named `<batch>-<time>-<hash of its ids>`. Keeping them in step (extend, replace, destroy)
// is one rule: list the batch's schedules, create the ones missing, then delete the ones no
// longer wanted. A schedule that would name a terminated machine matters: once EC2 forgets the
// machine (about an hour), TerminateInstances fails for every id of the call.
//
// When schedules cannot be made (no role in the stack's outputs, denied, an endpoint without
// EventBridge Scheduler), the run says so once and goes on: the machines keep their expiry tag,
// and `ec2-workshop sweep` ends them. Heavy (SDK): import lazily.
import { createHash } from "node:crypto";
import type { SchedulerClient } from "@aws-sdk/client-scheduler";
import type { EC2Client } from "@aws-sdk/client-ec2";
import { createSchedulerClient } from "../aws/clients.js";
import { commandToType } from "../invocation.js";
import type { AwsTarget } from "../aws/target.js";
import type { Clock } from "../clock.js";
import { describeError } from "../errors.js";
import { callRetry, withClientRetry } from "./backoff.js";
import { describeWorkshopInstances } from "./describe.js";
import { expiryOf, type Expiry } from "./expiry.js";
import type { Env } from "../home.js";
import type { WorkshopSettings } from "../workshops/settings.js";
import { expiryOutputs, type ExpiryOutputs } from "./workshop-extras.js";

/** The universal target: EC2's TerminateInstances, its parameters as the Input JSON. */
export const TERMINATE_TARGET_ARN = "arn:aws:scheduler:::aws-sdk:ec2:terminateInstances";

/**
 * Ids per schedule. The Scheduler API reference gives Target.Input no maximum (TargetInput:
 * minimum length 1), so the split is ours: as TerminateInstances is chunked elsewhere
 * (terminate.ts), 100 ids (about 2.3 KB of Input) keep one failing call small; one machine that
 * EC2 no longer knows fails only its own chunk.
 */
export const IDS_PER_SCHEDULE = 100;
/** A budget for the Input text, far below any limit, checked on every plan. */
export const MAX_INPUT_CHARS = 8192;
/** Schedules due within this much of now are left to run rather than deleted (their machines are expired anyway). */
export const DUE_GRACE_MS = 60_000;
/** A schedule is made only for a time at least this far ahead (an expiry already past is `sweep`'s). */
export const CREATE_AHEAD_MS = 5_000;

export interface ScheduleMember {
  instanceId: string;
  expiresAt?: Expiry;
}

export interface PlannedSchedule {
  name: string;
  at: Date;
  instanceIds: string[];
}

/** `20250301T210000`: the schedule's time in its name (UTC), so a listing tells when each runs. */
function compactTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace(/[-:]/g, "");
}

function timeFromName(name: string): number | undefined {
  const m = /-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})-[0-9a-f]+$/.exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : undefined;
}

/** The Scheduler's one-time expression, in UTC (with ScheduleExpressionTimezone UTC). */
export function atExpression(d: Date): string {
  return `at(${d.toISOString().slice(0, 19)})`;
}

export function schedulePrefix(batch: string): string {
  return `${batch}-`;
}

export function terminateInput(instanceIds: readonly string[]): string {
  return JSON.stringify({ InstanceIds: instanceIds });
}

/**
 * The schedules a batch's live machines need: one per expiry time and chunk of ids, ids sorted,
 * named by batch, time and a hash of the ids (the same machines give the same names, so an
 * unchanged batch needs no call). Never-expiring machines, and those without a known expiry,
 * need none.
 */
export function planBatchSchedules(batch: string, members: readonly ScheduleMember[]): PlannedSchedule[] {
  const byTime = new Map<number, string[]>();
  for (const m of members) {
    if (!(m.expiresAt instanceof Date)) continue;
    const at = Math.floor(m.expiresAt.getTime() / 1000) * 1000;
    byTime.set(at, [...(byTime.get(at) ?? []), m.instanceId]);
  }
  const out: PlannedSchedule[] = [];
  for (const [at, ids] of [...byTime].sort((a, b) => a[0] - b[0])) {
    const sorted = [...new Set(ids)].sort();
    for (let i = 0; i < sorted.length; i += IDS_PER_SCHEDULE) {
      const chunk = sorted.slice(i, i + IDS_PER_SCHEDULE);
      const input = terminateInput(chunk);
      if (input.length > MAX_INPUT_CHARS) throw new RangeError(`schedule Input of ${input.length} characters is over ${MAX_INPUT_CHARS}`);
      const hash = createHash("sha256").update(chunk.join(",")).digest("hex").slice(0, 8);
      const date = new Date(at);
      out.push({ name: `${schedulePrefix(batch)}${compactTime(date)}-${hash}`, at: date, instanceIds: chunk });
    }
  }
  return out;
}

/** A batch's members as EC2 shows them: the live ones (a shutting-down machine needs no schedule), with their expiry. */
export function membersOf(instances: readonly { instanceId: string; state: string; tags: Record<string, string> }[]): ScheduleMember[] {
  return instances
    .filter((i) => i.state !== "terminated" && i.state !== "shutting-down")
    .map((i) => ({ instanceId: i.instanceId, ...(expiryOf(i) !== undefined ? { expiresAt: expiryOf(i) } : {}) }));
}

export interface SyncOutcome {
  created: string[];
  deleted: string[];
}

export interface ExpiryScheduleOptions {
  workshop: string;
  outputs: ExpiryOutputs;
  clock: Clock;
  /** Says, once, why this run cannot make schedules (then it stops trying). */
  onUnavailable?: (message: string) => void;
  /** Makes the client on first use (the SDK loads only when a schedule is needed). */
  client: () => Promise<SchedulerClient>;
}

/** Why an error means "no schedules in this run", in words. */
function unavailableReason(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? "";
  if (name === "AccessDeniedException") return `EventBridge Scheduler refused: ${describeError(err)}`;
  if (name === "ValidationException" || name === "ResourceNotFoundException" || name === "ConflictException")
    return `EventBridge Scheduler said: ${(e.message ?? name).replace(/\.?$/, "")}`;
  if (e?.$metadata?.httpStatusCode === 404 || name === "UnknownOperationException" || name === "NotFound")
    return "this endpoint does not offer EventBridge Scheduler";
  return `EventBridge Scheduler could not be reached: ${describeError(err)}`;
}

/**
 * One run's schedules for one workshop. Every method is best effort and never throws: the first
 * failure makes the run say why (onUnavailable) and stop trying; expiry then rests on `sweep`.
 */
export class ExpirySchedules {
  private unavailable?: string;
  private announced = false;
  private client?: SchedulerClient;
  /** Per batch, the plan last made in step: an unchanged batch costs no call. */
  private readonly synced = new Map<string, string>();
  readonly stats = { listCalls: 0, created: 0, deleted: 0 };

  constructor(private readonly o: ExpiryScheduleOptions) {
    // Without the stack's outputs no schedule can exist: nothing to make, nothing to keep in step.
    if (!o.outputs.schedulerRoleArn || !o.outputs.scheduleGroupName)
      this.unavailable = `the workshop's stack has no scheduler role and schedule group yet (update it with \`${commandToType(`workshop update ${o.workshop}`)}\`)`;
  }

  /** For the commands that set an expiry (create, replace, extend): says now, once, when AWS will not enforce it. */
  announceIfUnavailable(): void {
    if (this.unavailable !== undefined && !this.announced) this.announce(this.unavailable);
  }

  get available(): boolean {
    return this.unavailable === undefined;
  }

  /** Why schedules are not made in this run, if they are not. */
  get reason(): string | undefined {
    return this.unavailable;
  }

  private disable(why: string): void {
    if (this.unavailable !== undefined) return;
    this.unavailable = why;
    this.announce(why);
  }

  private announce(why: string): void {
    this.announced = true;
    this.o.onUnavailable?.(
      `Expiry is not enforced by AWS for this run: ${why}. The machines keep their expiry tag; \`${commandToType("sweep")}\` terminates them once it has passed.`,
    );
  }

  private async call<T>(fn: (c: SchedulerClient) => Promise<T>): Promise<T> {
    this.client ??= await this.o.client();
    const client = this.client;
    return withClientRetry(client, () => fn(client), callRetry(this.o.clock));
  }

  /** The names of a batch's schedules now (all pages). */
  private async existing(batch: string): Promise<string[]> {
    const { ListSchedulesCommand } = await import("@aws-sdk/client-scheduler");
    const names: string[] = [];
    let token: string | undefined;
    do {
      this.stats.listCalls++;
      const page = await this.call((c) =>
        c.send(new ListSchedulesCommand({ GroupName: this.o.outputs.scheduleGroupName, NamePrefix: schedulePrefix(batch), NextToken: token, MaxResults: 100 })),
      );
      for (const s of page.Schedules ?? []) if (s.Name) names.push(s.Name);
      token = page.NextToken;
    } while (token);
    return names;
  }

  /**
   * Puts a batch's schedules in step with its live members (create first, then delete). `fresh`:
   * the batch was just launched, so it has no schedules to list yet.
   */
  async sync(batch: string, members: readonly ScheduleMember[], o: { fresh?: boolean } = {}): Promise<SyncOutcome | undefined> {
    if (!this.available) return undefined;
    const now = this.o.clock.wallNow().getTime();
    const planned = planBatchSchedules(batch, members);
    const signature = planned.map((p) => p.name).join(" ");
    if (this.synced.get(batch) === signature) return { created: [], deleted: [] };
    try {
      const { CreateScheduleCommand, DeleteScheduleCommand } = await import("@aws-sdk/client-scheduler");
      const existing = o.fresh && !this.synced.has(batch) ? [] : await this.existing(batch);
      const have = new Set(existing);
      const wanted = new Set(planned.map((p) => p.name));
      const outcome: SyncOutcome = { created: [], deleted: [] };
      for (const p of planned) {
        if (have.has(p.name) || p.at.getTime() <= now + CREATE_AHEAD_MS) continue;
        await this.call((c) =>
          c.send(
            new CreateScheduleCommand({
              Name: p.name,
              GroupName: this.o.outputs.scheduleGroupName,
              Description: `ec2-workshop: terminate ${p.instanceIds.length} instance(s) of workshop ${this.o.workshop} (batch ${batch}) at their expiry`,
              ScheduleExpression: atExpression(p.at),
              ScheduleExpressionTimezone: "UTC",
              FlexibleTimeWindow: { Mode: "OFF" },
              ActionAfterCompletion: "DELETE",
              State: "ENABLED",
              Target: { Arn: TERMINATE_TARGET_ARN, RoleArn: this.o.outputs.schedulerRoleArn!, Input: terminateInput(p.instanceIds) },
              // The name is a function of the batch, time and ids: a retried request is the same request.
              ClientToken: p.name,
            }),
          ),
        );
        outcome.created.push(p.name);
        this.stats.created++;
      }
      for (const name of existing) {
        if (wanted.has(name)) continue;
        // About to run (or running): its machines are expired anyway; leave it to finish.
        const at = timeFromName(name);
        if (at !== undefined && at <= now + DUE_GRACE_MS) continue;
        try {
          await this.call((c) => c.send(new DeleteScheduleCommand({ Name: name, GroupName: this.o.outputs.scheduleGroupName })));
        } catch (err) {
          if ((err as { name?: string }).name !== "ResourceNotFoundException") throw err;
        }
        outcome.deleted.push(name);
        this.stats.deleted++;
      }
      this.synced.set(batch, signature);
      return outcome;
    } catch (err) {
      this.disable(unavailableReason(err));
      return undefined;
    }
  }

  /**
   * Puts these batches in step with EC2: one read of the workshop's machines (by its tag), then
   * each batch. `gone`: machines just terminated (EC2 may not show it yet); `expiry`: expiries
   * just moved (the tags may lag behind the CreateTags that set them).
   */
  async resync(
    ec2: EC2Client,
    batches: Iterable<string | undefined>,
    o: { gone?: ReadonlySet<string>; expiry?: ReadonlyMap<string, Expiry> } = {},
  ): Promise<void> {
    const wanted = new Set([...batches].filter((b): b is string => b !== undefined));
    if (!this.available || wanted.size === 0) return;
    let instances;
    try {
      instances = await withClientRetry(ec2, () => describeWorkshopInstances(ec2, { workshop: this.o.workshop }), callRetry(this.o.clock));
    } catch (err) {
      this.disable(`the workshop's machines could not be read to update the schedules (${describeError(err)})`);
      return;
    }
    for (const batch of wanted) {
      const members = membersOf(instances.filter((i) => i.batch === batch && i.workshop === this.o.workshop && !o.gone?.has(i.instanceId))).map((m) =>
        o.expiry?.has(m.instanceId) ? { ...m, expiresAt: o.expiry.get(m.instanceId) } : m,
      );
      await this.sync(batch, members);
    }
  }

  close(): void {
    this.client?.destroy();
  }
}


/** A workshop's schedules for one run: its stack's outputs, a Scheduler client made on first use. */
export function expirySchedulesFor(o: {
  settings: WorkshopSettings;
  target: AwsTarget;
  env: Env;
  clock: Clock;
  onUnavailable?: (message: string) => void;
}): ExpirySchedules {
  return new ExpirySchedules({
    workshop: o.settings.name,
    outputs: expiryOutputs(o.settings),
    clock: o.clock,
    ...(o.onUnavailable ? { onUnavailable: o.onUnavailable } : {}),
    // One HTTP request per call: ExpirySchedules retries on the tool's clock (backoff.ts).
    client: () => createSchedulerClient(o.target, o.env, { retry: "caller" }),
  });
}
