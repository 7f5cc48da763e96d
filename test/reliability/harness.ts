// One fault scenario's world: a fresh seeded simulator (optionally behind the fault proxy), the
// workshop and a neighbour seeded in it, foreign instances that must never be touched, a
// throw-away workshop home, sample AWS config/credentials files the CLI reads its keys from,
// and the real CLI as child processes against all of that.
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "../../src/sim/index.js";
import type { Faults, Simulator, ThrottlingSetting, Timings } from "../../src/sim/types.js";
import { runBin, type RunResult } from "../helpers/cli.js";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy.js";
import { DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY, simEnv } from "../helpers/sim.js";
import { makeWorkshopHome, type WorkshopHome } from "../helpers/workshop-home.js";

export const WORKSHOP = "fault-lab";
/** A neighbouring workshop in the same account: its instances are foreign. */
export const OTHER = "other-lab";

/**
 * Short lifecycle (sim time): pending 10-20 s, checks 20-40 s more; at scale 30 a batch settles in
 * ~2 s. A reachable scenario's service answers 5-12 s after running (a slow boot: 50-60 s).
 */
export const FAST: Partial<Timings> = { pendingMs: [10_000, 20_000], checksMs: [20_000, 40_000], serviceMs: [5_000, 12_000], slowBootServiceMs: [50_000, 60_000] };
export const SCALE = 30;

export interface ScenarioOptions {
  seed: number;
  scale?: number;
  /** The workshop's maximum: its seats (default 40). */
  maximum?: number;
  timings?: Partial<Timings>;
  faults?: Partial<Faults>;
  throttling?: ThrottlingSetting;
  /** Put the fault proxy between the CLI and the simulator. */
  proxy?: boolean;
  /**
   * Instances answer on a real local port once booted (SimulatorOptions.reachable); the workshop's
   * first port is that port and readiness is the tool's default. Otherwise the workshop waits on
   * checks (nothing answers at the simulator's made-up addresses).
   */
  reachable?: boolean;
  /** The workshop's readyWhen setting. */
  readyWhen?: "service-or-checks" | "service" | "checks";
  /** With reachable: the workshop's first port, when not the one the simulator answers on. */
  servicePort?: number;
  /** The workshop's settings carry its stack's outputs, scheduler role and schedule group included: expiry schedules are made. */
  expiry?: boolean;
  /** The workshop's instructions (default: an ssh line and a password note). */
  instructions?: string;
}

/** What a foreign instance looked like before the scenario: it must look the same after. */
interface ForeignSnapshot {
  state: string;
  tags: Record<string, string>;
}

export interface CliRun extends RunResult {
  /** The signal that ended the process, if one did. */
  signal: NodeJS.Signals | null;
}

/** One row of `instances list --json`. */
export interface ListedRow {
  row: number;
  instanceId: string;
  state: string;
  batch: string | null;
}

/** The `instances create --json` document. */
export interface CreateReport {
  workshop: string;
  batch: string;
  requested: number;
  ready: { seat: number | null; instanceId: string; readyBy?: "service" | "checks" | null }[];
  /** `instanceId` is null for a seat that was never launched. */
  failed: { seat: number | null; instanceId: string | null; reason: string }[];
}

export interface DestroyReport {
  workshop: string;
  terminated: { instanceId: string }[];
  skipped: { instanceId: string; reason: string }[];
}

const AWS_CONFIG = "[default]\nregion = us-east-1\noutput = json\n\n[profile assistant]\nregion = eu-west-1\n";
const AWS_CREDENTIALS =
  `[default]\naws_access_key_id = ${DUMMY_ACCESS_KEY_ID}\naws_secret_access_key = ${DUMMY_SECRET_ACCESS_KEY}\n\n` +
  `[assistant]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = dummy-assistant\n`;

export class Scenario {
  /** Every instance id that existed before the tool ran (foreign ones included). */
  readonly preexisting = new Set<string>();
  readonly foreign = new Map<string, ForeignSnapshot>();
  private readonly baseline: Map<string, string>;

  private constructor(
    readonly sim: Simulator,
    readonly proxy: FaultProxy | undefined,
    readonly home: WorkshopHome,
    readonly awsDir: string,
  ) {
    this.baseline = this.fileHashes();
  }

  static async start(o: ScenarioOptions): Promise<Scenario> {
    const sim = await startSimulator({
      scale: o.scale ?? SCALE,
      seed: o.seed,
      timings: { ...FAST, ...o.timings },
      throttling: o.throttling ?? "aws",
      reachable: o.reachable ?? false,
    });
    const seeded = sim.seedWorkshop(WORKSHOP);
    sim.seedWorkshop(OTHER);
    const outputs = { vpcId: seeded.vpcId, subnetIds: seeded.subnetIds, schedulerRoleArn: seeded.schedulerRoleArn, scheduleGroupName: seeded.scheduleGroupName };
    const home = makeWorkshopHome([
      {
        name: WORKSHOP,
        maximum: o.maximum ?? 40,
        instructions: o.instructions ?? "ssh student@<address>\nPassword: on the whiteboard",
        ...(o.expiry ? { outputs } : {}),
        ...(o.reachable ? { servicePort: o.servicePort ?? sim.servicePort } : {}),
        ...(o.readyWhen ? { readyWhen: o.readyWhen } : {}),
      },
      { name: OTHER, maximum: 10 },
    ]);
    const awsDir = mkdtempSync(join(tmpdir(), "ec2ws-aws-"));
    writeFileSync(join(awsDir, "config"), AWS_CONFIG);
    writeFileSync(join(awsDir, "credentials"), AWS_CREDENTIALS);
    chmodSync(join(awsDir, "credentials"), 0o600);
    const proxy = o.proxy ? await startFaultProxy(sim.endpoint) : undefined;
    const sc = new Scenario(sim, proxy, home, awsDir);
    // Foreign instances: the neighbour's (running and stopped), untagged ones, and one whose
    // workshop name merely starts like ours.
    sc.addForeign(sim.seedInstances(3, { tags: { Workshop: OTHER, Name: `${OTHER}-1` } }));
    sc.addForeign(sim.seedInstances(1, { tags: { Workshop: OTHER }, state: "stopped" }));
    sc.addForeign(sim.seedInstances(2));
    sc.addForeign(sim.seedInstances(1, { tags: { Workshop: `${WORKSHOP}-old` } }));
    for (const i of sim.instances()) sc.preexisting.add(i.instanceId);
    // Faults only now: seeding is not subject to them, and capacity limits can count the seeds.
    if (o.faults) sim.setFaults(o.faults);
    return sc;
  }

