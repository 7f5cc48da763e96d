import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PACKAGE_ROOT } from "../../src/home.js";
import { isolatedEnv, runBin } from "../helpers/cli.js";

const RECORDER = pathToFileURL(join(PACKAGE_ROOT, "test", "fixtures", "record-imports.mjs")).href;

describe("start-up", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "ec2ws-startup-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function loadedBy(args: string[], extraEnv: Record<string, string> = {}): Promise<{ modules: string[]; stdout: string; code: number }> {
    const file = join(dir, `${args.join("_") || "none"}.txt`);
    const result = await runBin(args, { nodeArgs: ["--import", RECORDER], env: isolatedEnv({ RECORD_IMPORTS_FILE: file, ...extraEnv }) });
    return { modules: readFileSync(file, "utf8").split("\n").filter(Boolean), stdout: result.stdout, code: result.code };
  }

  for (const args of [["--help"], ["--version"], ["instances", "create", "--help"], ["setup", "--help"], ["workshop", "check", "--help"]]) {
    it(`\`${args.join(" ")}\` loads neither the AWS SDK nor Pulumi`, async () => {
      const { modules, code } = await loadedBy(args);
      expect(code).to.equal(0);
      expect(modules.some((m) => m.includes("/dist/src/entry.js")), "the recorder saw the CLI's entry, so recording works").to.equal(true);
      // The top-level help comes from the command catalog alone: not even the CLI framework loads.
      if (args[0] === "--help") expect(modules.filter((m) => /clipanion|typanion/.test(m))).to.deep.equal([]);
      else expect(modules.some((m) => m.includes("clipanion"))).to.equal(true);
      const heavy = modules.filter((m) => /@aws-sdk|@smithy|@pulumi/.test(m));
      expect(heavy).to.deep.equal([]);
    });
  }

  it("`workshop list` and `workshop show` without a Pulumi CLI do not load the Automation API (nothing to ask it)", async () => {
    const home = join(dir, "workshops");
    mkdirSync(join(home, "stacks"), { recursive: true });
    writeFileSync(join(home, "stacks", "Pulumi.w1.yaml"), "config:\n  aws:region: us-east-1\n  ec2-workshop:maximum: 5\n");
    const env = { PATH: "/usr/bin:/bin", HOME: join(dir, "user"), EC2_WORKSHOP_HOME: home };
    for (const args of [["workshop", "list"], ["workshop", "show", "w1"]]) {
      const { modules, stdout, code } = await loadedBy(args, env);
      expect(code, stdout).to.equal(0);
      expect(stdout).to.contain("not read: The Pulumi CLI (`pulumi`) is not installed or not on PATH.");
      expect(modules.some((m) => m.includes("/dist/src/entry.js"))).to.equal(true);
      expect(modules.filter((m) => /@pulumi\/pulumi\/(automation|index\.js)|cjs:@pulumi\/pulumi$|@grpc/.test(m))).to.deep.equal([]);
    }
  });

  it("--help lists every command of the design, and the original's names", async () => {
    const { stdout } = await loadedBy(["--help"]);
    for (const cmd of [
      "setup",
      "workshop create",
      "workshop list",
      "workshop show",
      "workshop update",
      "workshop destroy",
      "workshop check",
      "instances create",
      "instances list",
      "instances destroy",
    ]) {
      expect(stdout).to.match(new RegExp(`^  ${cmd}\\b`, "m"));
    }
    const aliases = await runBin(["create-instances", "--help"]);
    expect(aliases.code).to.equal(0);
    expect(aliases.stdout).to.contain("instances create");
  });
});
