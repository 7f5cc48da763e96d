// Ctrl-C, SIGTERM and SIGHUP in one place (src/interrupts.ts), the "Stop waiting?" guard
// (src/ui/interrupt-guard.ts) and a closed stdout (src/output-guard.ts), driven without a
// process: signals come from an emitter, exits and questions are stand-ins.
import { expect } from "chai";
import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import { bindProcessSignals, EXIT_ON_SIGNAL, RunControl, StoppedError } from "../../src/interrupts.js";
import { guardProcessOutput } from "../../src/output-guard.js";
import { guardInterrupts, type StopAnswer } from "../../src/ui/interrupt-guard.js";

/** A write stream that remembers what it got, and can be made to refuse like a pipe whose reader left. */
class FakeOut extends Writable {
  text = "";
  isTTY = false;
  readerGone = false;
  override _write(chunk: Buffer, _e: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.readerGone) {
      const err = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
      done(err);
      return;
    }
    this.text += chunk.toString();
    done();
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("interrupts: the run's stop switch", () => {
  it("a signal aborts the run once, with its exit code; the first Ctrl-C can be taken by the command", () => {
    const c = new RunControl();
    let asked = 0;
    const release = c.takeFirstInterrupt(() => asked++);
    c.interrupt("SIGINT");
    expect(asked).to.equal(1);
    expect(c.signal.aborted).to.equal(false);
    c.interrupt("SIGTERM"); // SIGTERM is never asked about
    expect(c.stoppedBy).to.equal("SIGTERM");
    expect(c.exitCode).to.equal(143);
    expect(c.signal.reason).to.be.instanceOf(StoppedError);
    c.stop("SIGINT"); // a stopped run stays stopped by what stopped it
    expect(c.exitCode).to.equal(143);
    release();
    const d = new RunControl();
    d.interrupt("SIGINT");
    expect([d.stoppedBy, d.exitCode]).to.deep.equal(["SIGINT", EXIT_ON_SIGNAL.SIGINT]);
  });

  it("the process's signals: SIGHUP is SIGTERM; after the grace period the last words are said and the process exits; a second signal exits at once", async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const said: string[] = [];
    const c = new RunControl();
    c.graceMs = 20;
    c.addLastWords(() => said.push("batch abc: list it with …"));
    const release = bindProcessSignals(c, { signals, exit: (code) => exits.push(code), stdin: {}, stdout: new FakeOut() as never });
    signals.emit("SIGHUP");
    expect(c.stoppedBy).to.equal("SIGTERM");
    expect(exits).to.deep.equal([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(exits).to.deep.equal([143]);
    expect(said).to.deep.equal(["batch abc: list it with …"]);
    signals.emit("SIGINT"); // again: at once, and the last words are not said twice
    expect(exits).to.deep.equal([143, 143]);
    expect(said).to.have.length(1);
    release();
    expect(signals.listenerCount("SIGINT") + signals.listenerCount("SIGTERM") + signals.listenerCount("SIGHUP")).to.equal(0);
  });

  it("a command that finishes in time is not cut short, and says nothing twice", async () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const c = new RunControl();
    c.graceMs = 10_000;
    let said = 0;
    const unsay = c.addLastWords(() => said++);
    const release = bindProcessSignals(c, { signals, exit: (code) => exits.push(code), stdin: {}, stdout: new FakeOut() as never });
    signals.emit("SIGINT");
    unsay(); // the command printed its own recovery message
    release();
    await tick();
    expect(exits).to.deep.equal([]);
    expect(said).to.equal(0);
  });

  it("while a command holds the signals (a Pulumi cancel in progress), every one goes to it: no stop, no exit", () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const got: string[] = [];
    const c = new RunControl();
    c.graceMs = 0;
    const release = bindProcessSignals(c, { signals, exit: (code) => exits.push(code), stdin: {}, stdout: new FakeOut() as never });
    const unhold = c.holdSignals((sig) => got.push(sig));
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) signals.emit(sig);
    expect(got).to.deep.equal(["SIGINT", "SIGTERM", "SIGTERM"]);
    expect([c.stoppedBy, exits]).to.deep.equal([undefined, []]);
    unhold();
    signals.emit("SIGINT");
    expect(exits).to.deep.equal([130]);
    release();
  });

  it("a read-only command ends at once on a signal (nothing to recover)", () => {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const c = new RunControl();
    c.graceMs = 0;
    const release = bindProcessSignals(c, { signals, exit: (code) => exits.push(code), stdin: {}, stdout: new FakeOut() as never });
    signals.emit("SIGINT");
    expect(exits).to.deep.equal([130]);
    release();
  });
});

