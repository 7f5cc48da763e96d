import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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

  async function loadedBy(args: string[]): Promise<{ modules: string[]; stdout: string; code: number }> {
    const file = join(dir, `${args.join("_") || "none"}.txt`);
    const result = await runBin(args, { nodeArgs: ["--import", RECORDER], env: isolatedEnv({ RECORD_IMPORTS_FILE: file }) });
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
      expect(stdout).to.contain(`ec2-workshop ${cmd}`);
    }
    const aliases = await runBin(["create-instances", "--help"]);
    expect(aliases.code).to.equal(0);
    expect(aliases.stdout).to.contain("instances create");
  });
});
