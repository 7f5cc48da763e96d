// `npm run bench`: the benchmark. For N = 10, 30, 100, 300, 1,000 it creates and then destroys N
// instances with the real CLI against the simulator (AWS's throttling buckets, realistic timings
// on a scaled clock; reachable, so every machine's service answers on this machine's loopback
// once booted), and the same with a model of the original tool (./original.ts), which waits for
// the status checks, so every figure can be read as a ratio. Then 5 runs of 1,000 at once (one
// account: AWS lets it launch 1,000 instances at once, then 2 a second). Figures: calls, time to
// the last attendee usable and on screen, lag from usable to on screen, memory. Then start-up:
// `--help` and the first prompt of `instances create`, as ratios to a bare `node -e 0`, and
// `instances list` against the simulator as a ratio to a minimal boto3 script making the same
// DescribeInstances (./describe-instances.py, Debian's python3-boto3; skipped, saying so, without
// it), also without the compile cache and without the bundle (./unbundled.ts). `-- --json` prints
// only the JSON; `--sizes 1000` runs only N = 1,000, `--sizes none` only start-up;
// `--concurrent RxN` (or none), `--scale` and `--runs` (per start-up median) change the runs.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { PACKAGE_ROOT } from "../../src/home.js";
import { startSimulator, type Simulator } from "../../src/sim/index.js";
import { BIN, LAUNCHER_NODE_ARGS, isolatedEnv, runBin, type RunResult } from "../helpers/cli.js";
import { simEnv } from "../helpers/sim.js";
import { makeWorkshopHome } from "../helpers/workshop-home.js";
import {
  countByAction,
  describeInstancesRounds,
  describeStatusRounds,
  detectionLags,
  ec2Calls,
  median,
  usableAt,
  percentile,
  readyAddresses,
  usableLags,
} from "../helpers/metrics.js";

const WORKSHOP = "bench";
const SEED = 2018;
const USAGE_RECORDER = pathToFileURL(join(PACKAGE_ROOT, "test", "fixtures", "record-usage.mjs")).href;

/**
 * Simulated time runs this much faster (`--scale`); timings and timeouts are all in simulated time.
 * 4, not more: every real millisecond the tool spends (a probe, parsing an answer, a busy machine)
 * counts SCALE times in simulated time, and the lags measured here are below a second.
 */
let SCALE = 4;

interface Scenario {
  tool: "ec2-workshop" | "original";
  n: number;
  /** Runs at once (each of n instances, each its own workshop in one account); the figures cover all of them. */
  concurrent: number;
  callsByAction: Record<string, number>;
  createCallsByAction: Record<string, number>;
  destroyCallsByAction: Record<string, number>;
  /** EC2 calls of the create(s) (not STS, Service Quotas, Price List), per run. */
  createEc2Calls: number;
  /** The same without the background seat Names (CreateTags, one per instance; issue 11 keeps them apart). */
  createEc2CallsWithoutNames: number;
  callsPerRound: { DescribeInstances: number; DescribeInstanceStatus: number; describeInstancesMean: number; describeInstanceStatusMean: number };
  throttled: number;
  errorsSurfaced: number;
  ready: number;
  /** Status-check detection lag: from checks ok (simulator) to the first answer that showed it. */
  lagP50Ms: number;
  lagP95Ms: number;
  /** From the command's first call to the last attendee usable and on screen (the original: its hand-out), the slowest run. */
  timeToAllUsableMs: number;
  /** From an instance's service coming up to its line on screen (the original: its hand-out). */
  usableLagP50Ms: number;
  usableLagP95Ms: number;
  /** Of that lag, the part before the tool's probe got its answer (usable -> the simulator's first answer). */
  answeredLagP95Ms: number;
  /** The simulator's own delay in opening a booted instance's port (not counted against the tool). */
  simBindDelayP95Ms: number;
  wallMs: number;
  /** Simulated time of the create (first call to the report) and of the destroy, separately (the slowest run). */
  createMs: number;
  destroyMs: number;
  realMs: number;
  /** The largest peak resident memory of any one process. */
  peakRssMb: number;
}

const log = (msg: string, quiet: boolean): void => {
  if (!quiet) process.stderr.write(`${msg}\n`);
};

const workshopsFor = (concurrent: number): string[] =>
  concurrent === 1 ? [WORKSHOP] : Array.from({ length: concurrent }, (_, k) => `${WORKSHOP}-${k + 1}`);

