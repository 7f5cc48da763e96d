// What "ready" means: usable by the attendee. Two signals can say so: the workshop's service
// answering on its port (probe.ts; for SSH, its banner), and EC2's instance and system status
// checks both `ok`. `--ready-when` / the workshop setting `readyWhen` picks which count:
//   service-or-checks (default)  the first of the two: attendees get a machine as soon as it
//                                answers, and one whose service the laptop cannot reach (e.g.
//                                no public address, a firewall) still comes on its checks;
//   service                      only an answer counts (checks ok alone is not enough);
//   checks                       only the checks (the original tool's meaning; no probing).
// Light on purpose (no SDK): the settings and the command line validate against it.

export const READY_WHEN = ["service-or-checks", "service", "checks"] as const;
export type ReadyWhen = (typeof READY_WHEN)[number];
export const DEFAULT_READY_WHEN: ReadyWhen = "service-or-checks";

/** Which signal made an instance ready. */
export type ReadySignal = "service" | "checks";

export function isReadyWhen(v: unknown): v is ReadyWhen {
  return typeof v === "string" && (READY_WHEN as readonly string[]).includes(v);
}

export function probesService(w: ReadyWhen): boolean {
  return w !== "checks";
}

export function checksMakeReady(w: ReadyWhen): boolean {
  return w !== "service";
}

/**
 * The port the probe dials and what counts as an answer there. The rule: the service port is
 * the first of the workshop's `ports` (the start of a range; 22 by default); on port 22 the
 * service is SSH, and usable means the server's `SSH-` banner arrived (sshd speaks first, so a
 * port that accepts and stays silent is a service not ready yet); on any other port, usable
 * means the connection was accepted (most servers wait for the client to speak).
 */
export interface ServiceTarget {
  port: number;
  kind: "ssh" | "tcp";
}

export const SSH_PORT = 22;

export function serviceTarget(ports: readonly { from: number }[]): ServiceTarget {
  const port = ports[0]?.from ?? SSH_PORT;
  return { port, kind: port === SSH_PORT ? "ssh" : "tcp" };
}

/** "SSH (port 22)" or "port 8080", for progress lines and reasons. */
export function describeService(t: ServiceTarget): string {
  return t.kind === "ssh" ? `SSH (port ${t.port})` : `port ${t.port}`;
}

/** What a waiter needs to know: which signals count, and where the service answers. */
export interface Readiness {
  readyWhen: ReadyWhen;
  /** Where the probe looks (unused with `checks`). */
  service: ServiceTarget;
}

/** Only EC2's checks: what a waiter does unless told otherwise (it never dials a machine uninvited). */
export const CHECKS_ONLY: Readiness = { readyWhen: "checks", service: serviceTarget([]) };

/**
 * The readiness of a run: the flag, else the workshop's `readyWhen` setting, else the default;
 * the service port from the workshop's `ports`. Every command that waits for machines uses this.
 */
export function resolveReadiness(flag: ReadyWhen | undefined, workshop: { readyWhen?: ReadyWhen; ports: readonly { from: number }[] }): Readiness {
  return { readyWhen: flag ?? workshop.readyWhen ?? DEFAULT_READY_WHEN, service: serviceTarget(workshop.ports) };
}

/** "to start and answer on SSH (port 22), or pass their status checks": what the wait is for. */
export function waitingFor(r: Readiness | undefined): string {
  if (!r || !probesService(r.readyWhen)) return "to start and pass status checks";
  const service = describeService(r.service);
  return r.readyWhen === "service" ? `to start and answer on ${service}` : `to start and answer on ${service} (or pass their status checks)`;
}
