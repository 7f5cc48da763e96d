// Fault suite: readiness by the service port. A service that never answers (handed out on its
// checks by default, failed with --ready-when service), probes refused or timing out (no crash,
// no hang: the run ends on the checks or the timeout, and at once on a signal), and a machine
// whose checks turn impaired after its service answered (withdrawn and reported failed).
import { expect } from "chai";
import { createServer, type AddressInfo } from "node:net";
import { scaledClock } from "../../src/clock.js";
import { createBatch, prepareBatch } from "../../src/instances/create-batch.js";
import { readSettings } from "../../src/workshops/settings.js";
import { toolClientsFor } from "../helpers/sim.js";
import { interruptWhen, WORKSHOP, type Scenario } from "./harness.js";
import { fromHuman, fromInterruptMessage, fromJson } from "./invariants.js";
import { idsWhere, scenarioPerTest, verifyAndCleanUp } from "./flow.js";

/** A local port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe("fault suite: readiness by the service port", function () {
  this.timeout(90_000);
  const start = scenarioPerTest();

  it("a service that never answers: handed out on its checks (service-or-checks), the others on their service", async () => {
    const sc = await start({ seed: 161, reachable: true, faults: { noServiceRate: 0.3 } });
    const r = await sc.create(["--count", "10", "--json"]);
    const createdUntil = sc.mark();
    expect(r.code, r.stderr).to.equal(0);
    const run = fromJson("create", 10, r.stdout);
    const silent = idsWhere(sc, (i) => i.bootFault === "no-service");
    expect(silent.length, "the seed silences a few").to.be.within(1, 6);
    const by = (signal: string): string[] => run.report!.ready.filter((x) => x.readyBy === signal).map((x) => x.instanceId).sort();
    expect(by("checks")).to.deep.equal(silent);
    expect(by("service")).to.have.length(10 - silent.length);
    await verifyAndCleanUp(sc, { scenario: "service never answers", runs: [run], createdUntil, outcome: `exit 0, ${silent.length} on checks, ${10 - silent.length} on service` });
  });

  it("a service that never answers, --ready-when service: failed when --check-timeout runs out, saying the port refused", async () => {
    const sc = await start({ seed: 162, reachable: true, faults: { noServiceRate: 0.3 } });
    const r = await sc.create(["--count", "8", "--ready-when", "service", "--check-timeout", "60s"]);
    const createdUntil = sc.mark();
    expect(r.code, r.stderr).to.equal(3);
    const run = fromHuman("create", 8, r.stdout);
    const silent = idsWhere(sc, (i) => i.bootFault === "no-service");
    expect(silent.length, "the seed silences a few").to.be.within(1, 6);
    expect(run.report!.failed.map((f) => f.instanceId).sort()).to.deep.equal(silent);
    for (const f of run.report!.failed) expect(f.reason).to.match(/^timed out in the check phase after 1 min \(port \d+: connection refused; instance ok, system ok\)$/);
    for (const x of run.report!.ready) expect(x.readyBy).to.equal("service");
    await verifyAndCleanUp(sc, { scenario: "service never answers (service only)", runs: [run], createdUntil, outcome: `exit 3, ${silent.length} failed on the service` });
  });

  it("probes refused everywhere (the workshop's port answers nowhere): every machine on its checks, the run ends when they pass", async () => {
    const sc = await start({ seed: 163, reachable: true, servicePort: await deadPort() });
    const r = await sc.create(["--count", "6", "--json"]);
    const createdUntil = sc.mark();
    expect(r.code, r.stderr).to.equal(0);
    const run = fromJson("create", 6, r.stdout);
    expect(run.report!.ready.map((x) => x.readyBy)).to.deep.equal(Array(6).fill("checks"));
    expect(sc.launched().every((i) => i.firstServedAt === undefined), "nothing answered on that port").to.equal(true);
    await verifyAndCleanUp(sc, { scenario: "probes refused", runs: [run], createdUntil, outcome: "exit 0, 6/6 on checks" });
  });

  it("probes timing out (a hung sshd: the port accepts, no banner): handed out on checks, or failed with service only; never stuck", async () => {
    const sc = await start({ seed: 164, reachable: true, faults: { hungServiceRate: 1 } });
    const settings = await readSettings(sc.home.dir, WORKSHOP);
    const { ec2, sts } = toolClientsFor(sc.sim);
    const clock = scaledClock(sc.sim.scale, sc.sim.timeOrigin);
    // SSH as on port 22 (the simulator's port is another number): silence is a look that times out.
    const ssh = { port: sc.sim.servicePort!, kind: "ssh" as const };
    try {
      const prep = await prepareBatch(ec2, sts, settings, clock);
      // Tagged with an expiry as the command tags them (the invariants check every launch's tags).
      const expiresAt = new Date(clock.wallNow().getTime() + 3_600_000);
      const either = await createBatch(ec2, { settings, seats: [1, 2, 3], prep, clock, nameSeats: false, expiresAt, readiness: { readyWhen: "service-or-checks", service: ssh } });
      expect(either.report.ready.map((x) => x.readyBy)).to.deep.equal(["checks", "checks", "checks"]);
      expect(either.waiter.stats.probes, "the machines were looked at, each look timing out").to.be.greaterThan(3);
      const only = await createBatch(ec2, {
        settings, seats: [4, 5], prep, clock, nameSeats: false, expiresAt, checkTimeoutMs: 45_000, readiness: { readyWhen: "service", service: ssh },
      });
      expect(only.report.failed.map((f) => f.reason)).to.deep.equal(Array(2).fill(`timed out in the check phase after 45 s (SSH (port ${ssh.port}): no answer within 1.5 s; instance ok, system ok)`));
      const runs = [either, only].map((x) => ({ label: "createBatch", requested: x.report.requested, batch: x.report.batch, report: { ...x.report, ready: x.report.ready.map((y) => ({ ...y, seat: y.seat ?? null })), failed: x.report.failed.map((f) => ({ seat: f.seat ?? null, instanceId: f.instanceId ?? null, reason: f.reason })) } }));
      const createdUntil = sc.mark();
      await verifyAndCleanUp(sc, { scenario: "probes timing out", runs, createdUntil, outcome: "3/3 on checks; 2/2 failed with service only" });
    } finally {
      ec2.destroy();
      sts.destroy();
    }
  });

  it("SIGTERM while machines are being looked at: the run ends at once (exit 143), every machine named", async () => {
    const sc = await start({ seed: 165, reachable: true, faults: { noServiceRate: 1 } });
    const s: Scenario = sc;
    const probing = (): boolean => s.launched().some((i) => i.state === "running");
    const r = await interruptWhen((on) => s.create(["--count", "6", "--ready-when", "service"], on), probing, "machines running (being looked at)", "SIGTERM");
    const createdUntil = s.mark();
    expect(r.code, r.stderr).to.equal(143);
    const said = fromInterruptMessage("create", 6, r.stderr);
    expect(said.mentioned).to.have.length(6);
    const run = { ...fromHuman("create", 6, r.stdout), mentioned: said.mentioned, partial: true };
    await verifyAndCleanUp(s, { scenario: "SIGTERM while probing", runs: [run], createdUntil, outcome: "exit 143, all 6 named" });
  });

  it("a machine impaired after its service answered: its line came first, then it is withdrawn and reported failed", async () => {
    // Services answer 5-12 s after running, checks end 15-20 s after it; a machine stuck in pending
    // holds the run until its launch timeout (60 s), so every impairment comes before the end.
    const sc = await start({ seed: 166, reachable: true, faults: { impairedRate: 0.3, stuckPendingRate: 0.1 }, timings: { checksMs: [15_000, 20_000] } });
    const r = await sc.create(["--count", "10", "--launch-timeout", "60s"]);
    const createdUntil = sc.mark();
    expect(r.code, r.stderr).to.equal(3);
    const run = fromHuman("create", 10, r.stdout);
    const impaired = idsWhere(sc, (i) => i.fault === "impaired");
    const stuck = idsWhere(sc, (i) => i.fault === "stuck-pending");
    expect(impaired.length, "the seed impairs a few").to.be.within(1, 6);
    expect(stuck.length, "and holds one back").to.be.at.least(1);
    expect(run.report!.failed.map((f) => f.instanceId).sort()).to.deep.equal([...impaired, ...stuck].sort());
    for (const f of run.report!.failed.filter((x) => impaired.includes(x.instanceId!))) {
      expect(f.reason).to.equal("impaired (instance status check failed) after its service answered");
      const ip = sc.sim.instances().find((i) => i.instanceId === f.instanceId)!.publicIp!;
      const handedOut = r.stdout.indexOf(`✔ Seat ${f.seat} ready: ${ip}`);
      const withdrawn = r.stdout.indexOf(`✗ Seat ${f.seat} (${f.instanceId}): impaired (instance status check failed) after its service answered: not usable after all`);
      expect(handedOut, `seat ${f.seat} was handed out`).to.be.at.least(0);
      expect(withdrawn, `seat ${f.seat} was withdrawn, after`).to.be.greaterThan(handedOut);
    }
    for (const x of run.report!.ready) expect(x.readyBy).to.equal("service");
    await verifyAndCleanUp(sc, {
      scenario: "impaired after its service answered",
      runs: [run],
      createdUntil,
      outcome: `exit 3, ${impaired.length} withdrawn (impaired), ${stuck.length} stuck, ${run.report!.ready.length} ready`,
    });
  });
});
