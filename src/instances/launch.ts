// Launching a batch into given seats: RunInstances from the workshop's launch template, every
// instance and volume tagged at launch (its seat included: seats.ts), one ClientToken per launch
// attempt (so a retried call never doubles the batch), and capacity errors / partial launches
// moving the remaining seats to the next subnet (AZ).
import { randomBytes } from "node:crypto";
import {
  RunInstancesCommand,
  type EC2Client,
  type RunInstancesCommandInput,
  type TagSpecification,
} from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { describeError } from "../errors.js";
import { AbortedError, isThrottle, withClientRetry } from "./backoff.js";
import { expiryTag, type Expiry } from "./expiry.js";
import { formatSeatList, seatName, seatsThatFit } from "./seats.js";
import { MANAGED_BY, TAG } from "./tags.js";
import type { LaunchTemplateInfo } from "./template.js";
import { onDemandQuotaFor } from "../preflight/quota-codes.js";


const CAPACITY_ERRORS = new Set(["InsufficientInstanceCapacity", "InsufficientHostCapacity"]);
const QUOTA_ERRORS = new Set(["VcpuLimitExceeded", "InstanceLimitExceeded"]);

/** A batch id: one per `instances create` run; 8 lowercase base-36 characters. */
export function newBatchId(bytes: Buffer = randomBytes(8)): string {
  let s = "";
  for (const b of bytes.subarray(0, 8)) s += (b % 36).toString(36);
  return s;
}

/**
 * The Name tag at launch. EC2 applies a TagSpecification to every instance of one RunInstances
 * call, so a call of several seats is named after its batch, `<workshop>-<batch>`; the readable
 * per-seat Name follows in the background (seat-names.ts). A call of one seat is named at once.
 */
export function batchName(workshop: string, batch: string): string {
  return `${workshop}-${batch}`;
}

/**
 * ClientToken for one launch attempt: distinct per attempt and subnet (EC2 scopes tokens to the
 * AZ when a subnet is given), identical across retries of that attempt. At most 64 ASCII chars.
 */
export function clientToken(batch: string, attempt: number, subnetId: string | undefined): string {
  const token = `ec2-workshop-${batch}-${attempt}-${subnetId ?? "template"}`;
  return token.length <= 64 ? token : token.slice(0, 64);
}

export interface LaunchTags {
  workshop: string;
  batch: string;
  launchedBy: string;
  launchedAt: Date;
  /** The seats of this RunInstances call, in launch-index order (at most what fits one tag). */
  seats: readonly number[];
  /** The workshop's maximum: seat names are zero padded to its width. */
  maximum: number;
  /** When the machines end (`ec2-workshop:expires-at`); absent only for callers from before expiry. */
  expiresAt?: Expiry;
}

export function launchTags(t: LaunchTags): { Key: string; Value: string }[] {
  const name = t.seats.length === 1 ? seatName(t.workshop, t.seats[0]!, t.maximum) : batchName(t.workshop, t.batch);
  return [
    { Key: TAG.workshop, Value: t.workshop },
    { Key: TAG.name, Value: name },
    { Key: TAG.batch, Value: t.batch },
    { Key: TAG.seats, Value: formatSeatList(t.seats) },
    { Key: TAG.launchedBy, Value: t.launchedBy },
    { Key: TAG.launchedAt, Value: t.launchedAt.toISOString() },
    ...(t.expiresAt !== undefined ? [{ Key: TAG.expiresAt, Value: expiryTag(t.expiresAt) }] : []),
    { Key: TAG.managedBy, Value: MANAGED_BY },
  ];
}

export function tagSpecifications(t: LaunchTags): TagSpecification[] {
  const tags = launchTags(t);
  return [
    { ResourceType: "instance", Tags: tags },
    { ResourceType: "volume", Tags: tags },
  ];
}

export interface WorkshopSubnet {
  subnetId: string;
  availabilityZone: string;
}