  /** Instances that are not the workshop's, remembered as they are now. */
  addForeign(ids: readonly string[]): void {
    const byId = new Map(this.sim.instances().map((i) => [i.instanceId, i]));
    for (const id of ids) {
      const i = byId.get(id)!;
      this.foreign.set(id, { state: i.state, tags: { ...i.tags } });
      this.preexisting.add(id);
    }
  }

  /** Instances holding capacity in an AZ now (pending, running, stopping: what the simulator's azCapacity counts). */
  liveInAz(az: string): number {
    return this.sim.instances().filter((i) => i.availabilityZone === az && ["pending", "running", "stopping"].includes(i.state)).length;
  }

  /** vCPUs counted against the quota now (pending and running instances; t3.* have 2). */
  vcpusInUse(): number {
    return this.sim.instances().filter((i) => ["pending", "running"].includes(i.state)).length * 2;
  }

  /** The instances the tool launched: everything that did not exist before. */
  launched() {
    return this.sim.instances().filter((i) => !this.preexisting.has(i.instanceId));
  }

  /** The CLI's environment: keys from the sample credentials file (not the environment), the proxy or the simulator. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    const endpoint = this.proxy?.endpoint ?? this.sim.endpoint;
    return simEnv(
      { endpoint, region: this.sim.region, scale: this.sim.scale },
      {
        EC2_WORKSHOP_HOME: this.home.dir,
        AWS_CONFIG_FILE: join(this.awsDir, "config"),
        AWS_SHARED_CREDENTIALS_FILE: join(this.awsDir, "credentials"),
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        ...extra,
      },
    );
  }

  cli(args: string[], onSpawn?: (child: ChildProcess) => void): Promise<CliRun> {
    let signal: NodeJS.Signals | null = null;
    return runBin(args, {
      env: this.env(),
      onSpawn: (child) => {
        child.on("exit", (_code, sig) => (signal = sig));
        onSpawn?.(child);
      },
    }).then((r) => ({ ...r, signal }));
  }

  create(args: string[], onSpawn?: (child: ChildProcess) => void): Promise<CliRun> {
    return this.cli(["instances", "create", "--workshop", WORKSHOP, "--yes", ...args], onSpawn);
  }

  async listJson(): Promise<ListedRow[]> {
    const r = await this.cli(["instances", "list", "--workshop", WORKSHOP, "--json"]);
    if (r.code !== 0) throw new Error(`instances list exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as ListedRow[];
  }

  /** A calm network for the checks and the clean-up (the scenario's storm is over). */
  calm(): void {
    this.sim.setFaults({ errorRate: 0, dropRate: 0 });
    this.sim.setThrottling("aws");
    if (this.proxy) this.proxy.hooks = {};
  }

  /** The next log sequence number: entries with seq >= mark() came after this moment. */
  mark(): number {
    return (this.sim.log.at(-1)?.seq ?? 0) + 1;
  }

  /** sha256 (and mode) of every file under the workshop home and the AWS directory. */
  fileHashes(): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (dir: string, label: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        const st = statSync(path);
        if (st.isDirectory()) walk(path, `${label}/${name}`);
        else out.set(`${label}/${name}`, `${(st.mode & 0o777).toString(8)} ${createHash("sha256").update(readFileSync(path)).digest("hex")}`);
      }
    };
    walk(this.home.dir, "home");
    walk(this.awsDir, "aws");
    return out;
  }

  baselineHashes(): Map<string, string> {
    return this.baseline;
  }

  async close(): Promise<void> {
    await this.proxy?.close();
    await this.sim.close();
    this.home.remove();
    rmSync(this.awsDir, { recursive: true, force: true });
  }
}

/** Waits `ms` real milliseconds (only to give a child process time to react to a signal). */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every 5 ms real until true; throws after `timeoutMs` (bounded, never a fixed sleep). */
export async function waitUntil(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(5);
  }
}

/**
 * Starts a CLI run, waits (bounded) until `when` holds, then sends `signal`. The run's result
 * comes back whatever happens; if the moment never comes the child is killed and the wait's
 * error is thrown.
 */
export async function interruptWhen(
  start: (onSpawn: (c: ChildProcess) => void) => Promise<CliRun>,
  when: () => boolean,
  what: string,
  signal: NodeJS.Signals,
): Promise<CliRun> {
  let child: ChildProcess | undefined;
  let exited = false;
  const run = start((c) => (child = c)).finally(() => (exited = true));
  try {
    await waitUntil(() => when() || exited, what);
    if (exited) throw new Error(`the run ended before ${what}: ${JSON.stringify(await run).slice(0, 600)}`);
  } catch (err) {
    child?.kill("SIGKILL");
    await run.catch(() => undefined);
    throw err;
  }
  child!.kill(signal);
  return run;
}