describe("interrupts: the Stop waiting? guard", () => {
  function setup(answers: StopAnswer[]) {
    const control = new RunControl();
    const events: string[] = [];
    const pending: ((a: StopAnswer) => void)[] = [];
    const guard = guardInterrupts({
      control,
      interactive: true,
      view: { pause: () => events.push("pause"), resume: () => events.push("resume") },
      ask: (signal) =>
        new Promise<StopAnswer>((resolve) => {
          events.push("ask");
          pending.push(resolve);
          signal.addEventListener("abort", () => resolve("aborted"));
          const next = answers.shift();
          if (next) setImmediate(() => resolve(next));
        }),
    });
    return { control, events, guard, pending };
  }

  it("Keep waiting: the view pauses and resumes, the run goes on", async () => {
    const { control, events, guard } = setup(["keep"]);
    control.interrupt("SIGINT");
    await guard.settled();
    expect(events).to.deep.equal(["pause", "ask", "resume"]);
    expect(control.stoppedBy).to.equal(undefined);
    guard.dispose();
  });

  it("Stop waiting, or Ctrl-C at the question: the run stops by SIGINT; the view stays paused", async () => {
    for (const answer of ["stop", "cancelled"] as const) {
      const { control, events, guard } = setup([answer]);
      control.interrupt("SIGINT");
      await guard.settled();
      expect(events, answer).to.deep.equal(["pause", "ask"]);
      expect(control.stoppedBy, answer).to.equal("SIGINT");
      guard.dispose();
    }
  });

  it("the end of the run waits for the answer: settled() resolves only once the question is answered", async () => {
    const { control, guard, pending } = setup([]);
    control.interrupt("SIGINT");
    let settled = false;
    void guard.settled().then(() => (settled = true));
    await tick();
    expect(settled).to.equal(false);
    pending[0]!("keep");
    await tick();
    await tick();
    expect(settled).to.equal(true);
    guard.dispose();
  });

  it("a SIGINT sent while asking (not typed) stops at once; SIGTERM closes the question", async () => {
    const a = setup([]);
    a.control.interrupt("SIGINT");
    a.control.interrupt("SIGINT");
    expect(a.control.stoppedBy).to.equal("SIGINT");
    await a.guard.settled();
    a.guard.dispose();
    const b = setup([]);
    b.control.interrupt("SIGINT");
    b.control.interrupt("SIGTERM");
    await b.guard.settled();
    expect(b.control.stoppedBy).to.equal("SIGTERM");
    b.guard.dispose();
  });

  it("without a terminal the first Ctrl-C stops: nothing is asked", () => {
    const control = new RunControl();
    let asked = false;
    const guard = guardInterrupts({ control, interactive: false, view: { pause() {}, resume() {} }, ask: () => ((asked = true), Promise.resolve("keep")) });
    control.interrupt("SIGINT");
    expect([asked, control.stoppedBy]).to.deep.equal([false, "SIGINT"]);
    guard.dispose();
  });
});

describe("interrupts: a closed stdout", () => {
  it("a command that changes things carries on: the rest of its output goes to stderr, nothing is lost, no exit", async () => {
    const stdout = new FakeOut();
    const stderr = new FakeOut();
    const exits: number[] = [];
    const io = guardProcessOutput({ stdout: stdout as never, stderr: stderr as never, mayEndQuietly: () => false, exit: (c) => exits.push(c) });
    io.stdout.write("line 1\n");
    stdout.readerGone = true;
    io.stdout.write("line 2\n");
    await tick();
    io.stdout.write("line 3\n");
    await tick();
    expect(stdout.text).to.equal("line 1\n");
    expect(stderr.text).to.equal("(stdout was closed; the command carries on, and the rest of its output follows here)\nline 2\nline 3\n");
    expect(exits).to.deep.equal([]);
  });

  it("a read-only command ends quietly (exit 0)", async () => {
    const stdout = new FakeOut();
    const stderr = new FakeOut();
    const exits: number[] = [];
    const io = guardProcessOutput({ stdout: stdout as never, stderr: stderr as never, mayEndQuietly: () => true, exit: (c) => exits.push(c) });
    stdout.readerGone = true;
    io.stdout.write("table\n");
    await tick();
    expect(exits).to.deep.equal([0]);
    expect(stderr.text).to.equal("");
  });

  it("a terminal is used as it is (prompts need its size and events)", () => {
    const tty = Object.assign(new FakeOut(), { isTTY: true });
    const io = guardProcessOutput({ stdout: tty as never, stderr: new FakeOut() as never, mayEndQuietly: () => false });
    expect(io.stdout).to.equal(tty);
  });
});
