import { expect } from "chai";
import { isAskedFor, toWorkshopInstance } from "../../src/instances/describe.js";
import { TAG } from "../../src/instances/tags.js";

/** An instance as EC2 describes it, with these tags. */
function described(tags: Record<string, string>, o: { id?: string; state?: string } = {}) {
  return toWorkshopInstance({
    InstanceId: o.id ?? "i-0123456789abcdef0",
    State: { Name: (o.state ?? "running") as "running" },
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  });
}

describe("describe: every instance checked against the exact tags, whatever the endpoint filtered", () => {
  const asked = { workshop: "hb" };

  it("only Workshop=<name> exactly: case, spaces, suffixes and the key's case all count", () => {
    expect(isAskedFor(described({ [TAG.workshop]: "hb" }), asked)).to.equal(true);
    for (const value of ["HB", "Hb", "hb ", " hb", "hb2", "hb-old", "", "h"]) expect(isAskedFor(described({ [TAG.workshop]: value }), asked), JSON.stringify(value)).to.equal(false);
    expect(isAskedFor(described({ workshop: "hb" }), asked), "key workshop").to.equal(false);
    expect(isAskedFor(described({ WORKSHOP: "hb" }), asked), "key WORKSHOP").to.equal(false);
    expect(isAskedFor(described({}), asked), "untagged").to.equal(false);
    expect(isAskedFor(described({ [TAG.workshop]: "hb" }, { id: "" }), asked), "no instance id").to.equal(false);
  });

  it("the batch, when asked for, exactly; the states, when asked for", () => {
    const ours = described({ [TAG.workshop]: "hb", [TAG.batch]: "abc12345" });
    expect(isAskedFor(ours, { workshop: "hb", batch: "abc12345" })).to.equal(true);
    expect(isAskedFor(ours, { workshop: "hb", batch: "abc1234" })).to.equal(false);
    expect(isAskedFor(described({ [TAG.workshop]: "HB", [TAG.batch]: "abc12345" }), { workshop: "hb", batch: "abc12345" }), "same batch, other workshop").to.equal(false);
    expect(isAskedFor(described({ [TAG.workshop]: "hb" }), { workshop: "hb", batch: "abc12345" }), "no batch tag").to.equal(false);
    expect(isAskedFor(ours, { workshop: "hb", states: ["pending", "running"] })).to.equal(true);
    expect(isAskedFor(described({ [TAG.workshop]: "hb" }, { state: "terminated" }), { workshop: "hb", states: ["pending", "running"] })).to.equal(false);
  });
});
