import { expect } from "chai";
import { batchName, clientToken, launchTags, newBatchId, runInstancesInput, tagSpecifications } from "../../src/instances/launch.js";
import { parseDuration, requireDuration } from "../../src/instances/durations.js";
import { InputError } from "../../src/errors.js";
import { TAG } from "../../src/instances/tags.js";
import type { LaunchTemplateInfo } from "../../src/instances/template.js";

const tags = {
  workshop: "demo",
  batch: "k3f9x2ab",
  launchedBy: "arn:aws:iam::123456789012:user/ann",
  launchedAt: new Date("2025-01-11T14:05:00Z"),
  seats: [3, 7, 8, 9],
  maximum: 25,
};
const template: LaunchTemplateInfo = { id: "lt-0123456789abcdef0", name: "ec2-workshop-demo", version: "3", instanceType: "t3.micro" };

describe("launch plan", () => {
  it("makes short batch ids of lowercase letters and digits, different each time", () => {
    const ids = new Set(Array.from({ length: 200 }, () => newBatchId()));
    expect(ids.size).to.equal(200);
    for (const id of ids) expect(id).to.match(/^[a-z0-9]{8}$/);
  });

  it("tags instances and volumes at launch with workshop, name, batch, seats, launcher and ISO time", () => {
    const specs = tagSpecifications(tags);
    expect(specs.map((s) => s.ResourceType)).to.deep.equal(["instance", "volume"]);
    const asMap = Object.fromEntries(specs[0]!.Tags!.map((t) => [t.Key, t.Value]));
    expect(asMap).to.include({
      [TAG.workshop]: "demo",
      [TAG.name]: "demo-k3f9x2ab",
      [TAG.batch]: "k3f9x2ab",
      [TAG.seats]: "3,7-9",
      [TAG.launchedBy]: tags.launchedBy,
      [TAG.launchedAt]: "2025-01-11T14:05:00.000Z",
    });
    expect(specs[1]!.Tags).to.deep.equal(launchTags(tags));
    expect(batchName("demo", "k3f9x2ab")).to.equal("demo-k3f9x2ab");
  });

  it("names a call of one seat after its seat at once (no later CreateTags needed)", () => {
    const one = Object.fromEntries(launchTags({ ...tags, seats: [7] }).map((t) => [t.Key, t.Value]));
    expect(one).to.include({ [TAG.name]: "demo-07", [TAG.seats]: "7" });
  });

  it("gives each attempt and subnet its own ClientToken of at most 64 ASCII characters", () => {
    const subnet = "subnet-0123456789abcdef0";
    const a = clientToken("k3f9x2ab", 1, subnet);
    expect(a).to.equal(clientToken("k3f9x2ab", 1, subnet), "stable across retries");
    expect(a).to.not.equal(clientToken("k3f9x2ab", 2, subnet));
    expect(a).to.not.equal(clientToken("k3f9x2ab", 1, "subnet-0fedcba9876543210"));
    expect(a).to.not.equal(clientToken("zzzzzzzz", 1, subnet));
    for (const t of [a, clientToken("k3f9x2ab", 999, subnet), clientToken("k3f9x2ab", 1, undefined)]) {
      expect(t.length).to.be.at.most(64);
      expect(t).to.match(/^[\x21-\x7e]+$/);
    }
  });

  it("puts the subnet on the template's network interface when it has one, keeping public IP and groups", () => {
    const withNic = runInstancesInput({
      template: { ...template, primaryInterface: { associatePublicIpAddress: true, groups: ["sg-1"] } },
      subnet: { subnetId: "subnet-a", availabilityZone: "us-east-1a" },
      maxCount: 7,
      token: "tok",
      tags,
    });
    expect(withNic.SubnetId).to.equal(undefined);
    expect(withNic.NetworkInterfaces).to.deep.equal([{ DeviceIndex: 0, SubnetId: "subnet-a", AssociatePublicIpAddress: true, Groups: ["sg-1"] }]);
    expect(withNic).to.include({ MinCount: 1, MaxCount: 7, ClientToken: "tok" });
    expect(withNic.LaunchTemplate).to.deep.equal({ LaunchTemplateId: template.id, Version: "3" });
    const plain = runInstancesInput({ template, subnet: { subnetId: "subnet-b", availabilityZone: "us-east-1b" }, maxCount: 1, token: "t", tags });
    expect(plain.SubnetId).to.equal("subnet-b");
    expect(plain.NetworkInterfaces).to.equal(undefined);
  });

  it("parses timeouts like 90s, 5m, 1m30s; refuses a number without a unit, and the rest", () => {
    expect(parseDuration("90s")).to.equal(90_000);
    expect(parseDuration("5m")).to.equal(300_000);
    expect(parseDuration("1m30s")).to.equal(90_000);
    expect(parseDuration("1h")).to.equal(3_600_000);
    for (const bad of ["", "0", "300", "5", "0s", "-5m", "5 minutes", "m", "5x", "1.2.3s"]) expect(parseDuration(bad), bad).to.equal(undefined);
    expect(() => requireDuration("--launch-timeout", "5")).to.throw(InputError, "--launch-timeout 5 has no unit: write 5s for seconds or 5m for minutes.");
    expect(() => requireDuration("--check-timeout", "soon")).to.throw(InputError, '--check-timeout "soon" is not a duration: use e.g. 90s, 5m or 1m30s.');
    expect(requireDuration("--check-timeout", "2m")).to.equal(120_000);
  });
});

