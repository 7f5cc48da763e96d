// What expiry reads from a workshop's settings, in one place: the stack outputs it needs
// (`schedulerRoleArn`, `scheduleGroupName`, which the stack's update caches in the settings
// file with the others) and the `lifetime` setting (`ec2-workshop:lifetime`, kept among the
// settings' `extra` keys: the workshop commands do not set it yet).
import { UserError } from "../errors.js";
import type { WorkshopSettings } from "../workshops/settings.js";
import { parseDuration } from "./durations.js";

/** The stack outputs expiry enforcement needs. */
export interface ExpiryOutputs {
  /** The IAM role EventBridge Scheduler assumes (may terminate only this workshop's instances). */
  schedulerRoleArn?: string;
  /** The workshop's EventBridge Scheduler schedule group. */
  scheduleGroupName?: string;
}

/** An instance's lifetime when neither the workshop's `lifetime` nor --lifetime says: 12 hours. */
export const DEFAULT_LIFETIME_MS = 12 * 60 * 60_000;
/** The longest lifetime: 31 days, like a workshop's `hours` (a month of forgotten machines is the bill to avoid). */
export const MAX_LIFETIME_MS = 31 * 24 * 60 * 60_000;

export function expiryOutputs(settings: WorkshopSettings): ExpiryOutputs {
  const o = settings.outputs ?? {};
  const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  const roleArn = text(o.schedulerRoleArn);
  const group = text(o.scheduleGroupName);
  return { ...(roleArn ? { schedulerRoleArn: roleArn } : {}), ...(group ? { scheduleGroupName: group } : {}) };
}

/** A lifetime for messages: "12 h", "90 min", "1 h 30 min". */
export function formatLifetime(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/**
 * A lifetime from the command line or the settings: a duration like 3h, 90m, 1h30m. A number
 * without a unit is refused, as for every duration: `3` could be hours or minutes.
 */
export function parseLifetime(value: unknown): number | undefined {
  const ms = typeof value === "string" ? parseDuration(value) : undefined;
  return ms !== undefined && ms >= 60_000 && ms <= MAX_LIFETIME_MS ? ms : undefined;
}

/** A bare number given as a lifetime: the line that says to add a unit; else undefined. */
export function lifetimeWithoutUnit(value: unknown): string | undefined {
  const bare = String(value).trim();
  return /^\d+(\.\d+)?$/.test(bare) ? `${bare} has no unit: write ${bare}h for hours or ${bare}m for minutes` : undefined;
}

/** The workshop's `lifetime` setting (default 12 h); a bad value is one line naming the file. */
export function workshopLifetimeMs(settings: WorkshopSettings): number {
  const raw = settings.extra.lifetime;
  if (raw === undefined) return DEFAULT_LIFETIME_MS;
  const ms = parseLifetime(raw);
  if (ms === undefined)
    throw new UserError(
      `Pulumi.${settings.name}.yaml has an invalid lifetime: ${lifetimeWithoutUnit(raw) ?? `"${String(raw)}" is not a lifetime from 1 minute to 31 days (e.g. 12h, 36h, 90m)`}. Fix it, or pass --lifetime.`,
    );
  return ms;
}
