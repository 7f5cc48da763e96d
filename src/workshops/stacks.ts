// The Automation API driver: one Pulumi stack per workshop, run from the workshop directory
// (the local program of its Pulumi.yaml). Heavy (loads @pulumi/pulumi/automation): commands import
// this module lazily, inside run(), and only once a Pulumi CLI was found (pulumi-cli.ts).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  LocalWorkspace,
  PulumiCommand,
  Stack,
  type EngineEvent,
  type OutputMap,
  type StackSummary,
} from "@pulumi/pulumi/automation/index.js";
import { pulumiEnv, recoveryCommands, resolveBackend, stackLocked, type Backend, type PulumiTarget } from "./backend.js";
import { pluginMissing, pulumiErrorToUserError, type Diagnostic } from "./engine-errors.js";
import { findPulumi, whichPulumi } from "./pulumi-cli.js";

export type { Backend, PulumiTarget } from "./backend.js";
export type { Diagnostic } from "./engine-errors.js";

/** The provider plugin the program needs: what @pulumi/aws declares for the engine (its package.json `pulumi` block). */
export function awsPlugin(): { name: string; version: string } {
  const require = createRequire(import.meta.url);
  const { pulumi } = require("@pulumi/aws/package.json") as { pulumi: { name: string; version: string } };
  return { name: pulumi.name, version: pulumi.version.replace(/^v/, "") };
}

/**
 * The CLI as a PulumiCommand whose stack operations (up, destroy, refresh, preview) run behind
 * pulumi-launcher.js (a process group of their own, one interrupt passed on; see there): a
 * `bin/pulumi` shim in a private temporary folder, removed when the process ends. Everything
 * else goes straight to the CLI, and `version` is answered with the version already read.
 * Windows has no process groups to separate: the CLI is used as it is there.
 */
async function launchedCommand(cli: PulumiCommand, env: Record<string, string | undefined>): Promise<PulumiCommand> {
  if (process.platform === "win32" || !cli.version) return cli;
  const real = cli.command.includes("/") ? resolve(cli.command) : await whichPulumi(env);
  if (!real) return cli;
  const root = mkdtempSync(join(tmpdir(), "ec2-workshop-pulumi-"));
  process.once("exit", () => rmSync(root, { recursive: true, force: true }));
  const launcher = fileURLToPath(new URL("./pulumi-launcher.js", import.meta.url));
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  mkdirSync(join(root, "bin"));
  const shim = join(root, "bin", "pulumi");
  writeFileSync(
    shim,
    [
      "#!/bin/sh",
      'case "$1" in',
      `  version) echo ${quote(`v${cli.version.version}`)} ;;`,
      `  up|destroy|refresh|preview) exec ${quote(process.execPath)} ${quote(launcher)} ${quote(real)} "$@" ;;`,
      `  *) exec ${quote(real)} "$@" ;;`,
      "esac",
      "",
    ].join("\n"),
  );
  chmodSync(shim, 0o700);
  // The version was checked when the CLI was found.
  return PulumiCommand.get({ root, skipVersionCheck: true });
}

export interface OperationOptions {
  onEvent: (e: EngineEvent) => void;
  diagnostics?: Diagnostic[];
  /** Aborting it asks the CLI to cancel (once, gracefully: in-flight changes finish, the lock is released). */
  signal?: AbortSignal;
}

/** What an interrupted operation left behind, and the commands that clear it. */
export interface Leftovers {
  /** true: locked; false: not; undefined: this backend does not say. */
  locked?: boolean;
  pending: number;
  commands: string[];
}

/** A workspace on the workshop directory with the explicit environment of backend.ts. */
export class WorkshopStacks {
  private constructor(
    readonly workspace: LocalWorkspace,
    readonly backend: Backend,
    readonly target: PulumiTarget,
  ) {}

  static async open(target: PulumiTarget, command?: PulumiCommand): Promise<WorkshopStacks> {
    const backend = resolveBackend(target.home, target.env);
    if (backend.dir) mkdirSync(backend.dir, { recursive: true, mode: 0o700 });
    const found = command ?? (await findPulumi(target.env));
    const workspace = await LocalWorkspace.create({
      workDir: target.home,
      pulumiCommand: await launchedCommand(found, target.env),
      envVars: pulumiEnv(target, backend),
      ...(backend.secretsProvider ? { secretsProvider: backend.secretsProvider } : {}),
    });
    return new WorkshopStacks(workspace, backend, target);
  }

