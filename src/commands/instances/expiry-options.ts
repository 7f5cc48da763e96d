// `--lifetime` and `--no-expiry` (instances create, instances replace): when the machines end.
// Light: no SDK. The workshop's `lifetime` setting is the default (12 h without one); a machine
// that never ends needs a yes, at the terminal or as --yes.
import type { Readable, Writable } from "node:stream";
import { Option, UsageError } from "clipanion";
import { InputError } from "../../errors.js";
import { NEVER, type Expiry } from "../../instances/expiry.js";
import { formatLifetime, lifetimeWithoutUnit, parseLifetime, workshopLifetimeMs } from "../../instances/workshop-extras.js";
import type { WorkshopSettings } from "../../workshops/settings.js";

export const lifetimeOption = () =>
  Option.String("--lifetime", {
    description: "How long the machines live, e.g. 3h, 90m, 36h (default: the workshop's lifetime setting, else 12h); AWS terminates them then",
  });

export const noExpiryOption = () =>
  Option.Boolean("--no-expiry", false, {
    description: "Machines that never expire (asked to confirm; --yes without a terminal): they run until someone terminates them",
  });

export interface ExpiryChoice {
  expiry: Expiry;
  /** Where it came from, for the line that tells it. */
  source: "--lifetime" | "setting" | "default" | "--no-expiry" | "inherited";
  lifetimeMs?: number;
}

/**
 * The machines' expiry from the flags, else `inherited` (a replaced machine's, still ahead), else
 * the workshop's lifetime from `now`. Whole seconds (the schedule's at() has no finer precision).
 */
export function chooseExpiry(o: { lifetime?: string; noExpiry: boolean; settings: WorkshopSettings; now: Date; inherited?: Expiry }): ExpiryChoice {
  if (o.noExpiry && o.lifetime !== undefined) throw new UsageError("Give --lifetime or --no-expiry, not both.");
  if (o.noExpiry) return { expiry: NEVER, source: "--no-expiry" };
  const at = (ms: number): Date => new Date(Math.round((o.now.getTime() + ms) / 1000) * 1000);
  if (o.lifetime !== undefined) {
    const ms = parseLifetime(o.lifetime);
    if (ms === undefined) {
      const noUnit = lifetimeWithoutUnit(o.lifetime);
      throw new InputError(noUnit ? `--lifetime ${noUnit}.` : `--lifetime "${o.lifetime}" is not a lifetime from 1 minute to 31 days: use e.g. 3h, 90m, 1h30m or 36h.`);
    }
    return { expiry: at(ms), source: "--lifetime", lifetimeMs: ms };
  }
  if (o.inherited === NEVER || (o.inherited instanceof Date && o.inherited.getTime() > o.now.getTime())) return { expiry: o.inherited, source: "inherited" };
  const ms = workshopLifetimeMs(o.settings);
  return { expiry: at(ms), source: o.settings.extra.lifetime === undefined ? "default" : "setting", lifetimeMs: ms };
}

/** Where an expiry came from, in words: "in 12 h (the default lifetime)". */
export function expirySource(c: ExpiryChoice): string {
  switch (c.source) {
    case "--lifetime":
      return `--lifetime ${formatLifetime(c.lifetimeMs!)}`;
    case "setting":
      return `the workshop's lifetime, ${formatLifetime(c.lifetimeMs!)}`;
    case "default":
      return `the default lifetime, ${formatLifetime(c.lifetimeMs!)}`;
    case "inherited":
      return "the replaced machines' expiry";
    case "--no-expiry":
      return "--no-expiry";
  }
}

/**
 * --no-expiry's confirmation: at a terminal a question (default no), in scripts --yes. Returns
 * false when the answer is no.
 */
export async function confirmNoExpiry(o: { yes: boolean; interactive: boolean; stdin: Readable; output: Writable; count: number }): Promise<boolean> {
  if (o.yes) return true;
  if (!o.interactive)
    throw new InputError("--no-expiry needs --yes without a terminal: machines that never expire run, and cost, until someone terminates them. Nothing was launched.");
  const p = await import("@clack/prompts");
  const ok = await p.confirm({
    message: `${o.count === 1 ? "This machine" : `These ${o.count} machines`} will never expire: ${o.count === 1 ? "it runs" : "they run"}, and cost, until someone terminates ${o.count === 1 ? "it" : "them"}. Go on without an expiry?`,
    input: o.stdin,
    output: o.output,
    initialValue: false,
  });
  return !p.isCancel(ok) && ok === true;
}
