// Typed workshop settings <-> the stack's config file stacks/Pulumi.<name>.yaml.
// The instance commands read this file directly and never start the Pulumi engine; the
// Pulumi program (main.ts) validates the same settings with the same rules before it
// creates anything, and `workshop create|update` write them (writeSettings).
import { isIP } from "node:net";
import { mkdir, readFile, readdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createRequire } from "node:module";
import * as t from "typanion";
import { InputError, UserError } from "../errors.js";
import { stackConfigPath, stacksDir } from "../home.js";

// js-yaml is loaded when a settings file is first read or written, not by --help.
type JsYaml = typeof import("js-yaml");
let jsYaml: JsYaml | undefined;
const yaml = (): JsYaml => (jsYaml ??= createRequire(import.meta.url)("js-yaml") as JsYaml);

export const PROJECT = "ec2-workshop";

/** How the driver tells the program (run by the engine) about --endpoint-url / AWS_ENDPOINT_URL_EC2. */
export const ENDPOINT_ENV = "EC2_WORKSHOP_PROGRAM_ENDPOINT";

/** Stack name = workshop name: lowercase letters, digits and hyphens (DESIGN.md). */
export const WORKSHOP_NAME = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export function checkWorkshopName(name: string): string {
  if (!WORKSHOP_NAME.test(name))
    throw new UserError(
      `"${name}" is not a valid workshop name: use 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit.`,
      2,
    );
  return name;
}

/** One security-group opening: a single port (from === to) or a range. */
export interface PortRange {
  from: number;
  to: number;
}

export interface WorkshopSettings {
  name: string;
  region: string;
  maximum: number;
  instructions: string;
  ami?: string;
  instanceType?: string;
  /** An adopted launch template id (lt-...): no network is built. */
  launchTemplate?: string;
  /** TCP ports opened to `cidrs` (default: 22). */
  ports: PortRange[];
  /** Who may reach those ports: IPv4 and/or IPv6 CIDRs (default: everyone, 0.0.0.0/0 and ::/0). */
  cidrs: string[];
  /** An existing EC2 key pair name for SSH, if any. */
  keyPair?: string;
  /** Root volume size in GiB (default 16). */
  volumeSize: number;
  /** Root volume type (default gp3). */
  volumeType: string;
  /** A file whose content becomes the instances' user data (path relative to the workshop directory, or absolute). */
  userDataFile?: string;
  /** The VPC's IPv4 CIDR (default 10.42.0.0/16, /16 to /24). */
  vpcCidr: string;
  /** Availability Zones to spread subnets over, 1-3 (default 3; fewer when fewer offer the instance type). */
  azCount: number;
  /** How long the workshop runs, in hours: the length `workshop check` and the launch confirmation price. */
  hours?: number;
  /** Anything else under `ec2-workshop:` that this version does not know, kept as written. */
  extra: Record<string, unknown>;
}

export const DEFAULTS = {
  maximum: 25,
  ports: [{ from: 22, to: 22 }] as PortRange[],
  cidrs: ["0.0.0.0/0", "::/0"],
  volumeSize: 16,
  volumeType: "gp3",
  vpcCidr: "10.42.0.0/16",
  azCount: 3,
} as const;

export const VOLUME_TYPES = ["gp3", "gp2", "io1", "io2", "st1", "sc1", "standard"] as const;

/** The launch template the instance commands use: the adopted id, else the stack's by name. */
export function launchTemplateRef(s: WorkshopSettings): { LaunchTemplateId: string } | { LaunchTemplateName: string } {
  return s.launchTemplate ? { LaunchTemplateId: s.launchTemplate } : { LaunchTemplateName: launchTemplateName(s.name) };
}

export function launchTemplateName(workshop: string): string {
  return `${PROJECT}-${workshop}`;
}

// ---- value rules (shared by flags, the config file and the Pulumi program) ----------------

const fail = (state: t.ValidationState | undefined, message: string): false => {
  state?.errors?.push(`${state.p ?? "."}: ${message}`);
  return false;
};

/** "22", 22 or "8000-8999" -> a range; undefined when it is none of those. */
export function parsePortRange(v: unknown): PortRange | undefined {
  const m = typeof v === "number" ? [String(v), String(v)] : typeof v === "string" ? /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(v)?.slice(1) : undefined;
  if (!m) return undefined;
  const from = Number(m[0]);
  const to = m[1] === undefined ? from : Number(m[1]);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > 65535 || from > to) return undefined;
  return { from, to };
}

