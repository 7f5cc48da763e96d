// The launcher gives V8 --optimize-for-size from the start, through its shebang (see the
// comment in bin/ec2-workshop.js for why there), and nothing sets V8 flags after start-up. It
// keeps Node's compile cache in the user's cache folder, and maps --debug stack traces to src/.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "chai";
import { PACKAGE_ROOT } from "../../src/home.js";
import { priceCacheFile } from "../../src/preflight/price-cache.js";
import { BIN, LAUNCHER_NODE_ARGS, isolatedEnv, runBin, shebangNodeArgs } from "../helpers/cli.js";

describe("the launcher's start-up flags", () => {
  it("reads the Node.js flags of a launcher's first line", () => {
    expect(shebangNodeArgs("#!/usr/bin/env node\nrest")).to.deep.equal([]);
    expect(shebangNodeArgs("#!/usr/bin/env -S node --a --b=1\n")).to.deep.equal(["--a", "--b=1"]);
    expect(() => shebangNodeArgs("#!/bin/sh\n")).to.throw(/not a node launcher/);
  });

  it("bin/ec2-workshop.js passes --optimize-for-size on its shebang line", () => {
    expect(LAUNCHER_NODE_ARGS).to.deep.equal(["--optimize-for-size"]);
  });

  it("run as an installed command (the kernel reads the shebang), V8 has the flag from the start", function () {
    const env = spawnSync("/usr/bin/env", ["-S", "true"]);
    if (env.status !== 0) {
      console.log("      (skipped: this machine's /usr/bin/env has no -S, e.g. BusyBox; README says what to do there)");
      this.skip();
    }
    // A preload reports the process's own flags; --version needs nothing else.
    const report = "data:text/javascript,process.on('exit',()=>process.stderr.write(JSON.stringify(process.execArgv)))";
    const r = spawnSync(BIN, ["--version"], {
      encoding: "utf8",
      env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`, NODE_OPTIONS: `--import=${report}` },
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stderr) as string[]).to.include("--optimize-for-size");
  });

  it("nothing in src/ sets V8 flags after start-up (v8.setFlagsFromString)", () => {
    const files = readdirSync(join(PACKAGE_ROOT, "src"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith(".ts"));
    const setting = files.filter((e) => readFileSync(join(e.parentPath, e.name), "utf8").includes("setFlagsFromString"));
    expect(setting.map((e) => e.name)).to.deep.equal([]);
  });
});

describe("the launcher's compile cache", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "ec2ws-compile-cache-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  // A preload reports, as the process ends, where Node keeps its compile cache (or "none").
  const REPORT = `data:text/javascript,${encodeURIComponent(
    "import m from 'node:module'; process.on('exit', () => process.stderr.write('cache:' + (m.getCompileCacheDir() ?? 'none')));",
  )}`;
  async function versionRun(env: Record<string, string | undefined>): Promise<{ stdout: string; stderr: string; code: number; cache: string }> {
    const r = await runBin(["--version"], { env: isolatedEnv(env), nodeArgs: ["--import", REPORT] });
    // Node names a folder per Node.js version inside the one it is given.
    const reported = /cache:(.*)$/.exec(r.stderr)?.[1] ?? "(no report)";
    const cache = reported.startsWith("/") ? dirname(reported) : reported;
    return { ...r, stderr: r.stderr.replace(/cache:.*$/, ""), cache };
  }
  const filesUnder = (d: string): string[] =>
    readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);

  it("keeps it in the user's cache folder, as the price cache ($XDG_CACHE_HOME/ec2-workshop), never in the package folder", async () => {
    const xdg = join(dir, "xdg");
    const r = await versionRun({ XDG_CACHE_HOME: xdg });
    expect(r.code).to.equal(0);
    expect(r.cache).to.equal(join(xdg, "ec2-workshop", "compile-cache"));
    expect(r.cache).to.equal(join(dirname(priceCacheFile({ XDG_CACHE_HOME: xdg })!), "compile-cache"));
    expect(r.cache.startsWith(PACKAGE_ROOT)).to.equal(false);
    expect(filesUnder(r.cache).length, "Node wrote compiled code there").to.be.greaterThan(0);
  });

  it("else ~/.cache/ec2-workshop; without a home folder, none (no shared folder such as Node's default in /tmp)", async () => {
    const home = join(dir, "home");
    expect((await versionRun({ XDG_CACHE_HOME: undefined, HOME: home })).cache).to.equal(join(home, ".cache", "ec2-workshop", "compile-cache"));
    expect((await versionRun({ XDG_CACHE_HOME: "relative/cache", HOME: home })).cache).to.equal(join(home, ".cache", "ec2-workshop", "compile-cache"));
    expect((await versionRun({ XDG_CACHE_HOME: undefined, HOME: "" })).cache).to.equal("none");
  });

  it("an unusable cache folder (read-only, or not a folder) changes nothing: same output, nothing printed", async () => {
    const plain = await versionRun({ XDG_CACHE_HOME: join(dir, "ok") });
    const notAFolder = join(dir, "a-file");
    writeFileSync(notAFolder, "");
    const r = await versionRun({ XDG_CACHE_HOME: notAFolder });
    expect(r.cache).to.equal("none");
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal(plain.stdout);
    expect(r.stderr).to.equal("");
  });

  it("NODE_COMPILE_CACHE still chooses the folder, and NODE_DISABLE_COMPILE_CACHE=1 turns it off", async () => {
    const chosen = join(dir, "chosen");
    expect((await versionRun({ XDG_CACHE_HOME: join(dir, "xdg2"), NODE_COMPILE_CACHE: chosen })).cache).to.equal(chosen);
    expect((await versionRun({ XDG_CACHE_HOME: join(dir, "xdg3"), NODE_DISABLE_COMPILE_CACHE: "1" })).cache).to.equal("none");
  });
});

describe("--debug stack traces", () => {
  let home: string;
  before(() => (home = mkdtempSync(join(tmpdir(), "ec2ws-debug-"))));
  after(() => rmSync(home, { recursive: true, force: true }));

  it("name the TypeScript sources (the bundle's source maps), and only --debug or DEBUG=ec2-workshop prints them", async () => {
    const run = (args: string[], env: Record<string, string> = {}) =>
      runBin(["instances", "list", "--workshop", "nope", ...args], { env: isolatedEnv({ EC2_WORKSHOP_HOME: home, ...env }) });
    const quiet = await run([]);
    expect(quiet.code).to.be.greaterThan(0);
    expect(quiet.stderr.trimEnd().split("\n")).to.have.length(1);
    for (const r of [await run(["--debug"]), await run([], { DEBUG: "ec2-workshop" })]) {
      expect(r.code).to.equal(quiet.code);
      expect(r.stderr).to.match(/^ {4}at .*[/\\]src[/\\][\w/\\-]+\.ts:\d+:\d+\)?$/m);
      expect(r.stderr).to.not.match(/dist[/\\]cli[/\\]/);
    }
  });
});

describe("which build the launcher runs", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ec2ws-launcher-"));
    mkdirSync(join(dir, "bin"));
    copyFileSync(BIN, join(dir, "bin", "ec2-workshop.js"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in build at dist/<name>/entry.js that says which one ran, written `ageS` seconds ago. */
  function fakeBuild(name: "cli" | "src", ageS: number): void {
    mkdirSync(join(dir, "dist", name), { recursive: true });
    const file = join(dir, "dist", name, "entry.js");
    writeFileSync(file, `export async function main() { process.stdout.write(${JSON.stringify(name)}); return 0; }\n`);
    const at = new Date(Date.now() - ageS * 1000);
    utimesSync(file, at, at);
  }
  const ran = (): string => {
    const r = spawnSync(process.execPath, [join(dir, "bin", "ec2-workshop.js")], { encoding: "utf8", env: isolatedEnv() });
    expect(r.status, r.stderr).to.equal(0);
    return r.stdout;
  };

  it("the bundle (dist/cli) when it is at least as new as tsc's output", () => {
    fakeBuild("src", 20);
    fakeBuild("cli", 10);
    expect(ran()).to.equal("cli");
  });

  it("tsc's output (dist/src) when the bundle is missing", () => {
    fakeBuild("src", 10);
    expect(ran()).to.equal("src");
  });

  it("in a checkout (src/ beside dist/), tsc's output when a bare tsc made it newer than the bundle", () => {
    fakeBuild("cli", 20);
    fakeBuild("src", 10);
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "entry.ts"), "");
    expect(ran()).to.equal("src");
  });

  it("installed (no src/; npm unpacks without file times), the bundle even when it was unpacked first", () => {
    fakeBuild("cli", 20);
    fakeBuild("src", 10);
    expect(ran()).to.equal("cli");
  });

  it("without the bundle, the real tsc output runs the tool", () => {
    mkdirSync(join(dir, "dist"));
    symlinkSync(join(PACKAGE_ROOT, "dist", "src"), join(dir, "dist", "src"));
    const r = spawnSync(process.execPath, [join(dir, "bin", "ec2-workshop.js"), "--version"], { encoding: "utf8", env: isolatedEnv() });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal((JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version);
  });
});
