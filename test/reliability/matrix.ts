// The scenario matrix: one row per fault scenario (what happened, and the EC2 calls it took by
// action, from the simulator's request log), printed once at the end of the whole mocha run so
// CI output shows it.
import type { RequestLogEntry } from "../../src/sim/types.js";

export interface MatrixRow {
  scenario: string;
  outcome: string;
  /** Calls of the `instances create` run(s). */
  create: string;
  /** Calls of the `instances list` and `destroy` runs that checked and cleaned up. */
  cleanup: string;
}

const rows: MatrixRow[] = [];

const SHORT: Record<string, string> = {
  RunInstances: "Run",
  DescribeInstances: "DescInst",
  DescribeInstanceStatus: "DescStatus",
  TerminateInstances: "Term",
  GetCallerIdentity: "STS",
  DescribeSubnets: "Subnets",
  DescribeLaunchTemplateVersions: "LTVers",
  DescribeLaunchTemplates: "LT",
  DescribeTags: "DescTags",
};

/** "Run 2, DescInst 7, DescStatus 19, ... | thr 3, 5xx 1, drop 1" for log entries with seq in [from, to). */
export function callSummary(log: readonly RequestLogEntry[], from = 0, to = Number.POSITIVE_INFINITY): string {
  const counts = new Map<string, number>();
  let throttled = 0;
  let serverErrors = 0;
  let dropped = 0;
  let other = 0;
  for (const e of log) {
    if (e.seq < from || e.seq >= to) continue;
    const name = SHORT[e.action];
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
    else other++;
    if (e.throttled) throttled++;
    else if (e.status >= 500 && e.outcome !== "InsufficientInstanceCapacity") serverErrors++;
    if (e.status === 0) dropped++;
  }
  const parts = Object.values(SHORT)
    .filter((n) => counts.has(n))
    .map((n) => `${n} ${counts.get(n)}`);
  if (other) parts.push(`other ${other}`);
  const faults = [throttled && `thr ${throttled}`, serverErrors && `5xx ${serverErrors}`, dropped && `drop ${dropped}`].filter(Boolean);
  return parts.join(", ") + (faults.length ? ` | ${faults.join(", ")}` : "") || "none";
}

export function recordRow(row: MatrixRow): void {
  rows.push(row);
}

/** Rows recorded so far (to tell whether a test added one). */
export function rowCount(): number {
  return rows.length;
}

function table(): string {
  const head: MatrixRow = { scenario: "scenario", outcome: "outcome", create: "create calls", cleanup: "list + destroy calls" };
  const all = [head, ...rows];
  const keys = ["scenario", "outcome", "create", "cleanup"] as const;
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...all.map((r) => r[k].length))])) as Record<(typeof keys)[number], number>;
  const line = (r: MatrixRow): string => keys.map((k) => r[k].padEnd(width[k])).join(" │ ").trimEnd();
  return [line(head), keys.map((k) => "─".repeat(width[k])).join("─┼─"), ...rows.map(line)].join("\n");
}

let registered = false;

/** Registers (once, on mocha's root suite) the hook that prints the matrix after every test has run. */
export function printMatrixAtEnd(): void {
  if (registered) return;
  registered = true;
  after(function () {
    if (rows.length === 0) return;
    console.log(`\n  Fault suite matrix (${rows.length} scenarios; calls by action from the simulator's log)\n`);
    console.log(table().replace(/^/gm, "  "));
    console.log("");
  });
}
