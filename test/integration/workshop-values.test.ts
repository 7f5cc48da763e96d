// Every value checked before anything is written or created, updates that must not replace a
// network in use, Availability Zones and IPv6 that stay as built, and instance launches that
// find the workshop's subnets by its stack's outputs: the real CLI against the simulator and
// the stand-in `pulumi`.
import { expect } from "chai";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateSubnetCommand, CreateVpcCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { load } from "js-yaml";
import type { Simulator } from "../../src/sim/index.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { ec2For, simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";
import type { FakePulumi } from "../fixtures/fake-pulumi/install.js";
import { workshopRig } from "../helpers/workshop-rig.js";

const AMI = "ami-0123456789abcdef0";

describe("workshop values, updates, and the network they keep", function () {
  this.timeout(90_000);
  const rig = workshopRig();
  let sim: Simulator;
  let fake: FakePulumi;
  let home: WorkshopHome;
  let ec2: EC2Client;

  before(() => {
    ({ sim, fake } = rig);
    ec2 = ec2For(sim);
  });
  after(() => ec2.destroy());
  beforeEach(() => (home = makeWorkshopHome()));
  afterEach(() => home.remove());

  const env = (extra: Record<string, string | undefined> = {}) => simEnv(sim, { ...fake.env(), HOME: join(home.dir, ".user"), EC2_WORKSHOP_HOME: home.dir, ...extra });
  const run = (args: string[], extra: Record<string, string | undefined> = {}): Promise<RunResult> => runBin(args, { env: env(extra) });
  const create = (name: string, ...flags: string[]) => run(["workshop", "create", name, "--ami", AMI, "--instance-type", "t3.micro", ...flags]);
  const configFile = (name: string) => join(home.dir, "stacks", `Pulumi.${name}.yaml`);
  const config = (name: string) => (load(readFileSync(configFile(name), "utf8")) as { config: Record<string, unknown> }).config;
  const oneLine = (r: RunResult) => {
    expect(r.stderr, "no stack trace").to.not.match(/\n\s+at /);
    expect(r.stderr.trim().split("\n"), r.stderr).to.have.length(1);
    return r.stderr.trim();
  };

  it("a value AWS would refuse is one line (exit 2) before `stack init` and before the settings file", async () => {
    const big = "ami-0aaaaaaaaaaaaaaa1";
    sim.seedImage(big, "big-root", { rootSnapshotGiB: 30 });
    const ports = Array.from({ length: 31 }, (_, i) => String(9000 + i)).join(",");
    for (const [flags, expected] of [
      [["--ami", "ami-0bbbbbbbbbbbbbbb2"], "Error: Invalid --ami: ami-0bbbbbbbbbbbbbbb2 does not exist in us-east-1 (or is not shared with this account)"],
      [["--ami", big], `Error: Invalid --volume-size: 16 GiB is smaller than the root snapshot of ${big} (30 GiB): use --volume-size 30 or more.`],
      [["--key-pair", "nobody"], 'Error: Invalid --key-pair: there is no key pair "nobody" in us-east-1'],
      [["--vpc-cidr", "10.42.1.0/16"], 'Error: Invalid --vpc-cidr: "10.42.1.0/16" is not a network address (its network is 10.42.0.0/16): use 10.42.0.0/16.'],
      [["--cidrs", "2001:DB8::/32"], 'Error: Invalid --cidrs: "2001:DB8::/32" is not written in canonical form: use 2001:db8::/32.'],
      [["--volume-type", "st1"], "Error: Invalid --volume-type: \"st1\" volumes cannot be a root volume an instance boots from"],
      [["--volume-type", "io2"], "Error: Invalid --volume-iops: io2 root volumes need provisioned IOPS (100-256000): add --volume-iops."],
      [["--ports", ports, "--cidrs", "10.0.0.0/8,172.16.0.0/12"], "Error: Invalid --ports: 31 port range(s) x 2 IPv4 CIDR(s) make 62 rules, more than the 60"],
    ] as const) {
      const r = await create("bad", ...flags);
      expect(r.code, `${flags.join(" ")}: ${r.stderr}`).to.equal(2);
      expect(oneLine(r)).to.contain(expected);
    }
    expect(fake.commandLines().filter((l) => /^(stack init|up|plugin install)/.test(l))).to.deep.equal([]);
    expect(existsSync(configFile("bad"))).to.equal(false);
  });

  it("a deprecated AMI is allowed, with a warning; the AZs chosen are written to the settings", async () => {
    const old = "ami-0ccccccccccccccc3";
    sim.seedImage(old, "ubuntu-2004-old", { deprecationTime: Date.parse("2024-05-01T00:00:00Z") });
    const r = await run(["workshop", "create", "dep", "--ami", old, "--instance-type", "t3.micro"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.contain(`Warning: The AMI ${old} (ubuntu-2004-old) is deprecated since 2024-05-01: it still launches`);
    expect(config("dep")["ec2-workshop:azs"]).to.deep.equal(["us-east-1a", "us-east-1b", "us-east-1c"]);
  });

  describe("update", () => {
    it("refuses, while instances live, a change that replaces or removes the network (naming them); in-place changes go on", async () => {
      expect((await create("w8")).code).to.equal(0);
      const ids = sim.seedInstances(2, { tags: { Workshop: "w8" }, state: "running" });
      const before = readFileSync(configFile("w8"), "utf8");
      fake.clearCalls();
      for (const [flags, expected] of [
        [["--vpc-cidr", "10.9.0.0/16"], "--vpc-cidr 10.9.0.0/16 (was 10.42.0.0/16) replaces the VPC with its subnets, security group and routes"],
        [["--azs", "2"], "--azs 2 removes the subnet in us-east-1c"],
      ] as const) {
        const r = await run(["workshop", "update", "w8", ...flags]);
        expect(r.code, r.stderr).to.equal(1);
        expect(r.stderr).to.contain(`Workshop "w8" has 2 instance(s) that are not terminated:`).and.contain(ids[0]!).and.contain(ids[1]!);
        const last = r.stderr.trim().split("\n").pop()!;
        expect(last).to.contain(`Error: Refusing to update workshop "w8" while it has instances: ${expected}.`);
        expect(last).to.contain("`npx ec2-workshop instances destroy --workshop w8 --all --yes`");
      }
      expect(readFileSync(configFile("w8"), "utf8")).to.equal(before);
      expect(fake.commandLines().filter((l) => l.startsWith("up "))).to.deep.equal([]);

      const ports = await run(["workshop", "update", "w8", "--ports", "22,8080"]);
      expect(ports.code, ports.stderr).to.equal(0);
      expect(ports.stdout).to.contain("✔ updated security group ec2-workshop-w8-sg");
    });

    it("adopting a template on a workshop that built its own is refused", async () => {
      expect((await create("built")).code).to.equal(0);
      const lt = sim.seedWorkshop("elsewhere").launchTemplateId;
      const r = await run(["workshop", "update", "built", "--launch-template", lt]);
      expect(r.code).to.equal(1);
      expect(oneLine(r)).to.equal(
        `Error: Workshop "built" built its own network and launch template; adopting ${lt} would delete them. Create a new workshop with --launch-template instead.`,
      );
    });

    it("keeps the AZs it was built in (fewer drops the last, more adds the next offering one) and IPv6 once on", async () => {
      expect((await create("az")).code).to.equal(0);
      expect((await run(["workshop", "update", "az", "--azs", "2"])).code).to.equal(0);
      expect(config("az")["ec2-workshop:azs"]).to.deep.equal(["us-east-1a", "us-east-1b"]);
      expect((await run(["workshop", "update", "az", "--azs", "3"])).code).to.equal(0);
      expect(config("az")["ec2-workshop:azs"]).to.deep.equal(["us-east-1a", "us-east-1b", "us-east-1c"]);

      const v4 = await run(["workshop", "update", "az", "--cidrs", "203.0.113.0/24"]);
      expect(v4.code, v4.stderr).to.equal(0);
      expect(v4.stdout).to.contain("IPv6 stays on for this workshop's network");
      expect(config("az")).to.deep.include({ "ec2-workshop:ipv6": true, "ec2-workshop:cidrs": ["203.0.113.0/24"] });
      expect(v4.stdout).to.not.match(/(updated|replaced|deleted) (VPC|subnet)/);
    });
  });

  describe("the subnets a launch uses", () => {
    /** A subnet tagged Workshop=<name> in a VPC of its own: an orphan, or a namesake of another directory. */
    async function orphanSubnet(name: string): Promise<string> {
      const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.77.0.0/16" }));
      const subnet = await ec2.send(
        new CreateSubnetCommand({
          VpcId: vpc.Vpc!.VpcId!,
          CidrBlock: "10.77.0.0/20",
          AvailabilityZone: "us-east-1a",
          TagSpecifications: [{ ResourceType: "subnet", Tags: [{ Key: "Workshop", Value: name }] }],
        }),
      );
      return subnet.Subnet!.SubnetId!;
    }

    it("the stack's recorded subnets, never a look-alike with the same tag; without outputs, only subnets in the template's VPC", async () => {
      const ws = sim.seedWorkshop("sn", { azs: 2 });
      const orphan = await orphanSubnet("sn");
      const { findWorkshopSubnets } = await import("../../src/instances/subnets.js");
      const { readLaunchTemplate } = await import("../../src/instances/template.js");
      const { parseSettings } = await import("../../src/workshops/settings.js");
      const base = "config:\n  aws:region: us-east-1\n  ec2-workshop:maximum: 5\n";
      const groups = async () => (await readLaunchTemplate(ec2, parseSettings("sn", base))).securityGroupIds ?? [];
      const recorded = parseSettings(
        "sn",
        `${base}  ec2-workshop:outputs:\n    vpcId: ${ws.vpcId}\n    subnetIds:\n      us-east-1a: ${ws.subnetIds[0]}\n      us-east-1b: ${ws.subnetIds[1]}\n`,
      );
      const byOutputs = (await findWorkshopSubnets(ec2, recorded, groups)).map((s) => s.subnetId);
      expect(byOutputs.sort()).to.deep.equal([...ws.subnetIds].sort());
      const byTemplate = (await findWorkshopSubnets(ec2, parseSettings("sn", base), groups)).map((s) => s.subnetId);
      expect(byTemplate).to.not.include(orphan);
      expect(byTemplate.sort()).to.deep.equal([...ws.subnetIds].sort());

      // End to end: a launch from the recorded outputs lands only there.
      writeFileSync(
        configFile("sn"),
        `${base}  ec2-workshop:instructions: hi\n  ec2-workshop:outputs:\n    vpcId: ${ws.vpcId}\n    subnetIds:\n      us-east-1a: ${ws.subnetIds[0]}\n      us-east-1b: ${ws.subnetIds[1]}\n`,
      );
      const r = await run(["instances", "create", "--workshop", "sn", "--count", "3", "--yes", "--json"]);
      expect(r.code, r.stderr).to.equal(0);
      const used = new Set(sim.instances().filter((i) => i.tags.Workshop === "sn").map((i) => i.subnetId));
      expect([...used].every((id) => ws.subnetIds.includes(id!))).to.equal(true);
    });

    it("recorded subnets that are gone: one line saying how to rebuild them", async () => {
      const { findWorkshopSubnets } = await import("../../src/instances/subnets.js");
      const { parseSettings } = await import("../../src/workshops/settings.js");
      const s = parseSettings("gone", "config:\n  aws:region: us-east-1\n  ec2-workshop:maximum: 5\n  ec2-workshop:outputs:\n    vpcId: vpc-0123456789abcdef0\n    subnetIds:\n      us-east-1a: subnet-0123456789abcdef0\n");
      let message = "";
      try {
        await findWorkshopSubnets(ec2, s, async () => []);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).to.equal(
        'None of the subnets workshop "gone" recorded (subnet-0123456789abcdef0) is available in us-east-1: run `ec2-workshop workshop update gone` to rebuild its network.',
      );
    });
  });
});