async function withSimulator<T>(workshops: string[], fn: (sim: Simulator, subnetIds: string[][]) => Promise<T>): Promise<T> {
  // Reachable: every instance's service answers on this machine's loopback once booted.
  const sim = await startSimulator({ scale: SCALE, seed: SEED, throttling: "aws", reachable: true });
  try {
    const subnets = workshops.map((w) => sim.seedWorkshop(w).subnetIds);
    return await fn(sim, subnets);
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

/** The simulated time of a run's first call: the first naming its workshop (its template, its tag filter). */
function firstCallOf(entries: Simulator["log"], workshop: string): number {
  const names = new Set([workshop, `ec2-workshop-${workshop}`]);
  return entries.find((e) => Object.values(e.params).some((v) => names.has(v)))?.simTime ?? entries[0]?.simTime ?? 0;
}

function figures(
  sim: Simulator,
  tool: Scenario["tool"],
  n: number,
  concurrent: number,
  createLog: Simulator["log"],
  destroyLog: Simulator["log"],
  ids: Set<string>,
  shownAt: ReadonlyMap<string, number>,
  startedAt: readonly number[],
): Omit<Scenario, "errorsSurfaced" | "wallMs" | "createMs" | "destroyMs" | "realMs" | "peakRssMb"> {
  const instances = sim.instances();
  const lags = detectionLags(instances, ids);
  const usable = usableLags(instances.filter((i) => ids.has(i.instanceId)), shownAt);
  const answered = instances
    .filter((i) => ids.has(i.instanceId) && usableAt(i) !== undefined && i.firstServedAt !== undefined)
    .map((i) => i.firstServedAt! - usableAt(i)!);
  const bindDelays = instances.filter((i) => ids.has(i.instanceId) && i.listeningSince !== undefined && i.serviceUpAt !== undefined).map((i) => i.listeningSince! - i.serviceUpAt!);
  const di = describeInstancesRounds(createLog);
  const ds = describeStatusRounds(createLog);
  const all = [...createLog, ...destroyLog];
  const createCalls = countByAction(createLog);
  // Each run's last line on screen, from its own first call; the slowest run counts.
  const lastShown = Math.max(...shownAt.values());
  const firstCall = Math.min(...startedAt);
  return {
    tool,
    n,
    concurrent,
    callsByAction: countByAction(all),
    createCallsByAction: createCalls,
    destroyCallsByAction: countByAction(destroyLog),
    createEc2Calls: Math.round(ec2Calls(createCalls) / concurrent),
    createEc2CallsWithoutNames: Math.round(ec2Calls(createCalls, { withoutNames: true }) / concurrent),
    callsPerRound: {
      DescribeInstances: di.max,
      DescribeInstanceStatus: ds.max,
      describeInstancesMean: di.mean,
      describeInstanceStatusMean: ds.mean,
    },
    throttled: all.filter((e) => e.throttled).length,
    ready: shownAt.size,
    lagP50Ms: Math.round(percentile(lags, 50)),
    lagP95Ms: Math.round(percentile(lags, 95)),
    timeToAllUsableMs: shownAt.size ? Math.round(lastShown - firstCall) : NaN,
    usableLagP50Ms: Math.round(percentile(usable, 50)),
    usableLagP95Ms: Math.round(percentile(usable, 95)),
    answeredLagP95Ms: Math.round(percentile(answered, 95)),
    simBindDelayP95Ms: Math.round(percentile(bindDelays, 95)),
  };
}

interface ToolRun {
  result: RunResult;
  /** Instance id -> the simulated time its "Seat k ready" line reached the bench (the screen). */
  shownAt: Map<string, number>;
  rss: number;
}

/** `instances create --json` as a child process, its progress read line by line as it arrives (stderr). */
async function createRun(sim: Simulator, env: Record<string, string>, workshop: string, n: number, rssFile: string, extra: string[] = []): Promise<ToolRun> {
  const shownAt = new Map<string, number>();
  let byAddress = new Map<string, string>();
  const idOf = (address: string): string | undefined => {
    if (!byAddress.has(address)) byAddress = new Map(sim.instances().flatMap((i) => (i.publicIp ? [[i.publicIp, i.instanceId] as const] : [])));
    return byAddress.get(address);
  };
  let partial = "";
  const result = await runBin(["instances", "create", "--workshop", workshop, "--count", String(n), "--yes", "--json", ...extra], {
    env: { ...env, RECORD_USAGE_FILE: rssFile },
    nodeArgs: ["--import", USAGE_RECORDER],
    onSpawn: (child) =>
      child.stderr!.on("data", (d: string) => {
        const now = sim.now();
        const lines = (partial + d).split("\n");
        partial = lines.pop() ?? "";
        for (const address of readyAddresses(lines.join("\n"))) {
          const id = idOf(address);
          if (id && !shownAt.has(id)) shownAt.set(id, now);
        }
      }),
  });
  return { result, shownAt, rss: readRss(rssFile) };
}

const surfaced = (r: { code: number; stderr: string }): number => (r.code === 1 ? 1 : 0) + (r.stderr.match(/RequestLimitExceeded|Error:/g)?.length ?? 0);

/** `concurrent` runs of `instances create --count n` at once (one workshop each, one account), then their destroys. */
async function benchTool(n: number, concurrent: number, quiet: boolean): Promise<Scenario> {
  const workshops = workshopsFor(concurrent);
  return withSimulator(workshops, async (sim) => {
    const home = makeWorkshopHome(workshops.map((name) => ({ name, region: sim.region, maximum: Math.max(n, 25), servicePort: sim.servicePort })));
    const env = simEnv(sim, { EC2_WORKSHOP_HOME: home.dir });
    const rssFile = (k: number, what: string): string => join(tmpdir(), `ec2ws-bench-rss-${process.pid}-${n}-${k}-${what}`);
    try {
      const t0 = performance.now();
      // AWS launches 1,000 instances per account at once, then 2 a second (RunInstances' resource
      // bucket): concurrent runs beyond 1,000 instances wait their turn, longer than the default 5 min.
      const extra = concurrent * n > 1000 ? ["--launch-timeout", `${Math.ceil(((concurrent * n - 1000) / 2 / 60) * 1.25 + 5)}m`] : [];
      const created = await Promise.all(workshops.map((w, k) => createRun(sim, env, w, n, rssFile(k, "create"), extra)));
      const createLog = [...sim.log];
      sim.clearLog();
      const destroyed = await Promise.all(
        workshops.map((w, k) =>
          runBin(["instances", "destroy", "--workshop", w, "--all", "--yes", "--json"], {
            env: { ...env, RECORD_USAGE_FILE: rssFile(k, "destroy") },
            nodeArgs: ["--import", USAGE_RECORDER],
          }).then((r) => ({ r, rss: readRss(rssFile(k, "destroy")) })),
        ),
      );
      const t2 = performance.now();
      const destroyLog = [...sim.log];
      const ids = new Set<string>();
      // What counted as an error surfaced, named (creates and destroys alike).
      const saySurfaced = (what: string, k: number, r: RunResult): void => {
        if (r.code !== 0 || surfaced(r) > 0)
          log(`  ${workshops[k]}: ${what} exited ${r.code}: ${r.stderr.split("\n").filter((l) => /RequestLimitExceeded|Error:/.test(l) || r.code !== 0).slice(-6).join(" | ")}`, quiet);
      };
      for (const [k, c] of created.entries()) saySurfaced("create", k, c.result);
      for (const [k, d] of destroyed.entries()) saySurfaced("destroy", k, d.r);
      for (const c of created) {
        try {
          const doc = JSON.parse(c.result.stdout) as { ready: { instanceId: string }[]; failed: { instanceId: string }[] };
          for (const i of [...doc.ready, ...doc.failed]) ids.add(i.instanceId);
        } catch {
          log(`  create printed no JSON (exit ${c.result.code}): ${c.result.stderr.trim().split("\n").pop()}`, quiet);
        }
      }
      const shownAt = new Map(created.flatMap((c) => [...c.shownAt]));
      return {
        ...figures(sim, "ec2-workshop", n, concurrent, createLog, destroyLog, ids, shownAt, workshops.map((w) => firstCallOf(createLog, w))),
        errorsSurfaced: created.reduce((sum, c) => sum + surfaced(c.result), 0) + destroyed.reduce((sum, d) => sum + surfaced(d.r), 0),
        wallMs: span(createLog) + span(destroyLog),
        createMs: span(createLog),
        destroyMs: span(destroyLog),
        realMs: Math.round(t2 - t0),
        peakRssMb: Math.round(Math.max(...created.map((c) => c.rss), ...destroyed.map((d) => d.rss)) * 10) / 10,
      };
    } finally {
      home.remove();
    }
  });
}

interface OriginalResult {
  ids: string[];
  errorsSurfaced: number;
  /** Simulated time its hand-out line arrived, and whom it named. */
  handoutAt: number;
  handout: string[];
}

function runOriginalModel(sim: Simulator, subnetId: string, n: number, rssFile: string): Promise<OriginalResult> {
  const script = join(PACKAGE_ROOT, "dist", "test", "bench", "original.js");
  const args = JSON.stringify({ endpoint: sim.endpoint, region: sim.region, n, scale: SCALE, workshop: WORKSHOP, seed: SEED, subnetId });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", USAGE_RECORDER, script, args], {
      env: { ...process.env, RECORD_USAGE_FILE: rssFile },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    let handoutAt = NaN;
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (Number.isNaN(handoutAt) && out.includes('"handout"')) handoutAt = sim.now();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        const lines = out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
        const handout = (lines.find((l) => "handout" in l)?.handout as string[] | undefined) ?? [];
        const end = lines.find((l) => "ids" in l) as Omit<OriginalResult, "handoutAt" | "handout">;
        resolve({ ...end, handoutAt, handout });
      } catch {
        reject(new Error(`the original model exited ${code} without a result`));
      }
    });
  });
}

