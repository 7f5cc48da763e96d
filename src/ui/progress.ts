// The live view of a batch: counts per state (pending / booting / ready / failed) and the
// elapsed time, redrawn in place on a terminal; plain lines (on change, rate-limited) otherwise.
// Own renderer rather than @clack/prompts' spinner: that spinner puts stdin in raw mode and
// exits the process with code 0 on Ctrl-C, which would break the "first Ctrl-C asks" contract.
// It draws with clack's symbols so it sits in the same frame as the prompts around it.
import type { Writable } from "node:stream";
import type { Clock } from "../clock.js";
import type { WaitCounts } from "../instances/wait.js";
import { truncateVisible, visibleWidth, type Style } from "./style.js";
import { terminalColumns } from "./terminal.js";
import { visible } from "./visible.js";
import { wrapWords } from "./wrap.js";

export interface ProgressView {
  /** A permanent line (printed above the live area). */
  line(text: string): void;
  /** The current phase (e.g. "Launching", "Waiting for status checks"). */
  phase(label: string): void;
  counts(c: WaitCounts): void;
  /** Stop drawing (e.g. while a question is asked); resume() draws again. */
  pause(): void;
  resume(): void;
  /** Ends the live area, leaving its last state as a line. */
  stop(): void;
}

export interface ProgressOptions {
  output: Writable;
  /** Redraw in place (a terminal) or print plain lines. */
  live: boolean;
  style: Style;
  clock: Clock;
  /** Plain mode prints a count line at most this often (tool ms), and on every phase change. */
  plainEveryMs?: number;
}

/** "45s", "1m 12s", "1h 02m". */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** "3 pending · 5 booting · 2 ready · 0 failed of 10"; `short` fits a narrow terminal. */
export function countsLine(c: WaitCounts, style: Style, short = false): string {
  const failed = short ? `${c.failed} fail` : `${c.failed} failed`;
  const parts = [
    short ? `${c.pending} pend` : `${c.pending} pending`,
    short ? `${c.checking} boot` : `${c.checking} booting`,
    style.green(`${c.ready} ready`),
    c.failed ? style.red(failed) : failed,
  ];
  return `${parts.join(" · ")} ${style.dim(`of ${c.total}`)}`;
}

/**
 * The live counts line at a given width: with the bar when it fits, else without it, else with
 * shorter words; the counts are never cut while any of those fits.
 */
export function liveCountsLine(c: WaitCounts, style: Style, width: number, withBar = true): string {
  const rail = style.dim("│");
  const candidates = [
    ...(withBar ? [`${rail}  ${bar(c, style)}  ${countsLine(c, style)}`] : []),
    `${rail}  ${countsLine(c, style)}`,
    `${rail}  ${countsLine(c, style, true)}`,
  ];
  return candidates.find((l) => visibleWidth(l) <= width) ?? truncateVisible(candidates[candidates.length - 1]!, width);
}

const FRAMES = ["◒", "◐", "◓", "◑"];
const BAR_WIDTH = 24;

function bar(c: WaitCounts, style: Style): string {
  if (c.total === 0) return style.dim("─".repeat(BAR_WIDTH));
  const ok = Math.round((c.ready / c.total) * BAR_WIDTH);
  const bad = Math.min(BAR_WIDTH - ok, Math.round((c.failed / c.total) * BAR_WIDTH));
  return style.green("━".repeat(ok)) + style.red("━".repeat(bad)) + style.dim("─".repeat(BAR_WIDTH - ok - bad));
}


/** A note during a run (it may quote EC2), made visible, in yellow: for `ProgressView.line`. */
export function noteLine(message: string, style: Style): string {
  return style.yellow(visible(message));
}

export function createProgressView(o: ProgressOptions): ProgressView {
  const start = o.clock.now();
  let label = "Starting";
  let counts: WaitCounts = { total: 0, pending: 0, checking: 0, ready: 0, failed: 0 };
  const elapsed = (): string => formatElapsed(o.clock.now() - start);

  if (!o.live) {
    let lastPrinted = Number.NEGATIVE_INFINITY;
    let lastText = "";
    const every = o.plainEveryMs ?? 10_000;
    const printCounts = (force: boolean): void => {
      if (counts.total === 0) return;
      const text = countsLine(counts, o.style);
      const now = o.clock.now();
      if (text === lastText || (!force && now - lastPrinted < every)) return;
      lastPrinted = now;
      lastText = text;
      o.output.write(`[${elapsed()}] ${text}\n`);
    };
    return {
      line: (text) => o.output.write(`${text}\n`),
      phase: (l) => {
        label = l;
        o.output.write(`[${elapsed()}] ${l}\n`);
      },
      counts: (c) => {
        const changedTotal = c.ready + c.failed !== counts.ready + counts.failed && c.ready + c.failed === c.total;
        counts = c;
        printCounts(changedTotal);
      },
      pause: () => undefined,
      resume: () => undefined,
      stop: () => printCounts(true),
    };
  }

  const out = o.output;
  let drawn = 0;
  let frame = 0;
  let paused = false;
  /** Lines that came while paused (a question on screen): shown when the view goes on. */
  let held: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const clear = (): void => {
    if (drawn > 0) out.write(`\r\u001b[${drawn}A\u001b[J`);
    drawn = 0;
  };
  const width = (): number => terminalColumns(out) - 1;
  const draw = (): void => {
    if (paused) return;
    const spin = o.style.cyan(FRAMES[frame++ % FRAMES.length]!);
    const lines = [
      `${o.style.dim("│")}`,
      truncateVisible(`${spin}  ${label} ${o.style.dim(`[${elapsed()}]`)}`, width()),
      ...(counts.total > 0 ? [liveCountsLine(counts, o.style, width())] : []),
    ];
    clear();
    out.write(`${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  /** A line above the live area, wrapped on the rail (a long list of ids stays readable). */
  const permanent = (text: string): void => {
    for (const l of wrapWords(text, width() - 3)) out.write(`${o.style.dim("│")}  ${l}\n`);
  };
  const flushHeld = (): void => {
    for (const text of held) permanent(text);
    held = [];
  };
  const startTimer = (): void => {
    out.write("\u001b[?25l");
    timer = setInterval(draw, 120);
    draw();
  };
  startTimer();
  return {
    line: (text) => {
      if (paused) return void held.push(text);
      clear();
      permanent(text);
      draw();
    },
    phase: (l) => {
      label = l;
      draw();
    },
    counts: (c) => {
      counts = c;
      draw();
    },
    pause: () => {
      clear();
      paused = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      out.write("\u001b[?25h");
    },
    resume: () => {
      if (!paused) return;
      paused = false;
      flushHeld();
      startTimer();
    },
    stop: () => {
      if (timer) clearInterval(timer);
      timer = undefined;
      clear();
      flushHeld();
      const done = counts.failed > 0 ? o.style.yellow("◆") : o.style.green("◇");
      out.write(`${truncateVisible(`${done}  ${label} ${o.style.dim(`[${elapsed()}]`)}`, width())}\n`);
      if (counts.total > 0) out.write(`${liveCountsLine(counts, o.style, width(), false)}\n`);
      paused = true;
      out.write("\u001b[?25h");
    },
  };
}
