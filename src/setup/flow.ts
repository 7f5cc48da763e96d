// `ec2-workshop setup` as a service: region, credentials (found through the SDK's chain, or new
// keys stored in a profile), proof that they work (STS + EC2 DryRun), then the local checks
// (Pulumi CLI, Node.js, workshop directory). Input is validated before anything is sent or
// written; keys are checked with STS before they are stored. Safe to run again and again:
// with everything in place it asks nothing and writes nothing.
import { InputError, UserError } from "../errors.js";
import type { Env } from "../home.js";
import {
  addProfile,
  awsFilePaths,
  checkProfileName,
  inspectAwsFile,
  isReadableByOthers,
  modeText,
  ProfileExistsError,
  readAwsFile,
  readProfile,
  setProfileValues,
  tightenMode,
  writeProblem,
  type AwsFilePaths,
  type WriteProblem,
} from "../aws/credentials-file.js";
import { checkRegion, partitionOfArn, regionChoices, type RegionInfo } from "../aws/regions.js";
import { timeScaleOf, type AwsTarget } from "../aws/target.js";
import { checkAccessKeys, credentialsValues, maskKeyId, type AccessKeys } from "./keys.js";
import type { CheckLine, SetupOutput } from "./output.js";
import type { SetupPrompter } from "./prompts.js";
import { checkNode, checkWorkshopDir } from "./environment.js";
import { checkPulumiCli, describePulumiCli, installPulumiCli } from "../workshops/pulumi-cli.js";
import { commandToType } from "../invocation.js";

export interface SetupRequest {
  /** --profile (else AWS_PROFILE from env). */
  profile?: string;
  /** --region. */
  region?: string;
  /** --endpoint-url (else AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL). */
  endpointUrl?: string;
  /** --store-profile: store access keys in this profile. */
  storeProfile?: string;
  /** --replace-profile: storing may replace that one existing profile. */
  replaceProfile?: boolean;
  /** --yes: accept the default answers (e.g. save the region) without asking. */
  yes?: boolean;
  /** --fix-permissions: chmod 600 a credentials file others can read. */
  fixPermissions?: boolean;
  /** --install-pulumi: install the Pulumi CLI when missing. */
  installPulumi?: boolean;
  env: Env;
  /** The run's abort signal (Ctrl-C / SIGTERM): every AWS call ends with it. */
  signal?: AbortSignal;
}

export interface SetupIo {
  out: SetupOutput;
  /** Undefined without a terminal: then nothing is ever asked, and a missing value is an error. */
  prompter?: SetupPrompter;
}

export interface SetupResult {
  ok: boolean;
  failures: number;
  warnings: number;
  account?: string;
  arn?: string;
  region?: string;
  profile: string;
}

const KEY_SOURCES_ENV = { id: "AWS_ACCESS_KEY_ID", secret: "AWS_SECRET_ACCESS_KEY", token: "AWS_SESSION_TOKEN" };
const KEY_SOURCES_TYPED = { id: "The access key id", secret: "The secret access key", token: "The session token" };

function nonEmpty(s: string | undefined): string | undefined {
  return s && s.trim() ? s.trim() : undefined;
}

interface ResolvedRegion {
  info: RegionInfo;
  /** Where it came from, for the checklist. */
  from: string;
  /** Chosen now (flag or prompt) and different from the profile's stored one: offer to save it. */
  offerSave: boolean;
}

/** Everything setup needs decided before it touches the network or a file. */
interface Plan {
  files: AwsFilePaths;
  /** The profile named by --profile / AWS_PROFILE; undefined = the chain's default order (env keys first). */
  namedProfile?: string;
  /** The profile that keys / the region are stored in. */
  profile: string;
  storeKeys?: AccessKeys;
  /** Storing may replace the existing profile of that name (confirmed, or --replace-profile). */
  replace: boolean;
  region: ResolvedRegion;
  /** What readying the files for --store-profile did (made the credentials file private), to report. */
  readied?: CheckLine;
}

