// Terminating a workshop's instances, safely: whatever ids come in, only instances that EC2
// says carry Workshop=<workshop> right now are terminated (workshop-action.ts). Every other id
// is dropped and named.
import { TerminateInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { describeError, UserError } from "../errors.js";
import { commandToType } from "../invocation.js";
import type { WorkshopInstance } from "./describe.js";
import { changeWorkshopInstances, PartialActionError, type ActionOutcome, type StateChange } from "./workshop-action.js";

export { FILTER_CHUNK } from "./workshop-action.js";

export type TerminateOutcome = ActionOutcome;

export interface TerminateResult {
  terminated: TerminateOutcome[];
  skipped: { instanceId: string; reason: string }[];
}

/**
 * Ids per TerminateInstances call. EC2 accepts up to 1000 but recommends smaller batches
 * (API reference, TerminateInstances, InstanceIds); 100 keeps a failing call small and stays
 * far inside the resource-rate bucket (1000 instances, refill 20/s: "Request throttling for the
 * Amazon EC2 API", https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html).
 */
export const TERMINATE_CHUNK = 100;

/**
 * TerminateInstances failed part-way (e.g. UnauthorizedOperation, or throttling past every
 * retry) after earlier chunks were terminated: says how far it got, carries what was done.
 */
export class PartialTerminationError extends UserError {
  constructor(
    readonly partial: TerminateResult,
    readonly requested: number,
    cause: unknown,
  ) {
    super(
      `${describeError(cause).replace(/\.?$/, ".")} Termination stopped after ${partial.terminated.length} of ${requested} instances; ` +
        `run \`${commandToType("instances list")}\` to see which, then retry for the rest.`,
    );
    this.name = "PartialTerminationError";
    this.cause = cause;
  }
}

/** Skip reasons that only mean "nothing left to do" (every other reason is worth a warning). */
export const ALREADY_TERMINATED = "already terminated";
export const ALREADY_SHUTTING_DOWN = "already shutting down";

export function isAlreadyGone(reason: string): boolean {
  return reason === ALREADY_TERMINATED || reason === ALREADY_SHUTTING_DOWN;
}

const TERMINATE: StateChange = {
  past: "terminated",
  skip: (i) => (i.state === "terminated" ? ALREADY_TERMINATED : i.state === "shutting-down" ? ALREADY_SHUTTING_DOWN : undefined),
  chunk: TERMINATE_CHUNK,
  bucket: { size: 1000, refillPerSecond: 20 },
  call: async (ec2, ids, _current, signal) =>
    (await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }), { abortSignal: signal })).TerminatingInstances ?? [],
};

/**
 * Terminates those of `instanceIds` that belong to `workshop`, re-reading them from EC2 first.
 * Already terminated or shutting-down instances, anything that is not (or no longer) this
 * workshop's, and those `keep` names a reason for (e.g. an expiry moved since), are skipped with
 * a reason. Throttling and 5xx are retried. Throws on anything else (e.g. UnauthorizedOperation):
 * the error itself when nothing was terminated yet, else a PartialTerminationError carrying what
 * earlier chunks did (TerminateInstances cannot be undone).
 */
export async function terminateWorkshopInstances(
  ec2: EC2Client,
  workshop: string,
  instanceIds: readonly string[],
  opts: { clock?: Clock; signal?: AbortSignal; keep?: (i: WorkshopInstance) => string | undefined } = {},
): Promise<TerminateResult> {
  const change: StateChange = opts.keep ? { ...TERMINATE, skip: (i) => TERMINATE.skip(i) ?? opts.keep!(i) } : TERMINATE;
  try {
    const { done, skipped } = await changeWorkshopInstances(ec2, workshop, instanceIds, change, opts);
    return { terminated: done, skipped };
  } catch (err) {
    if (err instanceof PartialActionError)
      throw new PartialTerminationError({ terminated: err.partial.done, skipped: err.partial.skipped }, err.requested, err.cause);
    throw err;
  }
}
