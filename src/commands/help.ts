// Help for people: the overview (every command), a group's commands (`ec2-workshop instances`),
// and one command's options with the names of their values (`--count <n>`). Rendered from the
// light command catalog and from plain data, so this module loads neither clipanion nor any
// command; laid out for the terminal's width (80 when unknown).
import { CATALOG, type CatalogEntry } from "./catalog.js";
import { commandToType } from "../invocation.js";
import type { Style } from "../ui/style.js";
import { renderList, wrapParagraphs, wrapWords } from "../ui/wrap.js";

const CATEGORY_ORDER: readonly CatalogEntry["category"][] = ["Setup", "Workshops", "Instances"];

/** The options every command takes, as the overview shows them. */
export const GLOBAL_OPTIONS = ["--profile", "--region", "--endpoint-url", "--debug"] as const;

/**
 * What each option's value is called in help and errors. An option missing here is shown with
 * its own name (`--seats <seats>`): add it when a clearer name exists.
 */
export const VALUE_NAMES: Record<string, string> = {
  "--profile": "name",
  "--region": "region",
  "--endpoint-url": "url",
  "--workshop": "name",
  "--count": "n",
  "--launch-timeout": "duration",
  "--check-timeout": "duration",
  "--batch": "id",
  "--state": "state",
  "--sort": "key",
  "--rows": "rows",
  "--ids": "ids",
  "--store-profile": "profile",
  "--ami": "ami-id",
  "--instance-type": "type",
  "--maximum": "n",
  "--instructions": "text",
  "--ports": "ports",
  "--cidrs": "cidrs",
  "--key-pair": "name",
  "--volume-size": "GiB",
  "--volume-type": "type",
  "--user-data-file": "file",
  "--vpc-cidr": "cidr",
  "--azs": "n",
  "--launch-template": "lt-id",
  "--hours": "hours",
  "--ready-when": "signal",
  "--lifetime": "duration",
  "--timeout": "duration",
  "--volume-iops": "iops",
  "--seats": "seats",
  "--format": "format",
  "--output": "file",
};

export function valueName(flag: string): string {
  return VALUE_NAMES[flag] ?? flag.replace(/^-+/, "");
}

/** The command groups: the first word of the commands that have two (`instances`, `workshop`). */
export function commandGroups(): string[] {
  const groups = Object.values(CATALOG as Record<string, CatalogEntry>)
    .map((e) => e.paths[0]!)
    .filter((p) => p.length > 1)
    .map((p) => p[0]!);
  return [...new Set(groups)];
}

const HELP_FLAGS = new Set(["--help", "-h"]);

export type HelpRequest = { kind: "overview" } | { kind: "group"; group: string } | { kind: "command"; argv: string[] };

/**
 * Is this command line a request for help that needs no command (the overview, or a group's
 * commands)? `help instances create` becomes that command's `--help`.
 */
export function helpRequest(argv: readonly string[]): HelpRequest | undefined {
  if (argv.length === 0 || (argv.length === 1 && HELP_FLAGS.has(argv[0]!))) return { kind: "overview" };
  const groups = commandGroups();
  if (argv[0] === "help") {
    const rest = argv.slice(1).filter((a) => !HELP_FLAGS.has(a));
    if (rest.length === 0) return { kind: "overview" };
    if (rest.length === 1 && groups.includes(rest[0]!)) return { kind: "group", group: rest[0]! };
    return { kind: "command", argv: [...rest, "--help"] };
  }
  if (groups.includes(argv[0]!) && argv.slice(1).every((a) => HELP_FLAGS.has(a))) return { kind: "group", group: argv[0]! };
  return undefined;
}

function entriesOf(filter: (e: CatalogEntry) => boolean): CatalogEntry[] {
  return Object.values(CATALOG as Record<string, CatalogEntry>).filter(filter);
}

function commandList(entries: readonly CatalogEntry[], width: number, style: Style, drop = 0): string[] {
  return renderList(
    entries.map((e) => {
      const aliases = e.paths.slice(1).map((p) => p.join(" "));
      return {
        term: `${e.paths[0]!.slice(drop).join(" ")}${e.args ? ` ${e.args}` : ""}`,
        description: e.description + (aliases.length ? ` (also: ${aliases.join(", ")})` : ""),
      };
    }),
    width,
    { term: style.bold, description: style.dim },
  );
}