export function formatPortRange(p: PortRange): string {
  return p.from === p.to ? String(p.from) : `${p.from}-${p.to}`;
}

/** Which IP family a CIDR is (4 or 6), or 0 when it is not a CIDR. */
export function cidrFamily(cidr: string): 0 | 4 | 6 {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return 0;
  const family = isIP(m[1]!);
  const bits = Number(m[2]);
  if (family === 4 && bits <= 32) return 4;
  if (family === 6 && bits <= 128) return 6;
  return 0;
}

const isPortRange = t.makeValidator<unknown, PortRange>({
  test: (v, state): v is PortRange =>
    parsePortRange(v) !== undefined || fail(state, `"${String(v)}" is not a TCP port or range (1-65535, e.g. 22 or 8000-8999)`),
});

const isCidr = t.makeValidator<unknown, string>({
  test: (v, state): v is string =>
    (typeof v === "string" && cidrFamily(v) !== 0) || fail(state, `"${String(v)}" is not an IPv4 or IPv6 CIDR (e.g. 0.0.0.0/0, 203.0.113.0/24, ::/0)`),
});

const isVpcCidr = t.makeValidator<unknown, string>({
  test: (v, state): v is string => {
    const m = typeof v === "string" ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(v) : null;
    const ok = m !== null && cidrFamily(v as string) === 4 && Number(m[5]) >= 16 && Number(m[5]) <= 24;
    return ok || fail(state, `"${String(v)}" is not an IPv4 CIDR from /16 to /24 (e.g. 10.42.0.0/16)`);
  },
});

const isNonEmptyList = <T extends t.AnyStrictValidator>(item: T) => t.cascade(t.isArray(item), [t.hasMinLength(1)]);

/** A string matching `re`; otherwise "<value> is not <what>". */
const matching = (re: RegExp, what: string) =>
  t.makeValidator<unknown, string>({
    test: (v, state): v is string => (typeof v === "string" && re.test(v)) || fail(state, `"${String(v)}" is not ${what}`),
  });

const isCount = t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(1)]);
const isRegion = matching(/^[a-z]{2}(-[a-z]+)+-\d+$/, "an AWS region (e.g. us-east-1)");
export const isAmiId = matching(/^ami-[0-9a-f]{8,17}$/, "an AMI id (ami- and 8 or 17 hex digits)");
export const isInstanceType = matching(/^[a-z0-9-]+\.[a-z0-9-]+$/, "an instance type (e.g. t3.micro)");
export const isLaunchTemplateId = matching(/^lt-[0-9a-f]{8,17}$/, "a launch template id (lt- and 8 or 17 hex digits)");
const isKeyPairName = matching(/^[\x20-\x7e]{1,255}$/, "a key pair name (1-255 printable ASCII characters)");

/** A workshop's length: more than 0, at most 31 days. */
export const MAX_HOURS = 744;
export const isHours = t.makeValidator<unknown, number>({
  test: (v, state): v is number =>
    (typeof v === "number" && Number.isFinite(v) && v > 0 && v <= MAX_HOURS) ||
    fail(state, `"${String(v)}" is not a number of hours (more than 0, at most ${MAX_HOURS}, e.g. 8 or 2.5)`),
});

const K = (key: string): string => `${PROJECT}:${key}`;

/** The rules for every key of a stack config file (after coerceConfig). */
const isConfig = t.isObject(
  {
    "aws:region": isRegion,
    [K("maximum")]: isCount,
    [K("instructions")]: t.isOptional(t.isString()),
    [K("ami")]: t.isOptional(isAmiId),
    [K("instanceType")]: t.isOptional(isInstanceType),
    [K("launchTemplate")]: t.isOptional(isLaunchTemplateId),
    [K("ports")]: t.isOptional(isNonEmptyList(isPortRange)),
    [K("cidrs")]: t.isOptional(isNonEmptyList(isCidr)),
    [K("keyPair")]: t.isOptional(isKeyPairName),
    [K("volumeSize")]: t.isOptional(t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 16384)])),
    [K("volumeType")]: t.isOptional(t.isEnum(VOLUME_TYPES)),
    [K("userDataFile")]: t.isOptional(t.cascade(t.isString(), [t.hasMinLength(1)])),
    [K("vpcCidr")]: t.isOptional(isVpcCidr),
    [K("azCount")]: t.isOptional(t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 3)])),
    [K("hours")]: t.isOptional(isHours),
  },
  { extra: t.isRecord(t.isUnknown()) },
);

