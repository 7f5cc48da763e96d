// What the Pulumi CLI and engine report when an operation fails, turned into one line a person
// can act on (what, why, what to do). Light: no Automation API import (errors are matched by
// name and by the CLI's own texts).
import { UserError } from "../errors.js";
import { toolSetsPassphrase, type Backend, type PulumiTarget } from "./backend.js";
import { PulumiMissingError } from "./pulumi-cli.js";
import { commandToType } from "../invocation.js";

/** An error the engine reported for one resource (from a diagnostic event). */
export interface Diagnostic {
  urn?: string;
  message: string;
}

export interface ErrorContext {
  workshop: string;
  target: PulumiTarget;
  backend: Backend;
  diagnostics?: Diagnostic[];
}

/** The `pulumi cancel` a person runs to release a stack, as one shell command line. */
function cancelCommand(ctx: ErrorContext): string {
  const vars = [
    ...(ctx.backend.source !== "Pulumi.yaml" ? [`PULUMI_BACKEND_URL=${ctx.backend.url}`] : []),
    ...(toolSetsPassphrase(ctx.target.env) ? ["PULUMI_CONFIG_PASSPHRASE="] : []),
  ];
  return `cd ${ctx.target.home} && ${vars.length ? `${vars.join(" ")} ` : ""}pulumi cancel --stack ${ctx.workshop} --yes`;
}

/** A plugin the engine needs could not be installed (no network, no access to get.pulumi.com). */
export function pluginMissing(name: string, version: string, detail: string): UserError {
  return new UserError(
    `The Pulumi ${name} provider plugin v${version} is not installed and could not be downloaded (${detail}). Connect to the internet and run this again, or install it by hand: \`pulumi plugin install resource ${name} v${version}\`.`,
  );
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

  const main = /project 'main' could not be read: (?:stat )?(\S+?):/.exec(text);
  if (main)
    return new UserError(
      `${ctx.target.home}/Pulumi.yaml points at a program that is not there (${main[1]}): run this command again (it corrects Pulumi.yaml), or reinstall ec2-workshop.`,
    );
  const plugin = /\[resource plugin ([\w-]+?)-v?(\d+\.\d+\.\d+)\] downloading[^:]*: (.+)$/m.exec(text);
  if (plugin) return pluginMissing(plugin[1]!, plugin[2]!, plugin[3]!.split(": ").pop()!.trim());

  if (/ENOENT/.test(text) && /spawn|pulumi/.test(text) && !/Pulumi\.\S+\.yaml/.test(text))
    return new PulumiMissingError("The Pulumi CLI (`pulumi`) is not installed or not on PATH.");
  if (name === "StackNotFoundError")
    return new UserError(`No workshop "${ws}" in ${where}. Create it with \`${commandToType(`workshop create ${ws}`)}\`, or check PULUMI_BACKEND_URL.`);
  if (name === "StackAlreadyExistsError")
    return new UserError(
      `Workshop "${ws}" already exists in ${where}. Change it with \`${commandToType(`workshop update ${ws}`)}\`, or choose another name.`,
    );
  if (name === "ConcurrentUpdateError")
    return new UserError(
      `Another update of workshop "${ws}" is running (its stack is locked). Wait for it to finish; if it was killed, release the lock with \`${cancelCommand(ctx)}\`, then retry.`,
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
      `The Pulumi AWS provider found no valid AWS credentials. Run \`${commandToType("setup")}\` (or set AWS_PROFILE / AWS_ACCESS_KEY_ID), then retry.`,
    );

  // An AWS error from the engine: the resource it happened on and AWS's own message.
  const failures = (ctx.diagnostics ?? []).filter((d) => awsErrorIn(d.message) || d.urn);
  for (const d of [...failures, { urn: undefined, message: text }]) {
    const aws = awsErrorIn(d.message);
    if (!aws) continue;
    const res = resourceOfUrn(d.urn);
    const on = res ? ` on ${res.type} "${res.name}"` : "";
    return new UserError(`AWS refused a change${on}: ${aws.code}: ${aws.message.replace(/\.?$/, ".")} Fix the cause, then run \`${commandToType(`workshop update ${ws}`)}\`.`);
  }
  const resourceError = failures.find((d) => d.urn);
  if (resourceError) {
    const res = resourceOfUrn(resourceError.urn)!;
    return new UserError(`Pulumi failed on ${res.type} "${res.name}": ${firstErrorLine(resourceError.message) ?? "see above"}`);
  }
  const line = firstErrorLine(stderr) ?? firstErrorLine((err as Error)?.message ?? String(err)) ?? "unknown error";
  return new UserError(`Pulumi failed for workshop "${ws}": ${line}`);
}