/** `ec2-workshop`, `--help`, `help`: every command, grouped as the instructor's day goes. */
export function renderOverview(version: string, style: Style, width: number): string {
  const out = [
    ...wrapWords(`EC2 Workshop Manager ${version}: launch identical EC2 instances for a hands-on workshop, hand out one address per attendee, clean up.`, width),
    "",
    `${style.bold("Usage:")} ${commandToType("<command> [options]")}`,
  ];
  for (const category of CATEGORY_ORDER) {
    out.push("", style.bold(category), ...commandList(entriesOf((e) => e.category === category), width, style));
  }
  out.push(
    "",
    ...wrapWords(`Options for every command: ${GLOBAL_OPTIONS.map((f) => (f === "--debug" ? f : `${f} <${valueName(f)}>`)).join(", ")}.`, width),
    ...wrapWords("Environment: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_EC2 (an EC2-compatible endpoint), EC2_WORKSHOP_HOME (the workshop directory), NO_COLOR.", width),
    "",
    ...wrapWords(`Run \`${commandToType("<command> --help")}\` for a command's options and examples.`, width),
    "",
  );
  return out.join("\n");
}

/** `ec2-workshop instances`, `instances --help`, `help instances`: that group's commands. */
export function renderGroupHelp(group: string, style: Style, width: number): string {
  const entries = entriesOf((e) => e.paths[0]![0] === group);
  return [
    `${style.bold("Usage:")} ${commandToType(`${group} <command> [options]`)}`,
    "",
    ...commandList(entries, width, style, 1),
    "",
    ...wrapWords(`Run \`${commandToType(`${group} <command> --help`)}\` for a command's options and examples.`, width),
    "",
  ].join("\n");
}

/** One option as clipanion defines it: names joined by commas, and ` #0` per value it takes. */
export interface OptionDefinition {
  /** The command cannot run without it. */
  required?: boolean;
  definition: string;
  description?: string;
}

export interface CommandHelpData {
  path: readonly string[];
  /** Positional arguments as clipanion's usage shows them (`<name>`, `[name]`). */
  positionals: string;
  description?: string;
  details?: string;
  examples?: readonly (readonly [string, string])[];
  options: readonly OptionDefinition[];
}

/** `--count,-n #0` as a person reads it: `-n, --count <n>`. */
export function optionSignature(definition: string): string {
  const [names, ...values] = definition.split(" #");
  const list = names!.split(",");
  const long = list.find((n) => n.startsWith("--")) ?? list[0]!;
  const ordered = [...list.filter((n) => !n.startsWith("--")), ...list.filter((n) => n.startsWith("--"))];
  return `${ordered.join(", ")}${values.map(() => ` <${valueName(long)}>`).join("")}`;
}

/** A long example command cut at spaces into lines ending with ` \`, so it still pastes into a shell as one. */
function shellLines(command: string, width: number, indent: string): string[] {
  // Words as the shell sees them: a quoted argument is never cut.
  const tokens = command.match(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g) ?? [command];
  // An option stays on one line with its value.
  const words: string[] = [];
  for (const t of tokens) {
    const prev = words[words.length - 1];
    if (prev && /^-/.test(prev) && !prev.includes(" ") && !t.startsWith("-")) words[words.length - 1] = `${prev} ${t}`;
    else words.push(t);
  }
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    const lead = lines.length ? `${indent}    ` : indent;
    if (line && lead.length + line.length + 1 + w.length + 2 > width) {
      lines.push(`${lead}${line} \\`);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  lines.push(`${lines.length ? `${indent}    ` : indent}${line}`);
  return lines;
}

/** A command's --help: what it does, its usage, its options with their values, details, examples. */
export function renderCommandHelp(data: CommandHelpData, style: Style, width: number): string {
  const isGlobal = (o: OptionDefinition): boolean => GLOBAL_OPTIONS.some((g) => o.definition.split(" #")[0]!.split(",").includes(g));
  const list = (options: readonly OptionDefinition[]): string[] =>
    renderList(
      options.map((o) => ({ term: optionSignature(o.definition), description: (o.description ?? "").trim() })),
      width,
      { term: style.bold },
    );
  const own = data.options.filter((o) => !isGlobal(o));
  const out: string[] = [];
  if (data.description) out.push(...wrapWords(data.description.replace(/^./, (c) => c.toUpperCase()), width), "");
  const usage = `${data.path.join(" ")}${own.length ? " [options]" : ""}${data.positionals ? ` ${data.positionals}` : ""}`;
  out.push(`${style.bold("Usage:")} ${commandToType(usage)}`, "");
  if (own.length) out.push(style.bold("Options"), ...list(own), "");
  out.push(style.bold("Options for every command"), ...list(data.options.filter(isGlobal)), "");
  if (data.details) out.push(style.bold("Details"), ...wrapParagraphs(data.details, width, "  "), "");
  if (data.examples?.length) {
    out.push(style.bold("Examples"));
    for (const [label, cli] of data.examples) {
      out.push(...wrapWords(label, width - 2).map((l) => `  ${l}`));
      out.push(...shellLines(`$ ${cli.replace(/\$0/g, commandToType(""))}`, width, "    "), "");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}
