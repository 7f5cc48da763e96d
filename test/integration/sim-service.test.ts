// The simulator's boot model and its reachable service port: a service-up moment in every running
// period (after `running`, before the checks by default), instances at 127.x.y.z answering on a
// real local port (an SSH banner once up, refused before), and the boot faults (a service that
// never answers, a slow boot, a hung sshd). Real SDK, real sockets, the sim clock moved with advance().
import { RunInstancesCommand, StartInstancesCommand, StopInstancesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { connect } from "node:net";
import { parseFaultSpec, startSimulator, type Simulator, type SimInstanceView } from "../../src/sim/index.js";
import { ec2For } from "../helpers/sim.js";

type Answer = "banner" | "refused" | "silent" | "closed";

/** Connects once: what the port says within `realMs`. */
function dial(host: string, port: number, realMs = 1000): Promise<Answer> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    let got = "";
    const done = (a: Answer): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(a);
    };
    const timer = setTimeout(() => done("silent"), realMs);
    s.on("data", (d: Buffer) => {
      got += d.toString();
      if (got.startsWith("SSH-2.0-")) done("banner");
    });
    s.on("close", () => done("closed"));
    s.on("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" ? "refused" : "closed"));
  });
}

/** Waits (bounded, real time) until the port gives `want`: the simulator binds a booted port within real milliseconds. */
async function expectAnswer(host: string, port: number, want: Answer, what: string): Promise<void> {
  const until = Date.now() + 5000;
  let last: Answer = "silent";
  while (Date.now() < until) {
    last = await dial(host, port, want === "silent" ? 300 : 1000);
    if (last === want) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(last, what).to.equal(want);
}

describe("simulator: boot and the reachable service port", function () {
  this.timeout(30_000);
  let sim: Simulator;
  let ec2: EC2Client;
  let subnet: string;
  let template: string;

  const launch = async (n: number): Promise<string[]> => {
    const out = await ec2.send(
      new RunInstancesCommand({ MinCount: n, MaxCount: n, LaunchTemplate: { LaunchTemplateId: template }, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet }] }),
    );
    return (out.Instances ?? []).map((i) => i.InstanceId!);
  };
  const view = (id: string): SimInstanceView => sim.instances().find((i) => i.instanceId === id)!;

  beforeEach(async () => {
    // Time stands still (scale 1, moved by advance) so each step is exact.
    sim = await startSimulator({ seed: 21, throttling: "off", reachable: true, timings: { pendingMs: [10_000, 10_000], serviceMs: [20_000, 30_000], checksMs: [60_000, 60_000] } });
    ec2 = ec2For(sim, { maxAttempts: 1 });
    const ws = sim.seedWorkshop("svc");
    subnet = ws.subnetIds[0]!;
    template = ws.launchTemplateId;
  });
  afterEach(async () => {
    ec2?.destroy();
    await sim?.close();
  });

  it("a booted instance answers with an SSH banner at its 127.x.y.z address; refused before its service is up", async () => {
    expect(sim.servicePort).to.be.a("number");
    const [id] = await launch(1);
    sim.advance(11_000); // running, booting
    const booting = view(id!);
    expect(booting.state).to.equal("running");
    expect(booting.publicIp).to.match(/^127\.(\d+)\.(\d+)\.(\d+)$/);
    expect(booting.serviceUpAt, "not up yet").to.equal(undefined);
    await expectAnswer(booting.publicIp!, sim.servicePort!, "refused", "before boot");
    sim.advance(30_000); // service up (20-30 s after running), checks not yet (60 s)
    const up = view(id!);
    expect(up.serviceUpAt! - (up.launchTime + 10_000)).to.be.within(20_000, 30_000);
    expect(up.instanceStatus, "the service answers before the checks pass").to.equal("initializing");
    await expectAnswer(up.publicIp!, sim.servicePort!, "banner", "after boot");
    expect(view(id!).firstServedAt).to.be.a("number");
    expect(view(id!).listeningSince).to.be.a("number");
  });

  it("a stopped instance stops answering; a start boots again (a new service-up moment in the new running period)", async () => {
    const [id] = await launch(1);
    sim.advance(45_000);
    const first = view(id!);
    await expectAnswer(first.publicIp!, sim.servicePort!, "banner", "first boot");
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id!] }));
    await expectAnswer(first.publicIp!, sim.servicePort!, "refused", "stopping");
    sim.advance(60_000);
    await ec2.send(new StartInstancesCommand({ InstanceIds: [id!] }));
    sim.advance(11_000);
    const again = view(id!);
    expect(again.state).to.equal("running");
    expect(again.serviceUpAt, "booting again").to.equal(undefined);
    sim.advance(30_000);
    const up = view(id!);
    expect(up.serviceUpAt).to.be.greaterThan(first.serviceUpAt!);
    await expectAnswer(up.publicIp!, sim.servicePort!, "banner", "second boot");
  });

  it("faults: a service that never comes up while checks pass, a slow boot (after the checks), a hung sshd (accepts, never speaks)", async () => {
    const ids: Record<string, string> = {};
    for (const [fault, spec] of [["no-service", "noservice=1"], ["slow-boot", "slowboot=1"], ["hung-service", "hung=1"]] as const) {
      sim.setFaults({ noServiceRate: 0, slowBootRate: 0, hungServiceRate: 0, ...parseFaultSpec(spec) });
      ids[fault] = (await launch(1))[0]!;
      expect(view(ids[fault]!).bootFault).to.equal(fault);
    }
    sim.advance(75_000); // running 65 s: checks ok (60 s); a normal boot would be up (20-30 s)
    const none = view(ids["no-service"]!);
    expect([none.instanceStatus, none.serviceUpAt]).to.deep.equal(["ok", undefined]);
    await expectAnswer(none.publicIp!, sim.servicePort!, "refused", "no service, checks ok");
    const slow = view(ids["slow-boot"]!);
    expect([slow.instanceStatus, slow.serviceUpAt]).to.deep.equal(["ok", undefined]);
    await expectAnswer(slow.publicIp!, sim.servicePort!, "refused", "slow boot, not yet");
    await expectAnswer(view(ids["hung-service"]!).publicIp!, sim.servicePort!, "silent", "hung sshd");
    sim.advance(240_000); // slow boots take 150-240 s after running
    await expectAnswer(view(ids["slow-boot"]!).publicIp!, sim.servicePort!, "banner", "slow boot, at last");
    await expectAnswer(none.publicIp!, sim.servicePort!, "refused", "no service, ever");
  });

  it("--faults takes noservice, slowboot and hung as shares; nonsense is refused", () => {
    expect(parseFaultSpec("noservice=0.1,slowboot=0.2,hung=0.05")).to.deep.equal({ noServiceRate: 0.1, slowBootRate: 0.2, hungServiceRate: 0.05 });
    expect(() => parseFaultSpec("slowboot=2")).to.throw(/between 0 and 1/);
  });

  it("without reachable: no service port, AWS-looking addresses, and nothing is bound", async () => {
    const plain = await startSimulator({ seed: 21, throttling: "off" });
    try {
      expect(plain.servicePort).to.equal(undefined);
      const c = ec2For(plain, { maxAttempts: 1 });
      const ws = plain.seedWorkshop("p");
      await c.send(
        new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateId: ws.launchTemplateId }, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: ws.subnetIds[0] }] }),
      );
      c.destroy();
      plain.advance(200_000);
      const [i] = plain.instances().filter((x) => x.tags.Workshop === "p");
      expect(i!.publicIp).to.match(/^54\./);
      expect(i!.serviceUpAt, "the boot is modelled all the same").to.be.a("number");
      expect(i!.listeningSince).to.equal(undefined);
    } finally {
      await plain.close();
    }
  });
});