export async function runSetup(req: SetupRequest, io: SetupIo): Promise<SetupResult> {
  const plan = await planSetup(req, io);
  const result: SetupResult = { ok: false, failures: 0, warnings: 0, profile: plan.profile };
  const report = (line: CheckLine): void => {
    if (line.mark === "fail") result.failures++;
    if (line.mark === "warn") result.warnings++;
    io.out.check(line);
  };

  const region = plan.region;
  result.region = region.info.name;
  report({ mark: "ok", label: "Region", detail: `${region.info.name}, ${region.info.description} (${region.from})` });
  if (plan.readied) report(plan.readied);
  const timeScale = timeScaleOf(req.env);
  const target = (profile: string | undefined): AwsTarget => ({
    ...(profile ? { profile } : {}),
    region: region.info.name,
    ...(nonEmpty(req.endpointUrl) ? { endpointUrl: nonEmpty(req.endpointUrl) } : {}),
    ...(timeScale ? { timeScale } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
  });
  // A check cut short by Ctrl-C is no finding: the run ends there.
  const stopIfAborted = (): void => req.signal?.throwIfAborted();

  const { findCredentials, isMissing } = await import("./credentials.js");
  const { callerIdentity, ec2DryRun, BAD_CREDENTIALS } = await import("./identity.js");

  let storedNow = false;
  /** The user said no to making the credentials file private: not asked again at the end. */
  let declinedPrivate = false;
  /** prepareStore for a key asked for during the run: a problem is a ✖ line, and no key is asked for. */
  const readyToStore = async (profile: string): Promise<boolean> => {
    const ready = await prepareStore(profile, region, plan.files, req, io);
    if (ready.tightened) report(ready.tightened);
    if (ready.declined) declinedPrivate = true;
    if (ready.problem) report({ mark: "fail", label: "Stored key", detail: `${ready.problem} Nothing was written.` });
    return ready.problem === undefined;
  };
  /** Checks new keys with STS, then writes them; returns false (nothing written) when AWS rejects them. */
  const storeKeys = async (profile: string, keys: AccessKeys, replace: boolean): Promise<boolean> => {
    const check = await callerIdentity(target(undefined), req.env, { credentials: keys });
    stopIfAborted();
    if (!check.ok) {
      report({ mark: "fail", label: "New access key", detail: `${maskKeyId(keys.accessKeyId)} was not accepted: ${check.message} Nothing was written.` });
      return false;
    }
    const written = await addProfile(plan.files.credentials, "credentials", profile, credentialsValues(keys), { replace });
    report({
      mark: "ok",
      label: "Stored key",
      detail: `${maskKeyId(keys.accessKeyId)} (account ${check.value.account}) in profile "${profile}" of ${written.path} (${written.outcome}, mode ${modeText(written.mode)})`,
    });
    plan.namedProfile = profile;
    plan.profile = profile;
    result.profile = profile;
    storedNow = true;
    return true;
  };

  // 1. Credentials: new keys first when asked for, then the chain.
  if (plan.storeKeys && !(await storeKeys(plan.profile, plan.storeKeys, plan.replace))) return finish(result, io, req.env);
  const warnings = { warnings: [] as string[] };
  let found = await findCredentials(plan.namedProfile, region.info.name, req.env, warnings);
  // Keys just copied from the environment into the profile are the same keys: no need to warn about both being set.
  if (!storedNow) for (const w of warnings.warnings) report({ mark: "warn", label: "Credentials", detail: w });
  if (isMissing(found) && io.prompter) {
    report({ mark: "warn", label: "Credentials", detail: `${found.reason}.` });
    const file = plan.files.credentials;
    if (await io.prompter.confirm(`Store an AWS access key in ${file}?`, true)) {
      const profile = await io.prompter.profileName("Profile to store it in", plan.profile);
      const replace = await mayReplace(profile, req, io, plan.files);
      if (await readyToStore(profile)) {
        const keys = await askKeys(io.prompter);
        if (await storeKeys(profile, keys, replace)) found = await findCredentials(plan.namedProfile, region.info.name, req.env);
      }
    }
  }
  if (isMissing(found)) {
    report({
      mark: "fail",
      label: "Credentials",
      detail: /aws sso login/i.test(found.reason)
        ? found.reason // the SDK's SSO message already says what to run
        : `${found.reason}. Set AWS_PROFILE or --profile, log in with \`aws sso login\`, or store an access key: ${
            io.prompter ? "run setup again and answer yes" : "run setup in a terminal, or use --store-profile NAME with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set"
          }.`,
    });
    report({ mark: "skip", label: "AWS identity", detail: "not checked (no credentials)" });
    report({ mark: "skip", label: "EC2 access", detail: "not checked (no credentials)" });
  } else {
    const expires = found.expiration ? `, expires ${found.expiration.toISOString().replace(/\.\d+Z$/, "Z")}` : "";
    report({ mark: "ok", label: "Credentials", detail: `${found.maskedKeyId} from ${found.source}${expires}` });

    // 2. Who are we (STS), in the right partition; may we use EC2 (DryRun)?
    let identity = await callerIdentity(target(plan.namedProfile), req.env, { credentials: found.provider });
    stopIfAborted();
    if (!identity.ok && BAD_CREDENTIALS.has(identity.code) && found.kind === "profile-keys" && io.prompter) {
      const profile = plan.namedProfile ?? "default";
      const question = `${identity.message.replace(/ Run `[^`]*setup`.*$/, "")} Replace the access key of profile "${profile}" in ${plan.files.credentials}? (only that profile changes)`;
      if ((await io.prompter.confirm(question, false)) && (await readyToStore(profile))) {
        const keys = await askKeys(io.prompter);
        if (await storeKeys(profile, keys, true)) {
          found = await findCredentials(profile, region.info.name, req.env);
          if (!isMissing(found)) identity = await callerIdentity(target(profile), req.env, { credentials: found.provider });
        }
      }
    }
    const credentials = isMissing(found) ? undefined : found.provider;
    if (!identity.ok) {
      report({ mark: "fail", label: "AWS identity", detail: identity.message });
      report({ mark: "skip", label: "EC2 access", detail: "not checked (STS did not confirm who these credentials are)" });
    } else {
      const { account, arn } = identity.value;
      result.account = account;
      result.arn = arn;
      const partition = partitionOfArn(arn);
      if (partition && partition !== region.info.partition) {
        report({
          mark: "fail",
          label: "AWS identity",
          detail: `${arn} is in the ${partition} partition, but ${region.info.name} is in ${region.info.partition}: choose a region of ${partition} with --region.`,
        });
      } else {
        report({ mark: "ok", label: "AWS identity", detail: `account ${account}, ${arn}` });
        const ec2 = await ec2DryRun(target(plan.namedProfile), credentials ? { credentials } : {});
        stopIfAborted();
        report(
          ec2.allowed
            ? { mark: "ok", label: "EC2 access", detail: ec2.answer === "DryRunOperation" ? "DescribeInstances allowed (dry run)" : `DescribeInstances answered (${ec2.message})` }
            : { mark: "fail", label: "EC2 access", detail: ec2.answer === "UnauthorizedOperation" ? `Not allowed: ${ec2.message}` : ec2.message },
        );
        if (ec2.allowed) await saveRegion(region, plan, req, io, storedNow, report);
      }
    }
  }

  await checkCredentialsFileMode(plan.files.credentials, req, io, report, !declinedPrivate);
  await checkLocal(req, io, report);
  return finish(result, io, req.env);
}

function finish(result: SetupResult, io: SetupIo, env: Env): SetupResult {
  result.ok = result.failures === 0;
  if (result.ok && result.profile !== "default" && nonEmpty(env.AWS_PROFILE) !== result.profile)
    io.out.note(`Other commands use this profile with --profile ${result.profile}, or after \`export AWS_PROFILE=${result.profile}\`.`);
  if (result.ok) {
    const who = result.account ? `account ${result.account} in ${result.region}` : `${result.region}`;
    io.out.summary(true, `Ready: ${who}, profile "${result.profile}". Next: \`${commandToType("workshop create <name>")}\`.`);
  } else {
    io.out.summary(false, `Setup is not complete: ${result.failures} problem${result.failures === 1 ? "" : "s"} above. Fix ${result.failures === 1 ? "it" : "them"} and run \`${commandToType("setup")}\` again.`);
  }
  return result;
}

/** Everything that can be wrong with the input is found here, before any request or write. */
async function planSetup(req: SetupRequest, io: SetupIo): Promise<Plan> {
  const files = awsFilePaths(req.env);
  const flagProfile = nonEmpty(req.profile);
  const envProfile = flagProfile ? undefined : nonEmpty(req.env.AWS_PROFILE);
  if (flagProfile) checkProfileName(flagProfile, "--profile");
  if (envProfile) checkProfileName(envProfile, "AWS_PROFILE");
  const storeProfile = nonEmpty(req.storeProfile);
  if (req.storeProfile !== undefined) checkProfileName(req.storeProfile.trim(), "--store-profile");
  if (req.region !== undefined) checkRegion(req.region, "--region");
  if (req.replaceProfile && !storeProfile && !io.prompter)
    throw new InputError("--replace-profile only applies with --store-profile NAME (the profile whose keys to replace).");

  // Unreadable or odd AWS files: one clear line now, rather than a confusing chain failure later.
  for (const path of [files.credentials, files.config]) {
    const state = await inspectAwsFile(path);
    if (state.exists) await readAwsFile(path);
  }

  const namedProfile = flagProfile ?? envProfile;
  const profile = storeProfile ?? namedProfile ?? "default";
  let storeKeys: AccessKeys | undefined;
  let replace = false;
  let readied: CheckLine | undefined;
  if (storeProfile) {
    const id = nonEmpty(req.env.AWS_ACCESS_KEY_ID);
    const secret = nonEmpty(req.env.AWS_SECRET_ACCESS_KEY);
    if (id || secret) {
      if (!id || !secret) throw new InputError("--store-profile with keys from the environment needs both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.");
      const token = nonEmpty(req.env.AWS_SESSION_TOKEN);
      storeKeys = checkAccessKeys({ accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) }, KEY_SOURCES_ENV);
    } else if (!io.prompter) {
      throw new InputError(
        "--store-profile needs an access key: run setup in a terminal to type it, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (keys are never taken as command-line flags).",
      );
    }
    // Whether an existing profile may be replaced is settled before the secret is asked for.
    replace = await mayReplace(storeProfile, req, io, files);
  }
  const region = await resolveRegion(req, io, { files, profile });
  if (storeProfile) {
    // Every file the key goes into is checked before the secret is asked for or sent anywhere.
    const ready = await prepareStore(storeProfile, region, files, req, io);
    if (ready.problem) throw new UserError(ready.problem);
    readied = ready.tightened;
    storeKeys ??= await askKeys(io.prompter!);
  }
  return {
    files,
    ...(namedProfile && !storeProfile ? { namedProfile } : {}),
    profile,
    ...(storeKeys ? { storeKeys } : {}),
    replace,
    region,
    ...(readied ? { readied } : {}),
  };
}

