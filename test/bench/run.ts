// `npm run bench`: the benchmark. For N = 10, 100, 1,000 it creates and then destroys N
// instances with the real CLI against the simulator (AWS-like throttling, realistic timings on
// a scaled clock), and the same with a model of the original tool (./original.ts), so every
// figure can be read as a ratio. Then start-up: `--help` and the first prompt of
// `instances create`, as ratios to a bare `node -e 0`, and `instances list` against the simulator
// as a ratio to a minimal boto3 script making the same DescribeInstances (./describe-instances.py,
// Debian's python3-boto3; skipped, saying so, without it), also without the compile cache and
// without the bundle (./unbundled.ts). `-- --json` prints only the JSON;
// `-- --sizes 1000` runs only N = 1,000, `-- --sizes none` only start-up; `-- --runs 21` sets the
// runs per start-up median.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { PACKAGE_ROOT } from "../../src/home.js";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { BIN, LAUNCHER_NODE_ARGS, isolatedEnv, runBin } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome } from "../helpers/workshop-home.js";
import { countByAction, describeInstancesRounds, describeStatusRounds, detectionLags, median, percentile } from "../helpers/metrics.js";

const WORKSHOP = "bench";
/** Simulated time runs this much faster; timings and timeouts are all in simulated time. */
const SCALE = 10;
const SEED = 2018;
const USAGE_RECORDER = pathToFileURL(join(PACKAGE_ROOT, "test", "fixtures", "record-usage.mjs")).href;

interface Scenario {
  tool: "ec2-workshop" | "original";
  n: number;
  callsByAction: Record<string, number>;
  createCallsByAction: Record<string, number>;
  destroyCallsByAction: Record<string, number>;
  callsPerRound: { DescribeInstances: number; DescribeInstanceStatus: number; describeInstancesMean: number; describeInstanceStatusMean: number };
  throttled: number;
  errorsSurfaced: number;
  ready: number;
  lagP50Ms: number;
  lagP95Ms: number;
  wallMs: number;
  /** Simulated time of the create (first call to the report) and of the destroy, separately. */
  createMs: number;
  destroyMs: number;
  realMs: number;
  peakRssMb: number;
}

const log = (msg: string, quiet: boolean): void => {
  if (!quiet) process.stderr.write(`${msg}\n`);
};

async function withSimulator<T>(fn: (sim: Simulator, subnetIds: string[]) => Promise<T>): Promise<T> {
  const sim = await startSimulator({ scale: SCALE, seed: SEED, throttling: "aws" });
  try {
    const { subnetIds } = sim.seedWorkshop(WORKSHOP);
    return await fn(sim, subnetIds);
  } finally {
    await sim.close();
  }
}

/** What a process wrote through record-usage.mjs (or describe-instances.py): peak memory in MiB, CPU time in ms. */
function readUsage(file: string): { rssMb: number; cpuMs: number } {
  try {
    const u = JSON.parse(readFileSync(file, "utf8")) as { maxRssKiB: number; cpuMs: number };
    return { rssMb: u.maxRssKiB / 1024, cpuMs: u.cpuMs };
  } catch {
    return { rssMb: NaN, cpuMs: NaN };
  } finally {
    rmSync(file, { force: true });
  }
}

const readRss = (file: string): number => readUsage(file).rssMb;

/** Simulated time from a phase's first API call to its last: the time an instructor would wait on AWS. */
function span(entries: Simulator["log"]): number {
  return entries.length ? entries[entries.length - 1]!.simTime - entries[0]!.simTime : 0;
}

function figures(
  sim: Simulator,
  tool: Scenario["tool"],
  n: number,
  createLog: Simulator["log"],
  destroyLog: Simulator["log"],
  ids: Set<string>,
): Omit<Scenario, "errorsSurfaced" | "wallMs" | "createMs" | "destroyMs" | "realMs" | "peakRssMb"> {
  const lags = detectionLags(sim.instances(), ids);
  const di = describeInstancesRounds(createLog);
  const ds = describeStatusRounds(createLog);
  const all = [...createLog, ...destroyLog];
  return {
    tool,
    n,
    callsByAction: countByAction(all),
    createCallsByAction: countByAction(createLog),
    destroyCallsByAction: countByAction(destroyLog),
    callsPerRound: {
      DescribeInstances: di.max,
      DescribeInstanceStatus: ds.max,
      describeInstancesMean: di.mean,
      describeInstanceStatusMean: ds.mean,
    },
    throttled: all.filter((e) => e.throttled).length,
    ready: lags.length,
    lagP50Ms: Math.round(percentile(lags, 50)),
    lagP95Ms: Math.round(percentile(lags, 95)),
  };
}

