// Runs the real binary in a real pseudo-terminal (util-linux `script`), so interactive prompts
// are driven exactly as a person drives them. Waits are bounded and on expected output, never
// fixed sleeps.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { BIN, LAUNCHER_NODE_ARGS } from "./cli.js";

/** Is `script` (util-linux) available? Tests that need a terminal skip without it. */
export function hasScript(): boolean {
  return spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
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
}

export class PtySession {
  private raw = "";
  private cursor = 0;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number>;
  private listeners = new Set<() => void>();

  constructor(args: string[], o: PtyOptions) {
    const cmd = `stty cols ${o.cols ?? 160} rows ${o.rows ?? 50}; exec ${quote(process.execPath)} ${[...LAUNCHER_NODE_ARGS, BIN, ...args].map(quote).join(" ")}`;
    this.child = spawn("script", ["-qfec", cmd, "/dev/null"], { env: o.env, stdio: ["pipe", "pipe", "pipe"] });
    const onData = (d: Buffer): void => {
      this.raw += d.toString("utf8");
      for (const l of this.listeners) l();
    };
    this.child.stdout!.on("data", onData);
    this.child.stderr!.on("data", onData);
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code ?? 1)));
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

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}
