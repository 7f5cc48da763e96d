// `ec2-workshop workshop check` and the pre-launch checks of `instances create`, end to end: the
// real binary against the simulator (EC2, Service Quotas and the Price List on one port).
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFaultSpec, startSimulator, WORKSHOP_AMI, type Simulator } from "../../src/sim/index.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

interface JsonCheck {
  check: string;
  status: string;
  message: string;
  fix: string | null;
}

const statusOf = (stdout: string, title: string): string | undefined => new RegExp(`^  (ok|warn|fail|skip) +${title} `, "m").exec(stdout)?.[1];

describe("workshop check (CLI against the simulator)", function () {
  this.timeout(60_000);
  let sim: Simulator;
  let home: WorkshopHome;
  let cacheDir: string;
  const check = (args: string[], extra: Record<string, string> = {}): Promise<RunResult> =>
    runBin(["workshop", "check", "demo", ...args], { env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, XDG_CACHE_HOME: cacheDir, ...extra }) });

  before(async () => {
    sim = await startSimulator({ seed: 21, throttling: "off" });
    sim.seedWorkshop("demo");
    home = makeWorkshopHome([{ name: "demo", maximum: 40 }, { name: "unbuilt", maximum: 5 }]);
    cacheDir = mkdtempSync(join(tmpdir(), "ec2ws-check-cache-"));
  });
  after(async () => {
    await sim?.close();
    home?.remove();
    rmSync(cacheDir, { recursive: true, force: true });
  });
  afterEach(() => sim.setFaults({ vcpuLimit: undefined, unauthorizedActions: [], unofferedTypes: [], deregisteredImages: [] }));

  it("a healthy workshop: every check ok, the cost exact, exit 0", async () => {
    const r = await check(["--count", "20"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain("Workshop demo: 20 × t3.micro (ami-0123456789abcdef0) in us-east-1");
    for (const title of ["Launch template", "vCPU quota", "Instance type", "AMI", "Free addresses", "DryRun launch"]) expect(statusOf(r.stdout, title), title).to.equal("ok");
    // 20 × ($0.0104 + 8 GiB × $0.08 / 730 + $0.005) = $0.3255/h; × 8 h = $2.6043.
    expect(r.stdout).to.match(/cost +about \$0\.33\/h, \$2\.60 for 8 h\n/);
    expect(r.stdout).to.contain("20 × t3.micro at $0.0104/h, 8 GiB gp3 root volumes at $0.08/GB-month, 20 public IPv4 at $0.005/h");
    const dry = sim.log.filter((e) => e.action === "RunInstances");
    expect(dry.map((e) => [e.params.DryRun, e.outcome])).to.deep.equal([["true", "DryRunOperation"]], "only the DryRun");
    expect(sim.instances().filter((i) => i.tags.Workshop === "demo")).to.have.length(0);
  });

  it("a quota too small for N: a fail with the shortfall and the exact increase request, exit 1", async () => {
    sim.setFaults(parseFaultSpec("vcpu=32"));
    const r = await check(["--count", "20", "--hours", "3"]);
    expect(r.code, r.stderr).to.equal(1);
    expect(statusOf(r.stdout, "vCPU quota")).to.equal("fail");
    expect(r.stdout).to.contain("20 × t3.micro need 40 vCPUs, only 32 of 32 free (L-1216C47A Standard, 0 in use): short by 8");
    expect(r.stdout).to.contain(
      "Launch at most 16, or ask AWS for 40 (approval can take hours): `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A --desired-value 40 --region us-east-1`.\n",
    );
    expect(r.stdout).to.contain("about $0.33/h, $0.98 for 3 h");
    expect(r.stdout).to.contain("1 check failed");
  });

  it("the type missing in one AZ, and a deregistered AMI: each its own fail line, exit 1", async () => {
    sim.setFaults(parseFaultSpec("unoffered=us-east-1b:t3.micro"));
    const offering = await check(["--count", "5"]);
    expect(offering.code, offering.stderr).to.equal(1);
    expect(statusOf(offering.stdout, "Instance type")).to.equal("fail");
    expect(offering.stdout).to.match(/t3\.micro is not offered in us-east-1b \(subnet-[0-9a-f]+\): launches there fail/);
    expect(statusOf(offering.stdout, "AMI")).to.equal("ok");

    sim.setFaults({ unofferedTypes: [], ...parseFaultSpec(`deregistered=${WORKSHOP_AMI}`) });
    const ami = await check(["--count", "5", "--json"]);
    expect(ami.code, ami.stderr).to.equal(1);
    const doc = JSON.parse(ami.stdout) as { ok: boolean; checks: JsonCheck[]; cost: { perHour: number; total: number } };
    expect(doc.ok).to.equal(false);
    const byCheck = Object.fromEntries(doc.checks.map((c) => [c.check, c]));
    expect(Object.keys(byCheck)).to.deep.equal(["template", "quota", "offerings", "ami", "addresses", "dryrun"]);
    expect(byCheck.ami).to.deep.include({ status: "fail", message: "ami-0123456789abcdef0 (workshop-image) is deregistered, not available" });
    expect(byCheck.ami!.fix).to.contain("ec2-workshop workshop update demo --ami");
    expect(byCheck.dryrun!.status).to.equal("fail");
    expect(byCheck.offerings!.status).to.equal("ok");
    expect(doc.cost).to.include({ perHour: 0.08, total: 0.65 }); // 5 × 0.016276712 = 0.0814/h; × 8 = 0.6511
  });

  it("Service Quotas denied: warn \"quota unknown\" and go on, exit 0; the Price List denied: price unknown", async () => {
    sim.setFaults(parseFaultSpec("unauthorized=GetServiceQuota+GetProducts"));
    const fresh = mkdtempSync(join(tmpdir(), "ec2ws-check-cache-")); // nothing cached: the Price List must answer
    try {
      const r = await check(["--count", "5"], { XDG_CACHE_HOME: fresh });
      expect(r.code, r.stderr).to.equal(0);
      expect(statusOf(r.stdout, "vCPU quota")).to.equal("warn");
      expect(r.stdout).to.contain("quota unknown (Service Quotas denied the request); 5 × t3.micro need 10 vCPUs, 0 in use");
      expect(r.stdout).to.contain("price unknown: the Price List denied the request (pricing:GetProducts)");
      expect(r.stdout).to.contain("Ready to launch 5 (1 warning)");
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("every client follows AWS_ENDPOINT_URL, and AWS_ENDPOINT_URL_<SERVICE> wins for its service", async () => {
    const other = await startSimulator({ seed: 22, throttling: "off", faults: { vcpuLimit: 6 } });
    try {
      sim.clearLog();
      const env = {
        ...simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, XDG_CACHE_HOME: cacheDir }),
        AWS_ENDPOINT_URL_EC2: "",
        AWS_ENDPOINT_URL_STS: "",
        AWS_ENDPOINT_URL: sim.endpoint,
        AWS_ENDPOINT_URL_SERVICE_QUOTAS: other.endpoint,
      };
      const r = await runBin(["workshop", "check", "demo", "--count", "5"], { env });
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stdout).to.contain("only 6 of 6 free", "the quota came from the Service Quotas endpoint");
      expect(other.log.map((e) => e.action)).to.deep.equal(["GetServiceQuota"]);
      expect(sim.callsByAction()).to.include.keys("DescribeImages", "DescribeInstanceTypes", "DescribeInstanceTypeOfferings", "DescribeSubnets", "RunInstances");
      expect(sim.callsByAction().GetServiceQuota ?? 0).to.equal(0);
    } finally {
      await other.close();
    }
  });

  it("an unbuilt workshop: the template fails, the settings' type and AMI are still checked", async () => {
    const r = await runBin(["workshop", "check", "unbuilt"], { env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, XDG_CACHE_HOME: cacheDir }) });
    expect(r.code, r.stderr).to.equal(1);
    expect(statusOf(r.stdout, "Launch template")).to.equal("fail");
    expect(r.stdout).to.contain("no launch template ec2-workshop-unbuilt");
    expect(statusOf(r.stdout, "vCPU quota")).to.equal("ok");
    expect(statusOf(r.stdout, "AMI")).to.equal("ok");
    expect(statusOf(r.stdout, "Instance type")).to.equal("skip");
  });

  it("bad input names the flag and exits 2, with no AWS call", async () => {
    sim.clearLog();
    for (const args of [["--count", "0"], ["--count", "41"], ["--hours", "0"], ["--hours", "soon"]]) {
      const r = await check(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).to.equal(2);
      expect(r.stderr, args.join(" ")).to.contain(args[0]);
    }
    expect(sim.log).to.have.length(0);
  });
});

