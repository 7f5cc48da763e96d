// Test helpers around the simulator: the environment a CLI child process needs to talk to
// it, and real SDK clients pointed at it (tests only: this module imports the SDK).
import { EC2Client } from "@aws-sdk/client-ec2";
import { STSClient } from "@aws-sdk/client-sts";
import { createEc2Client, createStsClient, type RetryLayer } from "../../src/aws/clients.js";
import type { Simulator } from "../../src/sim/index.js";
import { isolatedEnv } from "./cli.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export const DUMMY_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
export const DUMMY_SECRET_ACCESS_KEY = "dummy";

/** What a simulator looks like to a client: an endpoint, a region, a time scale. */
export type SimTarget = Pick<Simulator, "endpoint" | "region" | "scale"> & Partial<Pick<Simulator, "timeOrigin">>;

/** Environment for `runBin(...)`: isolated from real AWS config, pointed at the simulator. */
export function simEnv(sim: SimTarget, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return isolatedEnv({
    AWS_ENDPOINT_URL_EC2: sim.endpoint,
    AWS_ENDPOINT_URL_STS: sim.endpoint,
    AWS_REGION: sim.region,
    AWS_ACCESS_KEY_ID: DUMMY_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: DUMMY_SECRET_ACCESS_KEY,
    EC2_WORKSHOP_TIME_SCALE: String(sim.scale),
    EC2_WORKSHOP_TIME_ORIGIN: sim.timeOrigin === undefined ? undefined : String(sim.timeOrigin),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...extra,
  });
}

export interface ClientOptions {
  /** SDK attempts per call (default 3, the SDK's own default). */
  maxAttempts?: number;
}

function clientConfig(sim: SimTarget, o: ClientOptions) {
  return {
    endpoint: sim.endpoint,
    region: sim.region,
    credentials: { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY },
    maxAttempts: o.maxAttempts ?? 3,
  };
}

export function ec2For(sim: SimTarget, o: ClientOptions = {}): EC2Client {
  return new EC2Client(clientConfig(sim, o));
}

export function stsFor(sim: SimTarget, o: ClientOptions = {}): STSClient {
  return new STSClient(clientConfig(sim, o));
}

/**
 * The clients the tool itself makes (src/aws/clients.ts: its timeouts, and by default retry
 * "caller", as the instance commands use them), pointed at the simulator.
 */
export function toolClientsFor(sim: SimTarget, retry: RetryLayer = "caller"): { ec2: EC2Client; sts: STSClient } {
  const target = { region: sim.region, endpointUrl: sim.endpoint, timeScale: sim.scale };
  const credentials = { accessKeyId: DUMMY_ACCESS_KEY_ID, secretAccessKey: DUMMY_SECRET_ACCESS_KEY };
  return { ec2: createEc2Client(target, { retry, credentials }), sts: createStsClient(target, {}, { retry, credentials }) };
}

/**
 * A simulator for a test file, or, when EC2_WORKSHOP_TEST_ENDPOINT names another
 * EC2-compatible endpoint, that endpoint (then `sim` is undefined and tests that need
 * seeding, faults or the request log skip themselves via `requireSim`).
 */
export interface TestTarget {
  target: SimTarget;
  sim?: Simulator;
  close(): Promise<void>;
}

export async function startTestTarget(options: import("../../src/sim/index.js").SimulatorOptions = {}): Promise<TestTarget> {
  const external = process.env.EC2_WORKSHOP_TEST_ENDPOINT;
  if (external) {
    return {
      target: { endpoint: external, region: process.env.AWS_REGION ?? "us-east-1", scale: 1 },
      close: async () => {},
    };
  }
  const { startSimulator } = await import("../../src/sim/index.js");
  const sim = await startSimulator(options);
  return { target: sim, sim, close: () => sim.close() };
}

/** The simulator, or skip this test (with a printed reason) when running against another endpoint. */
export function requireSim(ctx: Mocha.Context, t: TestTarget, needs: string): Simulator {
  if (!t.sim) {
    console.log(`      (skipped: ${needs} needs the simulator; EC2_WORKSHOP_TEST_ENDPOINT=${t.target.endpoint})`);
    ctx.skip();
  }
  return t.sim!;
}