async function benchTool(n: number, quiet: boolean): Promise<Scenario> {
  return withSimulator(async (sim) => {
    const home = makeWorkshopHome([{ name: WORKSHOP, region: sim.region, maximum: Math.max(n, 25) }]);
    const rssFile = join(tmpdir(), `ec2ws-bench-rss-${process.pid}-${n}`);
    const env = simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, RECORD_USAGE_FILE: rssFile });
    const nodeArgs = ["--import", USAGE_RECORDER];
    try {
      const t0 = performance.now();
      const created = await runBin(["instances", "create", "--workshop", WORKSHOP, "--count", String(n), "--yes", "--json"], { env, nodeArgs });
      const createRss = readRss(rssFile);
      const createLog = [...sim.log];
      sim.clearLog();
      const destroyed = await runBin(["instances", "destroy", "--workshop", WORKSHOP, "--all", "--yes", "--json"], { env, nodeArgs });
      const t2 = performance.now();
      const destroyRss = readRss(rssFile);
      const destroyLog = [...sim.log];
      let ids = new Set<string>();
      try {
        const result = JSON.parse(created.stdout) as { ready: { instanceId: string }[]; failed: { instanceId: string }[] };
        ids = new Set([...result.ready, ...result.failed].map((i) => i.instanceId));
      } catch {
        log(`  create printed no JSON (exit ${created.code}): ${created.stderr.trim().split("\n").pop()}`, quiet);
      }
      const surfaced = (r: { code: number; stderr: string }): number =>
        (r.code === 1 ? 1 : 0) + (r.stderr.match(/RequestLimitExceeded|Error:/g)?.length ?? 0);
      return {
        ...figures(sim, "ec2-workshop", n, createLog, destroyLog, ids),
        errorsSurfaced: surfaced(created) + surfaced(destroyed),
        wallMs: span(createLog) + span(destroyLog),
        createMs: span(createLog),
        destroyMs: span(destroyLog),
        realMs: Math.round(t2 - t0),
        peakRssMb: Math.round(Math.max(createRss, destroyRss) * 10) / 10,
      };
    } finally {
      home.remove();
    }
  });
}

function runOriginalModel(sim: Simulator, subnetId: string, n: number, rssFile: string): Promise<{ ids: string[]; errorsSurfaced: number; createMs: number; destroyMs: number }> {
  const script = join(PACKAGE_ROOT, "dist", "test", "bench", "original.js");
  const args = JSON.stringify({ endpoint: sim.endpoint, region: sim.region, n, scale: SCALE, workshop: WORKSHOP, seed: SEED, subnetId });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", USAGE_RECORDER, script, args], {
      env: { ...process.env, RECORD_USAGE_FILE: rssFile },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`the original model exited ${code} without a result`));
      }
    });
  });
}

async function benchOriginal(n: number): Promise<Scenario> {
  return withSimulator(async (sim, subnetIds) => {
    const rssFile = join(tmpdir(), `ec2ws-bench-rss-orig-${process.pid}-${n}`);
    const t0 = performance.now();
    // One process does create then destroy; split the log where the destroy's first call starts.
    const result = await runOriginalModel(sim, subnetIds[0]!, n, rssFile);
    const t1 = performance.now();
    const entries = [...sim.log];
    const split = entries.findIndex((e) => e.action === "DescribeInstances" && Object.keys(e.params).some((k) => k.startsWith("Filter.")));
    const createLog = split < 0 ? entries : entries.slice(0, split);
    const destroyLog = split < 0 ? [] : entries.slice(split);
    return {
      ...figures(sim, "original", n, createLog, destroyLog, new Set(result.ids)),
      errorsSurfaced: result.errorsSurfaced,
      wallMs: span(createLog) + span(destroyLog),
      createMs: span(createLog),
      destroyMs: span(destroyLog),
      realMs: Math.round(t1 - t0),
      peakRssMb: Math.round(readRss(rssFile) * 10) / 10,
    };
  });
}