describe("instances create: the pre-launch checks (CLI against the simulator)", function () {
  this.timeout(60_000);
  let sim: Simulator;
  let home: WorkshopHome;
  const create = (args: string[]): Promise<RunResult> =>
    runBin(["instances", "create", "--workshop", "demo", ...args], { env: simEnv(sim, { EC2_WORKSHOP_HOME: home.dir }) });

  beforeEach(async () => {
    sim = await startSimulator({ seed: 23, scale: 40, timings: { pendingMs: [10_000, 20_000], checksMs: [20_000, 40_000] } });
    sim.seedWorkshop("demo");
    home = makeWorkshopHome([{ name: "demo", maximum: 25 }]);
  });
  afterEach(async () => {
    await sim?.close();
    home?.remove();
  });

  it("a failing check stops the run before anything is launched (no RunInstances without DryRun), exit 1", async () => {
    sim.setFaults(parseFaultSpec(`vcpu=8,deregistered=${WORKSHOP_AMI}`));
    const r = await create(["--count", "6", "--yes"]);
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stdout).to.match(/^ {2}fail {2}vCPU quota {7}6 × t3\.micro need 12 vCPUs, only 8 of 8 free/m);
    expect(r.stdout).to.match(/^ {2}fail {2}AMI {14}ami-0123456789abcdef0 \(workshop-image\) is deregistered/m);
    expect(r.stderr).to.contain("2 pre-launch checks failed: nothing was launched.").and.contain("--skip-checks");
    expect(sim.log.filter((e) => e.action === "RunInstances" && e.params.DryRun !== "true")).to.deep.equal([]);
    expect(sim.instances().filter((i) => i.tags.Workshop === "demo")).to.have.length(0);
  });

  it("passing checks: the launch line names type, AMI, region and cost; --skip-checks skips them", async () => {
    const r = await create(["--count", "2", "--yes", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.contain("Launching 2 × t3.micro (ami-0123456789abcdef0) in us-east-1: about $0.03/h, $0.26 for 8 h.");
    expect(sim.callsByAction()).to.include.keys("GetServiceQuota", "DescribeInstanceTypes", "DescribeInstanceTypeOfferings", "DescribeImages");

    sim.clearLog();
    sim.setFaults(parseFaultSpec("unoffered=us-east-1b:t3.micro"));
    const skipped = await create(["--count", "1", "--yes", "--skip-checks"]);
    expect(skipped.code, skipped.stderr).to.equal(0);
    const calls = sim.callsByAction();
    expect(calls.GetServiceQuota ?? 0).to.equal(0);
    expect(calls.DescribeInstanceTypeOfferings ?? 0).to.equal(0);
    expect(calls.RunInstances).to.equal(1);
  });
});
