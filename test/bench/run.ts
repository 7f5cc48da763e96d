// `npm run bench`: the benchmark. For N = 10, 100, 1,000 it creates and then destroys N
// instances with the real CLI against the simulator (AWS-like throttling, realistic timings on
// a scaled clock), and the same with a model of the original tool (./original.ts), so every
// figure can be read as a ratio. Then start-up: `--help` and the first prompt of
// `instances create`, as ratios to a bare `node -e 0`. `-- --json` prints only the JSON.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { PACKAGE_ROOT } from "../../src/home.js";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { BIN, LAUNCHER_NODE_ARGS, runBin } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome } from "../helpers/workshop-home.js";
import { countByAction, describeInstancesRounds, describeStatusRounds, detectionLags, median, percentile } from "../helpers/metrics.js";

const WORKSHOP = "bench";
/** Simulated time runs this much faster; timings and timeouts are all in simulated time. */
const SCALE = 10;
const SEED = 2018;
const RSS_RECORDER = pathToFileURL(join(PACKAGE_ROOT, "test", "fixtures", "record-rss.mjs")).href;

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

function readRss(file: string): number {
  try {
    return Number(readFileSync(file, "utf8")) / 1024;
  } catch {
    return NaN;
  } finally {
    rmSync(file, { force: true });
  }
}

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
    const env = simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, RECORD_RSS_FILE: rssFile });
    const nodeArgs = ["--import", RSS_RECORDER];
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
    const child = spawn(process.execPath, ["--import", RSS_RECORDER, script, args], {
      env: { ...process.env, RECORD_RSS_FILE: rssFile },
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

function timeCommand(cmd: string, args: string[], runs: number): number {
  const times: number[] = [];
  spawnSync(cmd, args, { stdio: "ignore" }); // warm the file cache
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(cmd, args, { stdio: "ignore", env: { ...process.env, NO_COLOR: "1" } });
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

async function startup(runs: number): Promise<{ nodeMs: number; helpMs: number; firstPromptMs: number; nodeInPtyMs: number; helpRatio: number; firstPromptRatio: number }> {
  const nodeMs = timeCommand(process.execPath, ["-e", "0"], runs);
  const helpMs = timeCommand(process.execPath, [...LAUNCHER_NODE_ARGS, BIN, "--help"], runs);
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  if (!hasScript) return { nodeMs, helpMs, firstPromptMs: NaN, nodeInPtyMs: NaN, helpRatio: helpMs / nodeMs, firstPromptRatio: NaN };
  return withSimulator(async (sim) => {
    const home = makeWorkshopHome([{ name: WORKSHOP, region: sim.region }, { name: "other", region: sim.region }]);
    try {
      const env = simEnv(sim, { EC2_WORKSHOP_HOME: home.dir, TERM: "xterm-256color" });
      const prompt: number[] = [];
      const bare: number[] = [];
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

const round2 = (x: number): number => Math.round(x * 100) / 100;

function printTable(scenarios: Scenario[], s: Awaited<ReturnType<typeof startup>>): void {
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
  const out = [line(head), ...rows.map(line)];
  out.push("", "Calls by action:");
  for (const x of scenarios) out.push(`  ${x.tool} N=${x.n}: ${Object.entries(x.callsByAction).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  out.push(
    "",
    `Start-up (median): node -e 0 ${s.nodeMs.toFixed(0)} ms; --help ${s.helpMs.toFixed(0)} ms (${round2(s.helpRatio)}x); ` +
      `first prompt of instances create ${s.firstPromptMs.toFixed(0)} ms (${round2(s.firstPromptRatio)}x; in a pseudo-terminal, where node's first output takes ${s.nodeInPtyMs.toFixed(0)} ms)`,
    `Times are simulated time (what an instructor would wait against AWS), measured at ${SCALE}x.`,
  );
  process.stdout.write(`${out.join("\n")}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, sizes: { type: "string", default: "10,100,1000" }, runs: { type: "string", default: "7" } } });
  const quiet = values.json ?? false;
  const sizes = values.sizes!.split(",").map(Number);
  const scenarios: Scenario[] = [];
  for (const n of sizes) {
    log(`N=${n}: ec2-workshop…`, quiet);
    scenarios.push(await benchTool(n, quiet));
    log(`N=${n}: original model…`, quiet);
    scenarios.push(await benchOriginal(n));
  }
  log("start-up…", quiet);
  const s = await startup(Number(values.runs));
  const startupFigures = { helpRatio: round2(s.helpRatio), firstPromptRatio: round2(s.firstPromptRatio), nodeMs: Math.round(s.nodeMs), helpMs: Math.round(s.helpMs), firstPromptMs: Math.round(s.firstPromptMs) };
  if (values.json) process.stdout.write(`${JSON.stringify({ scenarios, startup: startupFigures }, null, 2)}\n`);
  else printTable(scenarios, s);
}

await main();
