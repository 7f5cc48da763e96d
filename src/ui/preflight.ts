// How the preflight reads on a terminal and as JSON: one line per check (status, check, what was
// found), the fix beneath warn and fail lines, the cost line, and the one-line launch summary the
// confirmation asks about. Light: no SDK.
import { CHECK_TITLES, type CheckResult, type CheckStatus } from "../preflight/checks.js";
import { costBreakdown, costJson, costPhrase, type CostEstimate } from "../preflight/cost.js";
import type { Style } from "./style.js";
import { visible } from "./visible.js";

const TITLE_WIDTH = Math.max(...Object.values(CHECK_TITLES).map((t) => t.length));

function statusWord(status: CheckStatus, s: Style): string {
  const word = status.padEnd(4);
  return status === "ok" ? s.green(word) : status === "warn" ? s.yellow(word) : status === "fail" ? s.red(word) : s.dim(word);
}

/** The check lines, each with its fix beneath when it has one. */
export function renderChecks(checks: readonly CheckResult[], s: Style, indent = "  "): string {
  let out = "";
  for (const c of checks) {
    // What was found quotes AWS (an AMI's name, an error): made visible.
    const message = visible(c.message);
    out += `${indent}${statusWord(c.status, s)}  ${CHECK_TITLES[c.id].padEnd(TITLE_WIDTH)}  ${c.status === "skip" ? s.dim(message) : message}\n`;
    if (c.fix && (c.status === "warn" || c.status === "fail")) out += `${indent}${" ".repeat(4 + 2 + TITLE_WIDTH + 2)}${s.dim("→")} ${visible(c.fix)}\n`;
  }
  return out;
}

/** "Cost  about $0.65/h, $5.21 for 8 h: 40 × t3.micro at $0.0104/h, ..." */
export function renderCost(cost: CostEstimate, s: Style, indent = "  "): string {
  const head = `${indent}${s.bold("cost")}  ${"".padEnd(TITLE_WIDTH)}  `;
  if (!cost.known) return `${head}${cost.note}${cost.reason ? `: ${cost.reason}` : ""}\n`;
  return `${head}${costPhrase(cost)}\n${indent}${" ".repeat(4 + 2 + TITLE_WIDTH + 2)}${s.dim(`${costBreakdown(cost)}${cost.note ? `; ${cost.note}` : ""}`)}\n`;
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