function timeCommand(cmd: string, args: string[], runs: number, env: Record<string, string>): number {
  const times: number[] = [];
  spawnSync(cmd, args, { stdio: "ignore", env }); // warm the file cache (and Node's compile cache)
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(cmd, args, { stdio: "ignore", env });
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Milliseconds from spawning `args` in a pseudo-terminal (util-linux `script`) until `marker` shows. */
function timeToOutput(args: string[], marker: string, env: Record<string, string>): Promise<number> {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // A sized terminal: with 0 columns clack would wrap every character onto its own line.
    const cmd = `stty cols 120 rows 40; exec ${args.map(quote).join(" ")}`;
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], { env, stdio: ["pipe", "pipe", "ignore"] });
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no "${marker}" within 20 s: ${out.slice(-200)}`));
    }, 20_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.includes(marker)) {
        const ms = performance.now() - t0;
        clearTimeout(timer);
        child.kill("SIGKILL");
        resolve(ms);
      }
    });
  });
}

interface HelpAndPrompt {
  nodeMs: number;
  helpMs: number;
  firstPromptMs: number;
  nodeInPtyMs: number;
  helpRatio: number;
  firstPromptRatio: number;
}

async function helpAndFirstPrompt(runs: number): Promise<HelpAndPrompt> {
  // The tool's own environment: no AWS settings of this machine, a fresh compile cache (warmed below).
  const env = isolatedEnv();
  const nodeMs = timeCommand(process.execPath, ["-e", "0"], runs, env);
  const helpMs = timeCommand(process.execPath, [...LAUNCHER_NODE_ARGS, BIN, "--help"], runs, env);
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  if (!hasScript) return { nodeMs, helpMs, firstPromptMs: NaN, nodeInPtyMs: NaN, helpRatio: helpMs / nodeMs, firstPromptRatio: NaN };
  return withSimulator(async (sim) => {
    const home = makeWorkshopHome([{ name: WORKSHOP, region: sim.region }, { name: "other", region: sim.region }]);
    try {
      const env = simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, TERM: "xterm-256color" });
      const prompt: number[] = [];
      const bare: number[] = [];
      await timeToOutput([process.execPath, ...LAUNCHER_NODE_ARGS, BIN, "instances", "create"], "Which workshop", env); // warm
      for (let i = 0; i < runs; i++) {
        bare.push(await timeToOutput([process.execPath, "-e", "process.stdout.write('ready')"], "ready", env));
        prompt.push(await timeToOutput([process.execPath, ...LAUNCHER_NODE_ARGS, BIN, "instances", "create"], "Which workshop", env));
      }
      const firstPromptMs = median(prompt);
      const nodeInPtyMs = median(bare);
      return { nodeMs, helpMs, firstPromptMs, nodeInPtyMs, helpRatio: helpMs / nodeMs, firstPromptRatio: firstPromptMs / nodeMs };
    } finally {
      home.remove();
    }
  });
}

/** A Python 3 with boto3: Debian's (python3-boto3), as the figure names it, else the first python3 on PATH. */
function findBoto3(): { python: string; versions: string } | undefined {
  for (const python of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(python, ["-c", "import boto3, sys; print(boto3.__version__, sys.version.split()[0])"], { encoding: "utf8" });
    if (r.status === 0) {
      const [boto3, py] = r.stdout.trim().split(" ");
      return { python, versions: `boto3 ${boto3}, Python ${py}` };
    }
  }
  return undefined;
}

interface Run {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
}

/** One run to its end (the simulator answers from this process, so never spawnSync): wall time, and CPU and memory as it recorded them. */
function timedRun(cmd: string, args: string[], env: Record<string, string>): Promise<Run> {
  const usageFile = join(tmpdir(), `ec2ws-bench-usage-${process.pid}`);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env: { ...env, RECORD_USAGE_FILE: usageFile }, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stdout.resume();
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - t0;
      const usage = readUsage(usageFile);
      if (code !== 0) reject(new Error(`${[cmd, ...args].join(" ")} exited ${code}: ${err.trim().split("\n").pop()}`));
      else resolve({ wallMs, ...usage });
    });
  });
}

interface Medians {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
}

const medians = (runs: Run[]): Medians => ({
  wallMs: median(runs.map((r) => r.wallMs)),
  cpuMs: median(runs.map((r) => r.cpuMs)),
  rssMb: median(runs.map((r) => r.rssMb)),
});

interface ListFigures {
  instances: number;
  /** As installed: Node's compile cache warm (every run after the first). */
  list: Medians;
  /** NODE_DISABLE_COMPILE_CACHE=1: what the compile cache saves. */
  listNoCache: Medians;
  /** From tsc's output (dist/src) instead of the bundle, compile cache warm: what the bundle saves. */
  listUnbundled: Medians;
  boto3?: Medians & { versions: string };
  wallRatio: number;
  cpuRatio: number;
  skipped?: string;
}

const LIST_INSTANCES = 30;

/**
 * `instances list` of a workshop with 30 instances, against the simulator, and the boto3 script's
 * one DescribeInstances of the same instances against the same endpoint, runs interleaved so
 * that both see the same load.
 */
async function listVersusBoto3(runs: number, quiet: boolean): Promise<ListFigures> {
  const sim = await startSimulator({ scale: 100, seed: SEED, throttling: "aws" });
  sim.seedWorkshop(WORKSHOP);
  const home = makeWorkshopHome([{ name: WORKSHOP, region: sim.region, maximum: LIST_INSTANCES }]);
  try {
    const env = simEnv(sim, { EC2_WORKSHOP_HOME: home.dir });
    const created = await runBin(["instances", "create", "--workshop", WORKSHOP, "--count", String(LIST_INSTANCES), "--yes", "--json"], { env });
    if (created.code !== 0) throw new Error(`instances create for the list scenario exited ${created.code}: ${created.stderr.trim().split("\n").pop()}`);
    const list = [...LAUNCHER_NODE_ARGS, "--import", USAGE_RECORDER, BIN, "instances", "list", "--workshop", WORKSHOP];
    const noCache = { ...env, NODE_DISABLE_COMPILE_CACHE: "1" };
    const unbundled = [...LAUNCHER_NODE_ARGS, "--import", USAGE_RECORDER, join(PACKAGE_ROOT, "dist", "test", "bench", "unbundled.js"), ...list.slice(list.indexOf(BIN) + 1)];
    const unbundledEnv = { ...env, NODE_COMPILE_CACHE: join(env.XDG_CACHE_HOME ?? tmpdir(), "ec2ws-bench-unbundled") };
    const boto3 = findBoto3();
    if (!boto3) log("  python3-boto3 is not installed (apt-get install -y python3-boto3): the boto3 comparison is skipped", quiet);
    const script = join(PACKAGE_ROOT, "test", "bench", "describe-instances.py");
    // Warm the file cache, and Node's compile cache for the cached runs.
    await timedRun(process.execPath, list, env);
    await timedRun(process.execPath, unbundled, unbundledEnv);
    if (boto3) await timedRun(boto3.python, [script, WORKSHOP], env);
    const runsOf: { list: Run[]; noCache: Run[]; unbundled: Run[]; boto3: Run[] } = { list: [], noCache: [], unbundled: [], boto3: [] };
    for (let i = 0; i < runs; i++) {
      runsOf.list.push(await timedRun(process.execPath, list, env));
      runsOf.noCache.push(await timedRun(process.execPath, list, noCache));
      runsOf.unbundled.push(await timedRun(process.execPath, unbundled, unbundledEnv));
      if (boto3) runsOf.boto3.push(await timedRun(boto3.python, [script, WORKSHOP], env));
    }
    const listM = medians(runsOf.list);
    const boto3M = boto3 ? { ...medians(runsOf.boto3), versions: `${boto3.python}: ${boto3.versions}` } : undefined;
    return {
      instances: LIST_INSTANCES,
      list: listM,
      listNoCache: medians(runsOf.noCache),
      listUnbundled: medians(runsOf.unbundled),
      ...(boto3M ? { boto3: boto3M } : { skipped: "python3-boto3 is not installed (apt-get install -y python3-boto3)" }),
      wallRatio: boto3M ? listM.wallMs / boto3M.wallMs : NaN,
      cpuRatio: boto3M ? listM.cpuMs / boto3M.cpuMs : NaN,
    };
  } finally {
    home.remove();
    await sim.close();
  }
}

interface Startup extends HelpAndPrompt {
  list: ListFigures;
  runs: number;
  /** The machine's load average (1 min) before and after: wall times on a shared machine vary with it. */
  load: [number, number];
}

async function startup(runs: number, quiet: boolean): Promise<Startup> {
  const before = loadavg()[0]!;
  const hp = await helpAndFirstPrompt(runs);
  const list = await listVersusBoto3(runs, quiet);
  return { ...hp, list, runs, load: [before, loadavg()[0]!] };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

function startupLines(s: Startup): string[] {
  const ms = (x: number): string => `${x.toFixed(0)} ms`;
  const m = (x: Medians): string => `${ms(x.wallMs)} (CPU ${ms(x.cpuMs)}, ${x.rssMb.toFixed(0)} MiB)`;
  const l = s.list;
  return [
    `Start-up (median of ${s.runs} runs; load average ${s.load[0].toFixed(1)} before, ${s.load[1].toFixed(1)} after; Node.js ${process.versions.node}):`,
    `  node -e 0 ${ms(s.nodeMs)}; --help ${ms(s.helpMs)} (${round2(s.helpRatio)}x); ` +
      `first prompt of instances create ${ms(s.firstPromptMs)} (${round2(s.firstPromptRatio)}x; in a pseudo-terminal, where node's first output takes ${ms(s.nodeInPtyMs)})`,
    `  instances list (${l.instances} instances, simulator): ${m(l.list)}; without the compile cache ${m(l.listNoCache)}; ` +
      `without the bundle (dist/src, compile cache) ${m(l.listUnbundled)}`,
    l.boto3
      ? `  boto3 script, one DescribeInstances (${l.boto3.versions}): ${m(l.boto3)}; instances list / boto3: ${round2(l.wallRatio)}x wall, ${round2(l.cpuRatio)}x CPU`
      : `  boto3 comparison skipped: ${l.skipped}`,
  ];
}

