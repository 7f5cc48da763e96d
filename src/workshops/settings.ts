// Typed workshop settings <-> the stack's config file stacks/Pulumi.<name>.yaml.
// The instance commands read this file directly and never start the Pulumi engine; the
// Pulumi program (main.ts) validates the same settings with the same rules before it
// creates anything, and `workshop create|update` write them (writeSettings).
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import * as t from "typanion";
import { InputError, UserError } from "../errors.js";
import { stackConfigPath, stacksDir } from "../home.js";
import { MAX_SEATS } from "../instances/seats.js";
import { cidrProblem, parseCidr } from "./cidr.js";
import { parseYamlDocument, readYamlFile, yaml } from "./yaml-file.js";
import { commandToType } from "../invocation.js";
import { READY_WHEN, type ReadyWhen } from "../instances/readiness.js";

export const PROJECT = "ec2-workshop";

/** How the driver tells the program (run by the engine) about --endpoint-url / AWS_ENDPOINT_URL_EC2. */
export const ENDPOINT_ENV = "EC2_WORKSHOP_PROGRAM_ENDPOINT";

/** How the driver tells the program the workshop directory, for CLIs that do not report the project root. */
export const HOME_ENV = "EC2_WORKSHOP_PROGRAM_HOME";

/** Stack name = workshop name: lowercase letters, digits and hyphens (DESIGN.md). */
export const WORKSHOP_NAME = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export function checkWorkshopName(name: string): string {
  if (name !== name.trim() && WORKSHOP_NAME.test(name.trim()))
    throw new UserError(`"${name}" is not a valid workshop name: it has spaces around it (did you mean "${name.trim()}"?). Names never contain spaces.`, 2);
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
  /**
   * The Availability Zones chosen when the network was first built, in subnet order: kept, so
   * later updates and AWS offering changes never renumber (and so replace) the subnets.
   */
  azs?: string[];
  /** IPv6 on the network: turned on by the first IPv6 CIDR, and never off again (see program.ts). */
  ipv6: boolean;
  /** Provisioned IOPS of the root volume (required for io1/io2, optional for gp3). */
  volumeIops?: number;
  /** The stack's outputs as of its last successful update, for the commands that never start the engine. */
  outputs?: CachedOutputs;
  /** When an instance counts as ready (instances/readiness.ts); unset: service-or-checks. */
  readyWhen?: ReadyWhen;
  /** Anything else under `ec2-workshop:` that this version does not know, kept as written. */
  extra: Record<string, unknown>;
}

/** The stack outputs the instance commands rely on, cached in the settings file after each update. */
export interface CachedOutputs {
  vpcId?: string;
  /** Availability Zone -> subnet id. */
  subnetIds?: Record<string, string>;
  securityGroupId?: string;
  launchTemplateId?: string;
  /** The IAM role EventBridge Scheduler assumes to terminate this workshop's instances at expiry. */
  schedulerRoleArn?: string;
  /** The EventBridge Scheduler schedule group of this workshop. */
  scheduleGroupName?: string;
}

export const OUTPUT_KEYS = ["vpcId", "subnetIds", "securityGroupId", "launchTemplateId", "schedulerRoleArn", "scheduleGroupName"] as const;

/** The cacheable part of `stack output` (plain values), or undefined when there is none. */
export function cacheableOutputs(outputs: Record<string, unknown>): CachedOutputs | undefined {
  const cached: Record<string, unknown> = {};
  for (const key of OUTPUT_KEYS) {
    const v = outputs[key];
    if (typeof v === "string" && v) cached[key] = v;
    else if (key === "subnetIds" && v && typeof v === "object" && Object.values(v).every((id) => typeof id === "string")) cached[key] = { ...v };
  }
  return Object.keys(cached).length ? (cached as CachedOutputs) : undefined;
}

/** Subnets go into at most this many Availability Zones (README, "Create a workshop"). */
export const MAX_AZS_PER_WORKSHOP = 3;

