// The Automation API driver: one Pulumi stack per workshop, run from the workshop directory
// (the local program of Pulumi.yaml). Heavy (loads @pulumi/pulumi/automation): commands import
// this module lazily, inside run().
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { load as parseYaml } from "js-yaml";
import {
  LocalWorkspace,
  PulumiCommand,
  Stack,
  type EngineEvent,
  type OutputMap,
  type StackSummary,
} from "@pulumi/pulumi/automation/index.js";
import { version as SDK_VERSION } from "@pulumi/pulumi/version.js";
import { UserError } from "../errors.js";
import type { Env } from "../home.js";
import { PULUMI_INSTALL_HINT } from "../setup/pulumi.js";
import { ENDPOINT_ENV } from "./settings.js";

/** The one line that tells a user how to get the CLI the Automation API drives. */
export const INSTALL_HINT = `Install it with ${PULUMI_INSTALL_HINT}, and run this again.`;

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

function userHome(env: Env): string {
  return env.HOME?.trim() || env.USERPROFILE?.trim() || homedir();
}

function projectBackendUrl(home: string): string | undefined {
  try {
    const project = parseYaml(readFileSync(join(home, "Pulumi.yaml"), "utf8")) as { backend?: { url?: unknown } } | null;
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
  if (target.env.PULUMI_CONFIG_PASSPHRASE === undefined && target.env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined)
    env.PULUMI_CONFIG_PASSPHRASE = "";
  env.PULUMI_SKIP_UPDATE_CHECK = "true";
  if (target.profile) env.AWS_PROFILE = target.profile;
  if (target.endpointUrl) env[ENDPOINT_ENV] = target.endpointUrl;
  return env;
}

/** Where PulumiCommand.install puts the CLI by default (~/.pulumi/versions/<sdk version>). */
export function installRoot(env: Env): string {
  return join(userHome(env), ".pulumi", "versions", SDK_VERSION);
}

/** The CLI is missing (or unusable): say so in one line, with the way to install it. */
export class PulumiMissingError extends UserError {
  constructor(detail: string) {
    super(`${detail} ${INSTALL_HINT}`);
    this.name = "PulumiMissingError";
  }
}

/**
 * Finds the Pulumi CLI: on PATH, else where PulumiCommand.install put it. Fails fast, before
 * any prompt, with the installation hint.
 */
export async function findPulumi(env: Env): Promise<PulumiCommand> {
  let firstError: unknown;
  for (const root of [undefined, installRoot(env)]) {
    if (root && !existsSync(join(root, "bin", "pulumi"))) continue;
    try {
      return await PulumiCommand.get(root ? { root } : undefined);
    } catch (err) {
      firstError ??= err;
    }
  }
  const text = String((firstError as { commandResult?: { stderr?: string } })?.commandResult?.stderr ?? (firstError as Error)?.message ?? "");
  if (/Minimum version requirement failed|Major version mismatch/.test(text)) {
    const found = /your current CLI version is (\S+?)\.?(?:\s|$)/.exec(text)?.[1] ?? /CLI version (\S+)/.exec(text)?.[1];
    throw new PulumiMissingError(`The Pulumi CLI on PATH${found ? ` (${found})` : ""} is not compatible with this tool (Pulumi SDK ${SDK_VERSION}).`);
  }
  if (/ENOENT|not found|EACCES/.test(text) || !text) throw new PulumiMissingError("The Pulumi CLI (`pulumi`) is not installed or not on PATH.");
  throw new PulumiMissingError(`The Pulumi CLI did not answer \`pulumi version\` (${text.split("\n").find((l) => l.trim()) ?? "no output"}).`);
}

/**
 * Downloads the CLI into ~/.pulumi/versions/<version> with the Automation API's installer
 * (needs internet access to get.pulumi.com). One clear line when that fails.
 */
export async function installPulumi(env: Env): Promise<PulumiCommand> {
  try {
    return await PulumiCommand.install({ root: installRoot(env) });
  } catch (err) {
    const reason = ((err as Error).message ?? String(err)).split("\n").find((l) => l.trim()) ?? "unknown error";
    throw new PulumiMissingError(`Could not install the Pulumi CLI automatically (${reason.trim()}).`);
  }
}

/** A workspace on the workshop directory with the explicit environment above. */
export class WorkshopStacks {
  private constructor(
    readonly workspace: LocalWorkspace,
    readonly backend: Backend,
    readonly target: PulumiTarget,
  ) {}

  static async open(target: PulumiTarget, command?: PulumiCommand): Promise<WorkshopStacks> {
    const backend = resolveBackend(target.home, target.env);
    if (backend.dir) mkdirSync(backend.dir, { recursive: true, mode: 0o700 });
    const pulumiCommand = command ?? (await findPulumi(target.env));
    const workspace = await LocalWorkspace.create({
      workDir: target.home,
      pulumiCommand,
      envVars: pulumiEnv(target, backend),
      ...(backend.secretsProvider ? { secretsProvider: backend.secretsProvider } : {}),
    });
    return new WorkshopStacks(workspace, backend, target);
  }

  /** `pulumi stack init <name>`; fails (mapped) when it already exists in the backend. */
  async create(name: string): Promise<Stack> {
    return this.mapped(name, () => Stack.create(name, this.workspace));
  }

  /** `pulumi stack select <name>`; fails (mapped) when the backend has no such stack. */
  async select(name: string): Promise<Stack> {
    return this.mapped(name, () => Stack.select(name, this.workspace));
  }

  /** `pulumi up` with engine events streamed to `onEvent`; returns the stack outputs. */
  async up(stack: Stack, onEvent: (e: EngineEvent) => void, diagnostics: Diagnostic[] = []): Promise<OutputMap> {
    const result = await this.mapped(stack.name, () => stack.up({ onEvent, color: "never", message: "ec2-workshop" }), diagnostics);
    return result.outputs;
  }

  /** `pulumi destroy`: every resource of the workshop. */
  async destroy(stack: Stack, onEvent: (e: EngineEvent) => void, diagnostics: Diagnostic[] = []): Promise<void> {
    await this.mapped(stack.name, () => stack.destroy({ onEvent, color: "never", message: "ec2-workshop" }), diagnostics);
  }

  /** `pulumi stack rm`, keeping stacks/Pulumi.<name>.yaml (the command asks before removing it). */
  async remove(name: string): Promise<void> {
    await this.mapped(name, () => this.workspace.removeStack(name, { preserveConfig: true }));
  }

  async outputs(name: string): Promise<OutputMap> {
    return this.mapped(name, () => this.workspace.stackOutputs(name));
  }

  /** Every stack of the project in the backend. */
  async list(): Promise<StackSummary[]> {
    return this.mapped("", () => this.workspace.listStacks());
  }

  private async mapped<T>(name: string, fn: () => Promise<T>, diagnostics: Diagnostic[] = []): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw pulumiErrorToUserError(err, { workshop: name, home: this.target.home, backend: this.backend, diagnostics });
    }
  }
}

