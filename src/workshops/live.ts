// What a workshop has running right now, read from EC2 (never from Pulumi state): live
// counts for `workshop list|show`, and the guard of `workshop destroy`. Heavy (SDK): import lazily.
import type { EC2Client } from "@aws-sdk/client-ec2";
import { createEc2Client } from "../aws/clients.js";
import type { AwsTarget } from "../aws/target.js";
import type { Clock } from "../clock.js";
import { describeWorkshopInstances, type WorkshopInstance } from "../instances/describe.js";
import { terminateWorkshopInstances, type TerminateResult } from "../instances/terminate.js";

/** Every state but `terminated`: instances that still cost money or hold the network. */
export const LIVE_STATES = ["pending", "running", "stopping", "stopped", "shutting-down"] as const;

export function openEc2(target: AwsTarget): EC2Client {
  return createEc2Client(target);
}

export async function liveInstances(ec2: EC2Client, workshop: string): Promise<WorkshopInstance[]> {
  return describeWorkshopInstances(ec2, { workshop, states: LIVE_STATES });
}

/** Instance counts by state, e.g. { running: 28, pending: 2 }. */
export function countByState(instances: readonly WorkshopInstance[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of instances) counts[i.state] = (counts[i.state] ?? 0) + 1;
  return counts;
}

export interface TerminateAndWaitOptions {
  clock: Clock;
  /** Tool time to wait for `terminated` (default 10 minutes). */
  timeoutMs?: number;
  onProgress?: (remaining: number) => void;
}

/**
 * Terminates the workshop's live instances and waits until EC2 reports none left but
 * terminated (the network cannot be deleted before). Polls by tag, backing off to 15 s.
 */
export async function terminateAndWait(ec2: EC2Client, workshop: string, ids: readonly string[], o: TerminateAndWaitOptions): Promise<TerminateResult> {
  const result = await terminateWorkshopInstances(ec2, workshop, ids, { clock: o.clock });
  const deadline = o.clock.now() + (o.timeoutMs ?? 10 * 60_000);
  let interval = 2_000;
  for (;;) {
    const left = await liveInstances(ec2, workshop);
    o.onProgress?.(left.length);
    if (left.length === 0) return result;
    if (o.clock.now() >= deadline)
      throw new Error(`${left.length} instance(s) of workshop "${workshop}" are still not terminated (${left.slice(0, 5).map((i) => `${i.instanceId} ${i.state}`).join(", ")}). Retry in a few minutes.`);
    await o.clock.sleep(interval);
    interval = Math.min(interval * 2, 15_000);
  }
}
