// The workshop directory as a Pulumi project: Pulumi.yaml pointing at the installed program,
// stacks/ for the settings files. The Pulumi CLI resolves `main` against the folder of Pulumi.yaml
// (an absolute `main` is taken as it is) and fails with "project 'main' could not be read" when
// it is not there, so a workshop directory outside the package needs an absolute `main`, and one
// written by another install (moved, upgraded to another folder) needs it corrected.
import { randomBytes } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { UserError } from "../errors.js";
import { PROGRAM_MAIN, PROJECT_NAME, stacksDir } from "../home.js";
import { parseYamlDocument } from "./yaml-file.js";

export const PROJECT_FILE = "Pulumi.yaml";

/** `main` as written into a workshop directory: relative inside the package (a checkout), else absolute. */
export function mainFor(home: string, program = PROGRAM_MAIN): string {
  const rel = relative(resolve(home), program);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : program;
}

/** A YAML scalar for a path: plain when that is unambiguous, else double-quoted (JSON is valid YAML). */
function yamlPath(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : JSON.stringify(path);
}

export function projectFileText(main: string): string {
  return [
    `name: ${PROJECT_NAME}`,
    "runtime:",
    "  name: nodejs",
    "  options:",
    "    typescript: false",
    `main: ${yamlPath(main)}`,
    "description: One stack per workshop - the workshop's network and EC2 launch template (see the ec2-workshop README).",
    "stackConfigDir: stacks",
    "",
  ].join("\n");
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

export type ProjectState =
  | { kind: "missing" }
  | { kind: "ok"; main: string }
  | { kind: "stale"; main?: string; text: string }
  | { kind: "foreign"; name: string };

/** Reads home/Pulumi.yaml: ours and pointing at this install's program, ours but stale, someone else's, or none. */
export async function inspectProject(home: string, program = PROGRAM_MAIN): Promise<ProjectState> {
  const file = join(home, PROJECT_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    throw new UserError(`Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  const doc = parseYamlDocument(text, file) as { name?: unknown; main?: unknown; stackConfigDir?: unknown } | null;
  const name = typeof doc?.name === "string" ? doc.name : "";
  if (name !== PROJECT_NAME) return { kind: "foreign", name };
  if (doc?.stackConfigDir !== "stacks")
    throw new UserError(`${file} does not say \`stackConfigDir: stacks\`; the workshop settings live in stacks/. Add that line, or remove the file to have it written again.`);
  const main = typeof doc?.main === "string" ? doc.main : undefined;
  if (main && sameFile(resolve(home, main), program)) return { kind: "ok", main };
  return { kind: "stale", main, text };
}

/** Replaces (or adds) the `main:` line, keeping everything else of the file as it was. */
export function withMain(text: string, main: string): string {
  const line = `main: ${yamlPath(main)}`;
  if (/^main:.*$/m.test(text)) return text.replace(/^main:.*$/m, line);
  return `${text.replace(/\n?$/, "\n")}${line}\n`;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function cannotWrite(what: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new UserError(
    `Cannot write in ${what} (${code}), so no workshop can be created or changed there; nothing was changed. Make it writable, or set EC2_WORKSHOP_HOME to a folder you can write.`,
  );
}

/**
 * Makes `home` a workshop directory this install can run: creates it and stacks/, proves that a
 * settings file can be written there (a probe written and removed, the way settings are), and
 * writes or corrects Pulumi.yaml's `main`. Runs before anything is initialised, so an unwritable
 * directory changes nothing. Returns lines for the user about what it changed.
 */
export async function prepareWorkshopDir(home: string, program = PROGRAM_MAIN): Promise<string[]> {
  const notes: string[] = [];
  const stacks = stacksDir(home);
  try {
    await mkdir(stacks, { recursive: true });
  } catch (err) {
    throw cannotWrite(existsSync(home) ? stacks : home, err);
  }
  const probe = join(stacks, `.ec2-workshop-probe-${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeAtomically(probe, "probe\n");
    await rm(probe, { force: true });
  } catch (err) {
    throw cannotWrite(stacks, err);
  }

  const state = await inspectProject(home, program);
  const file = join(home, PROJECT_FILE);
  if (state.kind === "foreign")
    throw new UserError(
      `${file} belongs to another Pulumi project (${state.name ? `name: ${state.name}` : "no name"}), not ec2-workshop: set EC2_WORKSHOP_HOME to another folder.`,
    );
  const main = mainFor(home, program);
  try {
    if (state.kind === "missing") {
      await writeAtomically(file, projectFileText(main));
      notes.push(`Set up ${home} as the workshop directory (${PROJECT_FILE} and stacks/).`);
    } else if (state.kind === "stale") {
      await writeAtomically(file, withMain(state.text, main));
      notes.push(`${file}: main now points at this installation's program (${main}${state.main ? `; it was ${state.main}` : ""}).`);
    }
  } catch (err) {
    throw cannotWrite(home, err);
  }
  return notes;
}