const KNOWN = ["maximum", "instructions", "ami", "instanceType", "launchTemplate", "ports", "cidrs", "keyPair", "volumeSize", "volumeType", "userDataFile", "vpcCidr", "azCount", "hours"];
const NUMERIC = ["maximum", "volumeSize", "azCount", "hours"];
const LISTS = ["ports", "cidrs"];

/**
 * Pulumi hands every value over as a string (`pulumi config set k 25` writes "25"; structured
 * values reach the program as JSON text), while a hand-written file may hold numbers and YAML
 * lists. Accept all of those forms.
 */
export function coerceConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out = { ...config };
  for (const key of NUMERIC) {
    const v = out[K(key)];
    if (typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v)) out[K(key)] = Number(v);
  }
  for (const key of LISTS) {
    const v = out[K(key)];
    if (typeof v === "number") out[K(key)] = [v];
    else if (typeof v === "string") {
      const text = v.trim();
      let list: unknown = undefined;
      if (text.startsWith("[")) {
        try {
          list = JSON.parse(text);
        } catch {
          list = undefined;
        }
      }
      out[K(key)] = Array.isArray(list) ? list : text.split(/[\s,]+/).filter(Boolean);
    }
  }
  return out;
}

export interface ValidationSource {
  /** Names the source in the error line, e.g. the file. */
  where?: string;
  /** When the values came from flags: the flag for a setting key (e.g. "ports" -> "--ports"); errors then exit 2. */
  flagFor?: (key: string) => string;
}

/** Splits typanion's `.["ec2-workshop:ports"][1]: message` into the setting key and the message. */
function splitError(error: string): { key: string; message: string } {
  const m = /^\.?(?:\["?([^"\]]+)"?\]|([^[:\s]+(?::[^[:\s]+)?))(?:\[\d+\])?: (.*)$/s.exec(error);
  if (!m) return { key: "", message: error };
  const full = m[1] ?? m[2] ?? "";
  return { key: full.startsWith(`${PROJECT}:`) ? full.slice(PROJECT.length + 1) : full, message: m[3] ?? error };
}

/**
 * Validates a stack's config map (`aws:region`, `ec2-workshop:*`) into typed settings: one
 * clear line naming the setting (or flag) when something is wrong.
 */
export function settingsFromConfig(name: string, raw: Record<string, unknown>, source: ValidationSource = {}): WorkshopSettings {
  const config = coerceConfig(raw);
  const errors: string[] = [];
  if (!isConfig(config, { errors })) {
    const { key, message } = splitError(errors[0] ?? "?");
    if (source.flagFor) throw new InputError(`Invalid ${source.flagFor(key)}: ${message}.`);
    const where = source.where ?? `Pulumi.${name}.yaml`;
    throw new UserError(`${where} has an invalid ${key || "setting"}: ${message}. Fix it, or run \`ec2-workshop workshop update ${name}\`.`);
  }
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k.startsWith(`${PROJECT}:`) && !KNOWN.includes(k.slice(PROJECT.length + 1))) extra[k.slice(PROJECT.length + 1)] = v;
  }
  const get = <T>(key: string): T | undefined => config[K(key)] as T | undefined;
  return {
    name,
    region: config["aws:region"] as string,
    maximum: get<number>("maximum")!,
    instructions: get<string>("instructions") ?? "",
    ami: get<string>("ami"),
    instanceType: get<string>("instanceType"),
    launchTemplate: get<string>("launchTemplate"),
    ports: (get<unknown[]>("ports") ?? DEFAULTS.ports).map((p) => (typeof p === "object" ? (p as PortRange) : parsePortRange(p)!)),
    cidrs: get<string[]>("cidrs") ?? [...DEFAULTS.cidrs],
    keyPair: get<string>("keyPair"),
    volumeSize: get<number>("volumeSize") ?? DEFAULTS.volumeSize,
    volumeType: get<string>("volumeType") ?? DEFAULTS.volumeType,
    userDataFile: get<string>("userDataFile"),
    vpcCidr: get<string>("vpcCidr") ?? DEFAULTS.vpcCidr,
    azCount: get<number>("azCount") ?? DEFAULTS.azCount,
    ...(get<number>("hours") !== undefined ? { hours: get<number>("hours") } : {}),
    extra,
  };
}

/**
 * What building the workshop needs beyond the file's own rules: an adopted template needs
 * nothing more; otherwise the AMI and the instance type.
 */