/** An error the engine reported for one resource (from a diagnostic event). */
export interface Diagnostic {
  urn?: string;
  message: string;
}

export interface ErrorContext {
  workshop: string;
  home: string;
  backend: Backend;
  diagnostics?: Diagnostic[];
}

/** "urn:pulumi:stack::project::parent$aws:ec2/vpc:Vpc::name" -> { type, name }. */
export function resourceOfUrn(urn: string | undefined): { type: string; name: string } | undefined {
  const m = /::([^:]+(?::[^:]+)*)::([^:]+)$/.exec(urn ?? "");
  if (!m) return undefined;
  const type = m[1]!.split("$").pop()!;
  return { type, name: m[2]! };
}

const CREDENTIAL_PATTERNS = [
  /No valid credential sources found/i,
  /NoCredentialProviders/,
  /failed to refresh cached credentials/i,
  /ExpiredToken/,
  /InvalidClientTokenId/,
  /security token included in the request is (?:invalid|expired)/i,
  /AuthFailure/,
];

/** The AWS error code and message inside a provider's error text, if any. */
export function awsErrorIn(text: string): { code: string; message: string } | undefined {
  const m = /api error ([A-Za-z][\w.]*): (.+?)(?:: provider=\S+)?\s*$/m.exec(text) ?? /\b([A-Z][A-Za-z]+(?:\.[A-Za-z]+)?): ([^\n]+?)\s+status code: \d+/.exec(text);
  return m ? { code: m[1]!, message: m[2]!.trim() } : undefined;
}

