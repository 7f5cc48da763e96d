import { expect } from "chai";
import { buildRows, checksLabel, isFailed, parseStatesOption, type ListedInstance } from "../../src/instances/listing.js";
import { InputError } from "../../src/errors.js";

function inst(id: string, o: Partial<ListedInstance> = {}): ListedInstance {
  return { instanceId: id, name: "", state: "running", tags: {}, ...o };
}

describe("listing model: filter, sort, number", () => {
  const t = (m: number) => new Date(Date.UTC(2027, 0, 11, 13, m));
  const all = [
    inst("i-0000000000000000c", { name: "ws-10", state: "stopped", publicIp: undefined, launchTime: t(3) }),
    inst("i-0000000000000000a", { name: "ws-2", state: "running", publicIp: "54.9.1.1", launchTime: t(1) }),
    inst("i-0000000000000000d", { name: "", state: "shutting-down", publicIp: "54.10.0.1", launchTime: t(4) }),
    inst("i-0000000000000000b", { name: "ws-1", state: "pending", launchTime: t(2) }),
    inst("i-0000000000000000e", { name: "ws-3", state: "terminated", launchTime: t(0) }),
    inst("i-0000000000000000f", { name: "ws-4", state: "stopping", publicIp: "3.250.0.1", launchTime: t(0) }),
  ];
  const ids = (sort: Parameters<typeof buildRows>[1]["sort"], states?: string[]) =>
    buildRows(all, { sort, states }).map((r) => r.instance.instanceId.slice(-1));

  it("sorts by each key, with a total order (ties by creation time, then id)", () => {
    expect(ids("created")).to.deep.equal(["e", "f", "a", "b", "c", "d"]);
    expect(ids("id")).to.deep.equal(["a", "b", "c", "d", "e", "f"]);
    // Numeric IP order (3.x < 54.9.x < 54.10.x), instances without one last.
    expect(ids("ip")).to.deep.equal(["f", "a", "d", "e", "b", "c"]);
    // The original's state order: pending, running, stopping, stopped, shutting-down, terminated.
    expect(ids("state")).to.deep.equal(["b", "a", "f", "c", "d", "e"]);
    // Natural name order, unnamed last.
    expect(ids("name")).to.deep.equal(["b", "a", "e", "f", "c", "d"]);
  });

  it("sorts ids as text, character by character (not by the numbers inside them)", () => {
    // Numeric-aware order would put i-0abc99 before i-0abc123, and i-0abc… before i-09f.
    const ids = ["i-0abc99", "i-0abc123", "i-09f", "i-0abc1a", "i-0abc12"];
    const rows = buildRows(ids.map((id) => inst(id, { launchTime: t(0) })), { sort: "id" });
    expect(rows.map((r) => r.instance.instanceId)).to.deep.equal(["i-09f", "i-0abc12", "i-0abc123", "i-0abc1a", "i-0abc99"]);
    // Ties of every other key fall back to creation time, then the same id order.
    for (const sort of ["seat", "ip", "created", "state", "name"] as const)
      expect(buildRows(ids.map((id) => inst(id, { launchTime: t(0) })), { sort }).map((r) => r.instance.instanceId), sort).to.deep.equal(
        rows.map((r) => r.instance.instanceId),
      );
  });

  it("filters by state and numbers the shown rows from 1", () => {
    const rows = buildRows(all, { sort: "id", states: ["running", "stopped"] });
    expect(rows.map((r) => [r.row, r.instance.instanceId.slice(-1)])).to.deep.equal([
      [1, "a"],
      [2, "c"],
    ]);
    expect(buildRows(all, { sort: "id", states: [] })).to.have.length(6);
  });

  it("failed = stopped, or a status check impaired", () => {
    expect(isFailed(inst("i-1", { state: "stopped" }))).to.equal(true);
    expect(isFailed(inst("i-1", { checks: { instance: "impaired", system: "ok" } }))).to.equal(true);
    expect(isFailed(inst("i-1", { checks: { instance: "ok", system: "impaired" } }))).to.equal(true);
    expect(isFailed(inst("i-1", { checks: { instance: "initializing", system: "ok" } }))).to.equal(false);
    expect(isFailed(inst("i-1", { state: "pending" }))).to.equal(false);
  });

  it("labels the status checks", () => {
    expect(checksLabel(inst("i-1", { checks: { instance: "ok", system: "ok" } }))).to.equal("2/2 ok");
    expect(checksLabel(inst("i-1", { checks: { instance: "impaired", system: "ok" } }))).to.equal("impaired (instance)");
    expect(checksLabel(inst("i-1", { checks: { instance: "initializing", system: "ok" } }))).to.equal("initializing");
    expect(checksLabel(inst("i-1", { state: "stopped", checks: { instance: "ok", system: "ok" } }))).to.equal("");
  });

  it("reads --state values (repeatable, commas) and refuses unknown ones", () => {
    expect(parseStatesOption(["running", "Stopped,running", " pending "])).to.deep.equal(["running", "stopped", "pending"]);
    expect(parseStatesOption(undefined)).to.deep.equal([]);
    expect(() => parseStatesOption(["runing"])).to.throw(InputError, /"runing" is not an instance state/);
  });
});