/** May the existing profile `name` be replaced? Asks in a terminal; otherwise only with --replace-profile. */
async function mayReplace(name: string, req: SetupRequest, io: SetupIo, files: AwsFilePaths): Promise<boolean> {
  const existing = await readProfile(files.credentials, "credentials", name);
  if (!existing) return false;
  if (req.replaceProfile) return true;
  if (io.prompter && (await io.prompter.confirm(`Profile "${name}" already exists in ${files.credentials}. Replace it? (only that profile changes)`, false)))
    return true;
  throw new ProfileExistsError(files.credentials, name);
}

async function askKeys(prompter: SetupPrompter): Promise<AccessKeys> {
  const accessKeyId = await prompter.accessKeyId();
  const secretAccessKey = await prompter.secretAccessKey();
  const sessionToken = accessKeyId.startsWith("ASIA") ? await prompter.sessionToken() : undefined;
  return checkAccessKeys({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }, KEY_SOURCES_TYPED);
}

async function resolveRegion(req: SetupRequest, io: SetupIo, plan: Pick<Plan, "files" | "profile">): Promise<ResolvedRegion> {
  const stored = nonEmpty((await readProfile(plan.files.config, "config", plan.profile))?.region);
  const fromFlag = nonEmpty(req.region);
  if (fromFlag) {
    const info = checkRegion(fromFlag, "--region");
    return { info, from: "--region", offerSave: stored !== info.name };
  }
  const fromEnv = nonEmpty(req.env.AWS_REGION) ? "AWS_REGION" : nonEmpty(req.env.AWS_DEFAULT_REGION) ? "AWS_DEFAULT_REGION" : undefined;
  if (fromEnv) return { info: checkRegion(req.env[fromEnv]!, fromEnv), from: fromEnv, offerSave: false };
  if (stored) {
    return { info: checkRegion(stored, `region of profile "${plan.profile}" in ${plan.files.config}`), from: `profile "${plan.profile}" in ${plan.files.config}`, offerSave: false };
  }
  if (!io.prompter)
    throw new InputError(`No AWS region is set for profile "${plan.profile}": pass --region (e.g. --region eu-west-1), or set AWS_REGION.`);
  const name = await io.prompter.region("AWS region for your workshops", regionChoices("aws"));
  return { info: checkRegion(name, "the region prompt"), from: "chosen now", offerSave: true };
}

