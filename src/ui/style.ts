// Minimal ANSI styling that respects NO_COLOR / FORCE_COLOR and plain (non-TTY) output.
import type { Writable } from "node:stream";
import type { Env } from "../home.js";

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

const COLORED: Style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
};

const identity = (s: string): string => s;
const PLAIN: Style = { bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity };

/** FORCE_COLOR as Node reads it: "0" or "false" forces colours off, any other value on. */
function forcedColor(env: Env): boolean | undefined {
  const v = env.FORCE_COLOR;
  if (v === undefined) return undefined;
  return !(v === "0" || v.toLowerCase() === "false");
}

export function colorEnabled(stream: Writable, env: Env = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const forced = forcedColor(env);
  if (forced !== undefined) return forced;
  return Boolean((stream as { isTTY?: boolean }).isTTY) && env.TERM !== "dumb";
}

export function styleFor(stream: Writable, env: Env = process.env): Style {
  return colorEnabled(stream, env) ? COLORED : PLAIN;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Printable width of a string: ANSI codes take no room. */
export function visibleWidth(s: string): number {
  return [...s.replace(ANSI, "")].length;
}

/**
 * `s` cut to at most `width` printable characters, ending in "…" when cut. Colour codes are
 * kept whole (never cut in half) and closed after a cut.
 */
export function truncateVisible(s: string, width: number): string {
  if (visibleWidth(s) <= width) return s;
  const keep = Math.max(0, width - 1);
  let out = "";
  let seen = 0;
  let styled = false;
  // eslint-disable-next-line no-control-regex
  for (const part of s.split(/(\u001b\[[0-9;]*m)/)) {
    if (part.startsWith("\u001b[")) {
      out += part;
      styled = true;
      continue;
    }
    for (const ch of part) {
      if (seen >= keep) break;
      out += ch;
      seen++;
    }
  }
  return `${out}…${styled ? "\u001b[0m" : ""}`;
}
