// Every instance has an expiry: the tag `ec2-workshop:expires-at` it is launched with, an ISO
// time, or `never` (launched with --no-expiry). An instance without the tag (launched before
// expiry existed, or by another tool) has no known expiry: nothing here ends it. Pure: the
// launch writes the tag, `instances extend` moves it, EventBridge Scheduler (schedules.ts) and
// `sweep` act on it.
import type { WorkshopInstance } from "./describe.js";
import { TAG } from "./tags.js";

export const NEVER = "never";

/** When an instance ends: a moment, or never (asked for with --no-expiry). */
export type Expiry = Date | typeof NEVER;

/** The tag value for an expiry. */
export function expiryTag(e: Expiry): string {
  return e === NEVER ? NEVER : e.toISOString();
}

/** An instance's expiry from its tags; undefined when it has none (or an unreadable one). */
export function expiryOf(i: Pick<WorkshopInstance, "tags">): Expiry | undefined {
  const raw = i.tags[TAG.expiresAt];
  if (raw === undefined) return undefined;
  if (raw === NEVER) return NEVER;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? new Date(ms) : undefined;
}

/** Past its expiry at `now` (never-expiring and unknown ones are not). */
export function isExpired(i: Pick<WorkshopInstance, "tags">, now: Date): boolean {
  const e = expiryOf(i);
  return e instanceof Date && e.getTime() <= now.getTime();
}

/** "11 h 52 min", "3 min", "<1 min": a span for people. */
export function formatSpan(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return "<1 min";
  const d = Math.floor(minutes / (24 * 60));
  const h = Math.floor((minutes % (24 * 60)) / 60);
  const m = minutes % 60;
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}

/** The table's "Expires" cell: "in 11 h 52 min", "expired 5 min ago", "never", or "" (unknown). */
export function timeLeftLabel(i: Pick<WorkshopInstance, "tags">, now: Date): string {
  const e = expiryOf(i);
  if (e === undefined) return "";
  if (e === NEVER) return NEVER;
  const left = e.getTime() - now.getTime();
  return left > 0 ? `in ${formatSpan(left)}` : `expired ${formatSpan(left)} ago`;
}

/**
 * The expiry `instances extend --hours H` gives: H hours after the later of the current expiry and
 * now (an expired machine gets H hours from now). Never-expiring machines keep `never`.
 */
export function extendedExpiry(current: Expiry | undefined, hours: number, now: Date): Expiry {
  if (current === NEVER) return NEVER;
  const from = current && current.getTime() > now.getTime() ? current.getTime() : now.getTime();
  // Whole seconds: the schedule's at() expression has no finer precision.
  return new Date(Math.round((from + hours * 60 * 60_000) / 1000) * 1000);
}
