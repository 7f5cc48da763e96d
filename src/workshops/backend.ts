// Where the workshops' Pulumi state lives, and the environment the Pulumi CLI runs with. Light
// (no Automation API): `workshop list|show` and error messages use it too.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { userHome, type Env } from "../home.js";
import { ENDPOINT_ENV, HOME_ENV } from "./settings.js";
import { parseYamlDocument } from "./yaml-file.js";

/** Where workshop state lives unless PULUMI_BACKEND_URL (or Pulumi.yaml's backend.url) says otherwise. */
export const DEFAULT_STATE_DIR = join(".ec2-workshop", "pulumi");

export interface PulumiTarget {
  /** The workshop directory: Pulumi.yaml, stacks/. */
  home: string;
  /** The command's environment (process.env in the CLI). */
  env: Env;
  /** --profile, passed on to the AWS provider. */
  profile?: string;
  /** --endpoint-url / AWS_ENDPOINT_URL_EC2: the program's AWS provider is pointed there too. */
  endpointUrl?: string;
}

export interface Backend {
  /** The URL the CLI is given (or the one Pulumi.yaml names). */
  url: string;
  /** Where it came from, for `workshop list` and error lines. */
  source: "PULUMI_BACKEND_URL" | "Pulumi.yaml" | "default";
  /** The local folder, for the default backend (created on first use). */
  dir?: string;
  /** Secrets provider for new stacks: the passphrase one for self-managed backends, the service's otherwise. */
  secretsProvider?: string;
}

function projectBackendUrl(home: string): string | undefined {
  try {
    const file = join(home, "Pulumi.yaml");
    const project = parseYamlDocument(readFileSync(file, "utf8"), file) as { backend?: { url?: unknown } } | null;
    const url = project?.backend?.url;
    return typeof url === "string" && url.trim() ? url.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Which backend holds the workshops' state: PULUMI_BACKEND_URL, else Pulumi.yaml, else ~/.ec2-workshop/pulumi. */
export function resolveBackend(home: string, env: Env): Backend {
  const fromEnv = env.PULUMI_BACKEND_URL?.trim();
  const fromProject = projectBackendUrl(home);
  const selfManaged = (url: string): boolean => /^(file|s3|azblob|gs):\/\//.test(url);
  if (fromEnv) return { url: fromEnv, source: "PULUMI_BACKEND_URL", secretsProvider: selfManaged(fromEnv) ? "passphrase" : undefined };
  if (fromProject) return { url: fromProject, source: "Pulumi.yaml", secretsProvider: selfManaged(fromProject) ? "passphrase" : undefined };
  // Outside the package folder, so reinstalling or upgrading the tool never loses a workshop's state.
  const dir = join(userHome(env), DEFAULT_STATE_DIR);
  return { url: `file://${dir}`, source: "default", dir, secretsProvider: "passphrase" };
}

/** Does the tool choose the passphrase (empty), or did the user set one? */
export function toolSetsPassphrase(env: Env): boolean {
  return env.PULUMI_CONFIG_PASSPHRASE === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined;
}

/**
 * The environment the Pulumi CLI runs with (on top of this process's). Explicit, so nothing
 * can stop at a hidden prompt: the settings hold no secrets, so the passphrase is empty unless
 * the user chose one (PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE).
 */
export function pulumiEnv(target: PulumiTarget, backend: Backend): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(target.env)) {
    if (v !== undefined && (/^(AWS_|PULUMI_)/.test(k) || k === "PATH" || k === "HOME")) env[k] = v;
  }
  if (backend.source !== "Pulumi.yaml") env.PULUMI_BACKEND_URL = backend.url;
  if (toolSetsPassphrase(target.env)) env.PULUMI_CONFIG_PASSPHRASE = "";
  env.PULUMI_SKIP_UPDATE_CHECK = "true";
  if (target.profile) env.AWS_PROFILE = target.profile;
  if (target.endpointUrl) env[ENDPOINT_ENV] = target.endpointUrl;
  // For CLIs that do not tell the program its project root (the workshop directory).
  env[HOME_ENV] = target.home;
  return env;
}

/** The local folder of a file:// backend (file://~ is the user's home), else undefined. */
export function fileBackendDir(backend: Backend, env: Env): string | undefined {
  if (backend.dir) return backend.dir;
  const m = /^file:\/\/(.*)$/.exec(backend.url);
  if (!m) return undefined;
  return m[1]!.replace(/^~(?=\/|$)/, userHome(env));
}

/**
 * Is the stack locked (an operation running, or one that was killed)? Known for file backends
 * (lock files under .pulumi/locks, as the CLI keeps them); undefined where only the CLI can tell.
 */
export function stackLocked(backend: Backend, env: Env, stack: string): boolean | undefined {
  const dir = fileBackendDir(backend, env);
  if (!dir) return undefined;
  const locks = join(dir, ".pulumi", "locks");
  for (const folder of [join(locks, "organization", "ec2-workshop", stack), join(locks, stack)]) {
    try {
      if (readdirSync(folder).some((f) => f.endsWith(".json"))) return true;
    } catch {
      // no lock folder: not locked
    }
  }
  return false;
}

/**
 * The exact commands that release a stack left locked or with pending operations, with the
 * backend and passphrase variables the tool itself uses.
 */
export function recoveryCommands(target: PulumiTarget, backend: Backend, stack: string, what: { locked?: boolean; pending?: boolean }): string[] {
  const vars: string[] = [];
  if (backend.source !== "Pulumi.yaml") vars.push(`PULUMI_BACKEND_URL=${shellQuote(backend.url)}`);
  if (toolSetsPassphrase(target.env)) vars.push(`PULUMI_CONFIG_PASSPHRASE=""`);
  const lines = [`  cd ${shellQuote(target.home)}`];
  if (vars.length) lines.push(`  export ${vars.join(" ")}`);
  if (what.locked !== false) lines.push(`  pulumi cancel --stack ${stack} --yes${what.locked === undefined ? "   # only if the next run says the stack is locked" : ""}`);
  if (what.pending) lines.push(`  pulumi refresh --clear-pending-creates --stack ${stack} --yes`);
  return lines;
}

function shellQuote(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
