import { expect } from "chai";
import { clockFromEnv } from "../../src/clock.js";

describe("the tool's clock", () => {
  it("is the wall clock by default", () => {
    const clock = clockFromEnv({});
    expect(clock.scale).to.equal(1);
    expect(Math.abs(clock.wallNow().getTime() - Date.now())).to.be.lessThan(1000);
  });

  it("follows a scaled simulator's clock when given its origin, so shown times agree with launch times", () => {
    const origin = Date.now() - 60_000; // the simulator started a real minute ago
    const clock = clockFromEnv({ EC2_WORKSHOP_TIME_SCALE: "20", EC2_WORKSHOP_TIME_ORIGIN: String(origin) });
    const expected = origin + 60_000 * 20; // twenty simulated minutes later
    expect(Math.abs(clock.wallNow().getTime() - expected)).to.be.lessThan(20_000);
  });

  it("refuses a scale that is not a positive number, naming the variable", () => {
    for (const bad of ["0", "-3", "fast", "Infinity"])
      expect(() => clockFromEnv({ EC2_WORKSHOP_TIME_SCALE: bad })).to.throw(/EC2_WORKSHOP_TIME_SCALE/);
  });

  it("sleeps in scaled time and wakes early when aborted", async () => {
    const clock = clockFromEnv({ EC2_WORKSHOP_TIME_SCALE: "1000" });
    const before = clock.now();
    await clock.sleep(2_000); // 2 ms of real time
    // Timers may fire a fraction of a millisecond early: allow for it (at 1000x, 1 real ms = 1000 ms).
    expect(clock.now() - before).to.be.at.least(1_000);
    const ac = new AbortController();
    const long = clock.sleep(10_000_000, ac.signal); // ~3 real hours unless aborted
    ac.abort();
    await long;
  });
});
