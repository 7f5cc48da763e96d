// Pulumi engine events -> progress a person can follow, resource by resource: a @clack/prompts
// task log at a terminal, plain lines otherwise (CI, scripts, tests). Also collects the
// engine's error diagnostics, so a failure can name the resource and AWS's message.
import type { Writable } from "node:stream";
import type { EngineEvent } from "@pulumi/pulumi/automation/index.js";
import type { Diagnostic } from "../workshops/stacks.js";
import type { Style } from "./style.js";
import { visible } from "./visible.js";

export interface PulumiProgress {
  onEvent(e: EngineEvent): void;
  /** Error diagnostics seen so far (engine and provider). */
  readonly diagnostics: Diagnostic[];
  /** Completed steps by operation: create, update, delete, replace. */
  readonly counts: Record<string, number>;
  /** Ends the display: a summary line on success, the log kept on failure. */
  finish(ok: boolean, summary: string): void;
}

type Clack = typeof import("@clack/prompts");

export interface ProgressOptions {
  stdout: Writable;
  style: Style;
  title: string;
  /** @clack/prompts, when a person is at a terminal (imported lazily by the command). */
  clack?: Clack;
}

const PAST: Record<string, string> = {
  create: "created",
  update: "updated",
  delete: "deleted",
  replace: "replaced",
  "create-replacement": "created (replacement)",
  "delete-replaced": "deleted (replaced)",
  import: "imported",
};

const PRESENT: Record<string, string> = {
  create: "creating",
  update: "updating",
  delete: "deleting",
  replace: "replacing",
  "create-replacement": "creating replacement",
  "delete-replaced": "deleting replaced",
  import: "importing",
};

const LABELS: Record<string, string> = {
  Vpc: "VPC",
  Subnet: "subnet",
  InternetGateway: "internet gateway",
  RouteTable: "route table",
  RouteTableAssociation: "route table association",
  SecurityGroup: "security group",
  LaunchTemplate: "launch template",
  ScheduleGroup: "schedule group",
  Role: "IAM role",
  RolePolicy: "IAM role policy",
};

/** "aws:ec2/vpc:Vpc" -> "VPC"; provider and component types are not shown. */
export function resourceLabel(type: string): string | undefined {
  if (type.startsWith("pulumi:") || type.includes(":index:")) return undefined;
  const short = type.split(":").pop() ?? type;
  return LABELS[short] ?? short;
}

function nameOf(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

export function pulumiProgress(o: ProgressOptions): PulumiProgress {
  const diagnostics: Diagnostic[] = [];
  const counts: Record<string, number> = {};
  const log = o.clack?.taskLog({ title: o.title, output: o.stdout, limit: 12, retainLog: true });
  const line = (text: string): void => {
    if (log) log.message(text);
    else o.stdout.write(`  ${text}\n`);
  };
  if (!log) o.stdout.write(`${o.title}\n`);

  return {
    diagnostics,
    counts,
    onEvent(e) {
      if (e.resourcePreEvent) {
        const m = e.resourcePreEvent.metadata;
        const label = resourceLabel(m.type);
        if (label && m.op !== "same" && m.op !== "read" && log) log.message(o.style.dim(`${PRESENT[m.op] ?? m.op} ${label} ${nameOf(m.urn)}…`));
      } else if (e.resOutputsEvent) {
        const m = e.resOutputsEvent.metadata;
        const label = resourceLabel(m.type);
        if (!label || m.op === "same" || m.op === "read") return;
        counts[m.op] = (counts[m.op] ?? 0) + 1;
        line(`${o.style.green("✔")} ${PAST[m.op] ?? m.op} ${label} ${nameOf(m.urn)}`);
      } else if (e.resOpFailedEvent) {
        const m = e.resOpFailedEvent.metadata;
        line(`${o.style.red("✘")} failed to ${m.op} ${resourceLabel(m.type) ?? m.type} ${nameOf(m.urn)}`);
      } else if (e.diagnosticEvent) {
        const d = e.diagnosticEvent;
        if (d.severity === "error") diagnostics.push({ urn: d.urn, message: d.message });
        // A warning quotes AWS (through the provider): made visible.
        else if (d.severity === "warning") line(`${o.style.yellow("!")} ${visible(d.message.trim().split("\n")[0]!)}`);
      }
    },
    finish(ok, summary) {
      if (log) {
        if (ok) log.success(summary, { showLog: true });
        else log.error(summary, { showLog: true });
      } else {
        o.stdout.write(`${ok ? o.style.green("✔") : o.style.red("✘")} ${summary}\n`);
      }
    },
  };
}
