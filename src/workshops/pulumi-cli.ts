// The Pulumi CLI the Automation API drives: where it is, whether it is new enough, how to get it.
// One module for `setup` and the `workshop` commands. Light: the Automation API (hundreds of ms to
// import) is loaded only by findPulumi/installPulumi, and findPulumi loads it only once a CLI was
// found, so `workshop list|show` without a CLI never pay for it. The instance commands need no CLI.
import { execFile } from "node:child_process";
import { constants, existsSync } from "node:fs";
import { access, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import semver from "semver";
import type { PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import { UserError } from "../errors.js";
import type { Env } from "../home.js";

export interface PulumiCli {
  /** Absolute path of the `pulumi` executable found. */
  path?: string;
  /** Its version, e.g. "3.150.0" (without the "v"). */
  version?: string;
  /** The lowest version the installed Automation API accepts. */
  minimum: string;
  /** Found on PATH, answering, and at least `minimum`. */
  ok: boolean;
  /** A pulumi found in a usual install folder that is not on PATH. */
  offPath?: string;
  /** Why `pulumi version` failed, when it did. */
  error?: string;
}

/** How to get the CLI, to follow "install it with": one text for `setup` and the `workshop` commands. */
export const PULUMI_INSTALL_HINT =
  "`curl -fsSL https://get.pulumi.com | sh` (or `brew install pulumi/tap/pulumi`; see https://www.pulumi.com/docs/install/), then open a new terminal";

const VERSION_TIMEOUT_MS = 15_000;

/** The Automation API's own minimum CLI version (@pulumi/pulumi/automation/minimumVersion.js). */
export function minimumPulumiVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const { minimumVersion } = require("@pulumi/pulumi/automation/minimumVersion.js") as { minimumVersion: { version: string } };
    return minimumVersion.version;
  } catch {
    return "3.2.0"; // the value in @pulumi/pulumi 3.x, should the file move
  }
}

/** The version in text like "v3.150.0" or "3.150.0-alpha.1+dirty" (pre-release kept), or undefined. */
export function parseVersion(text: string): semver.SemVer | undefined {
  return semver.coerce(text, { includePrerelease: true }) ?? undefined;
}

/** a >= b by semver precedence (a pre-release sorts before its release); false when either is not a version. */
export function versionAtLeast(a: string, b: string): boolean {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x !== undefined && y !== undefined && semver.gte(x, y);
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function executableNames(): string[] {
  return process.platform === "win32" ? ["pulumi.exe", "pulumi.cmd", "pulumi"] : ["pulumi"];
}

/** The first `pulumi` on PATH, like the shell (and the Automation API) would find it. */
export async function whichPulumi(env: Env): Promise<string | undefined> {
  for (const dir of (env.PATH ?? env.Path ?? "").split(delimiter).filter(Boolean)) {
    for (const name of executableNames()) {
      const candidate = join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** A pulumi the installers put in ~/.pulumi/bin or ~/.pulumi/versions/<v>/bin, for the "not on PATH" hint. */
async function findOffPath(env: Env): Promise<string | undefined> {
  const home = env.HOME ?? env.USERPROFILE;
  if (!home) return undefined;
  const candidates = [join(home, ".pulumi", "bin")];
  try {
    const versions = await readdir(join(home, ".pulumi", "versions"));
    for (const v of versions.sort().reverse()) candidates.push(join(home, ".pulumi", "versions", v, "bin"));
  } catch {
    // no versions folder
  }
  for (const dir of candidates)
    for (const name of executableNames()) if (await isExecutable(join(dir, name))) return join(dir, name);
  return undefined;
}

function runVersion(path: string, env: Env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      ["version"],
      { timeout: VERSION_TIMEOUT_MS, env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" }, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) reject(new Error((String(stderr).trim().split("\n")[0] || err.message).slice(0, 200)));
        else resolve(String(stdout).trim());
      },
    );
  });
}

/** Finds and asks the Pulumi CLI; never throws. */
export async function checkPulumiCli(env: Env): Promise<PulumiCli> {
  const minimum = minimumPulumiVersion();
  const path = await whichPulumi(env);
  if (!path) {
    const offPath = await findOffPath(env);
    return { minimum, ok: false, ...(offPath ? { offPath } : {}) };
  }
  let output: string;
  try {
    output = await runVersion(path, env);
  } catch (err) {
    return { minimum, ok: false, path, error: `\`${path} version\` failed: ${(err as Error).message}` };
  }
  const parsed = parseVersion(output);
  if (!parsed) return { minimum, ok: false, path, error: `\`${path} version\` printed "${output.slice(0, 60)}", not a version` };
  const version = output.replace(/^v/, "").split(/\s/)[0]!;
  return { minimum, path, version, ok: versionAtLeast(version, minimum) };
}

/** One line about the CLI for the checklist. */
export function describePulumiCli(p: PulumiCli): string {
  if (p.ok) return `v${p.version} (${p.path})`;
  if (p.error) return `${p.error}. Reinstall it with ${PULUMI_INSTALL_HINT}.`;
  if (p.version) return `v${p.version} at ${p.path} is older than v${p.minimum}, the oldest the Automation API supports: upgrade it (\`pulumi self-update\`, or reinstall with ${PULUMI_INSTALL_HINT}).`;
  if (p.offPath) return `not on PATH, but installed at ${p.offPath}: add its folder to PATH. Only \`workshop\` commands need it.`;
  return `not found on PATH. Only \`workshop\` commands need it; install it with ${PULUMI_INSTALL_HINT}.`;
}

/** The one line that tells a user how to get the CLI the Automation API drives. */
export const INSTALL_HINT = `Install it with ${PULUMI_INSTALL_HINT}, and run this again.`;

function userHome(env: Env): string {
  return env.HOME?.trim() || env.USERPROFILE?.trim() || homedir();
}

/** The @pulumi/pulumi version this package runs (its package.json; no SDK module is loaded). */
export function sdkVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("@pulumi/pulumi/package.json") as { version: string }).version;
}

