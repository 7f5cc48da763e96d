// Durations on the command line: `90s`, `5m`, `1m30s`, `2h`. A number without a unit is refused:
// `--launch-timeout 5` could mean 5 seconds or 5 minutes, and guessing wrong ends a launch early.
import { InputError } from "../errors.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds for a duration text, or undefined when it is not one (no unit, or not positive). */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total > 0 ? total : undefined;
}

/** The duration a flag gives, or one line saying what to type instead (exit 2). */
export function requireDuration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms !== undefined) return ms;
  const bare = text.trim();
  if (/^\d+(\.\d+)?$/.test(bare) && Number(bare) > 0)
    throw new InputError(`${flag} ${bare} has no unit: write ${bare}s for seconds or ${bare}m for minutes.`);
  throw new InputError(`${flag} "${text}" is not a duration: use e.g. 90s, 5m or 1m30s.`);
}

/** `--launch-timeout` and `--check-timeout` (instances create, instances start), or one line saying which is wrong. */
export function phaseTimeouts(launchTimeout: string, checkTimeout: string): { launchTimeoutMs: number; checkTimeoutMs: number } {
  return { launchTimeoutMs: requireDuration("--launch-timeout", launchTimeout), checkTimeoutMs: requireDuration("--check-timeout", checkTimeout) };
}
