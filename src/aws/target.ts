// Which AWS account/region/endpoint a command talks to, resolved from flags and the
// environment without loading the SDK (so --help and prompts stay fast).
import type { Env } from "../home.js";

export interface AwsTarget {
  /** Named profile (--profile, else AWS_PROFILE); undefined = the SDK's default chain. */
  profile?: string;
  /** Explicit region; undefined = resolve from env / the profile's config when a client is made. */
  region?: string;
  /** EC2-compatible endpoint (--endpoint-url, else AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL). */
  endpointUrl?: string;
  /**
   * Tool ms per real ms (EC2_WORKSHOP_TIME_SCALE, against a scaled simulator; default 1): request
   * timeouts are tool time, like every other deadline (src/aws/clients.ts).
   */
  timeScale?: number;
}

export interface TargetFlags {
  profile?: string;
  region?: string;
  endpointUrl?: string;
}

/** EC2_WORKSHOP_TIME_SCALE when it is a positive number (src/clock.ts refuses any other value). */
export function timeScaleOf(env: Env): number | undefined {
  const scale = Number(env.EC2_WORKSHOP_TIME_SCALE);
  return env.EC2_WORKSHOP_TIME_SCALE && scale > 0 && Number.isFinite(scale) ? scale : undefined;
}

/**
 * Flags win over the environment. `fallbackRegion` (e.g. a workshop's `aws:region`) sits
 * between an explicit --region and the ambient AWS_REGION: a workshop's resources exist
 * only in its own region.
 */
export function resolveTarget(flags: TargetFlags, env: Env, fallbackRegion?: string): AwsTarget {
  const nonEmpty = (s: string | undefined): string | undefined => (s && s.trim() ? s.trim() : undefined);
  const timeScale = timeScaleOf(env);
  return {
    profile: nonEmpty(flags.profile) ?? nonEmpty(env.AWS_PROFILE),
    region: nonEmpty(flags.region) ?? nonEmpty(fallbackRegion) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION),
    endpointUrl: nonEmpty(flags.endpointUrl) ?? nonEmpty(env.AWS_ENDPOINT_URL_EC2) ?? nonEmpty(env.AWS_ENDPOINT_URL),
    ...(timeScale ? { timeScale } : {}),
  };
}