/** Where PulumiCommand.install puts the CLI by default (~/.pulumi/versions/<sdk version>). */
export function installRoot(env: Env): string {
  return join(userHome(env), ".pulumi", "versions", sdkVersion());
}

/** The CLI is missing (or unusable): say so in one line, with the way to install it. */
export class PulumiMissingError extends UserError {
  constructor(detail: string) {
    super(`${detail} ${INSTALL_HINT}`);
    this.name = "PulumiMissingError";
  }
}

/**
 * Is there a CLI at all (on PATH, or where PulumiCommand.install puts it)? Answers from the file
 * system alone, so a command can skip the Automation API when there is none.
 */
export async function pulumiPresent(env: Env): Promise<boolean> {
  return (await whichPulumi(env)) !== undefined || existsSync(join(installRoot(env), "bin", "pulumi"));
}

/**
 * Finds the Pulumi CLI: on PATH, else where PulumiCommand.install put it. Fails fast, before
 * any prompt, with the installation hint.
 */
export async function findPulumi(env: Env): Promise<PulumiCommand> {
  if (!(await pulumiPresent(env))) throw new PulumiMissingError("The Pulumi CLI (`pulumi`) is not installed or not on PATH.");
  const { PulumiCommand } = await import("@pulumi/pulumi/automation/index.js");
  let firstError: unknown;
  for (const root of [undefined, installRoot(env)]) {
    if (root && !existsSync(join(root, "bin", "pulumi"))) continue;
    try {
      return await PulumiCommand.get(root ? { root } : undefined);
    } catch (err) {
      firstError ??= err;
    }
  }
  const text = String((firstError as { commandResult?: { stderr?: string } })?.commandResult?.stderr ?? (firstError as Error)?.message ?? "");
  if (/Minimum version requirement failed|Major version mismatch/.test(text)) {
    const found = /your current CLI version is (\S+?)\.?(?:\s|$)/.exec(text)?.[1] ?? /CLI version (\S+)/.exec(text)?.[1];
    throw new PulumiMissingError(`The Pulumi CLI on PATH${found ? ` (${found})` : ""} is not compatible with this tool (Pulumi SDK ${sdkVersion()}).`);
  }
  if (/ENOENT|not found|EACCES/.test(text) || !text) throw new PulumiMissingError("The Pulumi CLI (`pulumi`) is not installed or not on PATH.");
  throw new PulumiMissingError(`The Pulumi CLI did not answer \`pulumi version\` (${text.split("\n").find((l) => l.trim()) ?? "no output"}).`);
}

/**
 * Downloads the CLI into ~/.pulumi/versions/<version> with the Automation API's installer
 * (needs internet access to get.pulumi.com). One clear line when that fails.
 */
export async function installPulumi(env: Env): Promise<PulumiCommand> {
  const { PulumiCommand } = await import("@pulumi/pulumi/automation/index.js");
  try {
    return await PulumiCommand.install({ root: installRoot(env) });
  } catch (err) {
    const reason = ((err as Error).message ?? String(err)).split("\n").find((l) => l.trim()) ?? "unknown error";
    throw new PulumiMissingError(`Could not install the Pulumi CLI automatically (${reason.trim()}).`);
  }
}

/**
 * Downloads and installs the CLI through the Automation API (the version matching
 * @pulumi/pulumi, into ~/.pulumi/versions/<version>), as `workshop create` offers to. Needs the internet.
 */
export async function installPulumiCli(env: Env): Promise<{ command: string; version: string }> {
  const cli = await installPulumi(env);
  return { command: cli.command, version: cli.version?.version ?? "?" };
}
