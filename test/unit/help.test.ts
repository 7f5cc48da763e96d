// Help for a newcomer: the overview and a group's commands (`ec2-workshop instances`), each
// command's options with the names of their values, "did you mean", all laid out for the
// terminal's width. The real binary is run where the way in matters (entry.ts answers these).
import { expect } from "chai";
import { PassThrough } from "node:stream";
import { helpRequest, optionSignature, renderCommandHelp, renderGroupHelp, renderOverview, valueName, VALUE_NAMES } from "../../src/commands/help.js";
import { editDistance, suggestCommands, suggestOption } from "../../src/commands/suggest.js";
import { joinNegativeValues, rephraseInvalidValue } from "../../src/commands/usage-errors.js";
import { buildCli } from "../../src/cli.js";
import { styleFor } from "../../src/ui/style.js";
import { renderList, wrapParagraphs, wrapWords } from "../../src/ui/wrap.js";
import { runBin } from "../helpers/cli.js";

const plain = styleFor(new PassThrough(), { NO_COLOR: "1" });
const longest = (text: string): number => Math.max(...text.split("\n").map((l) => [...l].length));

describe("help: the overview, groups and commands", () => {
  it("`help`, `instances`, `instances --help`, `workshop -h`, `help workshop` print that group's commands, exit 0", async () => {
    for (const [args, group] of [
      [["instances"], "instances"],
      [["instances", "--help"], "instances"],
      [["workshop", "-h"], "workshop"],
      [["help", "workshop"], "workshop"],
    ] as const) {
      const r = await runBin([...args]);
      expect(r.code, args.join(" ")).to.equal(0);
      expect(r.stderr).to.equal("");
      expect(r.stdout, args.join(" ")).to.contain(`ec2-workshop ${group} <command> [options]`);
      const commands = group === "instances" ? ["create", "list", "destroy"] : ["create", "list", "show", "update", "destroy"];
      for (const c of commands) expect(r.stdout, `${args.join(" ")}: ${c}`).to.match(new RegExp(`^  ${c}\\b`, "m"));
      expect(r.stdout).not.to.match(/#0|Command not found/);
    }
    const overview = await runBin(["help"]);
    expect(overview.code).to.equal(0);
    expect(overview.stdout).to.match(/^  instances create\b/m);
    expect(overview.stdout).to.match(/^  workshop create \[name\]/m);
  });

  it("`help instances create` is that command's --help", async () => {
    const a = await runBin(["help", "instances", "create"]);
    const b = await runBin(["instances", "create", "--help"]);
    expect(a.code).to.equal(0);
    expect(a.stdout).to.equal(b.stdout);
    expect(a.stdout).to.match(/Usage: \S*( \S+)? instances create \[options\]/);
  });

  it("which command lines are help without a command", () => {
    expect(helpRequest([])).to.deep.equal({ kind: "overview" });
    expect(helpRequest(["-h"])).to.deep.equal({ kind: "overview" });
    expect(helpRequest(["help"])).to.deep.equal({ kind: "overview" });
    expect(helpRequest(["instances"])).to.deep.equal({ kind: "group", group: "instances" });
    expect(helpRequest(["workshop", "--help"])).to.deep.equal({ kind: "group", group: "workshop" });
    expect(helpRequest(["help", "instances", "list"])).to.deep.equal({ kind: "command", argv: ["instances", "list", "--help"] });
    expect(helpRequest(["instances", "list"])).to.equal(undefined);
    expect(helpRequest(["setup"])).to.equal(undefined);
  });

  it("every command's --help names every value (`--count <n>`), never `#0`, and fits 80 columns", async () => {
    for (const args of [["setup"], ["workshop", "create"], ["workshop", "show"], ["instances", "create"], ["instances", "list"], ["instances", "destroy"]]) {
      const r = await runBin([...args, "--help"]);
      expect(r.code, args.join(" ")).to.equal(0);
      expect(r.stdout, args.join(" ")).not.to.contain("#0");
      expect(longest(r.stdout), args.join(" ")).to.be.at.most(80);
      expect(r.stdout).to.contain("--profile <name>");
      expect(r.stdout).to.contain("--region <region>");
    }
    const create = await runBin(["instances", "create", "--help"]);
    expect(create.stdout).to.match(/-n, --count <n> +How many instances/);
    expect(create.stdout).to.match(/--launch-timeout <duration> +Per instance/);
    expect(create.stdout).to.match(/-w, --workshop <name> /);
    const show = await runBin(["workshop", "show", "--help"]);
    expect(show.stdout).to.match(/Usage: .*workshop show \[options\] <name>/);
  });

  it("a value-taking option without an entry in VALUE_NAMES still reads (its own name), and every current one has an entry", () => {
    expect(optionSignature("--count,-n #0")).to.equal("-n, --count <n>");
    expect(optionSignature("--seats #0")).to.equal("--seats <seats>");
    expect(optionSignature("--yes,-y")).to.equal("-y, --yes");
    expect(valueName("--endpoint-url")).to.equal("url");
    const flags = buildCli()
      .definitions()
      .flatMap((d) => d.options)
      .filter((o) => o.definition.includes(" #"))
      .map((o) => o.definition.split(" #")[0]!.split(",").find((n) => n.startsWith("--"))!);
    expect(flags.filter((f) => !(f in VALUE_NAMES))).to.deep.equal([]);
  });

  it("the overview and a group fit 80 columns (descriptions wrap under themselves), and a narrow terminal puts them below", () => {
    expect(longest(renderOverview("1.0.0", plain, 80))).to.be.at.most(80);
    expect(longest(renderGroupHelp("instances", plain, 80))).to.be.at.most(80);
    expect(longest(renderOverview("1.0.0", plain, 50))).to.be.at.most(50);
    const narrow = renderList([{ term: "instances destroy", description: "Select and terminate a workshop's instances" }], 40);
    expect(narrow[0]).to.equal("  instances destroy");
    expect(narrow[1]).to.match(/^ {6}Select/);
    expect(wrapWords("one two three four", 9)).to.deep.equal(["one two", "three", "four"]);
    expect(wrapWords("Label  detail goes here", 14)).to.deep.equal(["Label  detail", "goes here"]);
    expect(wrapParagraphs("First paragraph\n  goes on.\n\n- an item that is long\n- short", 16, "  ")).to.deep.equal([
      "  First",
      "  paragraph goes",
      "  on.",
      "",
      "  - an item that",
      "    is long",
      "  - short",
    ]);
  });

  it("examples too long for the terminal are cut into shell lines ending in `\\`, never inside quotes or between a flag and its value", () => {
    const text = renderCommandHelp(
      {
        path: ["workshop", "create"],
        positionals: "[name]",
        options: [],
        examples: [["Everything", "$0 workshop create intro-linux --region eu-west-1 --ami ami-0123456789abcdef0 --instance-type t3.micro --instructions 'ssh student@<address>, password on the board'"]],
      },
      plain,
      80,
    );
    const lines = text.split("\n").filter((l) => l.includes("$ ") || /^ {8}\S/.test(l));
    expect(lines.length).to.be.greaterThan(1);
    for (const l of lines.slice(0, -1)) expect(l).to.match(/ \\$/);
    expect(text).to.contain("--instructions 'ssh student@<address>, password on the board'");
    expect(text).not.to.match(/--ami \\\n/);
  });
});

describe("help: did you mean", () => {
  it("edit distance counts a swap as one edit", () => {
    expect(editDistance("setup", "setpu")).to.equal(1);
    expect(editDistance("instances", "instance")).to.equal(1);
    expect(editDistance("", "abc")).to.equal(3);
  });

  it("suggests the nearest command, both of a tie, and nothing for a word nowhere near", () => {
    expect(suggestCommands(["instance", "list"])).to.deep.equal(["instances list"]);
    expect(suggestCommands(["instances", "destory"])).to.deep.equal(["instances destroy"]);
    expect(suggestCommands(["destroy"])).to.deep.equal(["workshop destroy", "instances destroy"]);
    expect(suggestCommands(["frobnicate"])).to.deep.equal([]);
    expect(suggestCommands(["instances", "frobnicate"])).to.deep.equal([]);
    expect(suggestOption("--stat", ["--state", "--sort", "-w"])).to.equal("--state");
    expect(suggestOption("--zzz", ["--state"])).to.equal(undefined);
  });

  it("a negative number after a value-taking option is its value; typanion's wording becomes a sentence about the option", () => {
    const opts = [["--count", "-n"], ["--region"]];
    expect(joinNegativeValues(["instances", "create", "--count", "-1", "-y"], opts)).to.deep.equal(["instances", "create", "--count=-1", "-y"]);
    expect(joinNegativeValues(["-n", "-5"], opts)).to.deep.equal(["--count=-5"]);
    expect(joinNegativeValues(["--yes", "-1"], opts)).to.deep.equal(["--yes", "-1"]);
    expect(rephraseInvalidValue("Invalid value for --count: expected to be at least 1 (got -1)")).to.equal("--count must be at least 1 (got -1).");
    expect(rephraseInvalidValue("Invalid value for -n: expected to be an integer (got 1.5)", opts)).to.equal("--count must be a whole number (got 1.5).");
  });
});
