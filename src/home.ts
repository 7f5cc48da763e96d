// Where workshops live: the workshop directory, holding Pulumi.yaml and stacks/.
//
// The rule (README, "Where state lives"):
//   1. EC2_WORKSHOP_HOME, when set;
//   2. else the nearest folder upward from the current directory whose Pulumi.yaml is this tool's
//      project (`name: ec2-workshop`): a checkout used as the workshop directory stays one;
//   3. else ~/.ec2-workshop, a folder of the user's that no install, upgrade or reinstall touches.
// Settings files an earlier version left in the package's own folder are moved to (3).
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package's own root: this file is dist/src/home.js once built, or part of a dist/cli/ chunk (scripts/bundle.mjs), two levels down either way. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The installed Pulumi program: what the workshop directory's Pulumi.yaml `main` points at. */
export const PROGRAM_MAIN = join(PACKAGE_ROOT, "dist", "src", "workshops", "main.js");

/** The Pulumi project name of every workshop directory. */
export const PROJECT_NAME = "ec2-workshop";

export type Env = Record<string, string | undefined>;

export type HomeSource = "EC2_WORKSHOP_HOME" | "project folder" | "per-user";

export interface HomeChoice {
  dir: string;
  source: HomeSource;
}

/** The user's home folder, as the environment the command runs with says. */
export function userHome(env: Env): string {
  return env.HOME?.trim() || env.USERPROFILE?.trim() || homedir();
}

/** The per-user workshop directory (rule 3). */
export function userWorkshopDir(env: Env): string {
  return join(userHome(env), ".ec2-workshop");
}

/** Is `dir/Pulumi.yaml` this tool's project file? (A cheap look: runs at every start of a command.) */
export function isToolProject(dir: string): boolean {
  let text: string;
  try {
    const file = join(dir, "Pulumi.yaml");
    if (statSync(file).size > 64 * 1024) return false;
    text = readFileSync(file, "utf8");
  } catch {
    return false;
  }
  return new RegExp(`^name:\\s*["']?${PROJECT_NAME}["']?\\s*(#.*)?$`, "m").test(text);
}

/** The nearest folder from `start` upward holding this tool's Pulumi.yaml (rule 2). */
export function findProjectUpward(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (isToolProject(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Which workshop directory the rule gives, and by which step. Reads, never writes. */
export function chooseWorkshopHome(env: Env = process.env, cwd: string = process.cwd()): HomeChoice {
  const fromEnv = env.EC2_WORKSHOP_HOME?.trim();
  if (fromEnv) return { dir: resolve(cwd, fromEnv), source: "EC2_WORKSHOP_HOME" };
  const project = findProjectUpward(cwd);
  if (project) return { dir: project, source: "project folder" };
  return { dir: userWorkshopDir(env), source: "per-user" };
}

/** Lines for the user about what finding the workshop directory did (printed once by the command). */
const notes: string[] = [];

export function takeHomeNotes(): string[] {
  return notes.splice(0);
}

/**
 * The workshop directory for this command (see the rule above). When it is the per-user one,
 * workshops an earlier version kept in the package's own folder are moved there first.
 */
export function workshopHome(env: Env = process.env, cwd: string = process.cwd()): string {
  const choice = chooseWorkshopHome(env, cwd);
  if (choice.source === "per-user") {
    // A checkout is nobody's install: its workshops stay where they are (run from there to use them).
    if (existsSync(join(PACKAGE_ROOT, ".git"))) notes.push(...pointAtOldWorkshops(stacksDir(PACKAGE_ROOT), choice.dir));
    else notes.push(...migrateOldWorkshops(stacksDir(PACKAGE_ROOT), stacksDir(choice.dir)));
  }
  return choice.dir;
}

/**
 * Moves stacks/Pulumi.<name>.yaml files from the old default (the package folder) to the new
 * one. Never loses one: a name already taken in the new place is left where it is (and said);
 * a file that cannot be removed from a read-only install is copied. Returns what it did.
 */
export function migrateOldWorkshops(from: string, to: string): string[] {
  let files: string[];
  try {
    files = readdirSync(from).filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f));
  } catch {
    return [];
  }
  if (resolve(from) === resolve(to) || files.length === 0) return [];
  const out: string[] = [];
  for (const f of files) {
    const source = join(from, f);
    const target = join(to, f);
    try {
      if (existsSync(target)) {
        if (readFileSync(target, "utf8") !== readFileSync(source, "utf8"))
          out.push(`Note: ${source} (from an earlier version) was not moved: ${target} already exists. Compare them and keep one.`);
        continue;
      }
      mkdirSync(to, { recursive: true });
      try {
        renameSync(source, target);
        out.push(`Moved ${source} to ${target} (workshops now live in ${dirname(to)}).`);
      } catch {
        // Another file system, or a read-only install folder: copy, and remove what can be removed.
        copyFileSync(source, target);
        try {
          rmSync(source);
        } catch {
          // read-only: the copy is the one used from now on
        }
        out.push(`Copied ${source} to ${target} (workshops now live in ${dirname(to)}).`);
      }
    } catch (err) {
      out.push(`Note: could not move ${source} to ${to} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); it is still there.`);
    }
  }
  return out;
}

/** The workshops of a checkout used from outside it: named, never moved. */
function pointAtOldWorkshops(from: string, home: string): string[] {
  let count: number;
  try {
    count = readdirSync(from).filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f)).length;
  } catch {
    return [];
  }
  if (count === 0 || resolve(from) === resolve(stacksDir(home))) return [];
  return [`Note: ${count} workshop(s) are in ${from}; run from ${dirname(from)} or set EC2_WORKSHOP_HOME=${dirname(from)} to use them (this run uses ${home}).`];
}

export function stacksDir(home: string): string {
  return join(home, "stacks");
}

export function stackConfigPath(home: string, workshop: string): string {
  return join(stacksDir(home), `Pulumi.${workshop}.yaml`);
}

export function hasPulumiProject(home: string): boolean {
  return existsSync(join(home, "Pulumi.yaml"));
}