function firstErrorLine(text: string): string | undefined {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /^error:/i.test(l)) ?? lines[0];
  return line?.replace(/^error:\s*/i, "");
}

/**
 * Any failure of a Pulumi operation -> one UserError line (what, why, what to do), by error
 * name (StackNotFoundError, ...) and by what the CLI and the engine said.
 */
export function pulumiErrorToUserError(err: unknown, ctx: ErrorContext): UserError {
  if (err instanceof UserError) return err;
  const name = (err as { name?: string })?.name ?? "";
  const stderr = String((err as { commandResult?: { stderr?: string } })?.commandResult?.stderr ?? "");
  const stdout = String((err as { commandResult?: { stdout?: string } })?.commandResult?.stdout ?? "");
  const text = `${stderr}\n${stdout}\n${(err as Error)?.message ?? ""}`;
  const ws = ctx.workshop;
  const where = ctx.backend.source === "default" ? `the local state in ${ctx.backend.dir}` : `the Pulumi backend ${ctx.backend.url}`;

  if (/ENOENT/.test(text) && /spawn|pulumi/.test(text) && !/Pulumi\.\S+\.yaml/.test(text))
    return new PulumiMissingError("The Pulumi CLI (`pulumi`) is not installed or not on PATH.");
  if (name === "StackNotFoundError")
    return new UserError(`No workshop "${ws}" in ${where}. Create it with \`ec2-workshop workshop create ${ws}\`, or check PULUMI_BACKEND_URL.`);
  if (name === "StackAlreadyExistsError")
    return new UserError(
      `Workshop "${ws}" already exists in ${where}. Change it with \`ec2-workshop workshop update ${ws}\`, or choose another name.`,
    );
  if (name === "ConcurrentUpdateError")
    return new UserError(
      `Another update of workshop "${ws}" is running (its stack is locked). Wait for it to finish; if it crashed, run \`pulumi cancel --stack ${ws}\` in ${ctx.home}, then retry.`,
    );
  if (/incorrect passphrase|passphrase must be set|PULUMI_CONFIG_PASSPHRASE/.test(text))
    return new UserError(
      `Workshop "${ws}" has secrets protected by a passphrase: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to it and retry.`,
    );
  if (/PULUMI_ACCESS_TOKEN must be set|not logged in|pulumi login/i.test(text))
    return new UserError(
      `The Pulumi backend ${ctx.backend.url} needs a login: run \`pulumi login\` (or set PULUMI_ACCESS_TOKEN), or unset PULUMI_BACKEND_URL to use the local state.`,
    );
  if (CREDENTIAL_PATTERNS.some((re) => re.test(text)))
    return new UserError(
      "The Pulumi AWS provider found no valid AWS credentials. Run `ec2-workshop setup` (or set AWS_PROFILE / AWS_ACCESS_KEY_ID), then retry.",
    );

  // An AWS error from the engine: the resource it happened on and AWS's own message.
  const failures = (ctx.diagnostics ?? []).filter((d) => awsErrorIn(d.message) || d.urn);
  for (const d of [...failures, { urn: undefined, message: text }]) {
    const aws = awsErrorIn(d.message);
    if (!aws) continue;
    const res = resourceOfUrn(d.urn);
    const on = res ? ` on ${res.type} "${res.name}"` : "";
    return new UserError(`AWS refused a change${on}: ${aws.code}: ${aws.message.replace(/\.?$/, ".")} Fix the cause, then run \`ec2-workshop workshop update ${ws}\`.`);
  }
  const resourceError = failures.find((d) => d.urn);
  if (resourceError) {
    const res = resourceOfUrn(resourceError.urn)!;
    return new UserError(`Pulumi failed on ${res.type} "${res.name}": ${firstErrorLine(resourceError.message) ?? "see above"}`);
  }
  const line = firstErrorLine(stderr) ?? firstErrorLine((err as Error)?.message ?? String(err)) ?? "unknown error";
  return new UserError(`Pulumi failed for workshop "${ws}": ${line}`);
}
