// The command to type: every next step, clean-up and hint the tool prints is a command line the
// user can paste where they are. `ec2-workshop` is on PATH only after a global install; in a
// project folder it is `npx ec2-workshop`; run as `node path/to/bin/ec2-workshop.js`, that.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join, relative, sep } from "node:path";
import { PACKAGE_ROOT } from "./home.js";

export const BIN_NAME = "ec2-workshop";

/** What decides how the tool was started (all of it injectable, for tests). */
export interface InvocationFacts {
  /** The script Node ran (process.argv[1]). */
  script: string | undefined;
  cwd: string;
  env: Record<string, string | undefined>;
  /** The running Node binary (process.execPath). */
  execPath: string;
  /** The package's own bin script. */
  ourBin: string;
  /** The real path of a file, or undefined when it does not exist. */
  realpath(path: string): string | undefined;
  /** The "name" in dir/package.json, if there is one. */
  packageName(dir: string): string | undefined;
}

const PACKAGE_NAME = "ec2-workshop-manager";

function findOnPath(name: string, f: InvocationFacts, skip: (dir: string) => boolean = () => false): string | undefined {
  for (const dir of (f.env.PATH ?? "").split(delimiter)) {
    if (!dir || !isAbsolute(dir) || skip(dir)) continue;
    const hit = f.realpath(join(dir, name));
    if (hit) return hit;
  }
  return undefined;
}

function ancestors(dir: string): string[] {
  const out = [dir];
  for (let d = dir, up = dirname(d); up !== d; d = up, up = dirname(d)) out.push(up);
  return out;
}

function quoteArg(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The words that start this tool, as the user can type them here: `ec2-workshop`, `npx ec2-workshop`, or `node …/ec2-workshop.js`. */
export function invocationPrefix(f: InvocationFacts): string {
  const bin = f.realpath(f.ourBin);
  // Not started through our bin (a test runner, another program using the modules): the plain name.
  if (!bin || !f.script || f.realpath(f.script) !== bin) return BIN_NAME;
  // On PATH, as after a global install. When npm runs us (npx, npm run), it put its own
  // node_modules/.bin folders on PATH: those are not on the user's.
  const underNpm = f.env.npm_command !== undefined || f.env.npm_lifecycle_event !== undefined;
  const skipNpmBins = (dir: string): boolean => underNpm && dir.split(sep).slice(-2).join("/") === "node_modules/.bin";
  if (findOnPath(BIN_NAME, f, skipNpmBins) === bin) return BIN_NAME;
  // What `npx ec2-workshop` would find from here: a node_modules/.bin link in this folder or
  // above, or this package itself as the project (a checkout).
  for (const dir of ancestors(f.cwd)) {
    if (f.realpath(join(dir, "node_modules", ".bin", BIN_NAME)) === bin) return `npx ${BIN_NAME}`;
  }
  const project = ancestors(f.cwd).find((d) => f.packageName(d) !== undefined);
  if (project && f.packageName(project) === PACKAGE_NAME && f.realpath(join(project, "bin", `${BIN_NAME}.js`)) === bin)
    return `npx ${BIN_NAME}`;
  // As invoked: node and the script, the script relative to here when it is below.
  const rel = relative(f.cwd, f.script);
  const script = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : f.script;
  const node = findOnPath("node", f) === f.realpath(f.execPath) ? "node" : f.execPath;
  return `${quoteArg(node)} ${quoteArg(script)}`;
}

function processFacts(): InvocationFacts {
  return {
    script: process.argv[1],
    cwd: process.cwd(),
    env: process.env,
    execPath: process.execPath,
    ourBin: join(PACKAGE_ROOT, "bin", `${BIN_NAME}.js`),
    realpath: (p) => {
      try {
        return existsSync(p) ? realpathSync(p) : undefined;
      } catch {
        return undefined;
      }
    },
    packageName: (dir) => {
      try {
        return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string }).name ?? "";
      } catch {
        return undefined;
      }
    },
  };
}

let prefix: string | undefined;

/** `commandToType("instances list --workshop hb")`: the full command line to print for the user. */
export function commandToType(args: string): string {
  prefix ??= invocationPrefix(processFacts());
  return args ? `${prefix} ${args}` : prefix;
}
