// What the binary loads for --help, a command's help and the first prompt. It runs the bundle
// (dist/cli): the recorder sees bundle files, and the bundle's own record (dist/bundle-meta.json)
// says which source modules each holds, so the checks below are about the modules themselves.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PACKAGE_ROOT } from "../../src/home.js";
import { sourcesOf } from "../helpers/bundle.js";
import { isolatedEnv, runBin } from "../helpers/cli.js";
import { hasScript, PtySession } from "../helpers/pty.js";
import { makeWorkshopHome } from "../helpers/workshop-home.js";

const RECORDER = pathToFileURL(join(PACKAGE_ROOT, "test", "fixtures", "record-imports.mjs")).href;
const HEAVY = /@aws-sdk|@smithy|@pulumi/;

describe("start-up", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "ec2ws-startup-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The source modules a run loaded (bundle files resolved to what they hold), and its output. */
  async function loadedBy(args: string[], extraEnv: Record<string, string> = {}): Promise<{ modules: string[]; stdout: string; code: number }> {
    const file = join(dir, `${args.join("_") || "none"}.txt`);
    const result = await runBin(args, { nodeArgs: ["--import", RECORDER], env: isolatedEnv({ RECORD_IMPORTS_FILE: file, ...extraEnv }) });
    return { modules: sourcesOf(readFileSync(file, "utf8").split("\n").filter(Boolean)), stdout: result.stdout, code: result.code };
  }

  for (const args of [["--help"], ["--version"], ["instances", "create", "--help"], ["setup", "--help"], ["workshop", "check", "--help"]]) {
    it(`\`${args.join(" ")}\` loads neither the AWS SDK nor Pulumi`, async () => {
      const { modules, code } = await loadedBy(args);
      expect(code).to.equal(0);
      expect(modules, "the recorder saw the CLI's entry, so recording works").to.include("dist/src/entry.js");
      // The top-level help comes from the command catalog alone: not even the CLI framework loads.
      if (args[0] === "--help") expect(modules.filter((m) => /clipanion|typanion/.test(m))).to.deep.equal([]);
      else expect(modules.some((m) => m.includes("clipanion"))).to.equal(true);
      expect(modules.filter((m) => HEAVY.test(m))).to.deep.equal([]);
    });
  }

  it("the first prompt of `instances create` (the workshop menu) shows before any AWS SDK or Pulumi module loads", async function () {
    if (!hasScript()) {
      console.log("      (skipped: util-linux `script` is not installed, so there is no pseudo-terminal for the menu)");
      this.skip();
    }
    const home = makeWorkshopHome([{ name: "alpha" }, { name: "beta" }]);
    const file = join(dir, "first-prompt.txt");
    // Pointed at a closed port: the menu's template checks (behind the menu) fail, nothing waits on them.
    const env = isolatedEnv({
      EC2_WORKSHOP_HOME: home.dir,
      TERM: "xterm-256color",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_EC2: "http://127.0.0.1:9",
      NODE_OPTIONS: `--import=${RECORDER}`,
      RECORD_IMPORTS_FILE: file,
      RECORD_IMPORTS_MARK: "Which workshop?",
    });
    const session = new PtySession(["instances", "create"], { env });
    try {
      await session.waitFor("Which workshop?");
    } finally {
      session.kill();
      home.remove();
    }
    const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
    const shown = lines.indexOf("--- shown: Which workshop?");
    expect(shown, "the recorder marked when the menu was drawn").to.be.greaterThan(0);
    const before = sourcesOf(lines.slice(0, shown));
    expect(before).to.include("dist/src/commands/instances/create.js");
    expect(before.filter((m) => HEAVY.test(m))).to.deep.equal([]);
  });

  it("`workshop list` and `workshop show` without a Pulumi CLI do not load the Automation API (nothing to ask it)", async () => {
    const home = join(dir, "workshops");
    mkdirSync(join(home, "stacks"), { recursive: true });
    writeFileSync(join(home, "stacks", "Pulumi.w1.yaml"), "config:\n  aws:region: us-east-1\n  ec2-workshop:maximum: 5\n");
    const env = { PATH: "/usr/bin:/bin", HOME: join(dir, "user"), EC2_WORKSHOP_HOME: home };
    for (const args of [["workshop", "list"], ["workshop", "show", "w1"]]) {
      const { modules, stdout, code } = await loadedBy(args, env);
      expect(code, stdout).to.equal(0);
      expect(stdout).to.contain("not read: The Pulumi CLI (`pulumi`) is not installed or not on PATH.");
      expect(modules).to.include("dist/src/entry.js");
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
