// The one place AWS SDK clients are made. Heavy: import this module lazily (`await import(...)`)
// from inside a command, never from a module that --help loads.
import { EC2Client } from "@aws-sdk/client-ec2";
import { STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import { UserError } from "../errors.js";
import type { AwsTarget } from "./target.js";

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
      "No AWS region is set: pass --region, set AWS_REGION, or run `ec2-workshop setup` to store one in your profile.",
    );
  return {
    region: target.region,
    ...(target.profile ? { profile: target.profile } : {}),
    ...(extras.credentials ? { credentials: extras.credentials } : {}),
    maxAttempts: extras.retry === "caller" ? 1 : SDK_MAX_ATTEMPTS,
    retryMode: "standard",
    requestHandler: requestHandlerOptions(target.timeScale),
  };
}

export function createEc2Client(target: AwsTarget, extras: ClientExtras = {}): EC2Client {
  return new EC2Client({
    ...commonConfig(target, extras),
    ...(target.endpointUrl ? { endpoint: target.endpointUrl } : {}),
  });
}

/** STS follows --endpoint-url too, so a simulator (which also answers GetCallerIdentity) serves both. */
export function createStsClient(
  target: AwsTarget,
  env: Record<string, string | undefined> = process.env,
  extras: ClientExtras = {},
): STSClient {
  const endpoint = target.endpointUrl && !env.AWS_ENDPOINT_URL_STS ? target.endpointUrl : undefined;
  return new STSClient({
    ...commonConfig(target, extras),
    ...(endpoint ? { endpoint } : {}),
  });
}
