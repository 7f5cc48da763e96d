// Runs the real binary in a real pseudo-terminal (util-linux `script`), so interactive prompts
// are driven exactly as a person drives them. Waits are bounded and on expected output, never
// fixed sleeps.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { BIN, LAUNCHER_NODE_ARGS } from "./cli.js";

/** Is `script` (util-linux) available? Tests that need a terminal skip without it. */
export function hasScript(): boolean {
  return spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
}

/** Skips the test (or the suite, from a before hook) with the reason, where no pseudo-terminal can be made. */
export function requirePty(ctx: Mocha.Context): void {
  if (hasScript()) return;
  console.log("      skipped: util-linux `script` is not installed, so there is no pseudo-terminal to drive");
  ctx.skip();
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[()][0-9A-B]|\u001b[=>]|\r/g;

/** Terminal output without escape sequences and carriage returns. */
export function plain(s: string): string {
  return s.replace(ANSI, "");
}

export interface PtyOptions {
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  /** What to run (default: node and the CLI's bin); `args` follow it. */
  program?: string[];
  /** Where to run it (default: this process's directory). */
  cwd?: string;
}

export class PtySession {
  private raw = "";
  private cursor = 0;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number>;
  private listeners = new Set<() => void>();

  constructor(args: string[], o: PtyOptions) {
    const program = o.program ?? [process.execPath, ...LAUNCHER_NODE_ARGS, BIN];
    const cmd = `stty cols ${o.cols ?? 160} rows ${o.rows ?? 50}; exec ${[...program, ...args].map(quote).join(" ")}`;
    this.child = spawn("script", ["-qfec", cmd, "/dev/null"], { env: o.env, cwd: o.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const onData = (d: Buffer): void => {
      this.raw += d.toString("utf8");
      for (const l of this.listeners) l();
    };
    this.child.stdout!.on("data", onData);
    this.child.stderr!.on("data", onData);
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code ?? 1)));
  }

  /** Everything shown so far, escape sequences included. */
  get rawOutput(): string {
    return this.raw;
  }

  /** Everything shown so far, escape sequences removed. */
  get output(): string {
    return plain(this.raw);
  }

  /** Output since the last successful wait. */
  get recent(): string {
    return this.output.slice(this.cursor);
  }

  /** Waits until output after the last match matches `pattern`; fails with the screen on timeout. */
  waitFor(pattern: RegExp | string, timeoutMs = 30_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const text = this.output;
        const tail = text.slice(this.cursor);
        const m = typeof pattern === "string" ? (tail.includes(pattern) ? { index: tail.indexOf(pattern), 0: pattern } : null) : pattern.exec(tail);
        if (!m) return false;
        const end = this.cursor + m.index! + m[0]!.length;
        const seen = text.slice(this.cursor, end);
        this.cursor = end;
        cleanup();
        resolve(seen);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${String(pattern)}; screen since last match:\n${this.recent}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (): void => void check();
      this.listeners.add(listener);
      check();
    });
  }

  /** Types a line (Enter included). */
  line(text: string): void {
    this.child.stdin!.write(`${text}\r`);
  }

  /** Sends raw keys, e.g. "\x03" (Ctrl-C) or "\x04" (Ctrl-D). */
  keys(text: string): void {
    this.child.stdin!.write(text);
  }

  /** Waits for the program to exit (bounded) and returns its exit code. */
  async exit(timeoutMs = 30_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the program did not exit; screen:\n${this.recent}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends a signal to the program itself (`script` runs it as its only child), e.g. a SIGTERM from another terminal. */
  signal(sig: NodeJS.Signals): void {
    const found = spawnSync("pgrep", ["-P", String(this.child.pid)], { encoding: "utf8" }).stdout.trim().split("\n")[0];
    if (!found) throw new Error(`the program under script (pid ${this.child.pid}) was not found`);
    process.kill(Number(found), sig);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}