export const DEFAULTS = {
  maximum: 25,
  ports: [{ from: 22, to: 22 }] as PortRange[],
  cidrs: ["0.0.0.0/0", "::/0"],
  volumeSize: 16,
  volumeType: "gp3",
  vpcCidr: "10.42.0.0/16",
  azCount: 3,
} as const;

/** EBS volume types an instance can boot from (st1 and sc1 cannot be root volumes). */
export const VOLUME_TYPES = ["gp3", "gp2", "io1", "io2", "standard"] as const;

/** IOPS each type accepts (EBS volume types; io1/io2 need a value, gp3 defaults to 3000). */
const IOPS_RANGE: Record<string, [number, number] | undefined> = { gp3: [3000, 16000], io1: [100, 64000], io2: [100, 256000] };

/**
 * Inbound rules one security group may have per IP family: the default of the Amazon VPC
 * quota "Inbound or outbound rules per security group" (L-0EA8095F), counted apart for IPv4 and
 * IPv6. Each port range opened to each CIDR is one rule.
 */
export const RULES_PER_GROUP = 60;

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
  return parseCidr(cidr)?.family ?? 0;
}

const isPortRange = t.makeValidator<unknown, PortRange>({
  test: (v, state): v is PortRange =>
    parsePortRange(v) !== undefined || fail(state, `"${String(v)}" is not a TCP port or range (1-65535, e.g. 22 or 8000-8999)`),
});

/** A CIDR written as AWS's provider requires: its network address, in canonical form. */
const isCidr = t.makeValidator<unknown, string>({
  test: (v, state): v is string => {
    const problem = typeof v === "string" ? cidrProblem(v) : `"${String(v)}" is not an IPv4 or IPv6 CIDR`;
    return problem === undefined || fail(state, problem);
  },
});

const isVpcCidr = t.makeValidator<unknown, string>({
  test: (v, state): v is string => {
    const c = typeof v === "string" ? parseCidr(v) : undefined;
    if (!c || c.family !== 4 || c.bits < 16 || c.bits > 24) return fail(state, `"${String(v)}" is not an IPv4 CIDR from /16 to /24 (e.g. 10.42.0.0/16)`);
    const problem = cidrProblem(v as string);
    return problem === undefined || fail(state, problem);
  },
});


/** The cached outputs: an object of ids (a JSON text when the engine hands it over). */
const isCachedOutputs = t.isPartial({
  vpcId: t.isOptional(t.isString()),
  subnetIds: t.isOptional(t.isRecord(t.isString())),
  securityGroupId: t.isOptional(t.isString()),
  launchTemplateId: t.isOptional(t.isString()),
  schedulerRoleArn: t.isOptional(t.isString()),
  scheduleGroupName: t.isOptional(t.isString()),
});

const isNonEmptyList = <T extends t.AnyStrictValidator>(item: T) => t.cascade(t.isArray(item), [t.hasMinLength(1)]);

/** A string matching `re`; otherwise "<value> is not <what>". */
const matching = (re: RegExp, what: string) =>
  t.makeValidator<unknown, string>({
    test: (v, state): v is string => (typeof v === "string" && re.test(v)) || fail(state, `"${String(v)}" is not ${what}`),
  });

const isVolumeType = t.makeValidator<unknown, string>({
  test: (v, state): v is string =>
    (typeof v === "string" && (VOLUME_TYPES as readonly string[]).includes(v)) ||
    fail(
      state,
      ["st1", "sc1"].includes(String(v))
        ? `"${String(v)}" volumes cannot be a root volume an instance boots from: use gp3, gp2, io1 or io2`
        : `"${String(v)}" is not a volume type that can boot (gp3, gp2, io1, io2, standard)`,
    ),
});

