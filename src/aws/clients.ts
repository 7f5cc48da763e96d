// The one place AWS SDK clients are made. Heavy: import this module lazily (`await import(...)`)
// from inside a command, never from a module that --help loads.
import { EC2Client } from "@aws-sdk/client-ec2";
import { STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import { UserError } from "../errors.js";
import type { AwsTarget } from "./target.js";

// Node 20 is supported by this tool; the SDK's notice about its own future plans would only
// clutter the output (DESIGN.md: "no SDK deprecation warnings").
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** Retries inside one SDK call: throttling and 5xx get backoff with jitter (the SDK's standard mode). */
const MAX_ATTEMPTS = 6;

interface CommonConfig {
  region: string;
  profile?: string;
  maxAttempts: number;
  retryMode: "standard";
}

function commonConfig(target: AwsTarget): CommonConfig {
  if (!target.region)
    throw new UserError(
      "No AWS region is set: pass --region, set AWS_REGION, or run `ec2-workshop setup` to store one in your profile.",
    );
  return {
    region: target.region,
    ...(target.profile ? { profile: target.profile } : {}),
    maxAttempts: MAX_ATTEMPTS,
    retryMode: "standard",
  };
}

/** Per-client extras: `credentials` overrides the profile's chain (setup checks keys before storing them). */
export interface ClientExtras {
  credentials?: STSClientConfig["credentials"];
  /**
   * SDK attempts per call. Callers with their own deadline-aware retry loop (src/instances/backoff.ts)
   * pass a small number so the two loops do not multiply into a storm.
   */
  maxAttempts?: number;
}

export function createEc2Client(target: AwsTarget, extras: ClientExtras = {}): EC2Client {
  return new EC2Client({
    ...commonConfig(target),
    ...(target.endpointUrl ? { endpoint: target.endpointUrl } : {}),
    ...(extras.credentials ? { credentials: extras.credentials } : {}),
    ...(extras.maxAttempts ? { maxAttempts: extras.maxAttempts } : {}),
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
    ...commonConfig(target),
    ...(endpoint ? { endpoint } : {}),
    ...(extras.credentials ? { credentials: extras.credentials } : {}),
  });
}
