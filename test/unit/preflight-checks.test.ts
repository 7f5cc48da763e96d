// The preflight's verdicts, from facts alone: each check's line, status and fix.
import { expect } from "chai";
import { judgeAddresses, judgeDryRun, judgeImage, judgeOfferings, judgeQuota, worst, type QuotaFacts } from "../../src/preflight/checks.js";
import type { ImageFacts } from "../../src/preflight/image.js";
import { familyOf, onDemandQuotaFor } from "../../src/preflight/quota-codes.js";
import { renderChecks } from "../../src/ui/preflight.js";
import { styleFor } from "../../src/ui/style.js";
import { Writable } from "node:stream";

const plain = styleFor(new Writable(), { NO_COLOR: "1" });
const ok = <T>(value: T) => ({ ok: true as const, value });
const err = (name: string, message = name) => ({ ok: false as const, error: Object.assign(new Error(message), { name }) });

describe("preflight checks", () => {
  describe("On-Demand vCPU quota codes", () => {
    it("each family maps to its quota (EC2 User Guide, On-Demand Instance quotas)", () => {
      const cases: Record<string, string | undefined> = {
        "t3.micro": "L-1216C47A",
        "m7i-flex.large": "L-1216C47A",
        "c7gn.xlarge": "L-1216C47A",
        "im4gn.large": "L-1216C47A",
        "is4gen.xlarge": "L-1216C47A",
        "z1d.large": "L-1216C47A",
        "g5.xlarge": "L-DB2E81BA",
        "gr6.4xlarge": "L-DB2E81BA",
        "vt1.3xlarge": "L-DB2E81BA",
        "p4d.24xlarge": "L-417A185B",
        "x2idn.16xlarge": "L-7295265B",
        "f1.2xlarge": "L-74FC7D96",
        "inf2.xlarge": "L-1945791B",
        "trn1.2xlarge": "L-2C3B7624",
        "dl1.24xlarge": "L-6E869C2A",
        "hpc7g.4xlarge": "L-F7808C92",
        "u-6tb1.metal": "L-43DA4232",
        "mac1.metal": undefined,
      };
      for (const [type, code] of Object.entries(cases)) expect(onDemandQuotaFor(type)?.code, type).to.equal(code);
      expect(familyOf("u-6tb1.metal")).to.equal("u");
      expect(familyOf("inf2.xlarge")).to.equal("inf");
    });
  });

  describe("vCPU quota", () => {
    const base: QuotaFacts = {
      instanceType: "t3.micro",
      count: 40,
      region: "eu-west-1",
      quota: onDemandQuotaFor("t3.micro"),
      vcpusPerInstance: ok(2),
      inUse: ok(10),
      quotaValue: ok(128),
    };

    it("ok when N × vCPUs fit in the quota minus what runs", () => {
      const r = judgeQuota(base);
      expect(r.status).to.equal("ok");
      expect(r.message).to.equal("40 × t3.micro need 80 vCPUs; 118 of 128 free (L-1216C47A Standard, 10 in use)");
    });

    it("a fail names the shortfall and the exact increase request", () => {
      const r = judgeQuota({ ...base, quotaValue: ok(32) });
      expect(r.status).to.equal("fail");
      expect(r.message).to.equal("40 × t3.micro need 80 vCPUs, only 22 of 32 free (L-1216C47A Standard, 10 in use): short by 58");
      expect(r.fix).to.equal(
        "Launch at most 11, or ask AWS for 90 (approval can take hours): `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A --desired-value 90 --region eu-west-1`.",
      );
    });

    it("already over the quota: nothing free, not a negative number", () => {
      const r = judgeQuota({ ...base, quotaValue: ok(5), inUse: ok(8) });
      expect(r.message).to.contain("only 0 of 5 free").and.contain("short by 80");
      expect(r.fix).to.contain("--desired-value 88");
    });

    it("denied or unknown to Service Quotas: warn, quota unknown, and go on", () => {
      const denied = judgeQuota({ ...base, quotaValue: err("AccessDeniedException") });
      expect(denied.status).to.equal("warn");
      expect(denied.message).to.equal("quota unknown (Service Quotas denied the request); 40 × t3.micro need 80 vCPUs, 10 in use");
      expect(denied.fix).to.contain("servicequotas:GetServiceQuota");
      const unknown = judgeQuota({ ...base, quotaValue: err("NoSuchResourceException") });
      expect(unknown.status).to.equal("warn");
      expect(unknown.message).to.contain("quota unknown (Service Quotas does not know L-1216C47A here)");
      const family = judgeQuota({ ...base, instanceType: "mac1.metal", quota: undefined });
      expect(family.status).to.equal("warn");
      expect(family.message).to.match(/^quota unknown/);
    });

    it("usage unknown: fails only when N alone is over the whole quota", () => {
      expect(judgeQuota({ ...base, inUse: err("UnauthorizedOperation") }).status).to.equal("warn");
      const r = judgeQuota({ ...base, inUse: err("UnauthorizedOperation"), quotaValue: ok(64) });
      expect(r.status).to.equal("fail");
      expect(r.fix).to.contain("--desired-value 80");
    });

    it("a type EC2 does not know is a fail", () => {
      const r = judgeQuota({ ...base, vcpusPerInstance: err("InvalidInstanceType") });
      expect(r.status).to.equal("fail");
      expect(r.message).to.equal("t3.micro is not an instance type in eu-west-1");
    });
  });

  describe("offerings", () => {
    const subnets = [
      { subnetId: "subnet-a", availabilityZone: "us-east-1a" },
      { subnetId: "subnet-b", availabilityZone: "us-east-1b" },
    ];
    it("ok when every subnet's AZ offers the type; fail naming the AZ that does not", () => {
      expect(judgeOfferings({ instanceType: "t3.micro", workshop: "w", subnets, offered: ok(new Set(["us-east-1a", "us-east-1b"])) })).to.include({
        status: "ok",
        message: "t3.micro is offered in us-east-1a, us-east-1b",
      });
      const r = judgeOfferings({ instanceType: "t3.micro", workshop: "w", subnets, offered: ok(new Set(["us-east-1a"])) });
      expect(r.status).to.equal("fail");
      expect(r.message).to.equal("t3.micro is not offered in us-east-1b (subnet-b): launches there fail");
      expect(r.fix).to.contain("ec2-workshop workshop update w");
    });
    it("no subnets: skipped; unreadable: warn", () => {
      expect(judgeOfferings({ instanceType: "t3.micro", workshop: "w", subnets: [], offered: ok(new Set()) }).status).to.equal("skip");
      expect(judgeOfferings({ instanceType: "t3.micro", workshop: "w", subnets, offered: err("UnauthorizedOperation") }).status).to.equal("warn");
    });
  });

  describe("AMI", () => {
    const image: ImageFacts = { imageId: "ami-0123456789abcdef0", name: "workshop-image", state: "available", architecture: "x86_64", rootDeviceName: "/dev/xvda", rootSnapshotGiB: 8 };
    const facts = { workshop: "w", region: "us-east-1", instanceType: "t3.micro", imageId: image.imageId, architectures: ["x86_64"], rootVolumeGiB: 16, now: new Date("2026-01-01T00:00:00Z") };

    it("ok: available, the type's architecture, root snapshot fits the volume", () => {
      const r = judgeImage({ ...facts, image: ok(image) });
      expect(r).to.include({ status: "ok", message: "ami-0123456789abcdef0 (workshop-image): available, x86_64, root snapshot 8 GiB fits the 16 GiB volume" });
    });
    it("gone, deregistered, wrong architecture, snapshot too big: fail with what to do", () => {
      expect(judgeImage({ ...facts, image: ok(undefined) })).to.include({ status: "fail", message: "ami-0123456789abcdef0 does not exist in us-east-1 (deregistered, or never copied here)" });
      const dereg = judgeImage({ ...facts, image: ok({ ...image, state: "deregistered" }) });
      expect(dereg).to.include({ status: "fail", message: "ami-0123456789abcdef0 (workshop-image) is deregistered, not available" });
      expect(dereg.fix).to.contain("ec2-workshop workshop update w --ami");
      const arch = judgeImage({ ...facts, instanceType: "t4g.micro", architectures: ["arm64"], image: ok(image) });
      expect(arch.status).to.equal("fail");
      expect(arch.message).to.contain("is x86_64, but t4g.micro runs arm64");
      const big = judgeImage({ ...facts, image: ok({ ...image, rootSnapshotGiB: 30 }) });
      expect(big.status).to.equal("fail");
      expect(big.message).to.contain("root snapshot is 30 GiB, larger than the template's 16 GiB root volume");
      expect(big.fix).to.contain("--volume-size 30");
    });
    it("deprecated: still launches, so a warning", () => {
      const r = judgeImage({ ...facts, image: ok({ ...image, deprecationTime: "2025-06-01T00:00:00.000Z" }) });
      expect(r.status).to.equal("warn");
      expect(r.message).to.contain("deprecated since 2025-06-01");
    });
  });

  describe("free addresses and the DryRun", () => {
    it("counts only subnets in AZs that offer the type", () => {
      const subnets = ok([
        { subnetId: "subnet-a", availabilityZone: "us-east-1a", freeAddresses: 20 },
        { subnetId: "subnet-b", availabilityZone: "us-east-1b", freeAddresses: 100 },
      ]);
      expect(judgeAddresses({ count: 40, subnets, workshopHasSubnets: true }).status).to.equal("ok");
      const r = judgeAddresses({ count: 40, subnets, offered: new Set(["us-east-1a"]), workshopHasSubnets: true });
      expect(r).to.include({ status: "fail", message: "40 needed, only 20 free in 1 usable subnet (subnet-a 20)" });
    });
    it("DryRunOperation is the pass; anything else a fail", () => {
      expect(judgeDryRun("w", { error: Object.assign(new Error("x"), { name: "DryRunOperation" }) }).status).to.equal("ok");
      const denied = judgeDryRun("w", { error: Object.assign(new Error("x"), { name: "UnauthorizedOperation" }) });
      expect(denied).to.include({ status: "fail", message: "RunInstances is not allowed for these credentials" });
      const launched = judgeDryRun("w", { launched: ["i-0123456789abcdef0"] });
      expect(launched.status).to.equal("fail");
      expect(launched.fix).to.contain("--ids i-0123456789abcdef0");
    });
  });

  it("renders one line per check, the fix beneath warnings and failures", () => {
    const checks = [
      judgeOfferings({ instanceType: "t3.micro", workshop: "w", subnets: [{ subnetId: "subnet-a", availabilityZone: "us-east-1a" }], offered: ok(new Set(["us-east-1a"])) }),
      judgeQuota({ instanceType: "t3.micro", count: 4, region: "us-east-1", quota: onDemandQuotaFor("t3.micro"), vcpusPerInstance: ok(2), inUse: ok(0), quotaValue: ok(4) }),
    ];
    expect(worst(checks)).to.equal("fail");
    const lines = renderChecks(checks, plain).split("\n");
    expect(lines[0]).to.equal("  ok    Instance type    t3.micro is offered in us-east-1a");
    expect(lines[1]).to.equal("  fail  vCPU quota       4 × t3.micro need 8 vCPUs, only 4 of 4 free (L-1216C47A Standard, 0 in use): short by 4");
    expect(lines[2]).to.match(/^ {25}→ Launch at most 2, or ask AWS for 8 \(approval can take hours\): `aws service-quotas /);
  });

  it("at a terminal, wraps each message under itself and keeps a command in backticks on one line", () => {
    const checks = [
      judgeQuota({ instanceType: "t3.micro", count: 4, region: "us-east-1", quota: onDemandQuotaFor("t3.micro"), vcpusPerInstance: ok(2), inUse: ok(0), quotaValue: ok(4) }),
    ];
    const lines = renderChecks(checks, plain, "  ", 80).trimEnd().split("\n");
    expect(lines[0]).to.equal("  fail  vCPU quota       4 × t3.micro need 8 vCPUs, only 4 of 4 free (L-1216C47A");
    expect(lines[1]).to.equal(`${" ".repeat(25)}Standard, 0 in use): short by 4`);
    expect(lines[2]).to.equal(`${" ".repeat(25)}→ Launch at most 2, or ask AWS for 8 (approval can take`);
    expect(lines[3]).to.equal(`${" ".repeat(27)}hours):`);
    expect(lines[4]).to.equal(
      `${" ".repeat(27)}\`aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A --desired-value 8 --region us-east-1\`.`,
    );
    expect(lines).to.have.length(5);
    // Every line but the command's fits.
    for (const l of lines.slice(0, 4)) expect(l.length).to.be.at.most(80);
  });
});
