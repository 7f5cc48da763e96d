// The workshop commands end to end as a user runs them (the real binary), with the stand-in
// `pulumi` first on PATH (it records what the Automation API runs) and the EC2 simulator for
// live instances. A real Pulumi CLI is not needed; see the last block for the one that is.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Simulator } from "../../src/sim/index.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";
import type { FakePulumi } from "../fixtures/fake-pulumi/install.js";
import { workshopRig } from "../helpers/workshop-rig.js";

const AMI = "ami-0123456789abcdef0";

describe("workshop commands (stand-in pulumi + simulator)", function () {
  this.timeout(60_000);
  const rig = workshopRig();
  let sim: Simulator;
  let fake: FakePulumi;
  let home: WorkshopHome;

  beforeEach(() => {
    ({ sim, fake } = rig);
    home = makeWorkshopHome();
  });
  afterEach(() => home.remove());

  // Each test its own HOME, so each has its own default backend (~/.ec2-workshop/pulumi).
  const userHome = () => join(home.dir, ".user");
  const env = (extra: Record<string, string | undefined> = {}) =>
    simEnv(sim, { ...fake.env(), HOME: userHome(), EC2_WORKSHOP_HOME: home.dir, ...extra });
  const run = (args: string[], extra: Record<string, string | undefined> = {}): Promise<RunResult> => runBin(args, { env: env(extra) });
  const create = (name: string, extra: Record<string, string | undefined> = {}, flags: string[] = []) =>
    run(["workshop", "create", name, "--ami", AMI, "--instance-type", "t3.micro", "--instructions", "ssh student@<address>", ...flags], extra);
  const configFile = (name: string) => join(home.dir, "stacks", `Pulumi.${name}.yaml`);
  const oneLine = (r: RunResult) => {
    expect(r.stderr, "no stack trace").to.not.match(/\n\s+at /);
    return r.stderr.trim();
  };

  describe("create", () => {
    it("without the Pulumi CLI fails fast with the installation hint, writing nothing", async () => {
      const r = await run(["workshop", "create", "w1"], { PATH: "/usr/bin:/bin" });
      expect(r.code).to.equal(1);
      expect(oneLine(r)).to.contain("The Pulumi CLI (`pulumi`) is not installed or not on PATH.");
      expect(r.stderr).to.contain("curl -fsSL https://get.pulumi.com | sh");
      expect(r.stderr.trim().split("\n")).to.have.length(1);
      expect(existsSync(configFile("w1"))).to.equal(false);
    });

    it("a bad flag is one line, exit 2, before Pulumi is even asked", async () => {
      for (const [flags, expected] of [
        [["--ports", "22,abc"], 'Invalid --ports: "abc" is not a TCP port or range'],
        [["--cidrs", "10.0.0.0/40"], 'Invalid --cidrs: "10.0.0.0/40" is not an IPv4 or IPv6 CIDR'],
        [["--ami", "ubuntu"], 'Invalid --ami: "ubuntu" is not an AMI id'],
        [["--maximum", "0"], "Invalid --maximum: Expected to be at least 1"],
        [["--azs", "5"], "Invalid --azs"],
      ] as const) {
        const r = await run(["workshop", "create", "w1", ...flags]);
        expect(r.code, flags.join(" ")).to.equal(2);
        expect(oneLine(r)).to.contain(expected);
      }
      const bad = await run(["workshop", "create", "Bad_Name"]);
      expect(bad.code).to.equal(2);
      expect(oneLine(bad)).to.contain('"Bad_Name" is not a valid workshop name');
      expect(fake.calls()).to.deep.equal([]);
      expect(existsSync(configFile("w1"))).to.equal(false);
    });

    it("init, settings file, up with progress; in the workshop directory; explicit backend and passphrase", async () => {
      const r = await create("w1", {}, ["--ports", "22,8000-8010", "--cidrs", "203.0.113.0/24,2001:db8::/32", "--maximum", "30"]);
      expect(r.code, r.stderr).to.equal(0);
      const lines = fake.commandLines().filter((l) => l !== "version");
      expect(lines[0]).to.equal("plugin ls --json --non-interactive");
      expect(lines[1]).to.equal("plugin install resource aws v7.48.0 --non-interactive");
      expect(lines[2]).to.equal("stack init w1 --secrets-provider passphrase --non-interactive");
      expect(lines[3]).to.match(/^up --yes --skip-preview .*--exec-kind auto\.local --event-log tcp:\/\/127\.0\.0\.1:\d+ --stack w1 --non-interactive$/);
      expect(lines.slice(4).map((l) => l.split(" ").slice(0, 2).join(" "))).to.deep.equal(["stack output", "stack output", "stack history"]);
      expect(r.stdout).to.contain("Installing the Pulumi aws provider plugin v7.48.0");
      for (const call of fake.calls().filter((c) => c.argv[0] !== "version")) {
        expect(call.cwd).to.equal(home.dir);
        expect(call.env.PULUMI_BACKEND_URL).to.equal(`file://${join(userHome(), ".ec2-workshop", "pulumi")}`);
        expect(call.env.PULUMI_CONFIG_PASSPHRASE).to.equal("");
        expect(call.env.PULUMI_AUTOMATION_API).to.equal("true");
        expect(call.env.EC2_WORKSHOP_PROGRAM_ENDPOINT).to.equal(sim.endpoint);
        expect(call.env.EC2_WORKSHOP_PROGRAM_HOME).to.equal(home.dir);
      }
      // the state survives reinstalling the tool: it lives under the user's home
      expect(existsSync(join(userHome(), ".ec2-workshop", "pulumi", ".pulumi", "stacks", "ec2-workshop", "w1.json"))).to.equal(true);
      const file = readFileSync(configFile("w1"), "utf8");
      expect(file).to.contain("encryptionsalt:");
      expect(file).to.contain("ec2-workshop:maximum: 30");
      expect(file).to.match(/ec2-workshop:ports:\n\s+- 22\n\s+- 8000-8010/);
      // progress resource by resource, the outputs, and the next command
      expect(r.stdout).to.contain("✔ created VPC ec2-workshop-w1-vpc");
      expect(r.stdout).to.contain("✔ created subnet ec2-workshop-w1-us-east-1b");
      expect(r.stdout).to.contain("✔ created launch template ec2-workshop-w1-template");
      expect(r.stdout).to.contain("launch template: ec2-workshop-w1");
      expect(r.stdout).to.contain("Next: npx ec2-workshop instances create --workshop w1 --count <n>");
      // the instance commands can read what was written
      const { readSettings } = await import("../../src/workshops/settings.js");
      const s = await readSettings(home.dir, "w1");
      expect(s).to.deep.include({ maximum: 30, ami: AMI, instanceType: "t3.micro", cidrs: ["203.0.113.0/24", "2001:db8::/32"] });
    });

    it("keeps a passphrase and backend the user chose; an older CLI streams events through the log file", async () => {
      const passFile = join(fake.stateDir, "pass.txt");
      writeFileSync(passFile, "secret");
      const backend = `file://${join(fake.stateDir, "team-state")}`;
      const r = await create("w2", { PULUMI_CONFIG_PASSPHRASE_FILE: passFile, PULUMI_BACKEND_URL: backend, FAKE_PULUMI_VERSION: "v3.200.0" });
      expect(r.code, r.stderr).to.equal(0);
      const up = fake.calls().find((c) => c.argv[0] === "up")!;
      expect(up.env.PULUMI_CONFIG_PASSPHRASE).to.equal(undefined);
      expect(up.env.PULUMI_CONFIG_PASSPHRASE_FILE).to.equal(passFile);
      expect(up.env.PULUMI_BACKEND_URL).to.equal(backend);
      expect(up.argv[up.argv.indexOf("--event-log") + 1]).to.match(/eventlog\.txt$/);
      expect(r.stdout).to.contain("✔ created security group ec2-workshop-w2-sg");
    });

    it("an adopted launch template builds no network (but the expiry role and schedule group); a template not in the region is refused first", async () => {
      const lt = sim.seedWorkshop("legacy").launchTemplateId;
      const r = await run(["workshop", "create", "adopt", "--launch-template", lt, "--maximum", "5"], { FAKE_PULUMI_TEMPLATES: lt });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.not.contain("created VPC");
      expect(r.stdout).to.contain(`launch template id: ${lt}`);
      expect(r.stdout).to.contain("✔ created schedule group ec2-workshop-adopt-schedules");
      expect(r.stdout).to.contain("✔ created IAM role ec2-workshop-adopt-scheduler");
      const { readSettings } = await import("../../src/workshops/settings.js");
      expect((await readSettings(home.dir, "adopt")).outputs).to.deep.include({ launchTemplateId: lt, scheduleGroupName: "ec2-workshop-adopt" });
      fake.clearCalls();
      const missing = await run(["workshop", "create", "adopt3", "--launch-template", "lt-0abc12345678def90"]);
      expect(missing.code).to.equal(2);
      expect(oneLine(missing)).to.equal("Error: Invalid --launch-template: lt-0abc12345678def90 does not exist in us-east-1.");
      expect(fake.commandLines().filter((l) => l.startsWith("stack init"))).to.deep.equal([]);
      const bad = await run(["workshop", "create", "adopt2", "--launch-template", lt, "--ports", "80"]);
      expect(bad.code).to.equal(2);
      expect(oneLine(bad)).to.contain("--launch-template adopts a template as it is");
    });

    it("an existing workshop: refused from the settings file, or from the backend", async () => {
      expect((await create("dup")).code).to.equal(0);
      const again = await create("dup");
      expect(again.code).to.equal(1);
      expect(oneLine(again)).to.contain('Workshop "dup" already exists');
      // settings file gone, stack still in the backend: the CLI's StackAlreadyExistsError
      execFileSync("rm", [configFile("dup")]);
      const backend = await create("dup");
      expect(backend.code).to.equal(1);
      expect(oneLine(backend)).to.match(/^Error: Workshop "dup" already exists in the local state in .*\.ec2-workshop\/pulumi\. Change it with/);
      expect(existsSync(configFile("dup"))).to.equal(false);
    });

    for (const [failure, expected] of [
      ["aws", 'Error: AWS refused a change on aws:ec2/vpc:Vpc "ec2-workshop-wf-vpc": VpcLimitExceeded: The maximum number of VPCs has been reached. Fix the cause, then run `npx ec2-workshop workshop update wf`.'],
      ["locked", 'Error: Another update of workshop "wf" is running (its stack is locked). Wait for it to finish; if it was killed, release the lock with `cd '],
      ["credentials", "Error: The Pulumi AWS provider found no valid AWS credentials. Run `npx ec2-workshop setup`"],
    ] as const) {
      it(`up fails (${failure}): one clear line`, async () => {
        const r = await create("wf", { FAKE_PULUMI_FAIL: `up=${failure}` });
        expect(r.code).to.equal(1);
        const lines = r.stderr.trim().split("\n");
        expect(lines).to.have.length(1);
        expect(lines[0]).to.contain(expected);
      });
    }

    it("a CLI too old for the Automation API is named, with the hint", async () => {
      const r = await create("old", { FAKE_PULUMI_VERSION: "v3.1.0" });
      expect(r.code).to.equal(1);
      expect(oneLine(r)).to.contain("The Pulumi CLI on PATH (v3.1.0) is not compatible");
      expect(r.stderr).to.contain("get.pulumi.com");
    });
  });

  describe("update, list, show", () => {
    it("update writes the change (keeping Pulumi's salt), runs up, and names the new template version", async () => {
      sim.seedImage("ami-0fedcba9876543210", "workshop-image-v2");
      expect((await create("up1")).code).to.equal(0);
      fake.clearCalls();
      const r = await run(["workshop", "update", "up1", "--maximum", "40", "--ami", "ami-0fedcba9876543210"]);
      expect(r.code, r.stderr).to.equal(0);
      expect(fake.commandLines().filter((l) => l !== "version")[0]).to.equal("stack select --stack up1 --non-interactive");
      const file = readFileSync(configFile("up1"), "utf8");
      expect(file).to.contain("encryptionsalt:").and.contain("ec2-workshop:maximum: 40").and.contain("ami-0fedcba9876543210");
      expect(r.stdout).to.contain("✔ updated launch template ec2-workshop-up1-template");
      expect(r.stdout).to.contain("now has a new default version (2)");

      const moved = await run(["workshop", "update", "up1", "--region", "eu-west-1"]);
      expect(moved.code).to.equal(1);
      expect(oneLine(moved)).to.contain("cannot move");
      const bad = await run(["workshop", "update", "up1", "--volume-type", "ssd"]);
      expect(bad.code).to.equal(2);
      expect(readFileSync(configFile("up1"), "utf8")).to.equal(file);
    });

    it("update --user-data-file: relative to where it runs (as in create), stored absolute; a missing file is exit 2", async () => {
      expect((await create("ud1")).code).to.equal(0);
      const cwd = mkdtempSync(join(tmpdir(), "ec2ws-cwd-"));
      try {
        writeFileSync(join(cwd, "boot.sh"), "#!/bin/sh\n");
        const missing = await runBin(["workshop", "update", "ud1", "--user-data-file", "nope.sh"], { env: env(), cwd });
        expect(missing.code).to.equal(2);
        expect(oneLine(missing)).to.contain(`Invalid --user-data-file: ${join(cwd, "nope.sh")} does not exist.`);
        const r = await runBin(["workshop", "update", "ud1", "--user-data-file", "boot.sh"], { env: env(), cwd });
        expect(r.code, r.stderr).to.equal(0);
        const { readSettings } = await import("../../src/workshops/settings.js");
        expect((await readSettings(home.dir, "ud1")).userDataFile).to.equal(join(cwd, "boot.sh"));
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });

    it("update of a workshop the backend does not know: StackNotFoundError as one line, file unchanged", async () => {
      const file = home.addWorkshop({ name: "ghost" });
      const before = readFileSync(file, "utf8");
      const r = await run(["workshop", "update", "ghost", "--maximum", "3"]);
      expect(r.code).to.equal(1);
      expect(oneLine(r)).to.match(/No workshop "ghost" in the local state in .*\. Create it with/);
      expect(readFileSync(file, "utf8")).to.equal(before);
    });

    it("list: settings, last update from the backend, live counts from EC2; '?' without credentials or CLI", async () => {
      expect((await create("l1")).code).to.equal(0);
      home.addWorkshop({ name: "l2", maximum: 12 });
      sim.seedInstances(3, { tags: { Workshop: "l1" }, state: "running" });
      const r = await run(["workshop", "list"]);
      expect(r.code, r.stderr).to.equal(0);
      const row = (name: string) => r.stdout.split("\n").find((l) => l.startsWith(`${name} `))!;
      expect(row("l1")).to.match(/^l1\s+us-east-1\s+ec2-workshop-l1\s+25\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+3$/);
      expect(row("l2")).to.match(/^l2\s+us-east-1\s+ec2-workshop-l2\s+12\s+0$/);

      const offline = await runBin(["workshop", "list"], {
        env: { ...fake.env({ PATH: "/usr/bin:/bin", HOME: userHome() }), EC2_WORKSHOP_HOME: home.dir, NO_COLOR: "1", AWS_CONFIG_FILE: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent", AWS_EC2_METADATA_DISABLED: "true" },
      });
      expect(offline.code, offline.stderr).to.equal(0);
      expect(offline.stdout).to.match(/^l1\s+us-east-1\s+ec2-workshop-l1\s+25\s+\?$/m);
      expect(offline.stdout).to.contain("Pulumi backend not read: The Pulumi CLI (`pulumi`) is not installed");
      expect(offline.stdout).to.contain('Live instance counts unavailable ("?")');

      const json = JSON.parse((await run(["workshop", "list", "--json"])).stdout) as { name: string; liveInstances: number }[];
      expect(json.map((w) => [w.name, w.liveInstances])).to.deep.equal([["l1", 3], ["l2", 0]]);
    });

    it("show: settings, outputs, instances by state, seats taken", async () => {
      sim.seedKeyPair("teacher");
      expect((await create("s1", {}, ["--key-pair", "teacher"])).code).to.equal(0);
      sim.seedInstances(2, { tags: { Workshop: "s1", "ec2-workshop:seats": "1-2" }, state: "running" });
      sim.seedInstances(1, { tags: { Workshop: "s1", "ec2-workshop:seats": "5" }, state: "stopped" });
      const r = await run(["workshop", "show", "s1"]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain("key pair        teacher");
      expect(r.stdout).to.contain("launch template: ec2-workshop-s1");
      expect(r.stdout).to.match(/subnet us-east-1a: subnet-/);
      expect(r.stdout).to.match(/2 running, 1 stopped|1 stopped, 2 running/);
      expect(r.stdout).to.match(/Seats\n {2}3 of \d+ taken: 1-2,5/);
      const json = JSON.parse((await run(["workshop", "show", "s1", "--json"])).stdout) as { seats: number[] };
      expect(json.seats).to.deep.equal([1, 2, 5]);
    });
  });

  describe("destroy", () => {
    it("refuses while instances live, listing them; with --terminate-instances terminates, waits, destroys, removes stack and file", async () => {
      expect((await create("d1")).code).to.equal(0);
      const ids = sim.seedInstances(2, { tags: { Workshop: "d1" }, state: "running" });
      const foreign = sim.seedInstances(1, { tags: { Workshop: "other" }, state: "running" });
      fake.clearCalls();
      const refused = await run(["workshop", "destroy", "d1", "--yes"]);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.contain('still has 2 instance(s) that are not terminated').and.contain(ids[0]!).and.contain(ids[1]!);
      expect(refused.stderr).to.contain("ec2-workshop instances destroy --workshop d1 --all --yes");
      expect(fake.commandLines().filter((l) => l.startsWith("destroy"))).to.deep.equal([]);

      const r = await run(["workshop", "destroy", "d1", "--terminate-instances", "--yes"]);
      expect(r.code, r.stderr).to.equal(0);
      const states = Object.fromEntries(sim.instances().map((i) => [i.instanceId, i.state]));
      expect(states[ids[0]!]).to.equal("terminated");
      expect(states[ids[1]!]).to.equal("terminated");
      expect(states[foreign[0]!]).to.equal("running");
      const lines = fake.commandLines();
      expect(lines.some((l) => /^destroy --yes --skip-preview .*--stack d1/.test(l))).to.equal(true);
      expect(lines).to.include("stack rm --yes --preserve-config d1 --non-interactive");
      expect(r.stdout).to.contain("✔ deleted VPC ec2-workshop-d1-vpc");
      expect(existsSync(configFile("d1"))).to.equal(false);
      expect(existsSync(join(userHome(), ".ec2-workshop", "pulumi", ".pulumi", "stacks", "ec2-workshop", "d1.json"))).to.equal(false);
    });

    it("needs --yes without a terminal; a locked stack or an AWS error keeps stack and file", async () => {
      expect((await create("d2")).code).to.equal(0);
      const noYes = await run(["workshop", "destroy", "d2"]);
      expect(noYes.code).to.equal(2);
      expect(oneLine(noYes)).to.contain("pass --yes");
      const locked = await run(["workshop", "destroy", "d2", "--yes"], { FAKE_PULUMI_FAIL: "destroy=locked" });
      expect(locked.code).to.equal(1);
      expect(locked.stderr).to.contain(`cd ${home.dir} && PULUMI_BACKEND_URL=file://${join(userHome(), ".ec2-workshop", "pulumi")} PULUMI_CONFIG_PASSPHRASE= pulumi cancel --stack d2 --yes`);
      const aws = await run(["workshop", "destroy", "d2", "--yes"], { FAKE_PULUMI_FAIL: "destroy=aws" });
      expect(aws.code).to.equal(1);
      expect(aws.stderr).to.match(/AWS refused a change on aws:ec2\/subnet:Subnet "ec2-workshop-d2-us-east-1\w": DependencyViolation/);
      expect(existsSync(configFile("d2"))).to.equal(true);
    });
  });
});

describe("workshop end to end with a real Pulumi CLI", () => {
  it("create, list, destroy against the local backend and the simulator", function () {
    let found: boolean;
    try {
      execFileSync("pulumi", ["version"], { stdio: "ignore", timeout: 10_000 });
      found = true;
    } catch {
      found = false;
    }
    if (!found) {
      console.log("      (skipped: no `pulumi` on PATH; install it with `curl -fsSL https://get.pulumi.com | sh` to run this test)");
      this.skip();
    }
    // With a real CLI the engine would also download the AWS provider plugin, which this
    // project's build machines cannot do; keep the check honest rather than pretend.
    console.log("      (skipped: a real run needs the AWS provider plugin download, which is not available here)");
    this.skip();
  });
});