/** Builds one RunInstances request: the template, the subnet override, tags, token. */
export function runInstancesInput(o: {
  template: LaunchTemplateInfo;
  subnet?: WorkshopSubnet;
  maxCount: number;
  token: string;
  tags: LaunchTags;
}): RunInstancesCommandInput {
  const input: RunInstancesCommandInput = {
    LaunchTemplate: { LaunchTemplateId: o.template.id, Version: o.template.version },
    MinCount: 1,
    MaxCount: o.maxCount,
    ClientToken: o.token,
    TagSpecifications: tagSpecifications(o.tags),
  };
  if (o.subnet) {
    const nic = o.template.primaryInterface;
    if (nic) {
      // A template with a network interface takes the subnet there (EC2 refuses an instance-level
      // SubnetId next to interfaces); keep the template's public-IP and security-group settings.
      input.NetworkInterfaces = [
        {
          DeviceIndex: 0,
          SubnetId: o.subnet.subnetId,
          ...(nic.associatePublicIpAddress !== undefined ? { AssociatePublicIpAddress: nic.associatePublicIpAddress } : {}),
          ...(nic.groups ? { Groups: nic.groups } : {}),
          ...(nic.deleteOnTermination !== undefined ? { DeleteOnTermination: nic.deleteOnTermination } : {}),
        },
      ];
    } else {
      input.SubnetId = o.subnet.subnetId;
    }
  }
  return input;
}

export interface LaunchedInstance {
  instanceId: string;
  /** The seat it was launched into (its call's seat list at its AmiLaunchIndex). */
  seat: number;
  subnetId?: string;
  availabilityZone?: string;
  /** Tool time (clock.now()) when RunInstances returned it: its launch timeout starts here. */
  launchedAt: number;
}

/** Why a launch ended before every requested instance existed. */
export type LaunchStop =
  | { kind: "capacity"; message: string }
  | { kind: "quota"; code: string; message: string }
  | { kind: "error"; message: string }
  | { kind: "interrupted"; message: string };

export interface LaunchOutcome {
  requested: number;
  instances: LaunchedInstance[];
  /** Seats asked for but not launched (capacity, quota, an error, an interruption). */
  unlaunched: number[];
  /** The attempt number a next launch of this batch starts at (its ClientTokens stay distinct). */
  nextAttempt: number;
  /** Set when fewer than requested were launched. */
  stop?: LaunchStop;
}

export interface LaunchEvents {
  /** New instances exist (ids known): called once per successful RunInstances. */
  launched?(instances: LaunchedInstance[], subnet: WorkshopSubnet | undefined, stillWanted: number): void;
  /** Something worth a line: a capacity error in one AZ, a partial launch, a retry. */
  note?(message: string): void;
}

export interface LaunchOptions {
  workshop: string;
  /** The seats to launch into, in order: one instance each. */
  seats: readonly number[];
  /** The workshop's maximum (seat names are padded to its width). */
  maximum: number;
  batch: string;
  launchedBy: string;
  launchedAt: Date;
  /** When the machines end (the `ec2-workshop:expires-at` tag). */
  expiresAt?: Expiry;
  template: LaunchTemplateInfo;
  /** For messages (quota advice). */
  region?: string;
  /** Where to launch, in order; empty = wherever the template says (one attempt). */
  subnets: readonly WorkshopSubnet[];
  clock: Clock;
  signal?: AbortSignal;
  /** Tool time after which throttled/5xx RunInstances calls are no longer retried. */
  deadline: number;
  /** Launch attempts already used by this batch (replacement rounds continue the numbering). */
  firstAttempt?: number;
  random?: () => number;
  events?: LaunchEvents;
}

/** What to ask AWS for: the On-Demand vCPU quota of the type's family (Standard when unknown). */
export function quotaAdvice(region: string | undefined, code: string, awsMessage: string, instanceType?: string): string {
  const quota = (instanceType && onDemandQuotaFor(instanceType)) || onDemandQuotaFor("t3.micro")!;
  return (
    `EC2 refused more instances (${code}: ${awsMessage.replace(/\.$/, "")}). ` +
    `Ask AWS for a higher "${quota.name}" quota (Service Quotas code ${quota.code}, counted in vCPUs)` +
    `${region ? ` in ${region}` : ""}, or launch fewer.`
  );
}

/**
 * Launches one instance into each of `seats`: subnet by subnet, MinCount=1 / MaxCount=the seats
 * left, so what fits in one AZ launches and the remaining seats move on. A seat list too long for
 * one tag (seats.ts) is split over calls in the same subnet. Throttling and 5xx are retried with
 * the same ClientToken. Returns what exists; throws only when nothing at all could be launched
 * because of an error that is not about capacity or quota (e.g. permissions, a bad template).
 */
