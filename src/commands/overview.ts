// The top-level help (`ec2-workshop`, `--help`, `-h`): every command with its one-line
// description, grouped as the instructor's day goes. Rendered from src/commands/catalog.ts
// alone, without loading clipanion or any command, so the first thing a newcomer types answers
// at once. Each command's own `--help` still comes from clipanion, in full.
import { CATALOG, type CatalogEntry } from "./catalog.js";
import type { Style } from "../ui/style.js";

const CATEGORY_ORDER: readonly CatalogEntry["category"][] = ["Setup", "Workshops", "Instances"];

/** Is this command line a request for the overview? */
export function wantsOverview(argv: readonly string[]): boolean {
  return argv.length === 0 || (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h"));
}

export function renderOverview(version: string, style: Style): string {
  const entries: readonly CatalogEntry[] = Object.values(CATALOG);
  const line = (e: CatalogEntry): string => `ec2-workshop ${e.paths[0]!.join(" ")}${e.args ? ` ${e.args}` : ""}`;
  const width = Math.max(...entries.map((e) => line(e).length));
  const out = [
    `${style.bold("EC2 Workshop Manager")} ${version}: launch identical EC2 instances for a hands-on workshop, hand out one address per attendee, clean up.`,
    "",
    `${style.bold("Usage:")} ec2-workshop <command> [options]`,
  ];
  for (const category of CATEGORY_ORDER) {
    out.push("", style.bold(category));
    for (const e of entries.filter((x) => x.category === category)) {
      const aliases = e.paths.slice(1).map((p) => p.join(" "));
      const also = aliases.length ? ` (also: ${aliases.join(", ")})` : "";
      out.push(`  ${line(e).padEnd(width)}  ${style.dim(e.description + also)}`);
    }
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
