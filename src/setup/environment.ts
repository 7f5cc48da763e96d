// The local side of setup: a Node.js this package supports, and a workshop directory
// (EC2_WORKSHOP_HOME, the checkout you are in, or ~/.ec2-workshop) that `workshop create` can
// write stacks into, or create.
import { readFileSync } from "node:fs";
import { constants } from "node:fs";
import { access, readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import semver from "semver";
import { PACKAGE_ROOT, chooseWorkshopHome, hasPulumiProject, stacksDir, workshopHome, type Env, type HomeSource } from "../home.js";

export interface NodeCheck {
  version: string;
  required: string;
  ok: boolean;
}

/** package.json's engines.node, e.g. ">=22". */
export function requiredNode(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { engines?: { node?: string } };
    return pkg.engines?.node ?? ">=22";
  } catch {
    return ">=22";
  }
}

/** Does `version` (e.g. "22.1.0") satisfy `range` (package.json's engines.node)? A range semver cannot read is not judged (true). */
export function satisfiesMinimum(version: string, range: string): boolean {
  return semver.validRange(range) === null || semver.satisfies(version, range, { includePrerelease: true });
}

export function checkNode(version = process.versions.node): NodeCheck {
  const required = requiredNode();
  return { version, required, ok: satisfiesMinimum(version, required) };
}

export interface WorkshopDirCheck {
  dir: string;
  fromEnv: boolean;
  /** Which step of the rule chose it (README, "Where state lives"). */
  source: HomeSource;
  /** false: not there yet; the first `workshop create` sets it up. */
  exists: boolean;
  ok: boolean;
  /** What is wrong, when not ok. */
  problem?: string;
  hasProject: boolean;
  workshops: number;
}

async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The nearest folder of `dir` (itself or an ancestor) that exists. */
async function nearestExisting(dir: string): Promise<string> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      await stat(d);
      return d;
    } catch {
      if (dirname(d) === d) return d;
    }
  }
}

/** `workshop create` can write stacks/Pulumi.<name>.yaml in the workshop directory, or create the directory. */
export async function checkWorkshopDir(env: Env, cwd: string = process.cwd()): Promise<WorkshopDirCheck> {
  const { source } = chooseWorkshopHome(env, cwd);
  const dir = workshopHome(env, cwd);
  const fromEnv = source === "EC2_WORKSHOP_HOME";
  const base = { dir, fromEnv, source, exists: true, hasProject: hasPulumiProject(dir), workshops: 0 };
  try {
    if (!(await stat(dir)).isDirectory()) return { ...base, ok: false, problem: "is not a directory" };
  } catch {
    const parent = await nearestExisting(dir);
    if (await writable(parent)) return { ...base, exists: false, ok: true };
    return { ...base, exists: false, ok: false, problem: `does not exist and cannot be created (${parent} is not writable by you)` };
  }
  const stacks = stacksDir(dir);
  let workshops = 0;
  let stacksExists = false;
  try {
    stacksExists = (await stat(stacks)).isDirectory();
    workshops = (await readdir(stacks)).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).length;
  } catch {
    // no stacks/ yet: `workshop create` makes it
  }
  const target = stacksExists ? stacks : dir;
  if (!(await writable(target))) return { ...base, workshops, ok: false, problem: `${target} is not writable by you` };
  return { ...base, workshops, ok: true };
}