export async function launchBatch(ec2: EC2Client, o: LaunchOptions): Promise<LaunchOutcome> {
  const instances: LaunchedInstance[] = [];
  const targets: (WorkshopSubnet | undefined)[] = o.subnets.length ? [...o.subnets] : [undefined];
  const capacityMisses: string[] = [];
  let attempt = o.firstAttempt ?? 1;
  let stop: LaunchStop | undefined;
  let pacedNoted = false;

  for (let t = 0; t < targets.length && instances.length < o.seats.length; ) {
    const subnet = targets[t];
    if (o.signal?.aborted) {
      stop = { kind: "interrupted", message: "Launching stopped on request." };
      break;
    }
    const remaining = o.seats.slice(instances.length);
    const callSeats = remaining.slice(0, seatsThatFit(remaining));
    const tags: LaunchTags = { workshop: o.workshop, batch: o.batch, launchedBy: o.launchedBy, launchedAt: o.launchedAt, seats: callSeats, maximum: o.maximum, ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt } : {}) };
    const input = runInstancesInput({ template: o.template, subnet, maxCount: callSeats.length, token: clientToken(o.batch, attempt++, subnet?.subnetId), tags });
    const where = subnet ? `${subnet.availabilityZone} (${subnet.subnetId})` : "the template's default placement";
    try {
      const out = await withClientRetry(ec2, () => ec2.send(new RunInstancesCommand(input), { abortSignal: o.signal }), {
        clock: o.clock,
        deadline: o.deadline,
        signal: o.signal,
        random: o.random,
        onRetry: (err, n, delay) => {
          // Being throttled is EC2 pacing this account's launches (a request rate, and 1,000
          // instances at once then 2 a second, shared by every run): waiting is the cure. Said once.
          if (isThrottle(err)) {
            if (!pacedNoted) o.events?.note?.(`EC2 is pacing launches in this account (1,000 instances at once, then 2 a second, shared by all runs): waiting for it.`);
            pacedNoted = true;
          } else o.events?.note?.(`RunInstances in ${where}: ${shortName(err)}, retry ${n} in ${(delay / 1000).toFixed(1)}s (same ClientToken).`);
        },
      });
      const now = o.clock.now();
      const got: LaunchedInstance[] = (out.Instances ?? [])
        .filter((i) => i.InstanceId)
        .sort((a, b) => (a.AmiLaunchIndex ?? 0) - (b.AmiLaunchIndex ?? 0))
        .map((i, position) => ({
          instanceId: i.InstanceId!,
          // The seat EC2 will report for it too: its call's list at its launch index.
          seat: callSeats[i.AmiLaunchIndex ?? position]!,
          subnetId: i.SubnetId ?? subnet?.subnetId,
          availabilityZone: i.Placement?.AvailabilityZone ?? subnet?.availabilityZone,
          launchedAt: now,
        }));
      instances.push(...got);
      const wanted = o.seats.length - instances.length;
      o.events?.launched?.(got, subnet, wanted);
      if (got.length < callSeats.length) {
        capacityMisses.push(subnet?.availabilityZone ?? "default placement");
        o.events?.note?.(`Only ${got.length} of ${callSeats.length} fit in ${where}; ${wanted > 0 ? "the rest go to the next AZ" : ""}.`.replace(/; \.$/, "."));
        t++;
      }
    } catch (err) {
      if (err instanceof AbortedError) {
        stop = { kind: "interrupted", message: "Launching stopped on request." };
        break;
      }
      const name = (err as { name?: string }).name ?? "";
      if (CAPACITY_ERRORS.has(name)) {
        capacityMisses.push(subnet?.availabilityZone ?? "default placement");
        o.events?.note?.(`No capacity for ${o.template.instanceType ?? "this instance type"} in ${where} (${name}); trying the next AZ.`);
        t++;
        continue;
      }
      if (QUOTA_ERRORS.has(name)) {
        stop = { kind: "quota", code: name, message: quotaAdvice(o.region, name, (err as Error).message ?? "", o.template.instanceType) };
        break;
      }
      if (instances.length === 0) throw err;
      stop = { kind: "error", message: `RunInstances failed in ${where}: ${describeError(err)}` };
      break;
    }
  }
  const unlaunched = o.seats.slice(instances.length);
  if (unlaunched.length > 0 && !stop) {
    stop = {
      kind: "capacity",
      message:
        `EC2 had no capacity for ${unlaunched.length} more ${o.template.instanceType ?? "instances"} in ${capacityMisses.join(", ") || "any workshop subnet"} ` +
        `(InsufficientInstanceCapacity is usually temporary: run the command again in a few minutes, or use another instance type).`,
    };
  }
  return { requested: o.seats.length, instances, unlaunched, nextAttempt: attempt, ...(stop ? { stop } : {}) };
}

function shortName(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string };
  return e.name && e.name !== "Error" ? e.name : (e.code ?? e.message ?? "error");
}
