// What `workshop list` and `workshop show` report, gathered from three places that may each be
// unavailable: the settings files (always), the Pulumi backend (needs the CLI), and EC2 (needs
// credentials). Each missing source becomes a note, never a failure.
import { describeError } from "../errors.js";
import type { AwsTarget } from "../aws/target.js";
import { isToolProject, type Env } from "../home.js";
import { PulumiMissingError, pulumiPresent } from "./pulumi-cli.js";
import { listWorkshopNames, readSettings, type WorkshopSettings } from "./settings.js";
import { commandToType } from "../invocation.js";

export interface WorkshopRow {
  name: string;
  settings?: WorkshopSettings;
  /** Why the settings file could not be used. */
  settingsError?: string;
  /** From the backend (`pulumi stack ls`). */
  inBackend?: boolean;
  lastUpdate?: string;
  resourceCount?: number;
  /** Live (not terminated) instances by state; undefined = unknown. */
  live?: Record<string, number>;
  /** The seats held (seat-assignment.ts), ascending; undefined = unknown. */
  seats?: number[];
}

export interface Overview {
  rows: WorkshopRow[];
  notes: string[];
}

/** Live EC2 reads are given this long in all before the counts show as "?". */
const LIVE_TIMEOUT_MS = 15_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface OverviewOptions {
  home: string;
  env: Env;
  /** Where a workshop's live counts are read: its own region. */
  target: (region: string) => AwsTarget;
  profile?: string;
  endpointUrl?: string;
  /** Only these workshops (show). */
  only?: string;
  /** Only the workshops in this region (list --region); a workshop whose settings cannot be read stays listed. */
  inRegion?: string;
  /** Read the backend (needs the Pulumi CLI). */
  backend?: boolean;
  /** Read live instance counts from EC2. */
  live?: boolean;
}

export async function gatherOverview(o: OverviewOptions): Promise<Overview> {
  const notes: string[] = [];
  const byName = new Map<string, WorkshopRow>();
  /** Workshops left out by inRegion (the backend lists them too). */
  const elsewhere = new Set<string>();
  const names = o.only ? [o.only] : await listWorkshopNames(o.home);
  for (const name of names) {
    const row: WorkshopRow = { name };
    try {
      row.settings = await readSettings(o.home, name);
    } catch (err) {
      row.settingsError = describeError(err);
    }
    if (o.inRegion !== undefined && row.settings && row.settings.region !== o.inRegion) elsewhere.add(name);
    else byName.set(name, row);
  }

  if (o.backend !== false) {
    const why = await whyNoEngine(o.home, o.env);
    if (why) notes.push(`Pulumi backend not read: ${why}`);
    else await readBackend(o, byName, notes, elsewhere);
  }

  if (o.live !== false) {
    const rows = [...byName.values()].filter((r) => r.settings);
    if (rows.length) {
      try {
        const { openEc2, liveInstances, countByState } = await import("./live.js");
        const { seatHolders } = await import("../instances/seat-assignment.js");
        const clients = new Map<string, ReturnType<typeof openEc2>>();
        try {
          await withTimeout(
            Promise.all(
              rows.map(async (r) => {
                const region = r.settings!.region;
                let ec2 = clients.get(region);
                if (!ec2) clients.set(region, (ec2 = openEc2(o.target(region))));
                const live = await liveInstances(ec2, r.name);
                r.live = countByState(live);
                r.seats = [...seatHolders(live).keys()].sort((a, b) => a - b);
              }),
            ),
            LIVE_TIMEOUT_MS,
            "EC2",
          );
        } finally {
          for (const c of clients.values()) c.destroy();
        }
      } catch (err) {
        notes.push(`Live instance counts unavailable ("?"): ${describeError(err)}`);
      }
    }
  }
  return { rows: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), notes };
}

/** Adds what the backend knows (`pulumi stack ls`) to the rows; a failure becomes a note. */
async function readBackend(o: OverviewOptions, byName: Map<string, WorkshopRow>, notes: string[], elsewhere: ReadonlySet<string>): Promise<void> {
  try {
    const { WorkshopStacks } = await import("./stacks.js");
    const stacks = await WorkshopStacks.open({ home: o.home, env: o.env, profile: o.profile, endpointUrl: o.endpointUrl });
    for (const s of await stacks.list()) {
      if ((o.only && s.name !== o.only) || elsewhere.has(s.name)) continue;
      const row = byName.get(s.name) ?? { name: s.name, settingsError: "no settings file in stacks/" };
      row.inBackend = true;
      row.lastUpdate = s.lastUpdate;
      row.resourceCount = s.resourceCount;
      byName.set(s.name, row);
    }
    notes.push(`State: ${stacks.backend.url}`);
  } catch (err) {
    notes.push(`Pulumi backend not read: ${describeError(err)}`);
  }
}

/**
 * Why the Pulumi engine cannot be asked (no CLI, no workshop directory yet), or undefined when it
 * can. Answered without loading the Automation API, which is not worth its start-up without a CLI.
 */
export async function whyNoEngine(home: string, env: Env): Promise<string | undefined> {
  if (!(await pulumiPresent(env))) return new PulumiMissingError("The Pulumi CLI (`pulumi`) is not installed or not on PATH.").message;
  if (!isToolProject(home)) return `${home} is not a workshop directory yet (no Pulumi.yaml of ec2-workshop); \`${commandToType("workshop create")}\` sets it up.`;
  return undefined;
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function liveTotal(live: Record<string, number> | undefined): string {
  if (!live) return "?";
  return String(Object.values(live).reduce((a, b) => a + b, 0));
}