  /**
   * Installs the AWS provider plugin the program needs (the version @pulumi/aws declares), unless
   * it is there: explicitly, so the download is visible (`onInstall` says it starts) and a
   * missing network is one line naming the plugin, before any stack is touched.
   */
  async ensureAwsPlugin(onInstall?: (plugin: { name: string; version: string }) => void): Promise<boolean> {
    const plugin = awsPlugin();
    const installed = await this.mapped("", () => this.workspace.listPlugins());
    if (installed.some((p) => p.kind === "resource" && p.name === plugin.name && String(p.version).replace(/^v/, "") === plugin.version)) return false;
    onInstall?.(plugin);
    try {
      await this.workspace.installPlugin(plugin.name, `v${plugin.version}`, "resource");
    } catch (err) {
      const text = String((err as { commandResult?: { stderr?: string } }).commandResult?.stderr ?? (err as Error).message ?? err);
      const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
      const line = lines.find((l) => /^error:/.test(l)) ?? lines.at(-1) ?? "unknown error";
      // The innermost reason ("no such host", "403 Forbidden"), not the URL chain before it.
      throw pluginMissing(plugin.name, plugin.version, line.replace(/^error:\s*/, "").split(": ").pop()!.trim());
    }
    return true;
  }

  /** `pulumi stack init <name>`; fails (mapped) when it already exists in the backend. */
  async create(name: string): Promise<Stack> {
    return this.mapped(name, () => Stack.create(name, this.workspace));
  }

  /** `pulumi stack select <name>`; fails (mapped) when the backend has no such stack. */
  async select(name: string): Promise<Stack> {
    return this.mapped(name, () => Stack.select(name, this.workspace));
  }

  /** `pulumi up` with engine events streamed to `onEvent`; returns the stack outputs. */
  async up(stack: Stack, o: OperationOptions): Promise<OutputMap> {
    const result = await this.mapped(stack.name, () => stack.up({ onEvent: o.onEvent, color: "never", message: "ec2-workshop", signal: o.signal }), o.diagnostics);
    return result.outputs;
  }

  /** `pulumi destroy`: every resource of the workshop. */
  async destroy(stack: Stack, o: OperationOptions): Promise<void> {
    await this.mapped(stack.name, () => stack.destroy({ onEvent: o.onEvent, color: "never", message: "ec2-workshop", signal: o.signal }), o.diagnostics);
  }

  /** After an interrupted operation: is the stack still locked, are operations pending, and how to clear that. */
  async leftovers(name: string): Promise<Leftovers> {
    const locked = stackLocked(this.backend, this.target.env, name);
    let pending: number;
    try {
      const state = (await this.workspace.exportStack(name)) as { deployment?: { pending_operations?: unknown[] } };
      pending = state.deployment?.pending_operations?.length ?? 0;
    } catch {
      pending = 0; // unreadable state: the lock advice below still applies
    }
    const commands = locked === false && pending === 0 ? [] : recoveryCommands(this.target, this.backend, name, { locked, pending: pending > 0 });
    return { locked, pending, commands };
  }

  /** `pulumi stack rm`, keeping stacks/Pulumi.<name>.yaml (the command asks before removing it). */
  async remove(name: string): Promise<void> {
    await this.mapped(name, () => this.workspace.removeStack(name, { preserveConfig: true }));
  }

  async outputs(name: string): Promise<OutputMap> {
    return this.mapped(name, () => this.workspace.stackOutputs(name));
  }

  /** Every stack of the project in the backend. */
  async list(): Promise<StackSummary[]> {
    return this.mapped("", () => this.workspace.listStacks());
  }

  private async mapped<T>(name: string, fn: () => Promise<T>, diagnostics: Diagnostic[] = []): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw pulumiErrorToUserError(err, { workshop: name, target: this.target, backend: this.backend, diagnostics });
    }
  }
}
