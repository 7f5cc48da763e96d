// Runs the real binary (bin/ec2-workshop.js) as a child process, the way a user does.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/home.js";
import { ensureFreshBundle } from "./bundle.js";

export const BIN = join(PACKAGE_ROOT, "bin", "ec2-workshop.js");
ensureFreshBundle();

/** The Node.js flags in a launcher's `#!/usr/bin/env -S node <flags>` line (none for a plain `node`). */
export function shebangNodeArgs(source: string): string[] {
  const m = /^#!\/usr\/bin\/env(?: -S)? node((?: +-\S+)*) *$/.exec(source.split("\n", 1)[0] ?? "");
  if (!m) throw new Error(`not a node launcher's first line: ${source.split("\n", 1)[0]}`);
  return m[1]!.trim().split(/ +/).filter(Boolean);
}

/** What the installed command runs (its shebang's flags, then the launcher): tests run it the same way. */
export const LAUNCHER_NODE_ARGS = shebangNodeArgs(readFileSync(BIN, "utf8"));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunBinOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  nodeArgs?: string[];
  cwd?: string;
  /** Called once the process has started (e.g. to send signals). */
  onSpawn?: (child: import("node:child_process").ChildProcess) => void;
  /** Its own process group, as a shell gives a foreground job: `process.kill(-pid, "SIGINT")` is then Ctrl-C. */
  detached?: boolean;
}

/**
 * The cache directory child processes get (prices, in $XDG_CACHE_HOME/ec2-workshop): one per
 * test process, never the user's own.
 */
export const TEST_CACHE_HOME = join(tmpdir(), `ec2ws-test-cache-${process.pid}`);
process.on("exit", () => rmSync(TEST_CACHE_HOME, { recursive: true, force: true }));

/** A clean environment: no real AWS credentials or profiles can leak into a test. */
export function isolatedEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const base: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: process.env.TZ,
    LANG: "C.UTF-8",
    NO_COLOR: "1",
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    XDG_CACHE_HOME: TEST_CACHE_HOME,
    ...extra,
  };
  return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
}

export function runBin(args: string[], options: RunBinOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...LAUNCHER_NODE_ARGS, ...(options.nodeArgs ?? []), BIN, ...args], {
      env: options.env ?? isolatedEnv(),
      cwd: options.cwd ?? PACKAGE_ROOT,
      stdio: ["pipe", "pipe", "pipe"],
      detached: options.detached ?? false,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    options.onSpawn?.(child);
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}
