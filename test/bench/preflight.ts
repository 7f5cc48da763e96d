// `npm run bench:preflight`: how long the pre-launch checks of `instances create` add, at
// N = 300, against the simulator (AWS's throttling buckets; 50 other instances running in the
// account, so the vCPU count reads a real page). It times checkBeforeLaunch, the very call
// `instances create` makes between reading the template and asking to confirm: the first run
// (loading the Service Quotas and Price List clients, an empty price cache) and then warm runs
// (prices cached). A figure, not a test: nothing here asserts a duration.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { scaledClock } from "../../src/clock.js";
import { prepareBatch } from "../../src/instances/create-batch.js";
import { startSimulator } from "../../src/sim/index.js";
import { settingsFromConfig } from "../../src/workshops/settings.js";
import { countByAction, median, percentile } from "../helpers/metrics.js";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, ec2For, stsFor } from "../helpers/sim.js";

const N = 300;
const WARM_RUNS = 15;

async function main(): Promise<void> {
  const sim = await startSimulator({ seed: 300, throttling: "aws" });
  const cache = mkdtempSync(join(tmpdir(), "ec2ws-bench-preflight-"));
  // The clients read these, as they would in a CLI process pointed at the simulator.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: DUMMY_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: DUMMY_SECRET_ACCESS_KEY });
  const env = { ...process.env, XDG_CACHE_HOME: cache };
  try {
    sim.seedWorkshop("bench");
    sim.seedInstances(50, { tags: { Workshop: "someone-else" } });
    const settings = settingsFromConfig("bench", { "aws:region": sim.region, "ec2-workshop:maximum": N, "ec2-workshop:ami": "ami-0123456789abcdef0", "ec2-workshop:instanceType": "t3.micro" });
    const target = { region: sim.region, endpointUrl: sim.endpoint };
    const ec2 = ec2For(sim, { maxAttempts: 1 });
    const sts = stsFor(sim);
    await sts.send(new GetCallerIdentityCommand({})); // the SDK's first-call costs are not the checks'
    const clock = scaledClock(1);
    const prep = await prepareBatch(ec2, sts, settings, clock);
    const { checkBeforeLaunch } = await import("../../src/preflight/workshop.js");
    const once = async (): Promise<{ ms: number; calls: Record<string, number>; failed: number }> => {
      sim.clearLog();
      const start = performance.now();
      const report = await checkBeforeLaunch({ ec2, target, env, settings, prep, count: N, clock });
      const ms = performance.now() - start;
      return { ms, calls: countByAction(sim.log), failed: report.checks.filter((c) => c.status !== "ok").length };
    };
    const cold = await once();
    const warm: number[] = [];
    let last = cold;
    for (let i = 0; i < WARM_RUNS; i++) {
      last = await once();
      warm.push(last.ms);
    }
    ec2.destroy();
    sts.destroy();
    const calls = (c: Record<string, number>): string => Object.entries(c).map(([k, v]) => `${k} ${v}`).join(", ");
    process.stdout.write(
      `Pre-launch checks at N = ${N} (simulator, AWS throttling, 50 other instances running; not ok: ${cold.failed}/${last.failed})\n` +
        `  first run (clients loaded, price cache empty): ${cold.ms.toFixed(0)} ms; calls: ${calls(cold.calls)}\n` +
        `  warm runs (prices cached), ${WARM_RUNS}: median ${median(warm).toFixed(0)} ms, p90 ${percentile(warm, 90).toFixed(0)} ms; calls: ${calls(last.calls)}\n`,
    );
  } finally {
    await sim.close();
    rmSync(cache, { recursive: true, force: true });
  }
}

await main();
