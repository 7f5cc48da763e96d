// One look at a machine's service: a TCP connection to its address on the workshop's service
// port, and for SSH the server's banner (readiness.ts has the rule). No AWS call. The timeout
// runs on the tool's clock (so a scaled simulator run waits in step), and the run's abort
// signal ends the look at once. The connection is closed as soon as the answer is known.
import { connect } from "node:net";
import type { Clock } from "../clock.js";
import type { ServiceTarget } from "./readiness.js";

export type ProbeFailure = "refused" | "timeout" | "closed" | "not-ssh" | "unreachable" | "stopped" | "error";

export type ProbeResult = { usable: true } | { usable: false; why: ProbeFailure; detail?: string };

export interface ProbeOptions {
  clock: Clock;
  /** Tool ms the connection (and, for SSH, the banner) may take. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** RFC 4253 4.2: the server may send other lines before its `SSH-` version line; it sends that line within this much. */
const MAX_PRE_BANNER_BYTES = 8192;
const SSH_LINE = /(^|\n)SSH-/;

/** What a failed connection means to the probe. */
function failureOf(err: NodeJS.ErrnoException): ProbeResult {
  switch (err.code) {
    case "ECONNREFUSED":
      return { usable: false, why: "refused" };
    case "ETIMEDOUT":
      return { usable: false, why: "timeout" };
    case "ECONNRESET":
    case "EPIPE":
      return { usable: false, why: "closed" };
    case "ENETUNREACH":
    case "EHOSTUNREACH":
    case "EADDRNOTAVAIL":
      return { usable: false, why: "unreachable", detail: err.code };
    default:
      return { usable: false, why: "error", detail: err.code ?? err.message };
  }
}

/** Whether `host`'s service answers now. Never throws. */
export function probeService(host: string, target: ServiceTarget, o: ProbeOptions): Promise<ProbeResult> {
  if (o.signal?.aborted) return Promise.resolve({ usable: false, why: "stopped" });
  return new Promise((resolve) => {
    let settled = false;
    let received = "";
    const socket = connect({ host, port: target.port });
    const finish = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(r);
    };
    const onAbort = (): void => finish({ usable: false, why: "stopped" });
    o.signal?.addEventListener("abort", onAbort, { once: true });
    // A plain timer on the tool's clock (its scale), not clock.sleep: a look is made thousands of times a run.
    const timer = setTimeout(() => finish({ usable: false, why: "timeout" }), o.timeoutMs / o.clock.scale);
    socket.on("connect", () => {
      if (target.kind === "tcp") finish({ usable: true });
    });
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (SSH_LINE.test(received)) finish({ usable: true });
      else if (received.length > MAX_PRE_BANNER_BYTES) finish({ usable: false, why: "not-ssh" });
    });
    // The server closed before its banner: a port that accepts and drops is not a service yet.
    socket.on("end", () => finish({ usable: false, why: received ? "not-ssh" : "closed" }));
    socket.on("close", () => finish({ usable: false, why: "closed" }));
    socket.on("error", (err: NodeJS.ErrnoException) => finish(failureOf(err)));
  });
}

/** "connection refused", "no answer within 2 s", ...: for reasons and notes. */
export function describeProbeFailure(why: ProbeFailure, timeoutMs: number): string {
  switch (why) {
    case "refused":
      return "connection refused";
    case "timeout":
      return `no answer within ${Math.round(timeoutMs / 100) / 10} s`;
    case "closed":
      return "connection closed before the service answered";
    case "not-ssh":
      return "something other than an SSH server answered";
    case "unreachable":
      return "address not reachable from here";
    case "stopped":
      return "stopped";
    case "error":
      return "connection failed";
  }
}
