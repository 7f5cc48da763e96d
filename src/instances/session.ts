// One workshop, opened for the instance commands that read and terminate: the chosen workshop's
// settings, an EC2 client in its region, and the loaders. Which workshop is the command layer's
// question (the menu lives in ui/); this module takes the answer, so it runs without a terminal.
// Heavy (imports the SDK): commands import this lazily.
import type { EC2Client } from "@aws-sdk/client-ec2";
import { createEc2Client } from "../aws/clients.js";
import type { AwsTarget } from "../aws/target.js";
import { clockFromEnv, type Clock } from "../clock.js";
import type { Env } from "../home.js";
import type { WorkshopSettings } from "../workshops/settings.js";
import { loadInstances } from "./list.js";
import type { ListedInstance } from "./listing.js";
import { expirySchedulesFor, type ExpirySchedules } from "./schedules.js";
import { terminateWorkshopInstances, type TerminateResult } from "./terminate.js";

export interface WorkshopSession {
  name: string;
  settings: WorkshopSettings;
  ec2: EC2Client;
  clock: Clock;
  /** The expiry schedules of this workshop (schedules.ts), for the commands that move or end machines. */
  expiry: ExpirySchedules;
  load(states?: readonly string[], signal?: AbortSignal): Promise<ListedInstance[]>;
  /** Terminates (only this workshop's machines), then takes them out of their batches' expiry schedules. */
  terminate(instanceIds: readonly string[], signal?: AbortSignal): Promise<TerminateResult>;
  close(): void;
}

export interface OpenOptions {
  /** The workshop's settings (read from stacks/Pulumi.<name>.yaml by the command layer). */
  settings: WorkshopSettings;
  /** Where its EC2 calls go: its own region (workshopTarget in src/aws/target.ts). */
  target: AwsTarget;
  env: Env;
  /** Only this batch's instances are listed (and so can be selected). */
  batch?: string;
  /** Where to say, once, that expiry schedules cannot be made in this run. */
  note?: (message: string) => void;
}

export function openWorkshop(o: OpenOptions): WorkshopSession {
  // One HTTP request per call: list.ts and terminate.ts retry on the tool's clock (backoff.ts).
  const ec2 = createEc2Client(o.target, { retry: "caller" });
  const clock = clockFromEnv(o.env);
  const name = o.settings.name;
  const expiry = expirySchedulesFor({ settings: o.settings, target: o.target, env: o.env, clock, ...(o.note ? { onUnavailable: o.note } : {}) });
  return {
    name,
    settings: o.settings,
    ec2,
    clock,
    expiry,
    load: (states, signal) => loadInstances(ec2, name, { states, batch: o.batch, clock, signal }),
    terminate: async (ids, signal) => {
      const result = await terminateWorkshopInstances(ec2, name, ids, { clock, signal });
      const gone = new Set(result.terminated.map((t) => t.instanceId));
      if (gone.size) await expiry.resync(ec2, result.terminated.map((t) => t.batch), { gone });
      return result;
    },
    close: () => {
      expiry.close();
      ec2.destroy();
    },
  };
}
