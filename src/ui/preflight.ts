// How the preflight reads on a terminal and as JSON: one line per check (status, check, what was
// found), the fix beneath warn and fail lines, the cost line, and the one-line launch summary the
// confirmation asks about. Light: no SDK.
import { CHECK_TITLES, type CheckResult, type CheckStatus } from "../preflight/checks.js";
import { costBreakdown, costJson, costPhrase, type CostEstimate } from "../preflight/cost.js";
import type { Style } from "./style.js";
import { visible } from "./visible.js";
import { wrapWords } from "./wrap.js";

const TITLE_WIDTH = Math.max(...Object.values(CHECK_TITLES).map((t) => t.length));

function statusWord(status: CheckStatus, s: Style): string {
  const word = status.padEnd(4);
  return status === "ok" ? s.green(word) : status === "warn" ? s.yellow(word) : status === "fail" ? s.red(word) : s.dim(word);
}

/** Where a check's message starts: after the status word, the title and their gaps. */
const MESSAGE_COLUMN = 4 + 2 + TITLE_WIDTH + 2;
const NBSP = "\u00a0";
/** Below this many columns for the message, it wraps under the title's start instead. */
const MIN_MESSAGE_WIDTH = 24;

/**
 * `head` then `text`, wrapped to `width` (a terminal's) with the continuation lines under the
 * text's start (or under `indent` when the terminal is too narrow for that); `paint` styles each
 * line of text. One line without a width (a pipe or file).
 */
function hanging(head: string, headWidth: number, text: string, indent: string, width: number | undefined, paint: (t: string) => string = (t) => t): string {
  if (width === undefined) return `${head}${paint(text)}\n`;
  const column = width - headWidth >= MIN_MESSAGE_WIDTH ? headWidth : indent.length + 2;
  // A command in backticks stays on one line (it is there to be copied), however long.
  const glued = text.replace(/`[^`]*`/g, (command) => command.replaceAll(" ", NBSP));
  const lines = wrapWords(glued, Math.max(MIN_MESSAGE_WIDTH, width - column)).map((l) => l.replaceAll(NBSP, " "));
  const pad = " ".repeat(column);
  const [first, ...rest] = lines;
  const firstLine = column === headWidth ? `${head}${paint(first!)}` : `${head.trimEnd()}\n${pad}${paint(first!)}`;
  return [firstLine, ...rest.map((l) => `${pad}${paint(l)}`)].join("\n") + "\n";
}

/**
 * The check lines, each with its fix beneath when it has one. `width`: the terminal's, so a long
 * message wraps under itself; none for a pipe or file (one line each, for grep).
 */
export function renderChecks(checks: readonly CheckResult[], s: Style, indent = "  ", width?: number): string {
  let out = "";
  for (const c of checks) {
    // What was found quotes AWS (an AMI's name, an error): made visible.
    const message = visible(c.message);
    const head = `${indent}${statusWord(c.status, s)}  ${CHECK_TITLES[c.id].padEnd(TITLE_WIDTH)}  `;
    out += hanging(head, indent.length + MESSAGE_COLUMN, message, indent, width, c.status === "skip" ? s.dim : undefined);
    if (c.fix && (c.status === "warn" || c.status === "fail")) {
      const arrow = `${indent}${" ".repeat(MESSAGE_COLUMN)}${s.dim("→")} `;
      out += hanging(arrow, indent.length + MESSAGE_COLUMN + 2, visible(c.fix), indent, width);
    }
  }
  return out;
}

/** "Cost  about $0.65/h, $5.21 for 8 h: 40 × t3.micro at $0.0104/h, ..." */
export function renderCost(cost: CostEstimate, s: Style, indent = "  ", width?: number): string {
  const head = `${indent}${s.bold("cost")}  ${"".padEnd(TITLE_WIDTH)}  `;
  const headWidth = indent.length + MESSAGE_COLUMN;
  if (!cost.known) return hanging(head, headWidth, `${cost.note}${cost.reason ? `: ${visible(cost.reason)}` : ""}`, indent, width);
  const detail = `${costBreakdown(cost)}${cost.note ? `; ${cost.note}` : ""}`;
  return hanging(head, headWidth, costPhrase(cost), indent, width) + hanging(" ".repeat(headWidth), headWidth, detail, indent, width, s.dim);
}

interface LaunchWhat {
  count: number;
  instanceType?: string;
  imageId?: string;
  region: string;
}

/** "40 × t3.micro (ami-0abc…) in eu-west-1" */
export function launchWhat(o: LaunchWhat): string {
  return `${o.count} × ${o.instanceType ?? "the template's type"}${o.imageId ? ` (${o.imageId})` : ""} in ${o.region}`;
}

/** What the launch confirmation names: "40 × t3.micro (ami-0abc…) in eu-west-1: about $0.52/h, $4.20 for 8 h". */
export function launchSummary(o: LaunchWhat & { cost: CostEstimate }): string {
  return o.cost.known ? `${launchWhat(o)}: ${costPhrase(o.cost)}` : `${launchWhat(o)} (${o.cost.note})`;
}

/** The --json document of `workshop check`. */
export function checkReportJson(r: {
  workshop: string;
  region: string;
  instanceType?: string;
  imageId?: string;
  count: number;
  hours: number;
  checks: readonly CheckResult[];
  cost: CostEstimate;
}): unknown {
  return {
    workshop: r.workshop,
    region: r.region,
    instanceType: r.instanceType ?? null,
    ami: r.imageId ?? null,
    count: r.count,
    hours: r.hours,
    ok: !r.checks.some((c) => c.status === "fail"),
    checks: r.checks.map((c) => ({ check: c.id, status: c.status, message: c.message, fix: c.fix ?? null })),
    cost: costJson(r.cost),
  };
}
