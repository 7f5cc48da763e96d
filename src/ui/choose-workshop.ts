// Which workshop? `--workshop` when given (checked locally, no AWS call), else a menu of the
// workshops in stacks/: those whose launch template exists are selectable, the others are
// shown disabled with the reason (the original's numbered menu, done with @clack/prompts).
// Without a terminal a missing --workshop is an error, never a hang.
import type { Readable, Writable } from "node:stream";
import type { EC2Client } from "@aws-sdk/client-ec2";
import { InputError, UserError, describeError } from "../errors.js";
import { listWorkshopNames, readSettings, type WorkshopSettings } from "../workshops/settings.js";

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

/** Every workshop in stacks/, with its settings or the reason it cannot be used. */
export async function surveyWorkshops(
  home: string,
  ec2For: ChooseWorkshopOptions["ec2For"],
  requireTemplate = true,
): Promise<WorkshopEntry[]> {
  const names = await listWorkshopNames(home);
  const { checkLaunchTemplate } = requireTemplate ? await import("../instances/template.js") : { checkLaunchTemplate: undefined };
  return Promise.all(
    names.map(async (name): Promise<WorkshopEntry> => {
      let settings: WorkshopSettings;
      try {
        settings = await readSettings(home, name);
      } catch (err) {
        return { name, unusable: describeError(err) };
      }
      if (!checkLaunchTemplate) return { name, settings };
      try {
        const check = await checkLaunchTemplate(await ec2For(settings.region), settings);
        return check.ok ? { name, settings } : { name, settings, unusable: check.reason };
      } catch (err) {
        return { name, settings, unusable: `cannot check its launch template: ${describeError(err)}` };
      }
    }),
  );
}

export async function chooseWorkshop(o: ChooseWorkshopOptions): Promise<WorkshopChoice> {
  if (o.given !== undefined) {
    const settings = await readSettings(o.home, o.given.trim());
    return { name: settings.name, settings };
  }
  if (!o.interactive) {
    const names = await listWorkshopNames(o.home);
    const known = names.length ? ` Workshops: ${names.join(", ")}.` : " There are none yet: `ec2-workshop workshop create`.";
    throw new InputError(`Pass --workshop <name>: there is no terminal to ask on.${known}`);
  }
  const entries = await surveyWorkshops(o.home, o.ec2For, o.requireTemplate ?? true);
  const usable = entries.filter((e) => !e.unusable && e.settings);
  if (usable.length === 0) {
    if (entries.length === 0) throw new UserError(`No workshops in ${o.home}/stacks. Create one with \`ec2-workshop workshop create\`.`);
    const why = entries.map((e) => `${e.name}: ${e.unusable}`).join("; ");
    throw new UserError(`No workshop can be used right now (${why}).`);
  }
  const p = await import("@clack/prompts");
  const picked = await p.select<string>({
    message: o.message ?? "Which workshop?",
    input: o.stdin,
    output: o.stdout,
    options: entries.map((e) => ({
      value: e.name,
      label: e.name,
      hint: e.unusable ?? (e.settings ? `${e.settings.region}, up to ${e.settings.maximum}` : undefined),
      disabled: Boolean(e.unusable),
    })),
    initialValue: usable[0]!.name,
  });
  if (p.isCancel(picked)) throw new UserError("Cancelled: nothing was changed.");
  const entry = usable.find((e) => e.name === picked)!;
  return { name: entry.name, settings: entry.settings! };
}