async function benchOriginal(n: number): Promise<Scenario> {
  return withSimulator([WORKSHOP], async (sim, subnetIds) => {
    const rssFile = join(tmpdir(), `ec2ws-bench-rss-orig-${process.pid}-${n}`);
    const t0 = performance.now();
    // One process does create then destroy; split the log where the destroy's first call starts.
    const result = await runOriginalModel(sim, subnetIds[0]![0]!, n, rssFile);
    const t1 = performance.now();
    const entries = [...sim.log];
    const split = entries.findIndex((e) => e.action === "DescribeInstances" && Object.keys(e.params).some((k) => k.startsWith("Filter.")));
    const createLog = split < 0 ? entries : entries.slice(0, split);
    const destroyLog = split < 0 ? [] : entries.slice(split);
    // Its attendees see their machines when the hand-out is printed, all at once.
    const shownAt = new Map(result.handout.map((id) => [id, result.handoutAt]));
    return {
      ...figures(sim, "original", n, 1, createLog, destroyLog, new Set(result.ids), shownAt, [firstCallOf(createLog, WORKSHOP)]),
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
  return withSimulator([WORKSHOP], async (sim) => {
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

const secs = (ms: number, digits = 1): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(digits) : "-");

function printTable(scenarios: Scenario[], s: Startup): void {
  const rows = scenarios.map((x) => [
    x.tool,
    x.concurrent > 1 ? `${x.concurrent} x ${x.n}` : String(x.n),
    String(x.ready),
    `${x.createEc2CallsWithoutNames} (${x.createEc2Calls})`,
    `${x.callsPerRound.DescribeInstances} / ${x.callsPerRound.DescribeInstanceStatus}`,
    `${x.throttled} / ${x.errorsSurfaced}`,
    secs(x.timeToAllUsableMs, 0),
    `${secs(x.usableLagP50Ms)} / ${secs(x.usableLagP95Ms)} (${secs(x.answeredLagP95Ms)})`,
    `${secs(x.lagP50Ms)} / ${secs(x.lagP95Ms)}`,
    `${secs(x.createMs, 0)} + ${secs(x.destroyMs)}`,
    String(x.peakRssMb),
  ]);
  const head = [
    "tool",
    "N",
    "ready",
    "EC2 calls/run (+names)",
    "DI/DIS per round",
    "throttled/errors",
    "all usable s",
    "usable lag p50/p95 (answered p95) s",
    "checks lag p50/p95 s",
    "create + destroy s",
    "peak MB",
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  const out = [line(head), ...rows.map(line)];
  out.push("", "Create calls by action (all runs):");
  for (const x of scenarios)
    out.push(`  ${x.tool} ${x.concurrent > 1 ? `${x.concurrent}x` : ""}N=${x.n}: ${Object.entries(x.createCallsByAction).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  out.push("", "Targets:", ...targets(scenarios).map((t) => `  ${t.ok ? "ok  " : "MISS"} ${t.text}`));
  out.push(
    "",
    `Times are simulated time (what an instructor would wait against AWS), measured at ${SCALE}x. "all usable": from the command's first call to the`,
    `last attendee's line on screen (the original: its hand-out). EC2 calls: the create's, without STS, Service Quotas, Price List and (in brackets: with) the background seat Names.`,
    "",
    ...startupLines(s),
  );
  process.stdout.write(`${out.join("\n")}\n`);
}

/** The issue's targets, checked against this run's figures. */
function targets(scenarios: Scenario[]): { ok: boolean; text: string }[] {
  const out: { ok: boolean; text: string }[] = [];
  const single = (tool: Scenario["tool"], n: number): Scenario | undefined => scenarios.find((x) => x.tool === tool && x.n === n && x.concurrent === 1);
  for (const n of [30, 300]) {
    const t = single("ec2-workshop", n);
    const o = single("original", n);
    if (t && o) out.push({ ok: o.timeToAllUsableMs - t.timeToAllUsableMs >= 60_000, text: `N=${n}: last attendee usable ${secs(o.timeToAllUsableMs - t.timeToAllUsableMs, 0)} s sooner than the original (>= 60)` });
  }
  for (const t of scenarios.filter((x) => x.tool === "ec2-workshop"))
    out.push({ ok: t.usableLagP95Ms <= 1000, text: `${t.concurrent > 1 ? `${t.concurrent}x` : ""}N=${t.n}: usable to on screen p95 ${secs(t.usableLagP95Ms, 2)} s (<= 1)` });
  for (const t of scenarios.filter((x) => x.tool === "ec2-workshop" && x.concurrent === 1)) {
    const o = single("original", t.n);
    if (o) out.push({ ok: t.createEc2CallsWithoutNames <= o.createEc2Calls, text: `N=${t.n}: EC2 calls per batch ${t.createEc2CallsWithoutNames} (with Names ${t.createEc2Calls}) vs the original's ${o.createEc2Calls}` });
  }
  for (const t of scenarios.filter((x) => x.concurrent > 1)) {
    out.push({ ok: t.ready === t.n * t.concurrent, text: `${t.concurrent} runs of ${t.n}: ${t.ready} of ${t.n * t.concurrent} usable and on screen` });
    out.push({ ok: t.errorsSurfaced === 0, text: `${t.concurrent} runs of ${t.n}: ${t.errorsSurfaced} errors surfaced (${t.throttled} throttled answers absorbed)` });
    out.push({ ok: t.peakRssMb < 200, text: `${t.concurrent} runs of ${t.n}: peak RSS per process ${t.peakRssMb} MB (< 200)` });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      sizes: { type: "string", default: "10,30,100,300,1000" },
      concurrent: { type: "string", default: "5x1000" },
      scale: { type: "string", default: String(SCALE) },
      runs: { type: "string", default: "7" },
    },
  });
  const quiet = values.json ?? false;
  SCALE = Number(values.scale);
  const sizes = values.sizes === "none" ? [] : values.sizes!.split(",").filter(Boolean).map(Number);
  const runs = Number(values.runs);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(runs) || runs < 1 || !(SCALE > 0)) {
    process.stderr.write("bench: --sizes takes N,N,... (whole numbers) or none; --runs a whole number; --scale a positive number\n");
    process.exitCode = 2;
    return;
  }
  const scenarios: Scenario[] = [];
  for (const n of sizes) {
    log(`N=${n}: ec2-workshop…`, quiet);
    scenarios.push(await benchTool(n, 1, quiet));
    log(`N=${n}: original model…`, quiet);
    scenarios.push(await benchOriginal(n));
  }
  // `--sizes none`: start-up only, no concurrent runs either.
  const conc = values.sizes === "none" ? null : /^(\d+)x(\d+)$/.exec(values.concurrent ?? "");
  if (conc) {
    log(`${conc[1]} concurrent runs of N=${conc[2]}: ec2-workshop…`, quiet);
    scenarios.push(await benchTool(Number(conc[2]), Number(conc[1]), quiet));
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
  if (values.json) process.stdout.write(`${JSON.stringify({ scale: SCALE, scenarios, targets: targets(scenarios), startup: startupFigures }, null, 2)}\n`);
  else printTable(scenarios, s);
}

await main();
