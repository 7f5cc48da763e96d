// The workshop commands against a stand-in `pulumi` that is as strict as the real CLI where it
// matters (it resolves Pulumi.yaml's `main` against the workshop directory, runs the program in
// the folder of `main`, needs the AWS provider plugin, and cancels like the engine on signals):
// where workshops live, Pulumi.yaml kept right, relative paths, the plugin, Ctrl-C and SIGTERM,
// and an unwritable workshop directory.
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { load } from "js-yaml";
import { PACKAGE_ROOT, PROGRAM_MAIN } from "../../src/home.js";
import type { Simulator } from "../../src/sim/index.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import type { FakePulumi } from "../fixtures/fake-pulumi/install.js";
import { workshopRig } from "../helpers/workshop-rig.js";

const AMI = "ami-0123456789abcdef0";

async function until(what: string, test: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("workshop commands with a stand-in pulumi as strict as the real one", function () {
  this.timeout(90_000);
  const rig = workshopRig();
  let sim: Simulator;
  let fake: FakePulumi;
  let root: string;

  beforeEach(() => {
    ({ sim, fake } = rig);
    root = realpathSync(mkdtempSync(join(tmpdir(), "ec2ws-engine-")));
    rmSync(join(fake.stateDir, "signals.jsonl"), { force: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const userHome = () => join(root, "home");
  const stateDir = () => join(userHome(), ".ec2-workshop", "pulumi", ".pulumi");
  const env = (extra: Record<string, string | undefined> = {}) => simEnv(sim, { ...fake.env(), HOME: userHome(), ...extra });
  const createArgs = (name: string, ...flags: string[]) => ["workshop", "create", name, "--ami", AMI, "--instance-type", "t3.micro", ...flags];
  const oneLine = (r: RunResult) => {
    expect(r.stderr, "no stack trace").to.not.match(/\n\s+at /);
    return r.stderr.trim();
  };
  const signals = (): { signal: string; command: string; pid: number; first: boolean }[] => {
    const file = join(fake.stateDir, "signals.jsonl");
    return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
  };
  /** `pulumi ...` run by hand from `cwd`, with the variables README's "Inspecting stacks" exports. */
  const byHand = (cwd: string, args: string[]): string =>
    execFileSync(join(fake.binDir, "pulumi"), args, {
      cwd,
      env: { ...fake.env(), HOME: userHome(), PULUMI_BACKEND_URL: `file://${join(userHome(), ".ec2-workshop", "pulumi")}`, PULUMI_CONFIG_PASSPHRASE: "" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });

  describe("where workshops live", () => {
    it("installed globally and run from anywhere: ~/.ec2-workshop is set up (Pulumi.yaml -> the installed program) and `pulumi` works there by hand", async () => {
      const anywhere = join(root, "anywhere");
      mkdirSync(anywhere);
      const name = `gl${process.pid}`;
      try {
        const r = await runBin(createArgs(name), { env: env(), cwd: anywhere });
        expect(r.code, r.stderr).to.equal(0);
        const home = join(userHome(), ".ec2-workshop");
        expect(r.stdout).to.contain(`Set up ${home} as the workshop directory`);
        expect(existsSync(join(home, "stacks", `Pulumi.${name}.yaml`))).to.equal(true);
        expect(existsSync(join(PACKAGE_ROOT, "stacks", `Pulumi.${name}.yaml`)), "nothing in the package folder").to.equal(false);
        expect((load(readFileSync(join(home, "Pulumi.yaml"), "utf8")) as { main: string }).main).to.equal(PROGRAM_MAIN);
        // README, "Inspecting stacks with Pulumi": from the workshop directory, by hand.
        expect(JSON.parse(byHand(home, ["stack", "ls", "--json"])).map((s: { name: string }) => s.name)).to.deep.equal([name]);
        expect(JSON.parse(byHand(home, ["stack", "output", "--json", "--stack", name]))).to.have.property("vpcId");
        expect(byHand(home, ["up", "--yes", "--stack", name])).to.contain("Resources:");
        // the instance commands find it there too
        const list = await runBin(["workshop", "list"], { env: env(), cwd: anywhere });
        expect(list.stdout).to.match(new RegExp(`^${name}\\s+us-east-1`, "m"));
      } finally {
        rmSync(join(PACKAGE_ROOT, "stacks", `Pulumi.${name}.yaml`), { force: true });
      }
    });

    it("a new EC2_WORKSHOP_HOME is set up by the tool; a copied Pulumi.yaml whose main does not resolve there is corrected", async () => {
      const fresh = join(root, "fresh", "workshops");
      const r = await runBin(createArgs("n1"), { env: env({ EC2_WORKSHOP_HOME: fresh }) });
      expect(r.code, r.stderr).to.equal(0);
      expect(readFileSync(join(fresh, "Pulumi.yaml"), "utf8")).to.contain(`main: ${PROGRAM_MAIN}`);

      // The earlier way of setting one up: a copy of the package's Pulumi.yaml (main: dist/src/...),
      // which the real CLI resolves against this folder and cannot read.
      const copied = join(root, "copied");
      mkdirSync(copied);
      writeFileSync(join(copied, "Pulumi.yaml"), readFileSync(join(PACKAGE_ROOT, "Pulumi.yaml")));
      const fixed = await runBin(createArgs("c1"), { env: env({ EC2_WORKSHOP_HOME: copied }) });
      expect(fixed.code, fixed.stderr).to.equal(0);
      expect(fixed.stdout).to.contain(`main now points at this installation's program (${PROGRAM_MAIN}; it was dist/src/workshops/main.js)`);
      // the stand-in is as strict as the real CLI about it
      writeFileSync(join(copied, "Pulumi.yaml"), readFileSync(join(PACKAGE_ROOT, "Pulumi.yaml")));
      let failure = "";
      try {
        byHand(copied, ["up", "--yes", "--stack", "c1"]);
      } catch (err) {
        failure = String((err as { stderr?: string }).stderr);
      }
      expect(failure).to.equal(`error: project 'main' could not be read: stat ${join(copied, "dist", "src", "workshops", "main.js")}: no such file or directory\n`);
    });

    it("a checkout is its own workshop directory when the tool runs inside it", async () => {
      const checkout = join(root, "checkout");
      mkdirSync(join(checkout, "docs"), { recursive: true });
      writeFileSync(join(checkout, "Pulumi.yaml"), `name: ec2-workshop\nruntime: nodejs\nmain: ${PROGRAM_MAIN}\nstackConfigDir: stacks\n`);
      const r = await runBin(createArgs("co"), { env: env(), cwd: join(checkout, "docs") });
      expect(r.code, r.stderr).to.equal(0);
      expect(existsSync(join(checkout, "stacks", "Pulumi.co.yaml"))).to.equal(true);
      expect(existsSync(join(userHome(), ".ec2-workshop", "stacks"))).to.equal(false);
    });
  });

  it("a relative user data file is read from the workshop directory, not from the program's working directory (the folder of main)", async () => {
    const home = join(root, "ud");
    expect((await runBin(createArgs("ud"), { env: env({ EC2_WORKSHOP_HOME: home }) })).code).to.equal(0);
    writeFileSync(join(home, "boot.sh"), "#!/bin/sh\necho from-the-workshop-directory\n");
    const file = join(home, "stacks", "Pulumi.ud.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("  ec2-workshop:vpcCidr:", "  ec2-workshop:userDataFile: boot.sh\n  ec2-workshop:vpcCidr:"));
    const r = await runBin(["workshop", "update", "ud"], { env: env({ EC2_WORKSHOP_HOME: home }) });
    expect(r.code, r.stderr).to.equal(0);
    const up = fake.calls().filter((c) => c.argv[0] === "up").pop()!;
    expect(up.cwd).to.equal(home);
    const state = JSON.parse(readFileSync(join(stateDir(), "stacks", "ec2-workshop", "ud.json"), "utf8")) as { resources: { type: string; inputs: { userData?: string } }[] };
    const lt = state.resources.find((x) => x.type === "aws:ec2/launchTemplate:LaunchTemplate")!;
    expect(Buffer.from(lt.inputs.userData!, "base64").toString()).to.contain("from-the-workshop-directory");
  });

  describe("the AWS provider plugin", () => {
    it("is installed explicitly before the first stack operation, with progress; then found", async () => {
      const home = join(root, "pl");
      const r = await runBin(createArgs("pl"), { env: env({ EC2_WORKSHOP_HOME: home }) });
      expect(r.code, r.stderr).to.equal(0);
      const lines = fake.commandLines().filter((l) => l !== "version");
      expect(lines.indexOf("plugin install resource aws v7.48.0 --non-interactive")).to.be.lessThan(lines.findIndex((l) => l.startsWith("stack init")));
      expect(r.stdout).to.contain("Installing the Pulumi aws provider plugin v7.48.0").and.contain("✔ Installed the Pulumi aws provider plugin v7.48.0.");
      expect(existsSync(join(userHome(), ".pulumi", "plugins", "resource-aws-v7.48.0"))).to.equal(true);
      fake.clearCalls();
      const again = await runBin(["workshop", "update", "pl"], { env: env({ EC2_WORKSHOP_HOME: home }) });
      expect(again.code, again.stderr).to.equal(0);
      expect(fake.commandLines().filter((l) => l.startsWith("plugin install"))).to.deep.equal([]);
      expect(again.stdout).to.not.contain("Installing the Pulumi");
    });

    it("offline: one line naming the plugin and how to install it, before any stack exists", async () => {
      const home = join(root, "off");
      const r = await runBin(createArgs("off"), { env: env({ EC2_WORKSHOP_HOME: home, FAKE_PULUMI_OFFLINE: "1" }) });
      expect(r.code).to.equal(1);
      expect(oneLine(r)).to.equal(
        "Error: The Pulumi aws provider plugin v7.48.0 is not installed and could not be downloaded (no such host). Connect to the internet and run this again, or install it by hand: `pulumi plugin install resource aws v7.48.0`.",
      );
      expect(fake.commandLines().filter((l) => /^(stack init|up)/.test(l))).to.deep.equal([]);
      expect(existsSync(join(home, "stacks", "Pulumi.off.yaml"))).to.equal(false);
    });
  });

  describe("Ctrl-C and SIGTERM during create, update and destroy", () => {
    const stackFile = (name: string) => join(stateDir(), "stacks", "ec2-workshop", `${name}.json`);
    const pending = (name: string) => ((JSON.parse(readFileSync(stackFile(name), "utf8")) as { pending_operations?: unknown[] }).pending_operations ?? []).length;
    const lockDir = (name: string) => join(stateDir(), "locks", "organization", "ec2-workshop", name);
    const locked = (name: string) => existsSync(lockDir(name)) && readdirSync(lockDir(name)).length > 0;
    /** Starts the command, waits until Pulumi is mid-operation (lock held, an operation pending), then `interrupt`s. */
    async function interrupted(args: string[], extra: Record<string, string>, name: string, interrupt: (pid: number) => Promise<void> | void): Promise<RunResult> {
      let pid = 0;
      const running = runBin(args, { env: env(extra), detached: true, onSpawn: (c) => (pid = c.pid!) });
      await until("Pulumi mid-operation", () => existsSync(stackFile(name)) && pending(name) > 0 && locked(name));
      await interrupt(pid);
      return running;
    }

    it("Ctrl-C at a terminal (the whole process group): Pulumi gets one interrupt, cancels gracefully, and the stack is left unlocked", async () => {
      const home = join(root, "cc");
      const r = await interrupted(createArgs("cc"), { EC2_WORKSHOP_HOME: home, FAKE_PULUMI_FAIL: "up=hang" }, "cc", (pid) => {
        process.kill(-pid, "SIGINT");
      });
      expect(r.code, r.stderr).to.equal(130);
      expect(r.stderr).to.contain('Ctrl-C: cancelling the creation of workshop "cc". Pulumi finishes the changes already sent to AWS');
      expect(r.stderr.trim().split("\n").pop()).to.equal(
        'Error: The creation of workshop "cc" was cancelled (SIGINT). Pulumi stopped cleanly: the stack is unlocked and records every change made so far; run the command again to finish.',
      );
      expect(signals().map((s) => [s.signal, s.command])).to.deep.equal([["SIGINT", "up"]]);
      expect(locked("cc")).to.equal(false);
      expect(pending("cc")).to.equal(0);
    });

    it("SIGTERM twice during an update: still one interrupt for Pulumi, which is never killed; the second only says it is still stopping", async () => {
      const home = join(root, "tt");
      expect((await runBin(createArgs("tt"), { env: env({ EC2_WORKSHOP_HOME: home }) })).code).to.equal(0);
      const r = await interrupted(["workshop", "update", "tt", "--maximum", "9"], { EC2_WORKSHOP_HOME: home, FAKE_PULUMI_FAIL: "up=hang", FAKE_PULUMI_CANCEL_MS: "3000" }, "tt", async (pid) => {
        process.kill(pid, "SIGTERM");
        await until("the first interrupt to reach Pulumi", () => signals().length === 1);
        process.kill(pid, "SIGTERM");
      });
      expect(r.code, r.stderr).to.equal(143);
      expect(r.stderr).to.contain('SIGTERM: cancelling the update of workshop "tt"');
      expect(r.stderr).to.contain('Still stopping the update of workshop "tt"');
      expect(signals()).to.have.length(1);
      expect(locked("tt")).to.equal(false);
    });

    it("when Pulumi dies mid-cancel (lock and pending operations left), the exact recovery commands are printed, and they work", async () => {
      const home = join(root, "kd");
      expect((await runBin(createArgs("kd"), { env: env({ EC2_WORKSHOP_HOME: home }) })).code).to.equal(0);
      const r = await interrupted(["workshop", "destroy", "kd", "--yes"], { EC2_WORKSHOP_HOME: home, FAKE_PULUMI_FAIL: "destroy=hang", FAKE_PULUMI_CANCEL_MS: "60000" }, "kd", async (pid) => {
        process.kill(pid, "SIGTERM");
        await until("the interrupt to reach Pulumi", () => signals().length === 1);
        process.kill(signals()[0]!.pid, "SIGKILL"); // the CLI killed from outside, mid-cancel
      });
      expect(r.code, r.stderr).to.equal(143);
      const backend = `file://${join(userHome(), ".ec2-workshop", "pulumi")}`;
      expect(r.stderr).to.contain(
        [
          "The stack is still locked and has 1 operation(s) that were in flight and may not be recorded. To clear it, run:",
          `  cd ${home}`,
          `  export PULUMI_BACKEND_URL=${backend} PULUMI_CONFIG_PASSPHRASE=""`,
          "  pulumi cancel --stack kd --yes",
          "  pulumi refresh --clear-pending-creates --stack kd --yes",
          "then run the ec2-workshop command again.",
        ].join("\n"),
      );
      expect(locked("kd")).to.equal(true);
      const commands = r.stderr.split("\n").filter((l) => l.startsWith("  ")).join("\n");
      execFileSync("sh", ["-ec", commands], { env: { ...fake.env(), HOME: userHome() } });
      expect(locked("kd")).to.equal(false);
      expect(pending("kd")).to.equal(0);
      const again = await runBin(["workshop", "destroy", "kd", "--yes"], { env: env({ EC2_WORKSHOP_HOME: home }) });
      expect(again.code, again.stderr).to.equal(0);
    });
  });

  it("create in a workshop directory where settings cannot be written: checked first, one line, nothing initialised", async () => {
    const home = join(root, "ro");
    mkdirSync(home);
    writeFileSync(join(home, "Pulumi.yaml"), `name: ec2-workshop\nruntime: nodejs\nmain: ${PROGRAM_MAIN}\nstackConfigDir: stacks\n`);
    // As root (file modes do not stop root), `stacks` being a file is what makes it unwritable.
    if (process.getuid?.() === 0) writeFileSync(join(home, "stacks"), "");
    else execFileSync("chmod", ["0555", home]);
    try {
      const r = await runBin(createArgs("ro"), { env: env({ EC2_WORKSHOP_HOME: home }) });
      expect(r.code).to.equal(1);
      expect(oneLine(r)).to.match(/^Error: Cannot write in .*\/ro(\/stacks)? \([A-Z]+\), so no workshop can be created or changed there; nothing was changed\./);
      expect(r.stderr.trim().split("\n")).to.have.length(1);
      expect(fake.commandLines().filter((l) => l !== "version")).to.deep.equal([]);
      expect(existsSync(stateDir())).to.equal(false);
    } finally {
      execFileSync("chmod", ["0755", home]);
    }
  });
});
