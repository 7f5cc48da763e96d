// The one place AWS SDK clients are made. Heavy: import this module lazily (`await import(...)`)
// from inside a command, never from a module that --help loads.
import { EC2Client } from "@aws-sdk/client-ec2";
import type { PricingClient } from "@aws-sdk/client-pricing";
import type { SchedulerClient } from "@aws-sdk/client-scheduler";
import type { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import { UserError } from "../errors.js";
import { checkUsableRegion } from "./regions.js";
import type { AwsTarget } from "./target.js";
import { commandToType } from "../invocation.js";

// The SDK's notices about Node versions it will stop supporting would only clutter the output,
// which carries results and one-line errors, nothing else.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/**
 * Who retries a failed call, chosen per call path and never both (the two would multiply:
 * 6 SDK attempts inside each of 6 tool attempts made up to 36 requests for one call):
 * - "sdk": the SDK's standard retry strategy inside `send` (throttling and transient errors,
 *   exponential backoff with jitter, a retry quota), for one-off calls (setup, workshop commands);
 * - "caller": one HTTP request per `send`; the caller retries with src/instances/backoff.ts, on
 *   the tool's clock (deadlines that EC2_WORKSHOP_TIME_SCALE speeds up, waits the run's abort
 *   signal ends), as the instance commands do.
 */
export type RetryLayer = "sdk" | "caller";

/** Attempts per call on the "sdk" layer: the SDK's own default for its standard mode. */
export const SDK_MAX_ATTEMPTS = 3;

/**
 * Request timeouts, in tool time (divided by the target's time scale against a simulator).
 * Without them an endpoint that accepts connections and never answers (a captive portal, a
 * stalled proxy) hangs a command for ever: the SDK's default is no timeout at all. 30 s leaves
 * room for a 1,000-instance DescribeInstances page (several MB of XML) on a slow conference
 * network, and a few attempts still fit in the shortest phase deadline (prepare: 1 minute).
 */
export const CONNECT_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 30_000;
/** Never cut a request shorter than this much real time: a loaded machine answers slowly too. */
const MIN_REAL_TIMEOUT_MS = 1_000;

/** Timeouts for the SDK's Node HTTP handler (a plain options object; the SDK builds the handler). */
export function requestHandlerOptions(timeScale = 1): { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true } {
  const real = (toolMs: number): number => Math.max(MIN_REAL_TIMEOUT_MS, Math.round(toolMs / timeScale));
  return {
    connectionTimeout: real(CONNECT_TIMEOUT_MS),
    requestTimeout: real(REQUEST_TIMEOUT_MS),
    // Without it the SDK only logs a warning when requestTimeout passes, and keeps waiting.
    throwOnRequestTimeout: true,
  };
}

/** Per-client extras: `credentials` overrides the profile's chain (setup checks keys before storing them). */
export interface ClientExtras {
  credentials?: STSClientConfig["credentials"];
  /** Default "sdk". */
  retry?: RetryLayer;
}

function commonConfig(target: AwsTarget, extras: ClientExtras) {
  if (!target.region)
    throw new UserError(
      `No AWS region is set: pass --region, set AWS_REGION, or run \`${commandToType("setup")}\` to store one in your profile.`,
    );
  return {
    region: checkUsableRegion(target.region, target.regionSource ?? "region", target.endpointUrl),
    ...(target.profile ? { profile: target.profile } : {}),
    ...(extras.credentials ? { credentials: extras.credentials } : {}),
    maxAttempts: extras.retry === "caller" ? 1 : SDK_MAX_ATTEMPTS,
    retryMode: "standard",
    requestHandler: requestHandlerOptions(target.timeScale),
  };
}

type Sender = { send: (...args: never[]) => unknown };

/**
 * Every call of `client` takes the run's abort signal (unless it brings its own), so Ctrl-C
 * ends a request that hangs, whichever code made it (paginators call `send` too).
 */