const isSeatCount = t.cascade(t.isNumber(), [
  t.isInteger(),
  t.isAtLeast(1),
  t.makeValidator<number, number>({
    test: (v, state): v is number => v <= MAX_SEATS || fail(state, `${v} seats is more than a workshop may have (at most ${MAX_SEATS}; run several workshops for a bigger event)`),
  }),
]);
const isRegion = matching(/^[a-z]{2}(-[a-z]+)+-\d+$/, "an AWS region (e.g. us-east-1)");
export const isAmiId = matching(/^ami-[0-9a-f]{8,17}$/, "an AMI id (ami- and 8 or 17 hex digits)");
export const isInstanceType = matching(/^[a-z0-9-]+\.[a-z0-9-]+$/, "an instance type (e.g. t3.micro)");
export const isLaunchTemplateId = matching(/^lt-[0-9a-f]{8,17}$/, "a launch template id (lt- and 8 or 17 hex digits)");
const isAzName = matching(/^[a-z]{2}(-[a-z]+)+-\d+[a-z]$/, "an Availability Zone name (e.g. us-east-1a)");
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
    [K("maximum")]: isSeatCount,
    [K("instructions")]: t.isOptional(t.isString()),
    [K("ami")]: t.isOptional(isAmiId),
    [K("instanceType")]: t.isOptional(isInstanceType),
    [K("launchTemplate")]: t.isOptional(isLaunchTemplateId),
    [K("ports")]: t.isOptional(isNonEmptyList(isPortRange)),
    [K("cidrs")]: t.isOptional(isNonEmptyList(isCidr)),
    [K("keyPair")]: t.isOptional(isKeyPairName),
    [K("volumeSize")]: t.isOptional(t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 16384)])),
    [K("volumeType")]: t.isOptional(isVolumeType),
    [K("volumeIops")]: t.isOptional(t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(100, 256000)])),
    [K("userDataFile")]: t.isOptional(t.cascade(t.isString(), [t.hasMinLength(1)])),
    [K("vpcCidr")]: t.isOptional(isVpcCidr),
    [K("azCount")]: t.isOptional(t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 3)])),
    [K("hours")]: t.isOptional(isHours),
    [K("azs")]: t.isOptional(t.cascade(t.isArray(isAzName), [t.hasMinLength(1), t.hasMaxLength(3), t.hasUniqueItems()])),
    [K("ipv6")]: t.isOptional(t.isBoolean()),
    [K("outputs")]: t.isOptional(isCachedOutputs),
    [K("readyWhen")]: t.isOptional(t.isEnum(READY_WHEN)),
  },
  { extra: t.isRecord(t.isUnknown()) },
);

