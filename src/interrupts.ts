// Ctrl-C, SIGTERM and SIGHUP, in one place for the whole process. A signal stops the running
// command through its abort signal (every AWS call and wait takes it), and the command ends by
// its own path: the recovery message, then exit 130 (SIGINT) or 143 (SIGTERM; SIGHUP, a closed
// terminal, is treated the same). Whatever hangs, the process exits after a short grace period,
// saying the command's last words (its recovery message) if it could not say them itself. A
// second signal exits at once.

export type StopSignal = "SIGINT" | "SIGTERM";

/** The exit code of a run stopped by a signal: 128 + the signal's number, as shells report it. */
export const EXIT_ON_SIGNAL: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** How long a stopped command may take to finish (its report, its recovery message) before the process exits anyway. */
export const STOP_GRACE_MS = 1_500;

/** The abort reason of a stopped run. */
export class StoppedError extends Error {
  constructor(readonly by: StopSignal) {
    super(by === "SIGINT" ? "Stopped by Ctrl-C." : "Stopped by SIGTERM.");
    this.name = "AbortError";
  }
}

/**
 * The running command's stop switch. Signals come in through `interrupt` (from the process, or
 * from a test); the command watches `signal`, may take the first Ctrl-C itself (to ask whether
 * to stop), and leaves last words for a forced exit.
 */
export class RunControl {
  private readonly controller = new AbortController();
  private firstInterrupt: (() => void) | undefined;
  private readonly lastWords = new Set<() => void>();
  private readonly stopListeners = new Set<() => void>();
  private by: StopSignal | undefined;
  private holder: ((sig: StopSignal) => void) | undefined;
  /** The command changes nothing (lists, shows): a Ctrl-C or a closed stdout may end it at once. */
  readOnly = true;
  /** How long a stopped command may take before the process exits anyway. */
  graceMs = STOP_GRACE_MS;

  /** Aborted when the run is stopped; its reason is a StoppedError. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stoppedBy(): StopSignal | undefined {
    return this.by;
  }

  /** 130 or 143 once stopped. */
  get exitCode(): number | undefined {
    return this.by ? EXIT_ON_SIGNAL[this.by] : undefined;
  }

  /** A signal arrived. The first Ctrl-C goes to the command's own handler when it has one. */
  interrupt(sig: StopSignal): void {
    if (this.by) return;
    const handler = sig === "SIGINT" ? this.firstInterrupt : undefined;
    if (handler) handler();
    else this.stop(sig);
  }

  /** Stops the run (once): aborts `signal`. */
  stop(sig: StopSignal): void {
    if (this.by) return;
    this.by = sig;
    this.controller.abort(new StoppedError(sig));
    for (const l of this.stopListeners) l();
  }

  onStop(listener: () => void): () => void {
    this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  /** While set, a Ctrl-C goes to `handler` instead of stopping the run (e.g. to ask "Stop waiting?"). */
  takeFirstInterrupt(handler: () => void): () => void {
    this.firstInterrupt = handler;
    return () => {
      if (this.firstInterrupt === handler) this.firstInterrupt = undefined;
    };
  }

  /**
   * While set, every signal goes to `handler` alone: the run is not stopped and the process not
   * ended, however many come. For work that must end by itself to stay consistent (a Pulumi
   * update cancelling gracefully, which can take a minute).
   */
  holdSignals(handler: (sig: StopSignal) => void): () => void {
    this.holder = handler;
    return () => {
      if (this.holder === handler) this.holder = undefined;
    };
  }

  /** The handler holding the signals, if one does. */
  get signalHolder(): ((sig: StopSignal) => void) | undefined {
    return this.holder;
  }

  /** Something to print if the process has to exit before the command could finish (a recovery message). */
  addLastWords(say: () => void): () => void {
    this.lastWords.add(say);
    return () => this.lastWords.delete(say);
  }

  /** Says (once) every last word still registered; false when there were none. */
  sayLastWords(): boolean {
    const words = [...this.lastWords];
    this.lastWords.clear();
    for (const say of words) {
      try {
        say();
      } catch {
        // Exiting anyway: a failed message must not keep the process alive.
      }
    }
    return words.length > 0;
  }
}

type TtyIn = { isTTY?: boolean; isRaw?: boolean; setRawMode?: (raw: boolean) => void };

export interface ProcessSignalOptions {
  /** Where the signals come from (the process; a test passes an emitter). */
  signals?: Pick<NodeJS.EventEmitter, "on" | "off">;
  stdin?: NodeJS.ReadStream | TtyIn;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WritableStream;
  /** Ends the process; process.exit unless a test says otherwise. */
  exit?: (code: number) => void;
}

/**
 * Wires SIGINT, SIGTERM and SIGHUP to `control` for the life of one command. Returns the
 * function that unwires them.
 */
export function bindProcessSignals(control: RunControl, o: ProcessSignalOptions = {}): () => void {
  const exit = o.exit ?? ((code: number) => process.exit(code));
  let timer: NodeJS.Timeout | undefined;
  const forceExit = (): void => {
    // A command that changes things says it was cut short: its own recovery message, or at
    // least why it ended. A read-only one just ends.
    if (!control.sayLastWords() && !control.readOnly && control.signal.aborted) {
      try {
        (o.stderr ?? process.stderr).write(`${(control.signal.reason as Error).message}\n`);
      } catch {
        // Exiting anyway.
      }
    }
    // A prompt may have left the terminal in raw mode and the cursor hidden.
    const stdin = (o.stdin ?? process.stdin) as TtyIn;
    if (stdin.isTTY && stdin.isRaw) stdin.setRawMode?.(false);
    const stdout = o.stdout ?? process.stdout;
    if (stdout.isTTY) stdout.write("\u001b[?25h");
    exit(control.exitCode ?? EXIT_ON_SIGNAL.SIGINT);
  };
  const startGrace = (): void => {
    if (timer) return;
    if (control.graceMs <= 0) return forceExit();
    // Unref'd: a command that finishes in time exits by itself; one that hangs is ended here.
    timer = setTimeout(forceExit, control.graceMs);
    timer.unref();
  };
  const on = (sig: StopSignal) => (): void => {
    const holder = control.signalHolder;
    if (holder) return holder(sig);
    if (control.stoppedBy) return forceExit(); // a second signal: at once
    control.interrupt(sig);
  };
  const onInt = on("SIGINT");
  const onTerm = on("SIGTERM");
  const stopWatch = control.onStop(startGrace);
  const signals = o.signals ?? process;
  signals.on("SIGINT", onInt);
  signals.on("SIGTERM", onTerm);
  // A closed terminal: the person is gone, so nobody can answer a question; like SIGTERM.
  signals.on("SIGHUP", onTerm);
  return () => {
    stopWatch();
    signals.off("SIGINT", onInt);
    signals.off("SIGTERM", onTerm);
    signals.off("SIGHUP", onTerm);
  };
}
