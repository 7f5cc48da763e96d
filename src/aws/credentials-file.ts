// Careful reader/writer of the AWS shared credentials and config files (INI).
// People keep many profiles in these files, often by hand, with comments: a write here adds
// or changes exactly one section and leaves every other byte as it was. Writes go through a
// temp file in the same directory + rename (never a half-written file), keep the file's mode
// (new files: 0600, a new ~/.aws: 0700), and are refused, before anything is written, where the
// target says not to (writeProblem): a symlink (never followed somewhere unexpected), a read-only
// file, an unwritable place, a path that only exists because HOME is empty, and a secret into a
// file others can read. Light module (node:fs only): no AWS SDK here.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, chmod, lstat, mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import type { Env } from "../home.js";
import { InputError, UserError } from "../errors.js";

export type AwsFileKind = "credentials" | "config";

export interface AwsFilePaths {
  credentials: string;
  config: string;
}

/**
 * The files the SDK reads: AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, else ~/.aws/{credentials,config}.
 * An explicit relative path is the current directory's, as the user wrote it. A path under a home
 * that is not an absolute path (HOME set but empty) stays relative: it can be read as the SDK
 * would, but it is never written (writeProblem), so keys never land in ./.aws of wherever the
 * command ran.
 */
export function awsFilePaths(env: Env = process.env): AwsFilePaths {
  const home = env.HOME?.trim() || env.USERPROFILE?.trim() || homedir();
  // join("", ".aws/credentials") stays relative; a leading "/" would make it the root's.
  const underHome = (rest: string): string => join(home, rest.replace(/^\/+/, ""));
  const expand = (p: string): string => (p.startsWith("~/") || p === "~" ? underHome(p.slice(1)) : resolve(p));
  return {
    credentials: expand(env.AWS_SHARED_CREDENTIALS_FILE?.trim() || "~/.aws/credentials"),
    config: expand(env.AWS_CONFIG_FILE?.trim() || "~/.aws/config"),
  };
}

/** Profile names we are willing to write (the SDK accepts a few more characters; these are safe everywhere). */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$/;

export function checkProfileName(name: string, flag = "--profile"): string {
  if (!PROFILE_NAME.test(name))
    throw new InputError(
      `"${name}" is not a usable profile name (${flag}): use up to 64 letters, digits and _ . @ + -, starting with a letter or digit.`,
    );
  return name;
}

/** The section header a profile has: `[name]` in credentials; `[default]` / `[profile name]` in config. */
export function sectionName(kind: AwsFileKind, profile: string): string {
  return kind === "config" && profile !== "default" ? `profile ${profile}` : profile;
}

export interface IniSection {
  /** Header text between the brackets, whitespace-normalised ("profile  x" -> "profile x"). */
  name: string;
  /** Offset of the header line's first character. */
  start: number;
  /** Offset just past the section's last key line (its newline included): trailing blank lines and comments stay outside. */
  end: number;
  /** Top-level `key = value` lines: key -> [lineStart, lineEnd without newline, value]. */
  keys: Map<string, { lineStart: number; lineEnd: number; value: string }>;
}