function abortedWithRun<C extends Sender>(client: C, signal: AbortSignal | undefined): C {
  if (!signal) return client;
  const send = client.send.bind(client) as (command: unknown, options?: unknown, cb?: unknown) => unknown;
  const withSignal = (command: unknown, options?: unknown, cb?: unknown): unknown =>
    typeof options === "function"
      ? send(command, { abortSignal: signal }, options)
      : send(command, { abortSignal: signal, ...(options as object | undefined) }, cb);
  (client as { send: unknown }).send = withSignal;
  return client;
}

export function createEc2Client(target: AwsTarget, extras: ClientExtras = {}): EC2Client {
  const client = new EC2Client({
    ...commonConfig(target, extras),
    ...(target.endpointUrl ? { endpoint: target.endpointUrl } : {}),
  });
  return abortedWithRun(client, target.signal);
}

/**
 * Another service's endpoint: its own AWS_ENDPOINT_URL_<SERVICE> when set (the SDK reads that
 * itself), else the EC2 endpoint (--endpoint-url / AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL), so
 * a simulator or an EC2-compatible cloud answers every call and none leaks to AWS.
 */
function followEc2Endpoint(target: AwsTarget, env: Record<string, string | undefined>, serviceVariable: string): { endpoint?: string } {
  return target.endpointUrl && !env[serviceVariable] ? { endpoint: target.endpointUrl } : {};
}

/** The config of a service that follows the EC2 endpoint (unless `variable` names its own). */
function followingConfig(target: AwsTarget, env: Record<string, string | undefined>, variable: string, extras: ClientExtras) {
  return { ...commonConfig(target, extras), ...followEc2Endpoint(target, env, variable) };
}

/** STS follows --endpoint-url too, so a simulator (which also answers GetCallerIdentity) serves both. */
export function createStsClient(
  target: AwsTarget,
  env: Record<string, string | undefined> = process.env,
  extras: ClientExtras = {},
): STSClient {
  return abortedWithRun(new STSClient(followingConfig(target, env, "AWS_ENDPOINT_URL_STS", extras)), target.signal);
}

/** Service Quotas (the preflight's vCPU quota), in the workshop's region. Its SDK loads on first use. */
export async function createServiceQuotasClient(
  target: AwsTarget,
  env: Record<string, string | undefined> = process.env,
  extras: ClientExtras = {},
): Promise<ServiceQuotasClient> {
  const { ServiceQuotasClient } = await import("@aws-sdk/client-service-quotas");
  return abortedWithRun(new ServiceQuotasClient(followingConfig(target, env, "AWS_ENDPOINT_URL_SERVICE_QUOTAS", extras)), target.signal);
}

/**
 * The Price List query API is served from us-east-1, eu-central-1 and ap-south-1 only (the same
 * prices from each): the one nearest the workshop's region.
 */
export function pricingRegionFor(region: string): string {
  if (/^(eu|me|af|il)-/.test(region)) return "eu-central-1";
  if (/^ap-/.test(region)) return "ap-south-1";
  return "us-east-1";
}

/** The Price List (on-demand prices for the cost estimate). Its SDK loads on first use. */
export async function createPricingClient(
  target: AwsTarget,
  env: Record<string, string | undefined> = process.env,
  extras: ClientExtras = {},
): Promise<PricingClient> {
  const { PricingClient } = await import("@aws-sdk/client-pricing");
  const config = followingConfig(target, env, "AWS_ENDPOINT_URL_PRICING", extras);
  return abortedWithRun(new PricingClient({ ...config, region: pricingRegionFor(config.region) }), target.signal);
}

/**
 * EventBridge Scheduler (expiry schedules), in the workshop's region, following the EC2 endpoint
 * unless AWS_ENDPOINT_URL_SCHEDULER names its own. Its SDK loads on first use.
 */
export async function createSchedulerClient(
  target: AwsTarget,
  env: Record<string, string | undefined> = process.env,
  extras: ClientExtras = {},
): Promise<SchedulerClient> {
  const { SchedulerClient } = await import("@aws-sdk/client-scheduler");
  return new SchedulerClient(followingConfig(target, env, "AWS_ENDPOINT_URL_SCHEDULER", extras));
}
