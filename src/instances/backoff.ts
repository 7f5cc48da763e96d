// Retry with exponential backoff and jitter, on the tool's clock, for the paths that need a
// deadline the scaled clock speeds up, and waits the run's abort signal ends (launch, polling,
// the instance commands' reads and terminations). Their clients make one HTTP request per call
// (src/aws/clients.ts, retry "caller"), so this is the only retry layer on those paths.
// Which errors are worth retrying is the SDK's own classification (@smithy/core/retry).
import { isThrottlingError, isTransientError } from "@smithy/core/retry";
import type { Clock } from "../clock.js";

/**
 * EC2's capacity errors (InsufficientInstanceCapacity, InsufficientHostCapacity, ...) come with
 * HTTP 500 ("Error codes for the Amazon EC2 API", server errors:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html), which the SDK
 * counts as transient. Asking the same Availability Zone again does not make room: the launcher
 * moves the rest of the batch to the next AZ instead, so these are never retried in place.
 */
const CAPACITY_ERROR = /^Insufficient\w*Capacity$/;

type SdkErrorLike = Parameters<typeof isTransientError>[0];

function asSdkError(err: unknown): SdkErrorLike | undefined {
  return typeof err === "object" && err !== null ? (err as SdkErrorLike) : undefined;
}

/** "Too many requests: slow down" (RequestLimitExceeded, HTTP 429, ...), as the SDK judges it. */
export function isThrottle(err: unknown): boolean {
  const e = asSdkError(err);
  return e !== undefined && isThrottlingError(e);
}

/** A capacity error: retrying in place does not help (see CAPACITY_ERROR). */
export function isCapacityError(err: unknown): boolean {
  return CAPACITY_ERROR.test(asSdkError(err)?.name ?? "");
}

/**
 * Worth another identical request: what the SDK's standard retry strategy retries (throttling;
 * 500/502/503/504; timeouts; reset, refused and unreachable connections), but never a capacity
 * error nor a stop on request. 4xx are not retried.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof AbortedError) return false;
  const e = asSdkError(err);
  if (!e || isCapacityError(e)) return false;
  return isThrottlingError(e) || isTransientError(e);
}

/** Thrown by withRetry when its signal aborts (Ctrl-C): not a failure of the call itself. */
export class AbortedError extends Error {
  constructor() {
    super("Stopped on request.");
    this.name = "AbortedError";
  }
}

export interface BackoffPolicy {
  /** First retry waits up to this long (tool ms). */
  baseMs: number;
  /** No single wait is longer than this (tool ms). */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxDelayMs: 20_000 };

/**
 * The wait before retry number `attempt` (1-based): "full jitter", uniformly random in
 * [cap/2, cap] with cap = min(max, base * 2^(attempt-1)). The lower half keeps a floor so a
 * throttled client really slows down; the spread keeps concurrent runs from retrying in step.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return cap / 2 + random() * (cap / 2);
}

export interface RetryOptions {
  clock: Clock;
  /** Ends the waits between attempts (give it to each request too, so the one in flight ends). */
  signal?: AbortSignal;
  /** Tool time (clock.now()) after which no new attempt starts: the last error is thrown. */
  deadline?: number;
  /** Hard cap on attempts (default: unlimited within the deadline, 8 without one). */
  maxAttempts?: number;
  policy?: BackoffPolicy;
  random?: () => number;
  /** Which errors to retry (default isRetryable). */
  retryIf?: (err: unknown) => boolean;
  /** Told about every failed attempt that will be retried (for counters and progress). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Calls `fn(attempt)` until it succeeds, retrying retryable errors with backoff while the
 * deadline allows. The last error is thrown when the deadline or maxAttempts is reached;
 * AbortedError when the signal aborts between attempts.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const retryIf = o.retryIf ?? isRetryable;
  const random = o.random ?? Math.random;
  const maxAttempts = o.maxAttempts ?? (o.deadline === undefined ? 8 : Number.POSITIVE_INFINITY);
  for (let attempt = 1; ; attempt++) {
    if (o.signal?.aborted) throw new AbortedError();
    try {
      return await fn(attempt);
    } catch (err) {
      // An attempt the signal cut short (the SDK's AbortError) is a stop on request, not a failure.
      if (o.signal?.aborted) throw new AbortedError();
      if (!retryIf(err) || attempt >= maxAttempts) throw err;
      let delay = backoffDelay(attempt, random, o.policy);
      if (o.deadline !== undefined) {
        const left = o.deadline - o.clock.now();
        if (left <= 0) throw err;
        delay = Math.min(delay, left);
      }
      o.onRetry?.(err, attempt, delay);
      await o.clock.sleep(delay, o.signal);
      if (o.signal?.aborted) throw new AbortedError();
    }
  }
}

/** An SDK client, as far as who retries goes: its resolved `maxAttempts` (src/aws/clients.ts). */
export interface RetryingClient {
  config?: { maxAttempts?: () => Promise<number> };
}

/**
 * Runs `call` (one request on `client`) with exactly one retry layer: withRetry on the tool's
 * clock when the client makes one attempt per call (retry "caller"); the call alone when the
 * client retries inside `send` itself (the SDK's strategy, retry "sdk"). So a function that takes
 * whichever client its caller made can never stack the two.
 */
export async function withClientRetry<T>(client: RetryingClient, call: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const sdkAttempts = (await client.config?.maxAttempts?.()) ?? 1;
  return sdkAttempts > 1 ? call(1) : withRetry(call, o);
}

/** Attempts (for failures other than throttling), and tool time, for one call outside a launch. */
export const CALL_ATTEMPTS = 4;
export const CALL_BUDGET_MS = 60_000;
/**
 * Tool time a state change (terminate, stop, start) waits out throttling: their resource buckets
 * are the account's, shared by every run, so several runs changing 1,000 machines each at once
 * wait their turn (5 runs terminating 1,000 each: some 200 s at 20 a second) instead of failing.
 */
export const PACED_CALL_BUDGET_MS = 300_000;

/**
 * Retries for one call of `instances list` / `destroy` or a replacement's termination.
 * Throttling asks the caller to slow down, and waiting is the cure: it is retried, with growing
 * waits, until CALL_BUDGET_MS. Any other failure (a 5xx, a timeout, a reset connection) gets
 * CALL_ATTEMPTS attempts, so a broken endpoint is reported within seconds, and even one that never
 * answers ends the command within the budget plus one request timeout.
 */
export function callRetry(clock: Clock, signal?: AbortSignal, budgetMs = CALL_BUDGET_MS): RetryOptions {
  let failures = 0;
  return {
    clock,
    signal,
    deadline: clock.now() + budgetMs,
    retryIf: (err) => isThrottle(err) || (isRetryable(err) && ++failures < CALL_ATTEMPTS),
  };
}