describe("launchBatch: seats per RunInstances call", () => {
  it("a seat list too long for one tag is split over calls in the same subnet; each instance keeps its seat", async () => {
    const { EC2Client, RunInstancesCommand } = await import("@aws-sdk/client-ec2");
    const { launchBatch } = await import("../../src/instances/launch.js");
    const { parseSeatList, TAG_VALUE_MAX } = await import("../../src/instances/seats.js");
    const { scaledClock } = await import("../../src/clock.js");
    const calls: { subnet?: string; seats: string; max: number }[] = [];
    let n = 0;
    const send = (command: unknown): Promise<unknown> => {
      if (!(command instanceof RunInstancesCommand)) return Promise.reject(new Error("unexpected"));
      const input = command.input;
      const seats = input.TagSpecifications![0]!.Tags!.find((t) => t.Key === TAG.seats)!.Value!;
      calls.push({ subnet: input.NetworkInterfaces?.[0]?.SubnetId ?? input.SubnetId, seats, max: input.MaxCount! });
      return Promise.resolve({ Instances: Array.from({ length: input.MaxCount! }, (_, i) => ({ InstanceId: `i-${String(++n).padStart(17, "0")}`, AmiLaunchIndex: i })) });
    };
    const ec2 = Object.assign(Object.create(EC2Client.prototype) as InstanceType<typeof EC2Client>, { send });
    const seats = Array.from({ length: 200 }, (_, i) => 2 * i + 1);
    const clock = scaledClock(1000);
    const out = await launchBatch(ec2, {
      ...tags,
      seats,
      template,
      subnets: [
        { subnetId: "subnet-a", availabilityZone: "us-east-1a" },
        { subnetId: "subnet-b", availabilityZone: "us-east-1b" },
      ],
      clock,
      deadline: clock.now() + 60_000,
    });
    expect(out.instances.map((i) => i.seat)).to.deep.equal(seats);
    expect(out.unlaunched).to.deep.equal([]);
    expect(calls.length).to.be.greaterThan(1);
    expect(calls.every((c) => c.subnet === "subnet-a"), "all fit in the first AZ").to.equal(true);
    for (const c of calls) {
      expect(c.seats.length).to.be.at.most(TAG_VALUE_MAX);
      expect(parseSeatList(c.seats)).to.have.length(c.max);
    }
    expect(calls.flatMap((c) => parseSeatList(c.seats)!)).to.deep.equal(seats);
  });
});

describe("quota advice when RunInstances is refused", () => {
  it("names the On-Demand quota of the instance type's family", async () => {
    const { quotaAdvice } = await import("../../src/instances/launch.js");
    const g = quotaAdvice("eu-west-1", "VcpuLimitExceeded", "You have requested more vCPU capacity.", "g5.xlarge");
    expect(g).to.contain("L-DB2E81BA").and.contain("Running On-Demand G and VT instances").and.contain("in eu-west-1");
    expect(quotaAdvice(undefined, "VcpuLimitExceeded", "x", "t3.micro")).to.contain("L-1216C47A");
    expect(quotaAdvice(undefined, "VcpuLimitExceeded", "x")).to.contain("L-1216C47A");
  });
});
