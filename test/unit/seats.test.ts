import { expect } from "chai";
import type { WorkshopInstance } from "../../src/instances/describe.js";
import { assignSeats, compareClaims, freeSeats, planSeatRepairs, seatHolders } from "../../src/instances/seat-assignment.js";
import { compareSeats, formatSeatList, parseSeatList, seatLabel, seatName, seatOf, seatsThatFit, TAG_VALUE_MAX } from "../../src/instances/seats.js";
import { TAG } from "../../src/instances/tags.js";

function inst(id: string, seat: number | undefined, o: { state?: string; launch?: number; movedAt?: string } = {}): WorkshopInstance {
  return {
    instanceId: id,
    name: "",
    state: o.state ?? "running",
    launchTime: new Date(o.launch ?? 1_000),
    ...(seat !== undefined ? { seat } : {}),
    tags: o.movedAt ? { [TAG.seatMovedAt]: o.movedAt } : {},
  };
}

describe("seats: read from EC2 alone", () => {
  it("a call's seat list is written compactly and read back in the same order", () => {
    for (const seats of [[1], [1, 2, 3], [3, 7, 8, 9], [2, 4, 6], [1, 2, 3, 10, 11, 30]]) {
      expect(parseSeatList(formatSeatList(seats))).to.deep.equal(seats);
    }
    expect(formatSeatList([3, 7, 8, 9])).to.equal("3,7-9");
    expect(formatSeatList(Array.from({ length: 300 }, (_, i) => i + 1))).to.equal("1-300");
    for (const bad of [undefined, "", "0", "3-1", "a", "1,,2", "1-", "-2", "1 2"]) expect(parseSeatList(bad), String(bad)).to.equal(undefined);
  });

  it("an instance's seat is its call's list at its AmiLaunchIndex; a moved seat wins; none without tags", () => {
    const tags = { [TAG.seats]: "3,7-9" };
    expect([0, 1, 2, 3].map((i) => seatOf(tags, i))).to.deep.equal([3, 7, 8, 9]);
    expect(seatOf(tags, 4), "index past the list").to.equal(undefined);
    expect(seatOf(tags, undefined)).to.equal(undefined);
    expect(seatOf({ ...tags, [TAG.seat]: "12" }, 0)).to.equal(12);
    expect(seatOf({ ...tags, [TAG.seat]: "x" }, 0), "a malformed move is ignored").to.equal(3);
    expect(seatOf({}, 0), "from before seats").to.equal(undefined);
  });

  it("a seat list too long for one tag is split: the longest prefix that fits", () => {
    const spread = Array.from({ length: 200 }, (_, i) => 2 * i + 1); // 1,3,5,...: no ranges
    const n = seatsThatFit(spread);
    expect(formatSeatList(spread.slice(0, n)).length).to.be.at.most(TAG_VALUE_MAX);
    expect(formatSeatList(spread.slice(0, n + 1)).length).to.be.greaterThan(TAG_VALUE_MAX);
    expect(seatsThatFit([1, 2, 3])).to.equal(3);
  });

  it("labels are zero padded to the maximum's width; no seat sorts last", () => {
    expect(seatLabel(7, 25)).to.equal("07");
    expect(seatLabel(7, 300)).to.equal("007");
    expect(seatLabel(7, 9)).to.equal("7");
    expect(seatLabel(undefined, 25)).to.equal("-");
    expect(seatName("intro", 7, 25)).to.equal("intro-07");
    expect([undefined, 10, 2, undefined, 1].sort(compareSeats)).to.deep.equal([1, 2, 10, undefined, undefined]);
  });
});

describe("seat assignment", () => {
  const held = [inst("i-a", 1), inst("i-b", 2), inst("i-c", 5, { state: "stopped" }), inst("i-d", 3, { state: "shutting-down" }), inst("i-e", undefined)];

  it("--count takes the lowest free seats: stopped machines hold theirs, shutting-down ones do not", () => {
    expect(assignSeats(held, { workshop: "w", maximum: 10, count: 4 })).to.deep.equal([3, 4, 6, 7]);
    expect(freeSeats(seatHolders(held), 6)).to.deep.equal([3, 4, 6]);
  });

  it("held + new never exceeds the maximum: one line with what is free", () => {
    expect(() => assignSeats(held, { workshop: "w", maximum: 6, count: 4 })).to.throw(/3 free seats of 6 \(free: seats 3-4,6\); 3 are taken: --count 4 would go past its maximum/);
    expect(assignSeats(held, { workshop: "w", maximum: 6, count: 3 })).to.deep.equal([3, 4, 6]);
  });

  it("--seats takes exactly those, refused naming the holder when one is taken or out of range", () => {
    expect(assignSeats(held, { workshop: "w", maximum: 10, seats: [3, 7, 8, 9] })).to.deep.equal([3, 7, 8, 9]);
    expect(() => assignSeats(held, { workshop: "w", maximum: 10, seats: [4, 5] })).to.throw(/seat 5 by i-c \(stopped\).*instances replace --workshop w --seats 5/);
    expect(() => assignSeats(held, { workshop: "w", maximum: 10, seats: [11] })).to.throw(/Seat 11 is beyond workshop "w"'s seats \(1\.\.10\)/);
  });

  it("claims are ordered by launch time (or move time), then instance id", () => {
    const early = inst("i-9", 4, { launch: 1_000 });
    const late = inst("i-1", 4, { launch: 2_000 });
    const tie = inst("i-0", 4, { launch: 1_000 });
    const moved = inst("i-2", 4, { launch: 500, movedAt: new Date(3_000).toISOString() });
    expect([late, moved, early, tie].sort(compareClaims).map((i) => i.instanceId)).to.deep.equal(["i-0", "i-9", "i-1", "i-2"]);
  });

  it("two runs in the same seats: the later launch moves to the lowest free seats, in seat order", () => {
    const a = [inst("i-a1", 1, { launch: 1_000 }), inst("i-a2", 2, { launch: 1_000 })];
    const b = [inst("i-b1", 1, { launch: 2_000 }), inst("i-b2", 2, { launch: 2_000 }), inst("i-b3", 3, { launch: 2_000 })];
    const all = [...a, ...b];
    expect(planSeatRepairs(all, new Set(["i-a1", "i-a2"]), 10)).to.deep.equal({ moves: [], evictions: [] }, "the earlier run keeps its seats");
    expect(planSeatRepairs(all, new Set(["i-b1", "i-b2", "i-b3"]), 10)).to.deep.equal({
      moves: [
        { instanceId: "i-b1", from: 1, to: 4, keptBy: "i-a1" },
        { instanceId: "i-b2", from: 2, to: 5, keptBy: "i-a2" },
      ],
      evictions: [],
    });
    // No room left within the maximum: the loser is evicted (terminated by the caller).
    expect(planSeatRepairs(all, new Set(["i-b1", "i-b2", "i-b3"]), 4)).to.deep.equal({
      moves: [{ instanceId: "i-b1", from: 1, to: 4, keptBy: "i-a1" }],
      evictions: [{ instanceId: "i-b2", seat: 2, keptBy: "i-a2" }],
    });
  });
});
