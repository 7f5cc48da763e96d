// Which workshop? `--workshop` when given (checked locally, no AWS call), else a menu of the
// workshops in stacks/: those whose launch template exists are selectable, the others are
// shown disabled with the reason (the original's numbered menu, done with @clack/prompts).
// Without a terminal a missing --workshop is an error, never a hang.
import type { Readable, Writable } from "node:stream";
import type { EC2Client } from "@aws-sdk/client-ec2";
import { InputError, UserError, describeError } from "../errors.js";
import { listWorkshopNames, readSettings, type WorkshopSettings } from "../workshops/settings.js";
import { commandToType } from "../invocation.js";

export interface WorkshopChoice {
  name: string;
  settings: WorkshopSettings;
}

export interface ChooseWorkshopOptions {
  /** The workshop directory (holds stacks/). */
  home: string;
  /** The EC2 client for a workshop's region (used only for the menu's template check). */
  ec2For: (region: string) => EC2Client | Promise<EC2Client>;
  stdin: Readable;
  stdout: Writable;
  interactive: boolean;
  /** `--workshop`, when the user gave it: no menu. */
  given?: string;
  /** Only workshops whose launch template exists are selectable (default true; false for list/destroy). */
  requireTemplate?: boolean;
  /** The menu's question. */
  message?: string;
}

export interface WorkshopEntry {
  name: string;
  settings?: WorkshopSettings;
  /** Why it cannot be chosen, when it cannot. */
  unusable?: string;
}

/** Every workshop in stacks/, with its settings, or the reason its settings cannot be used. Local only. */
async function readWorkshops(home: string): Promise<WorkshopEntry[]> {
  const names = await listWorkshopNames(home);
  return Promise.all(
    names.map(async (name): Promise<WorkshopEntry> => {
      try {
        return { name, settings: await readSettings(home, name) };
      } catch (err) {
        return { name, unusable: describeError(err) };
      }
    }),
  );
}

/** The reason a workshop's launch template cannot be used, or undefined when it can. */
async function templateProblem(entry: WorkshopEntry, ec2For: ChooseWorkshopOptions["ec2For"]): Promise<string | undefined> {
  if (!entry.settings) return entry.unusable;
  try {
    const { checkLaunchTemplate } = await import("../instances/template.js");
    const check = await checkLaunchTemplate(await ec2For(entry.settings.region), entry.settings);
    return check.ok ? undefined : check.reason;
  } catch (err) {
    return `cannot check its launch template: ${describeError(err)}`;
  }
}

export async function chooseWorkshop(o: ChooseWorkshopOptions): Promise<WorkshopChoice> {
  if (o.given !== undefined) {
    const settings = await readSettings(o.home, o.given);
    return { name: settings.name, settings };
  }
  if (!o.interactive) {
    const names = await listWorkshopNames(o.home);
    const known = names.length ? ` Workshops: ${names.join(", ")}.` : ` There are none yet: \`${commandToType("workshop create")}\`.`;
    throw new InputError(`Pass --workshop <name>: there is no terminal to ask on.${known}`);
  }
  const entries = await readWorkshops(o.home);
  if (entries.length === 0) throw new UserError(`No workshops in ${o.home}/stacks. Create one with \`${commandToType("workshop create")}\`.`);
  // The menu shows at once from the local settings; the launch-template checks (which load the
  // AWS SDK and call EC2) run behind it while the instructor reads. A workshop whose check fails
  // is refused when picked, and the menu comes back with it disabled and the reason.
  const problems = new Map<string, Promise<string | undefined>>();
  const startChecks = (): void => {
    for (const e of entries) if (!problems.has(e.name)) problems.set(e.name, o.requireTemplate === false ? Promise.resolve(e.unusable) : templateProblem(e, o.ec2For));
  };
  const known = new Map<string, string>();
  for (const e of entries) if (e.unusable) known.set(e.name, e.unusable);
  const p = await import("@clack/prompts");
  for (;;) {
    const usable = entries.filter((e) => e.settings && !known.has(e.name));
    if (usable.length === 0) {
      const why = entries.map((e) => `${e.name}: ${known.get(e.name) ?? "unusable"}`).join("; ");
      throw new UserError(`No workshop can be used right now (${why}).`);
    }
    const question = p.select<string>({
      message: o.message ?? "Which workshop?",
      input: o.stdin,
      output: o.stdout,
      options: entries.map((e) => ({
        value: e.name,
        label: e.name,
        hint: known.get(e.name) ?? (e.settings ? `${e.settings.region}, up to ${e.settings.maximum}` : undefined),
        disabled: known.has(e.name),
      })),
      initialValue: usable[0]!.name,
    });
    // After the menu has drawn: the checks' module loading must not delay the first prompt.
    setImmediate(startChecks);
    const picked = await question;
    if (p.isCancel(picked)) throw new UserError("Cancelled: nothing was changed.");
    startChecks();
    const problem = await problems.get(picked)!;
    if (problem === undefined) {
      const entry = entries.find((e) => e.name === picked)!;
      return { name: entry.name, settings: entry.settings! };
    }
    p.log.warn(`Workshop "${picked}" cannot be used: ${problem}`, { output: o.stdout });
    known.set(picked, problem);
    // Mark every check already answered, so the menu shows all it knows.
    for (const [name, pending] of problems) {
      const answer = await Promise.race([pending, Promise.resolve("pending" as const)]);
      if (answer !== undefined && answer !== "pending") known.set(name, answer);
    }
  }
}
