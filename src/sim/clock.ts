// The simulator's clock: sim time runs `scale` times faster than real time (the same meaning
// as EC2_WORKSHOP_TIME_SCALE in src/clock.ts), starting at the real time of start-up.
export class SimClock {
  /** Real time (ms since the epoch) at which sim time started: sim time = base + elapsed × scale. */
  readonly base = Date.now();
  private readonly origin = performance.now();
  private offset = 0;

  constructor(readonly scale: number) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`scale must be a positive number, got ${scale}`);
  }

  /** Sim time in ms since the epoch. */
  now(): number {
    return Math.floor(this.base + (performance.now() - this.origin) * this.scale + this.offset);
  }

  /** Jump ahead by `ms` of sim time. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`can only advance by a non-negative time, got ${ms}`);
    this.offset += ms;
  }

  /** Sim time added by `advance` so far. */
  get advanced(): number {
    return this.offset;
  }
}
