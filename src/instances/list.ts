// Loading what `instances list` and `instances destroy` show: the workshop's instances by tag
// (paginated, 1000 a page) plus the status checks of the running ones (100 ids a call).
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { Clock } from "../clock.js";
import { callRetry, withClientRetry } from "./backoff.js";
import { describeStatusChecks, describeWorkshopInstances } from "./describe.js";
import type { ListedInstance } from "./listing.js";

export interface LoadOptions {
  /** Only these states (asked of EC2 as an instance-state-name filter). */
  states?: readonly string[];
  /** Only this batch (one `instances create` run; asked of EC2 as a tag filter). */
  batch?: string;
  clock: Clock;
  signal?: AbortSignal;
}

/** Every call has one retry layer: the tool's (callRetry) when the client leaves retrying to its caller, else the SDK's. */
export async function loadInstances(ec2: EC2Client, workshop: string, o: LoadOptions): Promise<ListedInstance[]> {
  const retry = <T>(call: () => Promise<T>): Promise<T> => withClientRetry(ec2, call, callRetry(o.clock, o.signal));
  const instances = await retry(() =>
    describeWorkshopInstances(ec2, { workshop, states: o.states, batch: o.batch, abortSignal: o.signal }),
  );
  const running = instances.filter((i) => i.state === "running").map((i) => i.instanceId);
  const checks = running.length ? await describeStatusChecks(ec2, running, { abortSignal: o.signal, retry }) : new Map();
  return instances.map((i) => (checks.has(i.instanceId) ? { ...i, checks: checks.get(i.instanceId) } : i));
}
