// What every test file of the workshop commands needs: the EC2 simulator and the stand-in
// `pulumi`, started once for the describe block that calls this (it registers the mocha hooks).
import type { Simulator } from "../../src/sim/index.js";
import { installFakePulumi, type FakePulumi } from "../fixtures/fake-pulumi/install.js";

export interface WorkshopRig {
  readonly sim: Simulator;
  readonly fake: FakePulumi;
}

export function workshopRig(): WorkshopRig {
  const rig = {} as { sim: Simulator; fake: FakePulumi };
  before(async () => {
    const { startSimulator } = await import("../../src/sim/index.js");
    rig.sim = await startSimulator({ scale: 50, throttling: "off" });
    rig.fake = installFakePulumi();
  });
  after(async () => {
    await rig.sim.close();
    rig.fake.remove();
  });
  beforeEach(() => rig.fake.clearCalls());
  return rig;
}
