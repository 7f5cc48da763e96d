// --batch: `instances list` and `instances destroy` narrowed to one `instances create` run, as
// the interrupt message of `instances create` suggests.
import { expect } from "chai";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { TAG } from "../../src/instances/tags.js";
import { runBin } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

describe("instances list/destroy --batch (CLI against the simulator)", function () {
  this.timeout(60_000);
  let sim: Simulator;
  let home: WorkshopHome;
  let first: string[];
  let second: string[];
  let otherWorkshop: string[];

  before(async () => {
    sim = await startSimulator({ seed: 51, throttling: "off" });
    sim.seedWorkshop("demo");
    home = makeWorkshopHome([{ name: "demo" }]);
    first = sim.seedInstances(3, { tags: { [TAG.workshop]: "demo", [TAG.batch]: "aaaa1111" } });
    second = sim.seedInstances(2, { tags: { [TAG.workshop]: "demo", [TAG.batch]: "bbbb2222" } });
    otherWorkshop = sim.seedInstances(2, { tags: { [TAG.workshop]: "other", [TAG.batch]: "bbbb2222" } });
  });
  after(async () => {
    await sim?.close();
    home?.remove();
  });

  const env = (): Record<string, string> => simEnv(sim, { EC2_WORKSHOP_HOME: home.dir });
  const stateOf = (id: string): string | undefined => sim.instances().find((i) => i.instanceId === id)?.state;

  it("list --batch shows that batch only", async () => {
    const r = await runBin(["instances", "list", "--workshop", "demo", "--batch", "aaaa1111", "--json"], { env: env() });
    expect(r.code, r.stderr).to.equal(0);
    const ids = (JSON.parse(r.stdout) as { instanceId: string }[]).map((i) => i.instanceId).sort();
    expect(ids).to.deep.equal([...first].sort());
  });

  it("destroy --batch --all --yes terminates that batch of this workshop, nothing else", async () => {
    const r = await runBin(["instances", "destroy", "--workshop", "demo", "--batch", "bbbb2222", "--all", "--yes", "--json"], { env: env() });
    expect(r.code, r.stderr).to.equal(0);
    for (const id of second) expect(["shutting-down", "terminated"]).to.include(stateOf(id));
    for (const id of [...first, ...otherWorkshop]) expect(stateOf(id)).to.equal("running");
  });

  it("a malformed --batch is a usage error before any AWS call", async () => {
    sim.clearLog();
    const r = await runBin(["instances", "list", "--workshop", "demo", "--batch", "x y"], { env: env() });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("--batch");
    expect(sim.log).to.have.length(0);
  });
});
