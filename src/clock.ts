// The tool's notion of time. In production it is the wall clock. Against the simulator,
// EC2_WORKSHOP_TIME_SCALE=N makes the tool's timeouts, sleeps and elapsed times run N times
// faster, in step with a simulator started with the same scale (so a 5-minute launch timeout
// is 5 simulated minutes). Tests never assert wall-clock durations; they run on this clock.
import type { Env } from "./home.js";

export interface Clock {
  /** Milliseconds of tool time since an arbitrary origin. */
  now(): number;
  /** Sleep `ms` of tool time; resolves early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** How many tool milliseconds pass per real millisecond. */
  readonly scale: number;
  /**
   * The date and time now, as shown to people and written in tags. The wall clock, except
   * against a scaled simulator that gave its start (EC2_WORKSHOP_TIME_ORIGIN): then its clock,
   * so launch times and "now" agree.
   */
  wallNow(): Date;
}

export function scaledClock(scale = 1, wallOrigin?: number): Clock {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`time scale must be a positive number, got ${scale}`);
  const origin = performance.now();
  return {
    scale,
    wallNow: () => (wallOrigin === undefined ? new Date() : new Date(wallOrigin + (Date.now() - wallOrigin) * scale)),
    now: () => (performance.now() - origin) * scale,
    sleep: (ms, signal) =>
      new Promise<void>((resolvePromise) => {
        if (signal?.aborted || ms <= 0) return resolvePromise();
        const onAbort = (): void => {
          clearTimeout(timer);
          resolvePromise();
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener("abort", onAbort);
          resolvePromise();
        }, ms / scale);
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
  };
}

/** The clock for this process: scaled when EC2_WORKSHOP_TIME_SCALE is set (tests, demo, bench). */
export function clockFromEnv(env: Env = process.env): Clock {
  const raw = env.EC2_WORKSHOP_TIME_SCALE;
  if (raw === undefined || raw === "") return scaledClock(1);
  const scale = Number(raw);
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new RangeError(`EC2_WORKSHOP_TIME_SCALE must be a positive number, got "${raw}"`);
  const origin = Number(env.EC2_WORKSHOP_TIME_ORIGIN);
  return scaledClock(scale, Number.isFinite(origin) && origin > 0 ? origin : undefined);
}
