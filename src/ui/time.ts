// Launch times in the user's local time, as the original showed them: `Mon, Jan 11 14:05`.
// The zone is TZ when set (and valid), else the system's zone, else UTC; it is named once
// (under the table), not on every row.
import { clockFromEnv } from "../clock.js";
import type { Env } from "../home.js";

export interface TimeZoneInfo {
  /** IANA name, e.g. "Europe/Berlin", or "UTC". */
  zone: string;
  /** Where it came from, for honesty when TZ was set but not understood. */
  source: "TZ" | "system" | "UTC";
  /** Set when TZ held something Intl cannot use (we then fall back). */
  ignoredTz?: string;
}

function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone to show times in. A leading ":" in TZ (POSIX "implementation-defined") is dropped. */
export function resolveTimeZone(env: Env = process.env): TimeZoneInfo {
  const raw = env.TZ?.trim();
  let ignoredTz: string | undefined;
  if (raw) {
    const zone = raw.replace(/^:/, "");
    if (zone && isValidZone(zone)) return { zone, source: "TZ" };
    ignoredTz = raw;
  }
  const system = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!ignoredTz && system && isValidZone(system)) return { zone: system, source: "system" };
  // An unusable TZ makes the C library use UTC too; say so rather than guess.
  return { zone: "UTC", source: "UTC", ...(ignoredTz ? { ignoredTz } : {}) };
}

export interface TimeFormatter {
  readonly zone: TimeZoneInfo;
  /** The current date and time (the simulator's, when the CLI runs against a scaled one). */
  now(): Date;
  /** `Mon, Jan 11 14:05`; the year is added when it is not the current one. */
  format(date: Date | undefined, now?: Date): string;
  /** `UTC+01:00` for the date (defaults to now): the offset, which changes with summer time. */
  offset(date?: Date): string;
  /** `Europe/Berlin (UTC+01:00)`. */
  zoneLabel(date?: Date): string;
}

export function timeFormatter(env: Env = process.env): TimeFormatter {
  const zone = resolveTimeZone(env);
  const clock = clockFromEnv(env);
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone.zone,
    weekday: "short",
    month: "short",
    day: "numeric",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const offsetFormat = new Intl.DateTimeFormat("en-US", { timeZone: zone.zone, timeZoneName: "longOffset" });
  const pick = (date: Date): Record<string, string> =>
    Object.fromEntries(parts.formatToParts(date).map((p) => [p.type, p.value]));
  const offset = (date = clock.wallNow()): string => {
    const name = offsetFormat.formatToParts(date).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
    // Intl says "GMT+01:00", or just "GMT" for zero.
    return name === "GMT" ? "UTC+00:00" : name.replace(/^GMT/, "UTC");
  };
  return {
    zone,
    now: () => clock.wallNow(),
    format(date, now = clock.wallNow()) {
      if (!date || Number.isNaN(date.getTime())) return "";
      const p = pick(date);
      const year = p.year !== pick(now).year ? ` ${p.year}` : "";
      return `${p.weekday}, ${p.month} ${p.day}${year} ${p.hour}:${p.minute}`;
    },
    offset,
    zoneLabel: (date) => (zone.zone === "UTC" ? "UTC" : `${zone.zone} (${offset(date)})`),
  };
}
