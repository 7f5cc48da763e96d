// `npm run demo`: the whole life of a workshop against the built-in simulator, in the tool's
// real output: a throw-away workshop directory, `instances create` with the live progress
// view, `instances list`, `instances handout` (as CSV), `instances destroy --all --yes`. Needs no AWS account, leaves nothing
// behind (the simulator lives in this process; the directory is removed at the end).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../home.js";
import { startSimulator, type Simulator } from "../sim/index.js";
import { writeSimWorkshopHome } from "../sim/workshop-home.js";
import { styleFor } from "../ui/style.js";

const WORKSHOP = "demo";
const COUNT = 8;
/** Simulated time runs this many times faster: a 2-3 minute launch takes a few seconds. */
const SCALE = 25;
const BIN = join(PACKAGE_ROOT, "bin", "ec2-workshop.js");
const style = styleFor(process.stdout);

async function makeWorkshopHome(sim: Simulator): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), "ec2-workshop-demo-"));
  // What `workshop create demo` would have built: settings here, network + template in "EC2".
  sim.seedWorkshop(WORKSHOP);
  await writeSimWorkshopHome(home, WORKSHOP, sim.region);
  return home;
}

function demoEnv(sim: Simulator, home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EC2_WORKSHOP_HOME: home,
    AWS_ENDPOINT_URL_EC2: sim.endpoint,
    AWS_ENDPOINT_URL_STS: sim.endpoint,
    AWS_REGION: sim.region,
    // Dummy keys for the simulator; real profiles and metadata are kept out of the demo.
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "demo-secret-not-used-by-the-simulator",
    AWS_CONFIG_FILE: join(home, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "no-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    EC2_WORKSHOP_TIME_SCALE: String(SCALE),
    EC2_WORKSHOP_TIME_ORIGIN: String(sim.timeOrigin),
    // The simulator's prices are cached with the demo's folder, and go with it.
    XDG_CACHE_HOME: join(home, "cache"),
  };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  return env;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  process.stdout.write(`\n${style.bold(style.cyan(`$ ec2-workshop ${args.join(" ")}`))}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: "inherit" });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}

export async function demo(): Promise<number> {
  const started = performance.now();
  const sim = await startSimulator({ scale: SCALE, seed: 2018 });
  const home = await makeWorkshopHome(sim);
  // Ctrl-C reaches the child commands too (same process group); they handle it. The demo
  // itself only has to finish its clean-up, so it ignores the signal.
  const ignore = (): void => {};
  process.on("SIGINT", ignore);
  try {
    process.stdout.write(
      `${style.bold("EC2 Workshop Manager demo")}: a workshop "${WORKSHOP}" against the built-in EC2 simulator at ${sim.endpoint}\n` +
        `(simulated time runs ${SCALE}x faster; no AWS account is used). Workshop directory: ${home}\n`,
    );
    const env = demoEnv(sim, home);
    await run(["workshop", "check", WORKSHOP, "--count", String(COUNT)], env);
    const created = await run(["instances", "create", "--workshop", WORKSHOP, "--count", String(COUNT), "--yes"], env);
    await run(["instances", "list", "--workshop", WORKSHOP], env);
    await run(["instances", "handout", "--workshop", WORKSHOP, "--format", "csv"], env);
    const destroyed = await run(["instances", "destroy", "--workshop", WORKSHOP, "--all", "--yes"], env);
    const left = sim.instances().filter((i) => i.state !== "terminated" && i.state !== "shutting-down");
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `\n${style.bold("Demo finished")} in ${seconds} s: ${left.length === 0 ? style.green("nothing left running") : style.red(`${left.length} instances still running`)}.\n` +
        `Next: \`npm test\`, or point the tool at the simulator yourself: \`npx ec2-workshop-sim --workshop demo --home /tmp/demo-home\` (README: "Try it against the simulator").\n`,
    );
    return created === 0 && destroyed === 0 && left.length === 0 ? 0 : 1;
  } finally {
    process.off("SIGINT", ignore);
    await sim.close();
    rmSync(home, { recursive: true, force: true });
  }
}

process.exitCode = await demo();
