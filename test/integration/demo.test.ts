// `npm run demo`: the whole life of a workshop against the simulator, and what it leaves behind:
// nothing, whether it runs to the end, is stopped with Ctrl-C (in a real pseudo-terminal), or
// has its output cut short (`npm run demo | head`).
import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/home.js";
import { isolatedEnv } from "../helpers/cli.js";
import { PtySession, requirePty } from "../helpers/pty.js";

const DEMO = join(PACKAGE_ROOT, "dist", "src", "demo", "run.js");

const workshopDir = (text: string): string => {
  const m = /Workshop directory: (\S+)/.exec(text);
  if (!m) throw new Error(`the demo did not name its directory:\n${text}`);
  return m[1]!;
};

function runDemo(o: { closeAfterLines?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO], { env: isolatedEnv(), cwd: PACKAGE_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (o.closeAfterLines !== undefined && stdout.split("\n").length > o.closeAfterLines) child.stdout.destroy();
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe("npm run demo", function () {
  this.timeout(120_000);
  let session: PtySession | undefined;
  afterEach(() => session?.kill());

  it("runs the whole life, leaves nothing, and its closing hint has the speed it used (--scale)", async () => {
    const r = await runDemo();
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain("$ npx ec2-workshop instances create --workshop demo --count 8 --yes");
    expect(r.stdout).to.match(/Demo finished in [\d.]+ s: nothing left running\./);
    expect(r.stdout).to.match(/npx ec2-workshop-sim --workshop demo --home \/tmp\/demo-home --scale 25\b/);
    expect(existsSync(workshopDir(r.stdout))).to.equal(false);
  });

  it("`npm run demo | head`: stops when the reader goes, and leaves nothing behind", async () => {
    const r = await runDemo({ closeAfterLines: 3 });
    expect(r.code).to.equal(0);
    expect(existsSync(workshopDir(r.stdout))).to.equal(false);
    expect(r.stdout).not.to.contain("Demo finished");
    expect(r.stderr).not.to.match(/EPIPE|\n\s+at /);
  });

  it("Ctrl-C stops it at once, says so, and removes its temporary folder", async function () {
    requirePty(this);
    session = new PtySession([], { env: isolatedEnv(), program: [process.execPath, DEMO], cols: 80, rows: 24 });
    await session.waitFor("Waiting for 8 instance(s)");
    const dir = workshopDir(session.output);
    expect(existsSync(dir)).to.equal(true);
    session.keys("\x03");
    await session.waitFor("Demo stopped (Ctrl-C): the simulator and its instances are gone, and its temporary folder is removed.");
    expect(await session.exit()).to.equal(130);
    expect(existsSync(dir)).to.equal(false);
    expect(session.output).not.to.contain("$ npx ec2-workshop instances list");
  });
});
