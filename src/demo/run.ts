// `npm run demo`: the whole life of a two-day workshop against the built-in simulator, in the
// tool's real output: a throw-away workshop directory, `instances create` with the live progress
// view (machines that live 36 hours), `instances list`, `instances handout` (as CSV), the evening's
// `instances stop`, the morning's `instances start` (new addresses marked), `instances destroy
// --all --yes` and a `sweep --dry-run`. Needs no AWS account, leaves nothing behind (the
// simulator lives in this process; the directory is removed at the end), also when it is stopped
// with Ctrl-C or its output is cut short (`npm run demo | head`).
import { spawn, type ChildProcess } from "node:child_process";
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
  const seeded = sim.seedWorkshop(WORKSHOP);
  await writeSimWorkshopHome(home, WORKSHOP, sim.region, { servicePort: sim.servicePort, seeded });
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

/** Why the demo stops before its end: a signal, or nobody reading its output any more. */
type StopReason = "SIGINT" | "SIGTERM" | "closed";

class DemoRun {
  private child: ChildProcess | undefined;
  stopped: StopReason | undefined;

  /** Prints, unless the reader has gone away. */
  say(text: string): void {
    if (this.stopped !== "closed") process.stdout.write(text);
  }

  stop(why: StopReason): void {
    if (this.stopped) return;
    this.stopped = why;
    // The step running now ends at once (in a terminal it got the Ctrl-C too; SIGTERM makes
    // sure it does not stay to ask). Its instances live in this process's simulator, which
    // goes away with the demo.
    this.child?.kill("SIGTERM");
  }

  /** One step: the real CLI as a child process, its output shown as it comes. */
  step(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
    if (this.stopped) return Promise.resolve(EXIT_STOPPED);
    this.say(`\n${style.bold(style.cyan(`$ npx ec2-workshop ${args.join(" ")}`))}\n`);
    return new Promise((resolve, reject) => {
      // A terminal is handed to the step (its live view draws there). Otherwise its output
      // passes through here, so the demo is the one that finds the reader gone and stops.
      // stderr always comes through: once the demo is stopping, a step's own recovery message
      // (about instances the simulator takes with it) would only confuse.
      const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["inherit", process.stdout.isTTY ? "inherit" : "pipe", "pipe"] });
      this.child = child;
      child.stdout?.on("data", (d: Buffer) => this.say(d.toString("utf8")));
      child.stderr!.on("data", (d: Buffer) => {
        if (!this.stopped) process.stderr.write(d);
      });
      child.on("error", reject);
      child.on("close", (code, signal) => {
        this.child = undefined;
        resolve(code ?? (signal ? EXIT_STOPPED : 1));
      });
    });
  }
}

const EXIT_STOPPED = 130;

export async function demo(): Promise<number> {
  const started = performance.now();
  const run = new DemoRun();
  const onSignal = (sig: NodeJS.Signals): void => run.stop(sig === "SIGINT" ? "SIGINT" : "SIGTERM");
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const sig of signals) process.on(sig, onSignal);
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    run.stop("closed");
  });
  // Reachable: the machines answer on this computer's loopback, so they are handed out when they boot.
  const sim = await startSimulator({ scale: SCALE, seed: 2018, reachable: true });
  let home: string | undefined;
  try {
    home = await makeWorkshopHome(sim);
    run.say(
      `${style.bold("EC2 Workshop Manager demo")}: a workshop "${WORKSHOP}" against the built-in EC2 simulator at ${sim.endpoint}\n` +
        `(simulated time runs ${SCALE}x faster; no AWS account is used). Workshop directory: ${home}\n`,
    );
    const env = demoEnv(sim, home);
    await run.step(["workshop", "check", WORKSHOP, "--count", String(COUNT)], env);
    const created = await run.step(["instances", "create", "--workshop", WORKSHOP, "--count", String(COUNT), "--yes", "--lifetime", "36h"], env);
    await run.step(["instances", "list", "--workshop", WORKSHOP], env);
    await run.step(["instances", "handout", "--workshop", WORKSHOP, "--format", "csv"], env);
    // The evening of day 1, and the morning of day 2.
    await run.step(["instances", "stop", "--workshop", WORKSHOP, "--all", "--yes"], env);
    await run.step(["instances", "start", "--workshop", WORKSHOP, "--all", "--yes"], env);
    const destroyed = await run.step(["instances", "destroy", "--workshop", WORKSHOP, "--all", "--yes"], env);
    await run.step(["sweep", "--dry-run"], env);
    if (run.stopped) return run.stopped === "closed" ? 0 : run.stopped === "SIGINT" ? EXIT_STOPPED : 143;
    const left = sim.instances().filter((i) => i.state !== "terminated" && i.state !== "shutting-down");
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    run.say(
      `\n${style.bold("Demo finished")} in ${seconds} s: ${left.length === 0 ? style.green("nothing left running") : style.red(`${left.length} instances still running`)}.\n` +
        `Next: \`npm test\`, or point the tool at the simulator yourself, at the demo's speed: \`npx ec2-workshop-sim --workshop demo --home /tmp/demo-home --scale ${SCALE}\` (README: "Try it against the simulator").\n`,
    );
    return created === 0 && destroyed === 0 && left.length === 0 ? 0 : 1;
  } finally {
    await sim.close();
    if (home) rmSync(home, { recursive: true, force: true });
    for (const sig of signals) process.off(sig, onSignal);
    if (run.stopped && run.stopped !== "closed")
      process.stderr.write(`\nDemo stopped (${run.stopped === "SIGINT" ? "Ctrl-C" : run.stopped}): the simulator and its instances are gone, and its temporary folder is removed.\n`);
  }
}

process.exitCode = await demo();