export function checkBuildable(s: WorkshopSettings): void {
  if (s.launchTemplate) return;
  const missing = [!s.ami && "ami", !s.instanceType && "instanceType"].filter(Boolean);
  if (missing.length)
    throw new UserError(
      `Workshop "${s.name}" has no ${missing.join(" and no ")}: set them (\`ec2-workshop workshop update ${s.name} --ami ami-... --instance-type t3.micro\`) or adopt a template with --launch-template.`,
    );
}

/** Settings -> the `config:` map of the stack file (defaults written out, so the file explains itself). */
export function settingsToConfig(s: WorkshopSettings): Record<string, unknown> {
  const config: Record<string, unknown> = {
    "aws:region": s.region,
    [K("maximum")]: s.maximum,
    [K("instructions")]: s.instructions,
  };
  if (s.ami) config[K("ami")] = s.ami;
  if (s.instanceType) config[K("instanceType")] = s.instanceType;
  if (s.hours !== undefined) config[K("hours")] = s.hours;
  if (s.launchTemplate) {
    config[K("launchTemplate")] = s.launchTemplate;
  } else {
    config[K("ports")] = s.ports.map((p) => (p.from === p.to ? p.from : formatPortRange(p)));
    config[K("cidrs")] = [...s.cidrs];
    if (s.keyPair) config[K("keyPair")] = s.keyPair;
    config[K("volumeSize")] = s.volumeSize;
    config[K("volumeType")] = s.volumeType;
    if (s.userDataFile) config[K("userDataFile")] = s.userDataFile;
    config[K("vpcCidr")] = s.vpcCidr;
    config[K("azCount")] = s.azCount;
  }
  for (const [k, v] of Object.entries(s.extra)) config[K(k)] = v;
  return config;
}

/** Parses the YAML text of a stack config file into settings; throws one clear UserError. */
export function parseSettings(name: string, yamlText: string, file = `Pulumi.${name}.yaml`): WorkshopSettings {
  const doc = parseStackFile(yamlText, file);
  const raw = doc.config;
  if (!raw || typeof raw !== "object")
    throw new UserError(`${file} has no "config:" section. Recreate it with \`ec2-workshop workshop create ${name}\`.`);
  return settingsFromConfig(name, raw as Record<string, unknown>, { where: file });
}

function parseStackFile(yamlText: string, file: string): Record<string, unknown> {
  try {
    const doc = yaml().load(yamlText);
    return doc && typeof doc === "object" ? (doc as Record<string, unknown>) : {};
  } catch (err) {
    throw new UserError(`${file} is not valid YAML (${(err as Error).message.split("\n")[0]}). Fix or recreate it.`);
  }
}

/**
 * Writes stacks/Pulumi.<name>.yaml. Keys Pulumi itself keeps in that file (`encryptionsalt`,
 * `secretsprovider`, `encryptedkey`, `environment`) survive, and so do config keys of other
 * namespaces; the `aws:region` and `ec2-workshop:*` keys are replaced.
 * Written to a temporary file first, then renamed: a crash never leaves half a file.
 */
export async function writeSettings(home: string, s: WorkshopSettings): Promise<string> {
  checkWorkshopName(s.name);
  const file = stackConfigPath(home, s.name);
  let doc: Record<string, unknown> = {};
  try {
    doc = parseStackFile(await readFile(file, "utf8"), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const { config: old, ...kept } = doc;
  // Config of other namespaces (set with `pulumi config set`, e.g. a secure value) is not ours to drop.
  const foreign = Object.entries(old && typeof old === "object" ? (old as Record<string, unknown>) : {}).filter(
    ([k]) => k !== "aws:region" && !k.startsWith(`${PROJECT}:`),
  );
  const text = yaml().dump({ ...kept, config: { ...settingsToConfig(s), ...Object.fromEntries(foreign) } }, { lineWidth: -1, noRefs: true });
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, file);
  return file;
}

/** Reads stacks/Pulumi.<name>.yaml under the workshop directory. */
export async function readSettings(home: string, name: string): Promise<WorkshopSettings> {
  checkWorkshopName(name);
  const file = stackConfigPath(home, name);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      const known = await listWorkshopNames(home);
      const hint = known.length ? `Known workshops: ${known.join(", ")}.` : "Create one with `ec2-workshop workshop create`.";
      throw new UserError(`No workshop "${name}" (no ${file}). ${hint}`);
    }
    throw new UserError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  return parseSettings(name, text, file);
}

/** Names of the workshops that have a settings file in stacks/, sorted. */
export async function listWorkshopNames(home: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(stacksDir(home));
  } catch {
    return [];
  }
  return entries
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined && WORKSHOP_NAME.test(n))
    .sort();
}
