// The top-level help (`ec2-workshop`, `--help`, `-h`): every command with its one-line
// description, grouped as the instructor's day goes. Rendered from the command classes'
// own `paths` and `usage`, without building clipanion's parser: the first thing a newcomer
// types answers at once. Each command's `--help` still comes from clipanion, in full.
import type { Usage } from "clipanion";
import type { Style } from "./style.js";

export interface CommandInfo {
  paths?: string[][];
  usage?: Usage;
}

const CATEGORY_ORDER = ["Setup", "Workshops", "Instances"];

export function renderOverview(commands: readonly CommandInfo[], version: string, style: Style): string {
  const groups = new Map<string, { line: string; description: string }[]>();
  for (const c of commands) {
    const [main, ...aliases] = c.paths ?? [];
    if (!main) continue;
    const category = c.usage?.category ?? "Other";
    const alias = aliases.length ? ` (also: ${aliases.map((a) => a.join(" ")).join(", ")})` : "";
    const entry = { line: `ec2-workshop ${main.join(" ")}`, description: `${c.usage?.description ?? ""}${alias}` };
    groups.set(category, [...(groups.get(category) ?? []), entry]);
  }
  const width = Math.max(...[...groups.values()].flat().map((e) => e.line.length));
  const categories = [...groups.keys()].sort((a, b) => rank(a) - rank(b));
  const out = [
    `${style.bold("EC2 Workshop Manager")} ${version}: launch identical EC2 instances for a hands-on workshop, hand out one address per attendee, clean up.`,
    "",
    `${style.bold("Usage:")} ec2-workshop <command> [options]`,
  ];
  for (const category of categories) {
    out.push("", style.bold(category));
    for (const e of groups.get(category)!) out.push(`  ${e.line.padEnd(width)}  ${style.dim(e.description)}`);
  }
  out.push(
    "",
    `${style.bold("Options for every command:")} --profile <name>, --region <region>, --endpoint-url <url> (an EC2-compatible endpoint), --debug`,
    `Environment: AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_EC2, EC2_WORKSHOP_HOME (the workshop directory), NO_COLOR.`,
    "",
    `Run \`ec2-workshop <command> --help\` for a command's options and examples, e.g. \`ec2-workshop instances create --help\`.`,
    "",
  );
  return out.join("\n");
}

function rank(category: string): number {
  const i = CATEGORY_ORDER.indexOf(category);
  return i === -1 ? CATEGORY_ORDER.length : i;
}
