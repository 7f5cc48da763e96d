// How setup reports: a short checklist (✔ ok, ▲ warning, ✖ problem, – not checked) and one
// summary line. Plain lines without a TTY; @clack/prompts' log in a terminal, so the
// checklist and the prompts share one frame.
import type { Writable } from "node:stream";
import type { Style } from "../ui/style.js";
import { fitToTerminal } from "../ui/wrap.js";

export type Mark = "ok" | "warn" | "fail" | "skip";

export interface CheckLine {
  mark: Mark;
  label: string;
  detail: string;
}

export interface SetupOutput {
  check(line: CheckLine): void;
  /** Extra information under the checklist (e.g. how to use a new profile). */
  note(text: string): void;
  /** The last line: green when ready, red otherwise. */
  summary(ok: boolean, text: string): void;
}

const SYMBOL: Record<Mark, string> = { ok: "✔", warn: "▲", fail: "✖", skip: "–" };
const LABEL_WIDTH = 16;

export function renderCheckLine(line: CheckLine, style: Style): string {
  const color = { ok: style.green, warn: style.yellow, fail: style.red, skip: style.dim }[line.mark];
  return `${color(SYMBOL[line.mark])} ${style.bold(line.label.padEnd(LABEL_WIDTH))} ${line.detail}`;
}

/** Plain lines on `out` (scripts, CI, pipes). */
export function plainOutput(out: Writable, style: Style): SetupOutput {
  return {
    check: (line) => out.write(`${renderCheckLine(line, style)}\n`),
    note: (text) => out.write(`  ${text}\n`),
    summary: (ok, text) => out.write(`${ok ? style.green(`✔ ${text}`) : style.red(`✖ ${text}`)}\n`),
  };
}

type ClackLog = typeof import("@clack/prompts");

/** The clack frame in a terminal: each check as a log line, the summary as the outro. */
export function clackOutput(p: ClackLog, out: Writable, style: Style): SetupOutput {
  const opts = { output: out };
  // The log does not wrap: lines longer than the terminal are wrapped here, under the frame's rail.
  const fit = (text: string): string => fitToTerminal(out, text, 3);
  return {
    check: (line) => {
      const text = fit(`${style.bold(line.label)}  ${line.detail}`);
      if (line.mark === "ok") p.log.success(text, opts);
      else if (line.mark === "warn") p.log.warn(text, opts);
      else if (line.mark === "fail") p.log.error(text, opts);
      else p.log.step(style.dim(fit(`${line.label}  ${line.detail}`)), opts);
    },
    note: (text) => p.log.info(fit(text), opts),
    summary: (ok, text) => p.outro(ok ? style.green(text) : style.red(text), opts),
  };
}
