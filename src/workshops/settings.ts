// Typed workshop settings <-> the stack's config file stacks/Pulumi.<name>.yaml.
// The instance commands read this file directly and never start the Pulumi engine.
import { readFile, readdir } from "node:fs/promises";
import { load as parseYaml } from "js-yaml";
import * as t from "typanion";
import { UserError } from "../errors.js";
import { stackConfigPath, stacksDir } from "../home.js";

export const PROJECT = "ec2-workshop";

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

export interface WorkshopSettings {
  name: string;
  region: string;
  maximum: number;
  instructions: string;
  ami?: string;
  instanceType?: string;
  /** An adopted launch template id (lt-...): no network is built. */
  launchTemplate?: string;
  /** Everything else under `ec2-workshop:` (ports, cidrs, keyPair, ...), as written. */
  extra: Record<string, unknown>;
}

/** The launch template the instance commands use: the adopted id, else the stack's by name. */
export function launchTemplateRef(s: WorkshopSettings): { LaunchTemplateId: string } | { LaunchTemplateName: string } {
  return s.launchTemplate ? { LaunchTemplateId: s.launchTemplate } : { LaunchTemplateName: `${PROJECT}-${s.name}` };
}

// Pulumi writes `pulumi config set k 25` as the string "25"; accept both.
const isCount = t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(1)]);
const isConfig = t.isObject(
  {
    "aws:region": t.cascade(t.isString(), [t.matchesRegExp(/^[a-z]{2}(-[a-z]+)+-\d+$/)]),
    [`${PROJECT}:maximum`]: isCount,
    [`${PROJECT}:instructions`]: t.isOptional(t.isString()),
    [`${PROJECT}:ami`]: t.isOptional(t.cascade(t.isString(), [t.matchesRegExp(/^ami-[0-9a-f]{8,17}$/)])),
    [`${PROJECT}:instanceType`]: t.isOptional(t.cascade(t.isString(), [t.matchesRegExp(/^[a-z0-9-]+\.[a-z0-9-]+$/)])),
    [`${PROJECT}:launchTemplate`]: t.isOptional(t.cascade(t.isString(), [t.matchesRegExp(/^lt-[0-9a-f]{8,17}$/)])),
  },
  { extra: t.isRecord(t.isUnknown()) },
);

function coerceNumbers(config: Record<string, unknown>): Record<string, unknown> {
  const key = `${PROJECT}:maximum`;
  const v = config[key];
  return typeof v === "string" && /^\d+$/.test(v.trim()) ? { ...config, [key]: Number(v) } : config;
}

/** Parses the YAML text of a stack config file into settings; throws one clear UserError. */
export function parseSettings(name: string, yamlText: string, file = `Pulumi.${name}.yaml`): WorkshopSettings {
  let doc: unknown;
  try {
    doc = parseYaml(yamlText);
  } catch (err) {
    throw new UserError(`${file} is not valid YAML (${(err as Error).message.split("\n")[0]}). Fix or recreate it.`);
  }
  const raw = (doc as { config?: unknown } | null)?.config;
  if (!raw || typeof raw !== "object") throw new UserError(`${file} has no "config:" section. Recreate it with \`ec2-workshop workshop create ${name}\`.`);
  const config = coerceNumbers(raw as Record<string, unknown>);
  const errors: string[] = [];
  if (!isConfig(config, { errors })) {
    throw new UserError(`${file} has invalid settings: ${errors[0]?.replace(/^\./, "")}. Fix it, or run \`ec2-workshop workshop update ${name}\`.`);
  }
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    const known = ["aws:region", "maximum", "instructions", "ami", "instanceType", "launchTemplate"].some(
      (key) => k === key || k === `${PROJECT}:${key}`,
    );
    if (!known && k.startsWith(`${PROJECT}:`)) extra[k.slice(PROJECT.length + 1)] = v;
  }
  return {
    name,
    region: config["aws:region"] as string,
    maximum: config[`${PROJECT}:maximum`] as number,
    instructions: (config[`${PROJECT}:instructions`] as string | undefined) ?? "",
    ami: config[`${PROJECT}:ami`] as string | undefined,
    instanceType: config[`${PROJECT}:instanceType`] as string | undefined,
    launchTemplate: config[`${PROJECT}:launchTemplate`] as string | undefined,
    extra,
  };
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