const KNOWN = [
  "maximum",
  "instructions",
  "ami",
  "instanceType",
  "launchTemplate",
  "ports",
  "cidrs",
  "keyPair",
  "volumeSize",
  "volumeType",
  "volumeIops",
  "userDataFile",
  "vpcCidr",
  "azCount",
  "azs",
  "ipv6",
  "outputs",
  "hours",
  "readyWhen",
];
const NUMERIC = ["maximum", "volumeSize", "volumeIops", "azCount", "hours"];
const LISTS = ["ports", "cidrs", "azs"];
const BOOLEANS = ["ipv6"];
const OBJECTS = ["outputs"];

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
  for (const key of BOOLEANS) {
    const v = out[K(key)];
    if (v === "true" || v === "false") out[K(key)] = v === "true";
  }
  for (const key of OBJECTS) {
    const v = out[K(key)];
    if (typeof v === "string" && v.trim().startsWith("{")) {
      try {
        out[K(key)] = JSON.parse(v);
      } catch {
        // left as text: the validator names it
      }
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
    throw new UserError(`${where} has an invalid ${key || "setting"}: ${message}. Fix it, or run \`${commandToType(`workshop update ${name}`)}\`.`);
  }
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k.startsWith(`${PROJECT}:`) && !KNOWN.includes(k.slice(PROJECT.length + 1))) extra[k.slice(PROJECT.length + 1)] = v;
  }
  const get = <T>(key: string): T | undefined => config[K(key)] as T | undefined;
  const cidrs = get<string[]>("cidrs") ?? [...DEFAULTS.cidrs];
  const settings: WorkshopSettings = {
    name,
    region: config["aws:region"] as string,
    maximum: get<number>("maximum")!,
    instructions: get<string>("instructions") ?? "",
    ami: get<string>("ami"),
    instanceType: get<string>("instanceType"),
    launchTemplate: get<string>("launchTemplate"),
    ports: (get<unknown[]>("ports") ?? DEFAULTS.ports).map((p) => (typeof p === "object" ? (p as PortRange) : parsePortRange(p)!)),
    cidrs,
    keyPair: get<string>("keyPair"),
    volumeSize: get<number>("volumeSize") ?? DEFAULTS.volumeSize,
    volumeType: get<string>("volumeType") ?? DEFAULTS.volumeType,
    userDataFile: get<string>("userDataFile"),
    volumeIops: get<number>("volumeIops"),
    vpcCidr: get<string>("vpcCidr") ?? DEFAULTS.vpcCidr,
    azCount: get<number>("azCount") ?? get<string[]>("azs")?.length ?? DEFAULTS.azCount,
    azs: get<string[]>("azs"),
    ipv6: get<boolean>("ipv6") === true || cidrs.some((c) => cidrFamily(c) === 6),
    outputs: get<CachedOutputs>("outputs"),
    ...(get<number>("hours") !== undefined ? { hours: get<number>("hours") } : {}),
    ...(get<ReadyWhen>("readyWhen") !== undefined ? { readyWhen: get<ReadyWhen>("readyWhen") } : {}),
    extra,
  };
  const problem = ruleProblem(settings);
  if (problem) {
    if (source.flagFor) throw new InputError(`Invalid ${source.flagFor(problem.key)}: ${problem.message}.`);
    throw new UserError(`${source.where ?? `Pulumi.${name}.yaml`} has an invalid ${problem.key}: ${problem.message}. Fix it, or run \`${commandToType(`workshop update ${name}`)}\`.`);
  }
  return settings;
}

/** Rules across settings: the root volume's IOPS, and the security group's rule count. */
function ruleProblem(s: WorkshopSettings): { key: string; message: string } | undefined {
  const range = IOPS_RANGE[s.volumeType];
  if (s.volumeIops !== undefined && !range)
    return { key: "volumeIops", message: `${s.volumeType} volumes take no IOPS setting (only gp3, io1 and io2 do)` };
  if (range && s.volumeIops === undefined && s.volumeType !== "gp3")
    return { key: "volumeIops", message: `${s.volumeType} root volumes need provisioned IOPS (${range[0]}-${range[1]}): add --volume-iops` };
  if (range && s.volumeIops !== undefined && (s.volumeIops < range[0] || s.volumeIops > range[1]))
    return { key: "volumeIops", message: `${s.volumeIops} is outside ${range[0]}-${range[1]}, what ${s.volumeType} volumes take` };
  for (const family of [4, 6] as const) {
    const rules = s.ports.length * s.cidrs.filter((c) => cidrFamily(c) === family).length;
    if (rules > RULES_PER_GROUP)
      return {
        key: "ports",
        message: `${s.ports.length} port range(s) x ${s.cidrs.filter((c) => cidrFamily(c) === family).length} IPv${family} CIDR(s) make ${rules} rules, more than the ${RULES_PER_GROUP} a security group may have per IP family (quota L-0EA8095F): open fewer ranges or merge CIDRs`,
      };
  }
  return undefined;
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
      `Workshop "${s.name}" has no ${missing.join(" and no ")}: set them (\`${commandToType(`workshop update ${s.name} --ami ami-... --instance-type t3.micro`)}\`) or adopt a template with --launch-template.`,
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
  if (s.readyWhen !== undefined) config[K("readyWhen")] = s.readyWhen;
  if (s.launchTemplate) {
    config[K("launchTemplate")] = s.launchTemplate;
    if (s.outputs) config[K("outputs")] = { ...s.outputs };
  } else {
    config[K("ports")] = s.ports.map((p) => (p.from === p.to ? p.from : formatPortRange(p)));
    config[K("cidrs")] = [...s.cidrs];
    if (s.keyPair) config[K("keyPair")] = s.keyPair;
    config[K("volumeSize")] = s.volumeSize;
    config[K("volumeType")] = s.volumeType;
    if (s.volumeIops !== undefined) config[K("volumeIops")] = s.volumeIops;
    if (s.userDataFile) config[K("userDataFile")] = s.userDataFile;
    config[K("vpcCidr")] = s.vpcCidr;
    config[K("azCount")] = s.azCount;
    if (s.azs) config[K("azs")] = [...s.azs];
    if (s.ipv6) config[K("ipv6")] = true;
    if (s.outputs) config[K("outputs")] = { ...s.outputs, ...(s.outputs.subnetIds ? { subnetIds: { ...s.outputs.subnetIds } } : {}) };
  }
  for (const [k, v] of Object.entries(s.extra)) config[K(k)] = v;
  return config;
}