const HEADER = /^\s*\[([^\]]*)\]\s*(?:[#;].*)?$/;
const KEY_VALUE = /^([^\s=#;[][^=]*?)\s*=\s*(.*?)\s*$/;

/**
 * Finds the sections of an INI text and their key lines, with offsets. Lenient like the SDK:
 * anything it does not understand is simply kept. Works on latin1-decoded text so that offsets
 * are byte offsets and non-UTF-8 bytes survive a round trip untouched.
 */
export function parseIni(text: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | undefined;
  let pos = 0;
  while (pos < text.length) {
    const newline = text.indexOf("\n", pos);
    const next = newline < 0 ? text.length : newline + 1;
    const lineEnd = newline < 0 ? text.length : text[newline - 1] === "\r" ? newline - 1 : newline;
    const line = text.slice(pos, lineEnd);
    const header = HEADER.exec(line);
    const trimmed = line.trim();
    if (header) {
      current = { name: header[1]!.trim().replace(/\s+/g, " "), start: pos, end: next, keys: new Map() };
      sections.push(current);
    } else if (current && trimmed !== "" && !trimmed.startsWith("#") && !trimmed.startsWith(";")) {
      // A key line, or an indented continuation (sub-property) of the previous key: both belong to the section.
      current.end = next;
      const kv = /^\s/.test(line) ? undefined : KEY_VALUE.exec(line);
      if (kv) current.keys.set(kv[1]!.trim().toLowerCase(), { lineStart: pos, lineEnd, value: kv[2]! });
    }
    pos = next;
  }
  return sections;
}

function findSections(sections: IniSection[], kind: AwsFileKind, profile: string): IniSection[] {
  const wanted = sectionName(kind, profile);
  // The SDK also reads `[profile default]` in the config file as the default profile.
  const alsoWanted = kind === "config" && profile === "default" ? "profile default" : undefined;
  return sections.filter((s) => s.name === wanted || s.name === alsoWanted);
}

export interface AwsFileState {
  path: string;
  exists: boolean;
  /** Permission bits (e.g. 0o600) when it exists. */
  mode?: number;
  isSymlink: boolean;
}

function fileError(path: string, action: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code ?? "error";
  const why =
    code === "EACCES" || code === "EPERM"
      ? "permission denied"
      : code === "EISDIR"
        ? "it is a directory"
        : code === "ENOTDIR"
          ? "a parent of it is not a directory"
          : code === "EROFS"
            ? "the file system is read-only"
            : (err as Error).message;
  return new UserError(`Cannot ${action} ${path}: ${why} (${code}). Fix that (e.g. its owner or permissions) and run setup again.`);
}

/** Existence, mode and kind of an AWS file, without following a symlink. */
export async function inspectAwsFile(path: string): Promise<AwsFileState> {
  try {
    const st = await lstat(path);
    if (st.isSymbolicLink()) return { path, exists: true, isSymlink: true };
    if (!st.isFile()) throw new UserError(`${path} is not a regular file. Point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a file.`);
    return { path, exists: true, mode: st.mode & 0o777, isSymlink: false };
  } catch (err) {
    if (err instanceof UserError) throw err;
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { path, exists: false, isSymlink: false };
    throw fileError(path, "inspect", err);
  }
}

/**
 * The file's text (latin1, byte-exact), or "" when it does not exist; one clear error when
 * unreadable. `read` is the file system's (a test gives one that fails as a real one would).
 */
export async function readAwsFile(path: string, read: (path: string) => Promise<Buffer> = readFile): Promise<string> {
  try {
    return (await read(path)).toString("latin1");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw fileError(path, "read", err);
  }
}

/** A profile's top-level values in one file, or undefined when the profile has no section there. */
export async function readProfile(path: string, kind: AwsFileKind, profile: string): Promise<Record<string, string> | undefined> {
  const text = await readAwsFile(path);
  const found = findSections(parseIni(text), kind, profile);
  if (found.length === 0) return undefined;
  const values: Record<string, string> = {};
  for (const s of found) for (const [k, v] of s.keys) values[k] = v.value;
  return values;
}

/** Names of the profiles in one file ("profile x" headers in config become "x"). */
export async function listProfiles(path: string, kind: AwsFileKind): Promise<string[]> {
  const names = parseIni(await readAwsFile(path)).map((s) => s.name);
  const profiles =
    kind === "config"
      ? names.flatMap((n) => (n === "default" ? ["default"] : n.startsWith("profile ") ? [n.slice(8).trim()] : []))
      : names;
  return [...new Set(profiles)];
}

/** True when group or others may read the file (credentials should be 0600). */
export function isReadableByOthers(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

/** Why a write would be refused; `readable-by-others` alone can be fixed first (tightenMode, with consent). */
export type WriteProblemKind = "no-home" | "symlink" | "read-only" | "unwritable" | "readable-by-others";

export interface WriteProblem {
  path: string;
  kind: WriteProblemKind;
  /** One line: what, why, what to do. */
  message: string;
  /** The file's mode, when it exists. */
  mode?: number;
}

/** How writeProblem asks the file system whether it may write (a test gives one that says no, as a real one would). */
export type WriteAccess = (path: string) => Promise<void>;

const canWrite: WriteAccess = (path) => access(path, constants.W_OK);

/** The nearest existing directory at or above `dir` (where a missing ~/.aws would be created). */
async function nearestExisting(dir: string): Promise<string> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      await lstat(d);
      return d;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" || dirname(d) === d) return d;
    }
  }
}

/**
 * Why `path` cannot take a write now, found without writing anything; undefined when it can.
 * `secret`: the write carries a secret (an access key), so a file that others can read is a
 * problem too. The tool's own checks, not the file system's refusal halfway: a setup that writes
 * two files checks both before writing either, and root (whom modes do not stop) still respects
 * a read-only file.
 */
export async function writeProblem(path: string, o: { secret: boolean }, canWriteTo: WriteAccess = canWrite): Promise<WriteProblem | undefined> {
  if (!isAbsolute(path))
    return {
      path,
      kind: "no-home",
      message: `Refusing to write ${path}: HOME is empty (or not an absolute path), so it would land in the current directory. Set HOME, or point AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE at absolute paths.`,
    };
  const st = await inspectAwsFile(path);
  if (st.isSymlink) return { path, kind: "symlink", message: symlinkError(path).message };
  if (st.exists && (st.mode! & 0o200) === 0)
    return {
      path,
      kind: "read-only",
      mode: st.mode,
      message: `Refusing to write ${path}: it is read-only (mode ${modeText(st.mode!)}), so it is left as it is. Make it writable (chmod 600 ${path}) for setup to add to it, or edit it yourself.`,
    };
  // The file itself (when it exists) and its directory (the temp file and the rename happen there).
  for (const target of st.exists ? [path, dirname(path)] : [await nearestExisting(dirname(path))]) {
    try {
      await canWriteTo(target);
    } catch (err) {
      return { path, kind: "unwritable", ...(st.mode !== undefined ? { mode: st.mode } : {}), message: fileError(target, "write", err).message };
    }
  }
  if (o.secret && st.exists && isReadableByOthers(st.mode!))
    return {
      path,
      kind: "readable-by-others",
      mode: st.mode,
      message: `Refusing to store keys in ${path}: other users can read it (mode ${modeText(st.mode!)}). Run setup with --fix-permissions to make it private (0600) first, or \`chmod 600 ${path}\`.`,
    };
  return undefined;
}

/** "0600" */
export function modeText(mode: number): string {
  return `0${mode.toString(8).padStart(3, "0")}`;
}

/** A profile that already exists and was not to be replaced. */
export class ProfileExistsError extends UserError {
  constructor(
    readonly path: string,
    readonly profile: string,
  ) {
    super(
      `Profile "${profile}" already exists in ${path}; it was left unchanged. Choose another name with --store-profile, or confirm replacing that profile (--replace-profile).`,
    );
    this.name = "ProfileExistsError";
  }
}

function checkValues(values: Record<string, string>): void {
  for (const [k, v] of Object.entries(values)) {
    if (!/^[a-z0-9_]+$/.test(k)) throw new Error(`invalid INI key "${k}"`);
    // A newline in a value would inject lines (or whole sections) into the file.
    if (/[\r\n]/.test(v) || v !== v.trim() || v === "") throw new InputError(`Refusing to write an empty or multi-line value for ${k}.`);
  }
}

function eolOf(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

function renderSection(name: string, values: Record<string, string>, eol: string): string {
  return `[${name}]${eol}${Object.entries(values)
    .map(([k, v]) => `${k} = ${v}${eol}`)
    .join("")}`;
}

function appendSection(text: string, name: string, values: Record<string, string>): string {
  const eol = eolOf(text);
  let sep = "";
  if (text.length > 0) {
    if (!text.endsWith("\n")) sep += eol;
    // One blank line between sections, as people write them (unless the file already ends with one).
    if (!/\n\s*\n$/.test(text + sep)) sep += eol;
  }
  return text + sep + renderSection(name, values, eol);
}

export type WriteOutcome = "created" | "added" | "replaced" | "updated" | "unchanged";

export interface WriteResult {
  path: string;
  outcome: WriteOutcome;
  /** The file's mode after the write. */
  mode: number;
}

/**
 * The shared part of every profile edit: checked names and values, a careful rewrite, and a new
 * section at the end when the profile has none; `onExisting` decides what happens to one that exists.
 */
function editProfile(
  path: string,
  kind: AwsFileKind,
  profile: string,
  values: Record<string, string>,
  onExisting: (text: string, section: IniSection) => { text: string; outcome: WriteOutcome },
): Promise<WriteResult> {
  checkProfileName(profile);
  checkValues(values);
  // Keys live in the credentials file: whatever goes there is treated as a secret.
  return rewrite(path, kind === "credentials", (text) => {
    const found = findSections(parseIni(text), kind, profile);
    if (found.length > 1) throw duplicateError(path, profile);
    const section = found[0];
    if (!section) return { text: appendSection(text, sectionName(kind, profile), values), outcome: text ? "added" : "created" };
    return onExisting(text, section);
  });
}

/**
 * Adds `[profile]` with `values` (e.g. aws_access_key_id, aws_secret_access_key) to a credentials
 * (or config) file. An existing section of that name is an error unless `replace` is set, in
 * which case only that section's lines are rewritten.
 */
export async function addProfile(
  path: string,
  kind: AwsFileKind,
  profile: string,
  values: Record<string, string>,
  options: { replace?: boolean } = {},
): Promise<WriteResult> {
  return editProfile(path, kind, profile, values, (text, section) => {
    if (!options.replace) throw new ProfileExistsError(path, profile);
    const eol = eolOf(text);
    const body = renderSection(section.name, values, eol);
    // The last line of a file may lack its newline: keep it that way only if nothing follows.
    const tail = text.slice(section.end);
    const replaced = text.slice(0, section.start) + (section.end === text.length && !text.endsWith("\n") ? body.slice(0, -eol.length) : body) + tail;
    return { text: replaced, outcome: "replaced" };
  });
}

/**
 * Sets keys (e.g. `region`) in one profile's section, creating the section at the end when
 * absent. Other keys of that section, and everything else in the file, stay as they are.
 */
export async function setProfileValues(
  path: string,
  kind: AwsFileKind,
  profile: string,
  values: Record<string, string>,
): Promise<WriteResult> {
  return editProfile(path, kind, profile, values, (text, section) => {
    const eol = eolOf(text);
    // Edits from the end of the text backwards, so earlier offsets stay valid.
    const edits: { at: number; to: number; insert: string }[] = [];
    const missing: string[] = [];
    for (const [k, v] of Object.entries(values)) {
      const line = section.keys.get(k);
      if (line && line.value === v) continue;
      if (line) edits.push({ at: line.lineStart, to: line.lineEnd, insert: `${k} = ${v}` });
      else missing.push(`${k} = ${v}`);
    }
    if (missing.length) {
      const needsEol = section.end > 0 && text[section.end - 1] !== "\n";
      edits.push({ at: section.end, to: section.end, insert: (needsEol ? eol : "") + missing.map((l) => l + eol).join("") });
    }
    if (edits.length === 0) return { text, outcome: "unchanged" };
    let out = text;
    for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.insert + out.slice(e.to);
    return { text: out, outcome: "updated" };
  });
}

/** chmod 0600 a file that others can read (only when the user asked). Returns the previous mode. */
export async function tightenMode(path: string): Promise<number> {
  const st = await inspectAwsFile(path);
  if (!st.exists) throw new UserError(`${path} does not exist.`);
  if (st.isSymlink) throw symlinkError(path);
  try {
    await chmod(path, 0o600);
  } catch (err) {
    throw fileError(path, "change the permissions of", err);
  }
  return st.mode!;
}

function duplicateError(path: string, profile: string): UserError {
  return new UserError(`Profile "${profile}" appears more than once in ${path}; fix the file by hand (keep one section) and run setup again.`);
}

function symlinkError(path: string): UserError {
  return new UserError(
    `Refusing to write ${path}: it is a symbolic link. Edit the file it points to yourself, or point AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE at the real file.`,
  );
}

/**
 * Read-modify-write with the safety rules of this module (writeProblem; `secret` for the
 * credentials file). `change` gets the current text ("" when the file does not exist) and returns
 * the new text; nothing is written when it throws or when the text is unchanged.
 */
async function rewrite(path: string, secret: boolean, change: (text: string) => { text: string; outcome: WriteOutcome }): Promise<WriteResult> {
  const problem = await writeProblem(path, { secret });
  if (problem) throw new UserError(problem.message);
  const before = await inspectAwsFile(path);
  const original = before.exists ? await readAwsFile(path) : "";
  const { text, outcome } = change(original);
  const mode = before.mode ?? 0o600;
  if (outcome === "unchanged" || text === original) return { path, outcome: "unchanged", mode };

  const dir = dirname(path);
  if (!before.exists) {
    try {
      // A new ~/.aws is private; an existing directory is left as the user has it.
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw fileError(dir, "create the directory", err);
    }
  }
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let handle;
  try {
    handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (err) {
    throw fileError(dir, "write a file in", err);
  }
  try {
    try {
      await handle.writeFile(Buffer.from(text, "latin1"));
      await handle.sync();
    } finally {
      await handle.close();
    }
    // open()'s mode is filtered by the umask: set the intended mode explicitly.
    await chmod(temp, mode);
    // Someone (an editor, `aws configure`) may have written the file meanwhile: never clobber that.
    const now = await inspectAwsFile(path);
    if (now.isSymlink) throw symlinkError(path);
    if (now.exists !== before.exists || (now.exists && (await readAwsFile(path)) !== original))
      throw new UserError(`${path} changed while setup was writing it; nothing was written. Run setup again.`);
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    if (err instanceof UserError) throw err;
    throw fileError(path, "write", err);
  }
  return { path, outcome, mode };
}
