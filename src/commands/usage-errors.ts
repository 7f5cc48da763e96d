// A mistake on the command line, as one line plus where to look: what clipanion reports as
// "Unknown Syntax Error: … <a usage line full of #0>" or "Invalid value for --count: expected …"
// becomes `--count must be at least 1 (got -1).`, `unknown command "instance list"; did you mean
// "instances list"?` and so on, followed by the one --help line that helps.
import { CATALOG, type CatalogEntry } from "./catalog.js";
import { valueName } from "./help.js";
import { commandWords, suggestCommands, suggestOption } from "./suggest.js";
import { commandToType } from "../invocation.js";

export interface UsageProblem {
  /** One line, without the "Error:" prefix. */
  message: string;
  /** Where to look: the command's --help, or the overview. */
  hint: string;
}

/** A value-taking option's names, e.g. ["--count", "-n"]. */
export type OptionNames = readonly string[];

/** The command (as catalog path words) that a command line names, if any. */
export function commandPathOf(argv: readonly string[]): string[] | undefined {
  const words = commandWords(argv);
  const paths = Object.values(CATALOG as Record<string, CatalogEntry>).flatMap((e) => e.paths.map((p) => [...p]));
  return paths.filter((p) => p.every((w, i) => words[i] === w)).sort((a, b) => b.length - a.length)[0];
}

export function helpHint(path: readonly string[] | undefined): string {
  return path
    ? `Run \`${commandToType(`${path.join(" ")} --help`)}\` for its options.`
    : `Run \`${commandToType("--help")}\` for the commands.`;
}

/**
 * `--count -1`: a value that starts with "-" would be taken for an option (and the count
 * reported as missing). A negative number after an option that takes a value is its value.
 */
export function joinNegativeValues(argv: readonly string[], valueOptions: readonly OptionNames[]): string[] {
  const takesValue = new Map<string, string>();
  for (const names of valueOptions) {
    const long = names.find((n) => n.startsWith("--")) ?? names[0]!;
    for (const n of names) takesValue.set(n, long);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (takesValue.has(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${takesValue.get(a)}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** typanion's "Invalid value for --count: expected to be at least 1 (got -1)" as a sentence about the option. */
export function rephraseInvalidValue(message: string, valueOptions: readonly OptionNames[] = []): string {
  const m = /^Invalid value for ([^:]+): expected (?:to be )?(.*?)(?: \(got (.*)\))?$/s.exec(message.split("\n")[0]!.trim());
  if (!m) return message.split("\n")[0]!.trim();
  const flag = longName(m[1]!, valueOptions);
  const expected = m[2]!.replace(/^an integer$/, "a whole number").replace(/^one of /, "one of ");
  return `${flag} must be ${expected}${m[3] !== undefined ? ` (got ${m[3]})` : ""}.`;
}

function longName(flag: string, valueOptions: readonly OptionNames[]): string {
  const names = valueOptions.find((n) => n.includes(flag));
  return names?.find((n) => n.startsWith("--")) ?? flag;
}

export interface ParseErrorContext {
  argv: readonly string[];
  /** Every option of the command the line names (all names), to suggest from. */
  optionsOf: (path: readonly string[]) => readonly string[];
  valueOptions: readonly OptionNames[];
  /** The options the command cannot run without, each by its names. */
  requiredOf?: (path: readonly string[]) => readonly OptionNames[];
  /** The positional arguments the command takes, as its usage shows them (`<name>`). */
  positionalsOf: (path: readonly string[]) => string;
}

/** What clipanion's parse error means, in one line, and where to look. */
export function describeParseError(err: unknown, c: ParseErrorContext): UsageProblem {
  const e = err as { name?: string; message?: string };
  const path = commandPathOf(c.argv);
  const hint = helpHint(path);
  const first = (e.message ?? String(err)).split("\n")[0]!.trim();
  if (e.name === "UsageError") return { message: rephraseInvalidValue(first, c.valueOptions), hint };
  // A known command that matched nothing because a required option is missing (clipanion says "Command not found").
  const given = new Set(c.argv.map((a) => a.split("=")[0]!));
  const missing = path ? (c.requiredOf?.(path) ?? []).filter((names) => !names.some((n) => given.has(n))) : [];
  if (path && missing.length && /^Command not found/.test(first)) {
    const flags = missing.map((names) => names.find((n) => n.startsWith("--")) ?? names[0]!);
    return { message: `${path.join(" ")} needs ${flags.map((f) => `${f} <${valueName(f)}>`).join(" and ")}.`, hint };
  }
  if (/^Command not found/.test(first) || (!path && e.name === "UnknownSyntaxError")) {
    const words = commandWords(c.argv);
    const typed = words.join(" ") || c.argv[0] || "";
    const near = suggestCommands(words);
    const mean = near.length ? `; did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : ".";
    return { message: `Unknown command "${typed}"${mean}`, hint };
  }
  if (path) {
    let m = /^Unsupported option name \("(.+)"\)/.exec(first);
    if (m) {
      const near = suggestOption(m[1]!, c.optionsOf(path));
      return { message: `${path.join(" ")} has no option ${m[1]}${near ? `; did you mean ${near}?` : "."}`, hint };
    }
    m = /^Not enough arguments to option (.+?)\.?$/.exec(first);
    if (m) {
      const flag = longName(m[1]!, c.valueOptions);
      return { message: `${flag} needs a value: ${flag} <${valueName(flag)}>.`, hint };
    }
    m = /^Extraneous positional argument \("(.*)"\)/.exec(first);
    if (m) return { message: `${path.join(" ")} takes no argument "${m[1]}".`, hint };
    if (/^Not enough positional arguments/.test(first)) {
      return { message: `${path.join(" ")} needs ${c.positionalsOf(path) || "more arguments"}.`, hint };
    }
  }
  return { message: first.replace(/\.$/, "") + ".", hint };
}
