// Is the Pulumi CLI there, and new enough for the Automation API this package uses?
// Only `workshop create/update/destroy` need it; the instance commands do not, so a missing
// CLI is a warning with installation help, never a failure of setup.
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";
import semver from "semver";
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

/**
 * Downloads and installs the CLI through the Automation API (the version matching
 * @pulumi/pulumi, into ~/.pulumi/versions/<version>), as `workshop create` offers to. Needs the internet.
 */
export async function installPulumiCli(env: Env): Promise<{ command: string; version: string }> {
  const { installPulumi } = await import("../workshops/stacks.js");
  const cli = await installPulumi(env);
  return { command: cli.command, version: cli.version?.version ?? "?" };
}