/**
 * Before a key is stored in `profile`: the files storing writes (the credentials file, and the
 * config file when the profile's region is to be saved there) are all checked, so that either
 * every write can happen or none does (writeProblem: symlinks, read-only files, unwritable places,
 * an empty HOME). A credentials file others can read is made private first, with consent
 * (--fix-permissions, --yes, or the question); without it, nothing is written: never a secret into
 * a file others can read. Returns the first problem, or what was tightened.
 */
async function prepareStore(
  profile: string,
  region: ResolvedRegion,
  files: AwsFilePaths,
  req: SetupRequest,
  io: SetupIo,
): Promise<{ problem?: string; tightened?: CheckLine; declined?: true }> {
  const savesRegion = (await readProfile(files.config, "config", profile))?.region !== region.info.name;
  const problems = (
    await Promise.all([writeProblem(files.credentials, { secret: true }), savesRegion ? writeProblem(files.config, { secret: false }) : undefined])
  ).filter((p): p is WriteProblem => p !== undefined);
  const blocking = problems.find((p) => p.kind !== "readable-by-others");
  if (blocking) return { problem: blocking.message };
  const exposed = problems[0];
  if (!exposed) return {};
  const consent =
    req.fixPermissions ||
    (io.prompter
      ? await io.prompter.confirm(`${exposed.path} is readable by other users (mode ${modeText(exposed.mode!)}). Make it private (0600) before the key is stored in it?`, true)
      : false);
  if (!consent) return { problem: exposed.message, declined: true };
  const before = await tightenMode(exposed.path);
  return { tightened: { mark: "ok", label: "Credentials file", detail: `${exposed.path} was ${modeText(before)}, now 0600 (before the key was stored)` } };
}

