// One workshop, opened for the instance commands that read and terminate: the chosen workshop's
// settings, an EC2 client in its region, and the loaders. Heavy (imports the SDK): commands
// import this lazily.
import type { Readable, Writable } from "node:stream";
import type { EC2Client } from "@aws-sdk/client-ec2";
import { createEc2Client } from "../aws/clients.js";
import type { AwsTarget } from "../aws/target.js";
import { clockFromEnv, type Clock } from "../clock.js";
import { workshopHome, type Env } from "../home.js";
import { chooseWorkshop } from "../ui/choose-workshop.js";
import type { WorkshopSettings } from "../workshops/settings.js";
import { loadInstances } from "./list.js";
import type { ListedInstance } from "./listing.js";
import { terminateWorkshopInstances, type TerminateResult } from "./terminate.js";

export interface WorkshopSession {
  name: string;
  settings: WorkshopSettings;
  ec2: EC2Client;
  clock: Clock;
  load(states?: readonly string[], signal?: AbortSignal): Promise<ListedInstance[]>;
  terminate(instanceIds: readonly string[], signal?: AbortSignal): Promise<TerminateResult>;
  close(): void;
}

export interface OpenOptions {
  given?: string;
  target: (workshopRegion: string) => AwsTarget;
  env: Env;
  stdin: Readable;
  stdout: Writable;
  interactive: boolean;
  /** Only this batch's instances are listed (and so can be selected). */
  batch?: string;
}

export async function openWorkshop(o: OpenOptions): Promise<WorkshopSession> {
  const clients = new Map<string, EC2Client>();
  const clientFor = (region: string): EC2Client => {
    let c = clients.get(region);
    if (!c) clients.set(region, (c = createEc2Client(o.target(region))));
    return c;
  };
  let choice;
  try {
    choice = await chooseWorkshop({
      home: workshopHome(o.env),
      ec2For: clientFor,
      stdin: o.stdin,
      stdout: o.stdout,
      interactive: o.interactive,
      given: o.given,
      requireTemplate: false,
      message: "Which workshop's instances?",
    });
  } catch (err) {
    for (const c of clients.values()) c.destroy();
    throw err;
  }
  const ec2 = clientFor(choice.settings.region);
  const clock = clockFromEnv(o.env);
  const name = choice.name;
  return {
    name,
    settings: choice.settings,
    ec2,
    clock,
    load: (states, signal) => loadInstances(ec2, name, { states, batch: o.batch, clock, signal }),
    terminate: (ids, signal) => terminateWorkshopInstances(ec2, name, ids, { clock, signal }),
    close: () => {
      for (const c of clients.values()) c.destroy();
    },
  };
}