function printTable(scenarios: Scenario[], s: Startup): void {
  const out: string[] = [];
  if (scenarios.length) {
    const rows = scenarios.map((x) => [
      x.tool,
      String(x.n),
      String(x.ready),
      String(Object.values(x.callsByAction).reduce((a, b) => a + b, 0)),
      `${x.callsPerRound.DescribeInstances} / ${x.callsPerRound.DescribeInstanceStatus}`,
      String(x.throttled),
      String(x.errorsSurfaced),
      `${(x.lagP50Ms / 1000).toFixed(1)} / ${(x.lagP95Ms / 1000).toFixed(1)}`,
      `${(x.wallMs / 1000).toFixed(0)} (${(x.createMs / 1000).toFixed(0)} + ${(x.destroyMs / 1000).toFixed(1)})`,
      String(x.peakRssMb),
    ]);
    const head = ["tool", "N", "ready", "calls", "DI/DIS per round", "throttled", "errors", "lag p50/p95 s", "time s (create + destroy)", "peak MB"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
    out.push(line(head), ...rows.map(line));
    out.push("", "Calls by action:");
    for (const x of scenarios) out.push(`  ${x.tool} N=${x.n}: ${Object.entries(x.callsByAction).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    out.push("", `Times are simulated time (what an instructor would wait against AWS), measured at ${SCALE}x.`, "");
  }
  out.push(...startupLines(s));
  process.stdout.write(`${out.join("\n")}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, sizes: { type: "string", default: "10,100,1000" }, runs: { type: "string", default: "7" } } });
  const quiet = values.json ?? false;
  const sizes = values.sizes === "none" ? [] : values.sizes!.split(",").map(Number);
  const runs = Number(values.runs);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(runs) || runs < 1) {
    process.stderr.write("bench: --sizes takes N,N,... (whole numbers) or none; --runs a whole number\n");
    process.exitCode = 2;
    return;
  }
  const scenarios: Scenario[] = [];
  for (const n of sizes) {
    log(`N=${n}: ec2-workshop…`, quiet);
    scenarios.push(await benchTool(n, quiet));
    log(`N=${n}: original model…`, quiet);
    scenarios.push(await benchOriginal(n));
  }
  log("start-up…", quiet);
  const s = await startup(runs, quiet);
  const r = (m: Medians): Medians => ({ wallMs: Math.round(m.wallMs), cpuMs: Math.round(m.cpuMs), rssMb: Math.round(m.rssMb) });
  const startupFigures = {
    node: process.versions.node,
    runs: s.runs,
    loadAverage: s.load.map(round2),
    helpRatio: round2(s.helpRatio),
    firstPromptRatio: round2(s.firstPromptRatio),
    nodeMs: Math.round(s.nodeMs),
    helpMs: Math.round(s.helpMs),
    firstPromptMs: Math.round(s.firstPromptMs),
    instancesList: {
      instances: s.list.instances,
      ...r(s.list.list),
      withoutCompileCache: r(s.list.listNoCache),
      withoutBundle: r(s.list.listUnbundled),
      boto3: s.list.boto3 ? { ...r(s.list.boto3), versions: s.list.boto3.versions } : { skipped: s.list.skipped },
      wallRatio: round2(s.list.wallRatio),
      cpuRatio: round2(s.list.cpuRatio),
    },
  };
  if (values.json) process.stdout.write(`${JSON.stringify({ scenarios, startup: startupFigures }, null, 2)}\n`);
  else printTable(scenarios, s);
}

await main();