/** Stores a region chosen now in the profile's config section, once the credentials have proven to work there. */
async function saveRegion(
  region: ResolvedRegion,
  plan: Plan,
  req: SetupRequest,
  io: SetupIo,
  storedKeysNow: boolean,
  report: (l: CheckLine) => void,
): Promise<void> {
  // A region chosen now is offered for saving; a profile created now gets the region it was checked in.
  if (!region.offerSave && !storedKeysNow) return;
  if ((await readProfile(plan.files.config, "config", plan.profile))?.region === region.info.name) return;
  const where = `profile "${plan.profile}" of ${plan.files.config}`;
  let save = Boolean(req.yes) || storedKeysNow;
  if (!save && io.prompter) save = await io.prompter.confirm(`Save ${region.info.name} as the region of ${where}?`, true);
  if (!save) {
    report({ mark: "skip", label: "Saved region", detail: `not saved (pass --yes to store ${region.info.name} in ${where})` });
    return;
  }
  try {
    const written = await setProfileValues(plan.files.config, "config", plan.profile, { region: region.info.name });
    report({ mark: "ok", label: "Saved region", detail: `${region.info.name} in ${where} (${written.outcome})` });
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    report({ mark: "fail", label: "Saved region", detail: err.message });
  }
}

async function checkCredentialsFileMode(path: string, req: SetupRequest, io: SetupIo, report: (l: CheckLine) => void, mayAsk: boolean): Promise<void> {
  const state = await inspectAwsFile(path);
  if (!state.exists || state.isSymlink || state.mode === undefined || !isReadableByOthers(state.mode)) return;
  const fix =
    req.fixPermissions ||
    (io.prompter && mayAsk ? await io.prompter.confirm(`${path} is readable by other users (mode ${modeText(state.mode)}). Make it private (0600)?`, true) : false);
  if (fix) {
    const before = await tightenMode(path);
    report({ mark: "ok", label: "Credentials file", detail: `${path} was ${modeText(before)}, now 0600` });
  } else {
    report({ mark: "warn", label: "Credentials file", detail: `${path} is readable by other users (mode ${modeText(state.mode)}): run \`chmod 600 ${path}\` or setup with --fix-permissions.` });
  }
}

