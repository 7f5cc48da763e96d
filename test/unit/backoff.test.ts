import { expect } from "chai";
import type { Clock } from "../../src/clock.js";
import { AbortedError, backoffDelay, CALL_ATTEMPTS, CALL_BUDGET_MS, callRetry, PACED_CALL_BUDGET_MS, isCapacityError, isRetryable, isThrottle, withRetry } from "../../src/instances/backoff.js";

/** A clock whose sleeps pass instantly but advance its time: retries can be checked without waiting. */
function virtualClock(): Clock & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    scale: 1,
    slept,
    now: () => t,
    wallNow: () => new Date(t),
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
  };
}

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

describe("backoff", () => {
  it("classifies throttling, 5xx and dropped connections as retryable, 4xx as not", () => {
    expect(isThrottle(awsError("RequestLimitExceeded", 503))).to.equal(true);
    expect(isRetryable(awsError("RequestLimitExceeded", 503))).to.equal(true);
    expect(isRetryable(awsError("InternalError", 500))).to.equal(true);
    expect(isRetryable(awsError("Unavailable", 503))).to.equal(true);
    expect(isRetryable(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).to.equal(true);
    expect(isRetryable(awsError("InvalidParameterValue", 400))).to.equal(false);
    // EC2 answers capacity errors with a 500, but retrying the same AZ does not help: the launcher moves on.
    expect(isRetryable(awsError("InsufficientInstanceCapacity", 500))).to.equal(false);
    expect(isCapacityError(awsError("InsufficientHostCapacity", 500))).to.equal(true);
    // The SDK's own classification: timeouts and throttling by HTTP status, through `cause` too.
    expect(isRetryable(Object.assign(new Error("no answer"), { name: "TimeoutError" }))).to.equal(true);
    expect(isThrottle(awsError("SomethingNew", 429))).to.equal(true);
    expect(isRetryable(Object.assign(new Error("wrapped"), { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }))).to.equal(true);
    expect(isRetryable(awsError("NotImplemented", 501))).to.equal(false);
    expect(isRetryable(undefined)).to.equal(false);
    expect(isRetryable(awsError("UnauthorizedOperation", 403))).to.equal(false);
    expect(isRetryable(new AbortedError())).to.equal(false);
  });

  it("grows the delay exponentially with jitter, within [cap/2, cap] and never above the maximum", () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const cap = Math.min(20_000, 500 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, () => 0)).to.equal(cap / 2);
      expect(backoffDelay(attempt, () => 0.999999)).to.be.closeTo(cap, 0.1);
    }
  });

  it("retries a throttled call until it succeeds", async () => {
    const clock = virtualClock();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 4) throw awsError("RequestLimitExceeded", 503);
        return "ok";
      },
      { clock, deadline: 60_000, random: () => 0.5 },
    );
    expect(result).to.equal("ok");
    expect(calls).to.equal(4);
    expect(clock.slept).to.have.length(3);
    expect(clock.slept[1]!).to.be.greaterThan(clock.slept[0]!);
  });

  it("does not retry a client error", async () => {
    const clock = virtualClock();
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw awsError("InvalidParameterValue", 400);
      },
      { clock, deadline: 60_000 },
    ).catch((e: unknown) => e);
    expect((err as Error).name).to.equal("InvalidParameterValue");
    expect(calls).to.equal(1);
  });

  it("keeps retrying inside the deadline, then throws the last error", async () => {
    const clock = virtualClock();
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw awsError("RequestLimitExceeded", 503);
      },
      { clock, deadline: 120_000, random: () => 0.5 },
    ).catch((e: unknown) => e);
    expect((err as Error).name).to.equal("RequestLimitExceeded");
    expect(clock.now()).to.equal(120_000);
    expect(calls).to.be.within(8, 20);
  });

  it("stops between attempts when the signal aborts", async () => {
    const clock = virtualClock();
    const ac = new AbortController();
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        if (calls === 2) ac.abort();
        throw awsError("InternalError", 500);
      },
      { clock, deadline: 60_000, signal: ac.signal },
    ).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AbortedError);
    expect(calls).to.equal(2);
  });

  it("reports an attempt the signal cut short (the SDK's AbortError) as AbortedError", async () => {
    const clock = virtualClock();
    const ac = new AbortController();
    const err = await withRetry(
      async () => {
        ac.abort();
        throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
      },
      { clock, deadline: 60_000, signal: ac.signal },
    ).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AbortedError);
  });

  it("callRetry: a 5xx gets CALL_ATTEMPTS attempts; throttling is waited out for the whole budget", async () => {
    const clock = virtualClock();
    let calls = 0;
    const failing = await withRetry(async () => {
      calls++;
      throw awsError("Unavailable", 503);
    }, callRetry(clock)).catch((e: unknown) => e);
    expect((failing as Error).name).to.equal("Unavailable");
    expect(calls).to.equal(CALL_ATTEMPTS);

    const throttled = virtualClock();
    calls = 0;
    await withRetry(async () => {
      calls++;
      throw awsError("RequestLimitExceeded", 503);
    }, callRetry(throttled)).catch(() => undefined);
    expect(calls).to.be.greaterThan(CALL_ATTEMPTS);
    expect(throttled.now()).to.equal(CALL_BUDGET_MS);

    // A state change drawing on the account's resource bucket waits its turn for longer.
    const paced = virtualClock();
    await withRetry(async () => {
      throw awsError("RequestLimitExceeded", 503);
    }, callRetry(paced, undefined, PACED_CALL_BUDGET_MS)).catch(() => undefined);
    expect(paced.now()).to.equal(PACED_CALL_BUDGET_MS);

    // Throttling first does not use up the attempts other failures get.
    const mixed = virtualClock();
    calls = 0;
    // Seeded jitter: with unseeded draws, 6 throttles and 3 errors could run past the budget.
    const result = await withRetry(
      async () => {
        calls++;
        if (calls <= 6) throw awsError("RequestLimitExceeded", 503);
        if (calls <= 6 + CALL_ATTEMPTS - 1) throw awsError("InternalError", 500);
        return "ok";
      },
      { ...callRetry(mixed), random: () => 0.5 },
    );
    expect(result).to.equal("ok");
  });
});
