// What "ready" means (readiness.ts), the workshop setting behind it, and the hand-out's use of it.
import { expect } from "chai";
import { handoutFromInstances, isHandoutReady, serviceCandidates } from "../../src/instances/handout.js";
import type { ListedInstance } from "../../src/instances/listing.js";
import { CHECKS_ONLY, resolveReadiness, serviceTarget } from "../../src/instances/readiness.js";
import { TAG } from "../../src/instances/tags.js";
import { settingsFromConfig, settingsToConfig } from "../../src/workshops/settings.js";

const base = { "aws:region": "eu-west-1", "ec2-workshop:maximum": 25 };

function listed(id: string, seat: number, checks: "ok" | "initializing" | "impaired", state = "running"): ListedInstance {
  return {
    instanceId: id,
    name: "",
    state,
    publicIp: `203.0.113.${seat}`,
    seat,
    checks: { instance: checks, system: checks === "impaired" ? "ok" : checks },
    tags: { [TAG.seats]: String(seat) },
  };
}

describe("readiness: what makes a machine ready", () => {
  it("the service port is the first of the workshop's ports; SSH (a banner) on 22, an accepted connection elsewhere", () => {
    expect(serviceTarget([])).to.deep.equal({ port: 22, kind: "ssh" });
    expect(serviceTarget([{ from: 22 }, { from: 8080 }])).to.deep.equal({ port: 22, kind: "ssh" });
    expect(serviceTarget([{ from: 8080 }, { from: 22 }])).to.deep.equal({ port: 8080, kind: "tcp" });
    expect(serviceTarget([{ from: 8000 }])).to.deep.equal({ port: 8000, kind: "tcp" });
  });

  it("the flag wins over the workshop's readyWhen, which wins over the default (service-or-checks)", () => {
    const ports = [{ from: 22, to: 22 }];
    expect(resolveReadiness(undefined, { ports }).readyWhen).to.equal("service-or-checks");
    expect(resolveReadiness(undefined, { ports, readyWhen: "checks" }).readyWhen).to.equal("checks");
    expect(resolveReadiness("service", { ports, readyWhen: "checks" }).readyWhen).to.equal("service");
    const web = [{ from: 8080, to: 8090 }];
    expect(resolveReadiness(undefined, { ports: web }).service).to.deep.equal({ port: 8080, kind: "tcp" });
    expect(CHECKS_ONLY.readyWhen, "a waiter not told otherwise never dials a machine").to.equal("checks");
  });

  it("readyWhen is a workshop setting: optional, one of three values, written only when set; a bad value is one clear line", () => {
    expect(settingsFromConfig("w", base).readyWhen).to.equal(undefined);
    expect(settingsToConfig(settingsFromConfig("w", base))).to.not.have.property("ec2-workshop:readyWhen");
    for (const v of ["service", "checks", "service-or-checks"] as const) {
      const s = settingsFromConfig("w", { ...base, "ec2-workshop:readyWhen": v });
      expect(s.readyWhen).to.equal(v);
      expect(settingsToConfig(s)).to.include({ "ec2-workshop:readyWhen": v });
      expect(s.extra, "a known key, not kept as extra").to.deep.equal({});
    }
    expect(() => settingsFromConfig("w", { ...base, "ec2-workshop:readyWhen": "ssh" })).to.throw(/Pulumi\.w\.yaml has an invalid readyWhen: .*service-or-checks/);
    expect(() => settingsFromConfig("w", { ...base, "ec2-workshop:readyWhen": "soon" }, { flagFor: () => "--ready-when" })).to.throw(/^Invalid --ready-when: /);
  });

  it("the hand-out counts a machine whose service answers as ready, by the workshop's readyWhen; never an impaired one", () => {
    const machines = [listed("i-1", 1, "ok"), listed("i-2", 2, "initializing"), listed("i-3", 3, "impaired"), listed("i-4", 4, "initializing", "stopped")];
    const answered = new Set(["i-2", "i-3", "i-4"]);
    const seats = (readyWhen: "checks" | "service" | "service-or-checks"): (number | undefined)[] =>
      handoutFromInstances(machines, { workshop: "w", maximum: 9, readyWhen, answered }).entries.map((e) => e.seat);
    expect(seats("checks")).to.deep.equal([1]);
    expect(seats("service-or-checks")).to.deep.equal([1, 2]);
    expect(seats("service")).to.deep.equal([2]);
    expect(isHandoutReady(machines[1]!), "without readiness: EC2's checks alone, as before").to.equal(false);
    // Worth a look: running, not impaired, and not already ready on its checks (when they count).
    expect(serviceCandidates(machines, "service-or-checks").map((c) => c.instanceId)).to.deep.equal(["i-2"]);
    expect(serviceCandidates(machines, "service").map((c) => c.instanceId)).to.deep.equal(["i-1", "i-2"]);
    expect(serviceCandidates(machines, "checks")).to.deep.equal([]);
  });
});
