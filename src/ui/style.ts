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

export function colorEnabled(stream: Writable, env: Env = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
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
