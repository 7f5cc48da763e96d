#!/usr/bin/env -S node --optimize-for-size
// Thin launcher: the CLI is bundled into dist/cli (built by `npm ci` through "prepare"; see
// scripts/bundle.mjs), with tsc's dist/src as the fallback (entryModule below). Written so that any Node.js can parse it: an older one gets one line saying
// what to install, instead of a syntax error or a stack trace from deep inside a dependency.
//
// --optimize-for-size: every command waits on the network far more than it computes, while
// holding the SDK's EC2 model and pages of up to 1,000 instances; V8 favouring memory over speed
// takes the peak of `instances create` at N = 1,000 from about 270 MB to about 145 MB (npm run
// bench). V8 applies it only when given at start: NODE_OPTIONS refuses it (only a few V8 flags
// are allowed there), v8.setFlagsFromString after start-up is documented as unpredictable, and a
// re-exec would pay a second Node.js start on every command. So the shebang passes it: `env -S`
// splits the line (GNU coreutils 8.30+, macOS and the BSDs), and npm's Windows shims read the same
// line. BusyBox's env (Alpine) has no -S: install GNU coreutils there, or run
// `node --optimize-for-size "$(command -v ec2-workshop)"`. Run as `node bin/ec2-workshop.js`, it
// simply runs without the flag.
import module from "node:module";
import { isAbsolute, join } from "node:path";

const MINIMUM_NODE_MAJOR = 22; // package.json "engines"; test/unit/node-guard.test.ts keeps the two equal
const major = Number(process.versions.node.split(".")[0]);
if (major < MINIMUM_NODE_MAJOR) {
  process.stderr.write(
    `ec2-workshop needs Node.js ${MINIMUM_NODE_MAJOR} or later; this is Node.js ${process.versions.node}. Install a current LTS from https://nodejs.org and run it again.\n`,
  );
  process.exit(1);
}

/**
 * Node's compile cache keeps V8's compiled code of the bundle between runs: about a tenth less
 * start-up CPU for a command that loads the AWS SDK. It lives in the user's own cache folder
 * ($XDG_CACHE_HOME/ec2-workshop, else ~/.cache/ec2-workshop, as the price cache:
 * src/preflight/price-cache.ts), never in the package folder, which a global install may not let
 * us write; and not in Node's default, one folder in /tmp for every user, where another user's
 * files would be trusted as code. NODE_COMPILE_CACHE still wins, NODE_DISABLE_COMPILE_CACHE=1
 * turns it off. Node never throws or prints here: an unusable folder only means no cache.
 */
function compileCacheDir(env) {
  const xdg = (env.XDG_CACHE_HOME || "").trim();
  if (xdg && isAbsolute(xdg)) return join(xdg, "ec2-workshop", "compile-cache");
  const home = (env.HOME || "").trim() || (env.USERPROFILE || "").trim();
  if (home && isAbsolute(home)) return join(home, ".cache", "ec2-workshop", "compile-cache");
  return undefined;
}
const cacheDir = compileCacheDir(process.env);
if (cacheDir && module.enableCompileCache) module.enableCompileCache(cacheDir);

// Stack traces (--debug, DEBUG=ec2-workshop) name the TypeScript sources: Node reads the bundle's
// source maps, but only then, since reading them costs start-up time.
if (process.argv.includes("--debug") || /\bec2-workshop\b|^\*$/.test(process.env.DEBUG || "")) {
  if (module.setSourceMapsSupport) module.setSourceMapsSupport(true);
  else process.setSourceMapsEnabled(true); // Node 22 before 22.14
}

/**
 * The bundle (dist/cli), unless it cannot be the build of record: missing (a build that stopped
 * after tsc), or, in a checkout (src/ beside dist/), older than tsc's output after a bare `tsc`.
 * Then tsc's output (dist/src) runs: the same code, only slower to start. An installed package
 * has no src/, and its files' times are those of unpacking (npm sets none), so there it is always
 * the bundle when present.
 */
function entryModule() {
  const fs = process.getBuiltinModule?.("node:fs") ?? module.createRequire(import.meta.url)("node:fs"); // Node 22 before 22.3
  const mtime = (path) => fs.statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
  const bundled = mtime("../dist/cli/entry.js");
  if (bundled === undefined) return "../dist/src/entry.js";
  if ((mtime("../dist/src/entry.js") ?? 0) > bundled && mtime("../src/entry.ts") !== undefined) return "../dist/src/entry.js";
  return "../dist/cli/entry.js";
}

const { main } = await import(entryModule());
process.exitCode = await main(process.argv.slice(2));
