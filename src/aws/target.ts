// Which AWS account/region/endpoint a command talks to, resolved from flags and the
// environment without loading the SDK (so --help and prompts stay fast).
import { InputError } from "../errors.js";
import type { Env } from "../home.js";

export interface AwsTarget {
  /** Named profile (--profile, else AWS_PROFILE); undefined = the SDK's default chain. */
  profile?: string;
  /** Explicit region; undefined = resolve from env / the profile's config when a client is made. */
  region?: string;
  /** Where `region` came from (e.g. "--region", "AWS_REGION"), for the error when it is unknown (checked when a client is made). */
  regionSource?: string;
  /** EC2-compatible endpoint (--endpoint-url, else AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL). */
  endpointUrl?: string;
  /**
   * Tool ms per real ms (EC2_WORKSHOP_TIME_SCALE, against a scaled simulator; default 1): request
   * timeouts are tool time, like every other deadline (src/aws/clients.ts).
   */
  timeScale?: number;
  /**
   * The run's abort signal (Ctrl-C / SIGTERM, src/interrupts.ts): every call made through a
   * client for this target is aborted with it, unless the call brings its own.
   */
  signal?: AbortSignal;
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

/** A workshop as far as AWS calls care: its name and the region of its settings (`aws:region`). */
export interface WorkshopPlace {
  name: string;
  region: string;
}

const nonEmpty = (s: string | undefined): string | undefined => (s && s.trim() ? s.trim() : undefined);

/**
 * Flags win over the environment. `region`, when given, is the region the calls are about (a
 * workshop's own, already settled by workshopTarget, or one just chosen for a new workshop): it
 * beats --region and the ambient AWS_REGION / AWS_DEFAULT_REGION. Where the region came from is
 * kept: the client factory checks it against the SDK's data (src/aws/clients.ts), so an unknown
 * name fails before the first request, naming its source, and an unused one is never refused.
 */
export function resolveTarget(flags: TargetFlags, env: Env, region?: string, regionSource = "the workshop's settings"): AwsTarget {
  const timeScale = timeScaleOf(env);
  const endpointUrl = nonEmpty(flags.endpointUrl) ?? nonEmpty(env.AWS_ENDPOINT_URL_EC2) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  const [name, source] = (
    [
      [region, regionSource],
      [flags.region, "--region"],
      [env.AWS_REGION, "AWS_REGION"],
      [env.AWS_DEFAULT_REGION, "AWS_DEFAULT_REGION"],
    ] as const
  ).find(([value]) => nonEmpty(value) !== undefined) ?? [undefined, ""];
  return {
    profile: nonEmpty(flags.profile) ?? nonEmpty(env.AWS_PROFILE),
    region: name?.trim(),
    ...(name === undefined ? {} : { regionSource: source }),
    endpointUrl,
    ...(timeScale ? { timeScale } : {}),
  };
}

/**
 * Where a workshop's AWS calls go: its own region, always. Its network, template and instances
 * exist only there, and instances tagged with its name in another region are someone else's (a
 * colleague's workshop of the same name): acting on them would be acting outside the workshop.
 * So an explicit --region naming another region is refused (a usage error, before any call),
 * while the ambient AWS_REGION / AWS_DEFAULT_REGION, often set in the shell for other work,
 * simply gives way. Every command that opens an existing workshop takes its target from here.
 */
export function workshopTarget(flags: TargetFlags, env: Env, workshop: WorkshopPlace): AwsTarget {
  const asked = nonEmpty(flags.region);
  if (asked !== undefined && asked !== workshop.region)
    throw new InputError(
      `Workshop "${workshop.name}" is in ${workshop.region}, not ${asked} (--region): its instances exist only there, and any tagged "${workshop.name}" in ${asked} belong to someone else. Leave out --region; nothing was changed.`,
    );
  return resolveTarget(flags, env, workshop.region, `aws:region of workshop "${workshop.name}"`);
}