/** Parses the YAML text of a stack config file into settings; throws one clear UserError. */
export function parseSettings(name: string, yamlText: string, file = `Pulumi.${name}.yaml`): WorkshopSettings {
  return settingsOfDocument(name, parseStackFile(yamlText, file), file);
}

function settingsOfDocument(name: string, doc: Record<string, unknown>, file: string): WorkshopSettings {
  const raw = doc.config;
  if (!raw || typeof raw !== "object")
    throw new UserError(`${file} has no "config:" section. Recreate it with \`${commandToType(`workshop create ${name}`)}\`.`);
  return settingsFromConfig(name, raw as Record<string, unknown>, { where: file });
}

function parseStackFile(yamlText: string, file: string): Record<string, unknown> {
  return asDocument(parseYamlDocument(yamlText, file), file);
}

function asDocument(doc: unknown, file: string): Record<string, unknown> {
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new UserError(`${file} is not a stack settings file (its top level is not a map). Fix or recreate it.`);
  return doc as Record<string, unknown>;
}

/** Reads and parses a stack file within the YAML limits; ENOENT passes through. */
async function readStackFile(file: string): Promise<Record<string, unknown>> {
  return asDocument(await readYamlFile(file), file);
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
    doc = await readStackFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const { config: old, ...kept } = doc;
  // Config of other namespaces (set with `pulumi config set`, e.g. a secure value) is not ours to drop.
  const foreign = Object.entries(old && typeof old === "object" ? (old as Record<string, unknown>) : {}).filter(
    ([k]) => k !== "aws:region" && !k.startsWith(`${PROJECT}:`),
  );
  const text = yaml().dump({ ...kept, config: { ...settingsToConfig(s), ...Object.fromEntries(foreign) } }, { lineWidth: -1, noRefs: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(tmp, text, { mode: 0o644 });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new UserError(`Cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Make its folder writable, or set EC2_WORKSHOP_HOME to a folder you can write.`);
  }
  return file;
}

/** Reads stacks/Pulumi.<name>.yaml under the workshop directory. */
export async function readSettings(home: string, name: string): Promise<WorkshopSettings> {
  checkWorkshopName(name);
  const file = stackConfigPath(home, name);
  let doc: Record<string, unknown>;
  try {
    doc = await readStackFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      const known = await listWorkshopNames(home);
      const hint = known.length ? `Known workshops: ${known.join(", ")}.` : `Create one with \`${commandToType("workshop create")}\`.`;
      // Like an invalid name, a name that is no workshop is a mistake in the command line (exit 2).
      throw new InputError(`No workshop "${name}" (no ${file}). ${hint}`);
    }
    if (err instanceof UserError) throw err;
    throw new UserError(`Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  return settingsOfDocument(name, doc, file);
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
