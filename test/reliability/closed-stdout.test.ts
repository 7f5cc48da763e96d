// Fault suite: the reader of stdout goes away mid-run (`… | head -1`). A command that only reads
// may end quietly; one that changes things finishes, exits by its result, and its remaining
// output goes to stderr: `instances create` still waits for its batch and reports it, `setup
// --store-profile` still saves the region and runs its checks.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/home.js";
import { BIN, isolatedEnv } from "../helpers/cli.js";
import { WORKSHOP } from "./harness.js";
import { fromHuman } from "./invariants.js";
import { scenarioPerTest, verifyAndCleanUp } from "./flow.js";

interface HeadRun {
  code: number;
  /** What the reader got before it left. */
  firstLine: string;
  stderr: string;
}

/** Runs the CLI as `… | head -1` would: stdout is closed as soon as its first line has arrived. */
function headOne(args: string[], env: Record<string, string>): Promise<HeadRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: PACKAGE_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let stderr = "";
    let firstLine: string | undefined;
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (firstLine === undefined && out.includes("\n")) {
        firstLine = out.split("\n")[0]!;
        child.stdout.destroy();
      }
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, firstLine: firstLine ?? out, stderr }));
  });
}

describe("fault suite: stdout closed mid-run", function () {
  this.timeout(60_000);
  const start = scenarioPerTest();

  it("instances create | head -1: waits for the whole batch, reports it on stderr, exit 0", async () => {
    const s = await start({ seed: 181 });
    const r = await headOne(["instances", "create", "--workshop", WORKSHOP, "--count", "8", "--yes"], s.env());
    const createdUntil = s.mark();
    expect(r.code, r.stderr).to.equal(0);
    expect(r.firstLine).to.match(/Launching 8 × t3\.micro/);
    expect(r.stderr).to.contain("(stdout was closed; the command carries on, and the rest of its output follows here)");
    const run = fromHuman("head -1", 8, r.stderr);
    expect(run.report!.ready).to.have.length(8);
    const mine = s.launched().filter((i) => i.tags.Workshop === WORKSHOP);
    expect(mine).to.have.length(8);
    expect(mine.every((i) => i.state === "running")).to.equal(true);
    await verifyAndCleanUp(s, { scenario: "stdout closed during create", runs: [run], createdUntil, outcome: "exit 0, 8/8 reported on stderr" });
  });

  it("instances list | head -1: ends quietly, exit 0", async () => {
    const s = await start({ seed: 182 });
    const r = await headOne(["instances", "list", "--workshop", WORKSHOP], s.env());
    expect(r.code).to.equal(0);
    expect(r.stderr).to.equal("");
  });

  it("setup --store-profile | head -1: the key, the region and every check, exit 0", async () => {
    const s = await start({ seed: 183 });
    const dir = mkdtempSync(join(tmpdir(), "ec2ws-head-"));
    try {
      const files = { credentials: join(dir, "credentials"), config: join(dir, "config") };
      const env = isolatedEnv({
        HOME: dir,
        AWS_CONFIG_FILE: files.config,
        AWS_SHARED_CREDENTIALS_FILE: files.credentials,
        AWS_ENDPOINT_URL_EC2: s.sim.endpoint,
        AWS_ENDPOINT_URL_STS: s.sim.endpoint,
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        EC2_WORKSHOP_HOME: s.home.dir,
      });
      const r = await headOne(["setup", "--store-profile", "lab", "--region", "eu-west-1"], env);
      expect(r.code, r.stderr).to.equal(0);
      expect(readFileSync(files.credentials, "utf8")).to.contain("[lab]");
      expect(readFileSync(files.config, "utf8")).to.equal("[profile lab]\nregion = eu-west-1\n");
      expect(r.stderr).to.contain("Saved region     eu-west-1");
      expect(r.stderr).to.contain("EC2 access       DescribeInstances allowed (dry run)");
      expect(r.stderr).to.match(/✔ Ready: account \d{12} in eu-west-1, profile "lab"/);
      expect(r.stderr).not.to.contain("wJalrXUtnFEMI");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