async function checkLocal(req: SetupRequest, io: SetupIo, report: (l: CheckLine) => void): Promise<void> {
  let pulumi = await checkPulumiCli(req.env);
  if (!pulumi.ok && !pulumi.path && !pulumi.offPath) {
    const install =
      req.installPulumi ||
      (io.prompter ? await io.prompter.confirm("The Pulumi CLI (needed by `workshop` commands) is not installed. Download and install it now?", false) : false);
    if (install) {
      try {
        const run = (): ReturnType<typeof installPulumiCli> => installPulumiCli(req.env);
        const done = io.prompter ? await io.prompter.spin("Installing the Pulumi CLI", run) : await run();
        report({ mark: "ok", label: "Pulumi CLI", detail: `v${done.version} installed at ${done.command}: add its folder to PATH.` });
        pulumi = { ...pulumi, ok: true };
      } catch (err) {
        report({ mark: "warn", label: "Pulumi CLI", detail: (err as Error).message.split("\n")[0]! }); // says why, and how to install by hand
        pulumi = { ...pulumi, ok: true }; // reported once above
      }
    }
  }
  if (!pulumi.ok || pulumi.version) report({ mark: pulumi.ok ? "ok" : "warn", label: "Pulumi CLI", detail: describePulumiCli(pulumi) });

  const node = checkNode();
  report(
    node.ok
      ? { mark: "ok", label: "Node.js", detail: `v${node.version} (needs ${node.required})` }
      : { mark: "warn", label: "Node.js", detail: `v${node.version} is older than this tool needs (${node.required}): install a current Node.js LTS.` },
  );

  const dir = await checkWorkshopDir(req.env);
  const count = `${dir.workshops} workshop${dir.workshops === 1 ? "" : "s"}`;
  report(
    dir.ok
      ? {
          mark: "ok",
          label: "Workshop dir",
          detail: dir.exists
            ? `${dir.dir} (writable, ${count}${dir.fromEnv ? ", from EC2_WORKSHOP_HOME" : dir.source === "project folder" ? ", the project folder you are in" : ""})`
            : `${dir.dir} (set up by the first \`workshop create\`${dir.fromEnv ? "; from EC2_WORKSHOP_HOME" : ""})`,
        }
      : {
          mark: "warn",
          label: "Workshop dir",
          detail: `${dir.dir} ${dir.problem}: \`workshop create\` needs a writable directory; set EC2_WORKSHOP_HOME to one.`,
        },
  );
}
