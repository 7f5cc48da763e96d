// When the reader of stdout goes away (`ec2-workshop instances list | head -1`), a command that
// only reads may stop quietly, but one that changes things must not stop half-way with exit 0:
// it finishes (or takes its interrupt path), its remaining output goes to stderr, and it exits
// by its result.
import { Writable } from "node:stream";

export interface GuardedStreams {
  stdout: NodeJS.WritableStream & Writable;
  stderr: NodeJS.WritableStream & Writable;
}

export interface OutputGuardOptions {
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Asked when stdout closes: may the command end now? */
  mayEndQuietly: () => boolean;
  /** Ends the process quietly; process.exit unless a test says otherwise. */
  exit?: (code: number) => void;
}

const isClosedPipe = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED";
};

/**
 * stdout and stderr for the commands. A terminal is used as it is (it cannot close under a
 * running command; prompts need its size and events). A pipe or file is wrapped: once it
 * refuses a write because the reader is gone, the command either ends quietly or carries on
 * with its output on stderr. A closed stderr is ignored.
 */
export function guardProcessOutput(o: OutputGuardOptions): GuardedStreams {
  const stdout = o.stdout ?? process.stdout;
  const stderr = o.stderr ?? process.stderr;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  let stderrOpen = true;
  stderr.on("error", (err) => {
    if (!isClosedPipe(err)) throw err;
    stderrOpen = false;
  });
  const toStderr = (chunk: unknown): void => {
    if (stderrOpen && !stderr.destroyed) stderr.write(chunk as string);
  };
  if (stdout.isTTY) {
    stdout.on("error", (err) => {
      if (!isClosedPipe(err) && (err as NodeJS.ErrnoException).code !== "EIO") throw err;
    });
    return { stdout, stderr };
  }

  let closed = false;
  const onClosed = (): void => {
    if (closed) return;
    closed = true;
    if (o.mayEndQuietly()) return exit(0);
    toStderr("(stdout was closed; the command carries on, and the rest of its output follows here)\n");
  };
  stdout.on("error", (err) => {
    if (!isClosedPipe(err)) throw err;
    onClosed();
  });
  const guarded = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (closed || stdout.destroyed) {
        onClosed();
        toStderr(chunk);
        return done();
      }
      stdout.write(chunk, (err) => {
        if (!err || !isClosedPipe(err)) return;
        onClosed();
        // The write that found the pipe closed is not lost.
        if (!o.mayEndQuietly()) toStderr(chunk);
      });
      // Not waiting for the pipe keeps stdout and stderr in the order they were written.
      done();
    },
  });
  return { stdout: guarded, stderr };
}
