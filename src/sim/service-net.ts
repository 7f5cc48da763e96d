// The simulated instances' service port, on this machine's loopback (SimulatorOptions.reachable).
// Each instance whose service is up has a real TCP listener at its public address (127.x.y.z,
// which Linux routes to the loopback interface without any set-up or root) on one port, the
// same for all: it greets with an SSH banner, or says nothing when hung. Before its service is
// up nothing listens there, so a connection is refused, as by a booted kernel whose sshd has
// not started yet. Only loopback addresses are ever bound: nothing is reachable from outside.
// The listeners follow the world's timeline: a timer binds and closes them at the moments it
// names (and at least every few real milliseconds, for user actions and `advance`).
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import type { SimClock } from "./clock.js";
import { serviceAt } from "./lifecycle.js";
import type { SimInstance, World } from "./world.js";

/** What the simulated sshd says first. */
export const SSH_BANNER = "SSH-2.0-OpenSSH_9.6 ec2-workshop-sim\r\n";

/** The longest real wait between two looks at the world (user actions and `advance` are seen this soon). */
const MAX_IDLE_REAL_MS = 50;
/** A connection nobody closes is closed after this (real ms), as sshd's login grace time would. */
const IDLE_CONNECTION_REAL_MS = 10_000;

interface Listener {
  server: Server;
  instance: SimInstance;
  hung: boolean;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export class ServiceNet {
  private readonly listeners = new Map<string, Listener>();
  private readonly sockets = new Set<Socket>();
  /** Holds the port on 127.0.0.1 for the simulator's life (never an instance's address): no other process takes it. */
  private anchor: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  port = 0;
  /** Addresses whose listener could not be bound (e.g. taken by another program), for the sim's own tests. */
  readonly bindErrors: { address: string; message: string }[] = [];

  constructor(
    private readonly world: World,
    private readonly clock: SimClock,
  ) {}

  /** Binds the port (0: any free one) and starts following the world. */
  async start(port = 0): Promise<number> {
    const anchor = createServer((s) => s.destroy());
    this.port = await listen(anchor, "127.0.0.1", port);
    this.anchor = anchor;
    // All of 127.0.0.0/8 is local on Linux; elsewhere (e.g. macOS: 127.0.0.1 only) say so now.
    const probe = createServer();
    try {
      await listen(probe, "127.80.0.1", this.port);
    } catch (err) {
      anchor.close();
      throw new Error(
        `reachable instances need all of 127.0.0.0/8 on the loopback interface (as on Linux); binding 127.80.0.1 failed: ${(err as Error).message}`,
        { cause: err },
      );
    } finally {
      probe.close();
    }
    this.sync();
    return this.port;
  }

  /** Binds the listeners of services that are up, closes those of services that are not; schedules the next look. */
  sync(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    const now = this.clock.now();
    const wanted = new Map<string, { instance: SimInstance; hung: boolean }>();
    let next = Number.POSITIVE_INFINITY;
    for (const inst of this.world.liveInstances(now)) {
      const service = serviceAt(inst.timeline, now);
      const address = this.world.publicIpOf(inst, now);
      if (service.state !== "down" && address) wanted.set(address, { instance: inst, hung: service.state === "hung" });
      next = Math.min(next, nextChange(inst, now));
    }
    for (const [address, l] of this.listeners) {
      const w = wanted.get(address);
      if (!w || w.instance !== l.instance || w.hung !== l.hung) this.unbind(address);
    }
    for (const [address, w] of wanted) if (!this.listeners.has(address)) this.bind(address, w.instance, w.hung);
    const waitReal = Number.isFinite(next) ? Math.max(1, Math.ceil((next - now) / this.clock.scale)) : MAX_IDLE_REAL_MS;
    this.timer = setTimeout(() => this.sync(), Math.min(waitReal, MAX_IDLE_REAL_MS));
    this.timer.unref();
  }

  private bind(address: string, instance: SimInstance, hung: boolean): void {
    const server = createServer((socket) => this.accept(socket, instance, hung));
    const listener: Listener = { server, instance, hung };
    this.listeners.set(address, listener);
    listen(server, address, this.port).then(
      () => {
        if (this.listeners.get(address) === listener) instance.listeningSince = this.clock.now();
      },
      (err: Error) => {
        if (this.listeners.get(address) === listener) this.listeners.delete(address);
        this.bindErrors.push({ address, message: err.message });
      },
    );
  }

  private unbind(address: string): void {
    const l = this.listeners.get(address);
    if (!l) return;
    this.listeners.delete(address);
    l.server.close();
    // An instance that stopped or failed drops its connections too.
    for (const s of this.sockets) if (s.localAddress === address) s.destroy();
  }

  private accept(socket: Socket, instance: SimInstance, hung: boolean): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.setTimeout(IDLE_CONNECTION_REAL_MS, () => socket.destroy());
    if (hung) return;
    instance.firstServedAt ??= this.clock.now();
    socket.end(SSH_BANNER);
  }

  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    for (const address of [...this.listeners.keys()]) this.unbind(address);
    for (const s of this.sockets) s.destroy();
    const anchor = this.anchor;
    this.anchor = undefined;
    return new Promise((resolve) => (anchor ? anchor.close(() => resolve()) : resolve()));
  }
}

/** The next moment after `now` at which this instance's service may change (a transition, its service-up, its impairment). */
function nextChange(inst: SimInstance, now: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const t of inst.timeline) {
    for (const at of [t.at, t.serviceAt, t.checksResult === "impaired" ? t.checksAt : undefined])
      if (at !== undefined && at > now && at < next) next = at;
  }
  return next;
}
