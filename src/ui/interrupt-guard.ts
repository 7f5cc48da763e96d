// Ctrl-C during a launch and its wait. At a terminal the first Ctrl-C asks "Stop waiting?": the
// live view pauses (nothing prints under the question; lines are held and shown after), the run
// ends only with one of the two answers, and Ctrl-C at the question stops at once (the question
// then says so, never showing "Keep waiting"). Without a terminal, and for SIGTERM, the run stops
// at once. The process-wide handling (exit codes, the forced exit) is src/interrupts.ts.
import type { Readable, Writable } from "node:stream";
import type { RunControl, StopSignal } from "../interrupts.js";

export type StopAnswer = "stop" | "keep" | "cancelled" | "aborted";

export interface StopQuestionOptions {
  input: Readable;
  output: Writable;
  /** Closes the question from outside (the run was stopped by SIGTERM). */
  signal: AbortSignal;
  /** How the question reads once it was closed from outside. */
  closedLabel: () => string;
}

export const STOP_QUESTION = "Stop waiting? The instances keep running (tagged with this batch); Ctrl-C again stops at once.";

/** The "Stop waiting?" question, drawn in the prompts' frame, with an honest closed state. */
export async function askStopWaiting(o: StopQuestionOptions): Promise<StopAnswer> {
  const core = await import("@clack/core");
  const p = await import("@clack/prompts");
  const { styleText } = await import("node:util");
  const active = "Stop waiting";
  const inactive = "Keep waiting";
  const prompt = new core.ConfirmPrompt({
    active,
    inactive,
    initialValue: false,
    input: o.input,
    output: o.output,
    render() {
      const head = `${styleText("gray", p.S_BAR)}\n${core.wrapTextWithPrefix(o.output, STOP_QUESTION, `${styleText("gray", p.S_BAR)}  `, `${p.symbol(this.state)}  `)}\n`;
      const bar = `${styleText("gray", p.S_BAR)}  `;
      switch (this.state) {
        case "submit":
          return `${head}${bar}${styleText("dim", this.value ? active : inactive)}`;
        case "cancel":
          return `${head}${bar}${o.signal.aborted ? o.closedLabel() : "Stopping now (Ctrl-C)"}\n${styleText("gray", p.S_BAR)}`;
        default: {
          const choice = (on: boolean, label: string): string =>
            on ? `${styleText("green", p.S_RADIO_ACTIVE)} ${label}` : `${styleText("dim", p.S_RADIO_INACTIVE)} ${styleText("dim", label)}`;
          return `${head}${styleText("cyan", p.S_BAR)}  ${choice(this.value === true, active)} ${styleText("dim", "/")} ${choice(this.value !== true, inactive)}\n${styleText("cyan", p.S_BAR_END)}\n`;
        }
      }
    },
  });
  // Closed from outside: the prompt is cancelled as a Ctrl-C would cancel it, so that it draws
  // its closed state (the prompt library's own abort closes it without a last drawing).
  const close = (): void => void o.input.emit("keypress", "\x03", { name: "c", ctrl: true, sequence: "\x03" });
  if (o.signal.aborted) return "aborted";
  o.signal.addEventListener("abort", close, { once: true });
  const answer = await prompt.prompt().finally(() => o.signal.removeEventListener("abort", close));
  if (core.isCancel(answer)) return o.signal.aborted ? "aborted" : "cancelled";
  return answer === true ? "stop" : "keep";
}

/** What the guard needs of the live view. */
export interface PausableView {
  pause(): void;
  resume(): void;
}

export interface InterruptGuardOptions {
  control: RunControl;
  /** A person at a terminal: the first Ctrl-C asks. */
  interactive: boolean;
  view: PausableView;
  /** Asks the question (askStopWaiting, or a test's stand-in). */
  ask: (signal: AbortSignal) => Promise<StopAnswer>;
}

export interface InterruptGuard {
  /** Waits until no question is open: the run's outcome is one of its answers. */
  settled(): Promise<void>;
  stoppedBy(): StopSignal | undefined;
  dispose(): void;
}

export function guardInterrupts(o: InterruptGuardOptions): InterruptGuard {
  let open: { closer: AbortController; answered: Promise<void> } | undefined;
  const ask = (): void => {
    // Ctrl-C at the question is a key press the question handles; a SIGINT sent while it is
    // open (`kill -INT`) is the second Ctrl-C.
    if (open) return o.control.stop("SIGINT");
    const closer = new AbortController();
    o.view.pause();
    const answered = o.ask(closer.signal).then(
      (answer) => {
        open = undefined;
        if (answer === "keep") o.view.resume();
        else if (answer === "stop" || answer === "cancelled") o.control.stop("SIGINT");
      },
      () => {
        open = undefined;
        o.control.stop("SIGINT");
      },
    );
    open = { closer, answered };
  };
  const releaseInterrupt = o.interactive ? o.control.takeFirstInterrupt(ask) : () => undefined;
  // SIGTERM (or a forced stop) while asking: close the question, saying why.
  const releaseStop = o.control.onStop(() => open?.closer.abort());
  return {
    settled: async () => {
      while (open) await open.answered;
    },
    stoppedBy: () => o.control.stoppedBy,
    dispose: () => {
      releaseInterrupt();
      releaseStop();
      open?.closer.abort();
    },
  };
}
