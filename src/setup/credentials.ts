// Finding credentials the way every AWS tool does (the SDK's default chain: environment,
// SSO, shared config/credentials files, credential_process, web identity, container/instance
// roles), and saying where they came from. Heavy (AWS SDK): import lazily.
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import type { Env } from "../home.js";
import { awsFilePaths, readProfile } from "../aws/credentials-file.js";
import { maskKeyId } from "./keys.js";

export type CredentialProvider = ReturnType<typeof fromNodeProviderChain>;
type AwsCredentialIdentity = Awaited<ReturnType<CredentialProvider>>;

export type CredentialKind = "env" | "profile-keys" | "sso" | "process" | "assume-role" | "web-identity" | "login" | "container" | "instance" | "other";

export interface FoundCredentials {
  provider: CredentialProvider;
  /** Masked access key id, e.g. AKIA…CDEF. */
  maskedKeyId: string;
  kind: CredentialKind;
  /** Human description of the source, e.g. `profile "default" (~/.aws/credentials)`. */
  source: string;
  /** When the credentials expire (SSO, assumed roles, temporary keys). */
  expiration?: Date;
}

export interface MissingCredentials {
  /** Why the chain found nothing usable (the SDK's message, made specific where we can). */
  reason: string;
}

/** Warnings the SDK would print with console.warn (e.g. AWS_PROFILE and keys both set): collected instead. */
export interface ChainWarnings {
  warnings: string[];
}

function kindOf(c: AwsCredentialIdentity): CredentialKind {
  const f = (c as { $source?: Record<string, unknown> }).$source ?? {};
  const has = (...keys: string[]): boolean => keys.some((k) => k in f);
  if (has("CREDENTIALS_PROFILE_SSO", "CREDENTIALS_SSO", "CREDENTIALS_PROFILE_SSO_LEGACY", "CREDENTIALS_SSO_LEGACY")) return "sso";
  if (has("CREDENTIALS_PROFILE_PROCESS", "CREDENTIALS_PROCESS")) return "process";
  if (has("CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN", "CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN", "CREDENTIALS_STS_ASSUME_ROLE_WEB_ID")) return "web-identity";
  if (has("CREDENTIALS_STS_ASSUME_ROLE", "CREDENTIALS_PROFILE_SOURCE_PROFILE", "CREDENTIALS_PROFILE_NAMED_PROVIDER")) return "assume-role";
  if (has("CREDENTIALS_PROFILE_LOGIN", "CREDENTIALS_LOGIN")) return "login";
  if (has("CREDENTIALS_ENV_VARS")) return "env";
  if (has("CREDENTIALS_PROFILE")) return "profile-keys";
  if (has("CREDENTIALS_HTTP")) return "container";
  if (has("CREDENTIALS_IMDS")) return "instance";
  return "other";
}

function describeSource(kind: CredentialKind, profile: string, file: string): string {
  switch (kind) {
    case "env":
      return "environment variables AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY";
    case "profile-keys":
      return `profile "${profile}" (${file})`;
    case "sso":
      return `IAM Identity Center (SSO), profile "${profile}"`;
    case "process":
      return `credential_process of profile "${profile}"`;
    case "assume-role":
      return `role assumed by profile "${profile}"`;
    case "web-identity":
      return "web identity token (AWS_WEB_IDENTITY_TOKEN_FILE / role_arn)";
    case "login":
      return `aws login session, profile "${profile}"`;
    case "container":
      return "container credentials (ECS/EKS)";
    case "instance":
      return "the EC2 instance's role (instance metadata)";
    default:
      return "the AWS SDK's default credential chain";
  }
}

/**
 * Runs the SDK's default chain once. `profile` is the explicit --profile (or AWS_PROFILE);
 * undefined lets the chain try environment keys first, as every AWS tool does.
 */
export async function findCredentials(
  profile: string | undefined,
  region: string,
  env: Env,
  collected: ChainWarnings = { warnings: [] },
): Promise<FoundCredentials | MissingCredentials> {
  const files = awsFilePaths(env);
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (...args: unknown[]) => collected.warnings.push(chainWarning(args.map(String).join(" "), profile)),
    error: () => undefined,
  };
  const provider = fromNodeProviderChain({
    ...(profile ? { profile } : {}),
    filepath: files.credentials,
    configFilepath: files.config,
    // Setup may have just written the files: read them afresh, not from the SDK's per-process cache.
    ignoreCache: true,
    // Role assumption (source_profile / role_arn) talks to STS in the chosen region.
    clientConfig: { region },
    logger,
  });
  const name = profile ?? "default";
  let identity: AwsCredentialIdentity;
  try {
    identity = await provider();
  } catch (err) {
    return { reason: await explainMissing(err, name, Boolean(profile), files) };
  }
  const kind = kindOf(identity);
  // Plain keys may live in either file; name the one that has them.
  const inCredentials = kind === "profile-keys" ? await readProfile(files.credentials, "credentials", name).catch(() => undefined) : undefined;
  return {
    provider,
    maskedKeyId: maskKeyId(identity.accessKeyId),
    kind,
    source: describeSource(kind, name, inCredentials?.aws_access_key_id ? files.credentials : files.config),
    ...(identity.expiration ? { expiration: identity.expiration } : {}),
  };
}

/** The SDK's multi-line console warnings, as one line that says what it means here. */
function chainWarning(text: string, profile: string | undefined): string {
  if (/Multiple credential sources detected/i.test(text))
    return `both a profile ("${profile ?? "?"}") and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are set; the profile's credentials are used. Unset one of them to avoid surprises.`;
  return text.replace(/\s+/g, " ").trim().slice(0, 300);
}

export function isMissing(r: FoundCredentials | MissingCredentials): r is MissingCredentials {
  return "reason" in r;
}

async function explainMissing(err: unknown, profile: string, explicit: boolean, files: { credentials: string; config: string }): Promise<string> {
  const message = ((err as Error)?.message ?? String(err)).split("\n")[0]!.trim();
  // The chain's last link says only "Could not load credentials from any providers": say which profile was looked for.
  if (/from any providers/i.test(message)) {
    const inCredentials = await readProfile(files.credentials, "credentials", profile).catch(() => undefined);
    const inConfig = await readProfile(files.config, "config", profile).catch(() => undefined);
    if (explicit && !inCredentials && !inConfig)
      return `profile "${profile}" is not in ${files.credentials} or ${files.config}`;
    if (inCredentials || inConfig) return `profile "${profile}" has no usable credentials (no keys, SSO, role or credential_process that works)`;
    return `none found (no AWS_ACCESS_KEY_ID, no profile "${profile}" in ${files.credentials} or ${files.config}, no SSO login)`;
  }
  return message;
}
