// Retry with exponential backoff and full jitter, on the tool's clock, for EC2 throttling
// (RequestLimitExceeded, HTTP 503), 5xx and dropped connections. One retry loop for the tool:
// the EC2 clients used with it are made with few SDK attempts, so the two loops never multiply
// into a storm. Light: no SDK import (errors are recognised by name / HTTP status / code).
import type { Clock } from "../clock.js";

/** EC2/SDK error names that mean "too many requests: slow down and retry". */
const THROTTLE_NAMES = new Set([
  "RequestLimitExceeded",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
]);

/** Server-side or transport failures that a later identical request may not hit. */
const TRANSIENT_NAMES = new Set([
  "InternalError",
  "InternalFailure",
  "ServiceUnavailable",
  "Unavailable",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);

/** Errors EC2 answers with a 5xx status that retrying in place does not fix: the caller decides. */
const NOT_RETRYABLE_NAMES = new Set([
  "InsufficientInstanceCapacity",
  "InsufficientHostCapacity",
  "InsufficientReservedInstanceCapacity",
  "VcpuLimitExceeded",
  "InstanceLimitExceeded",
]);

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
]);

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
  cause?: unknown;
}

function statusOf(e: ErrorShape): number | undefined {
  return e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
}

export function isThrottle(err: unknown): boolean {
  const e = (err ?? {}) as ErrorShape;
  return THROTTLE_NAMES.has(e.name ?? "") || statusOf(e) === 429;
}

function isNetworkError(err: unknown): boolean {
  for (let e = err as ErrorShape | undefined, depth = 0; e && depth < 5; e = e.cause as ErrorShape, depth++) {
    if (e.code && NETWORK_CODES.has(e.code)) return true;
    if (/socket hang up|ECONNRESET|other side closed/i.test(e.message ?? "")) return true;
  }
  return false;
}

/** True for errors worth retrying: throttling, 5xx, timeouts and dropped connections. 4xx are not. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof AbortedError) return false;
  const e = (err ?? {}) as ErrorShape;
  if (NOT_RETRYABLE_NAMES.has(e.name ?? "")) return false;
  if (isThrottle(err) || TRANSIENT_NAMES.has(e.name ?? "")) return true;
  const status = statusOf(e);
  if (status !== undefined && status >= 500) return true;
  if (status !== undefined && status >= 400) return false;
  return isNetworkError(err);
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
  /** Stops waiting between attempts; the pending attempt's result is still awaited. */
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
