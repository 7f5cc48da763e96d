// The standalone `ec2-workshop-sim` binary: help, bad arguments, serving, clean shutdown.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { DescribeLaunchTemplatesCommand } from "@aws-sdk/client-ec2";
import { expect } from "chai";
import { PACKAGE_ROOT } from "../../src/home.js";
import { ec2For } from "../helpers/sim.js";

const SIM_BIN = join(PACKAGE_ROOT, "bin", "ec2-workshop-sim.js");

function runSim(args: string[], onLine?: (line: string, kill: () => void) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SIM_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      onLine?.(stdout, () => child.kill("SIGTERM"));
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("ec2-workshop-sim (standalone)", function () {
  this.timeout(30_000);

  it("--help documents the options and the fault spec", async () => {
    const r = await runSim(["--help"]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain("--workshop NAME").and.contain("capacity=AZ").and.contain("5xx=RATE");
  });

  it("bad arguments: one clear line, exit 2", async () => {
    for (const args of [["--port", "x"], ["--faults", "nonsense=1"], ["--bogus"], ["--throttling", "maybe"]]) {
      const r = await runSim(args);
      expect(r.code, args.join(" ")).to.equal(2);
      expect(r.stderr.trim().split("\n")[0]).to.match(/^ec2-workshop-sim: /);
      expect(r.stderr).not.to.contain("    at ");
    }
  });

  it("serves a seeded workshop, prints the endpoint and environment, and stops on SIGTERM", async () => {
    let checked: Promise<string[]> | undefined;
    const r = await runSim(["--port", "0", "--scale", "20", "--workshop", "demo", "--faults", "impaired=0.1"], (out, kill) => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!m || checked || !out.includes("Press Ctrl-C")) return;
      const ec2 = ec2For({ endpoint: m[1]!, region: "us-east-1", scale: 20 }, { maxAttempts: 1 });
      checked = ec2
        .send(new DescribeLaunchTemplatesCommand({}))
        .then((x) => x.LaunchTemplates!.map((l) => l.LaunchTemplateName!))
        .finally(() => {
          ec2.destroy();
          kill();
        });
    });
    expect(await checked).to.deep.equal(["ec2-workshop-demo"]);
    expect(r.code).to.equal(0);
    for (const v of ["AWS_ENDPOINT_URL_EC2=", "AWS_ENDPOINT_URL_STS=", "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "EC2_WORKSHOP_TIME_SCALE=20"])
      expect(r.stdout).to.contain(v);
    expect(r.stdout).to.contain("Simulator stopped after 1 requests.");
  });
});
