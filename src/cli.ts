// The full CLI: builds the clipanion Cli from every command and runs one command line. The binary
// enters through entry.ts; nothing here loads the AWS SDK or Pulumi (test/unit/startup.test.ts).
import { Builtins, Cli, type Command, type Usage } from "clipanion";
import type { AppContext } from "./commands/base.js";
import { renderCommandHelp, type OptionDefinition } from "./commands/help.js";
import { commands } from "./commands/index.js";
import { describeParseError, joinNegativeValues, type OptionNames } from "./commands/usage-errors.js";
import { writeError } from "./commands/error-output.js";
import { RunControl, STOP_GRACE_MS } from "./interrupts.js";
import { colorEnabled, styleFor } from "./ui/style.js";
import { terminalColumns } from "./ui/terminal.js";
import { VERSION } from "./version.js";

export function buildCli(enableColors = false): Cli<AppContext> {
  const cli = new Cli<AppContext>({
    binaryLabel: "EC2 Workshop Manager",
    binaryName: "ec2-workshop",
    binaryVersion: VERSION,
    enableColors,
  });
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  for (const command of commands) cli.register(command);
  return cli;
}

export interface RunOptions {
  stdin?: AppContext["stdin"];
  stdout?: AppContext["stdout"];
  stderr?: AppContext["stderr"];
  env?: AppContext["env"];
  /** The run's stop switch (entry.ts wires the process's signals to it). */
  control?: RunControl;
}

/** What the CLI knows about each command's options and arguments, from clipanion's definitions. */
class Definitions {
  private readonly byPath = new Map<string, { usage: string; options: OptionDefinition[] }>();

  constructor(cli: Cli<AppContext>) {
    for (const d of cli.definitions()) {
      const path = d.path.split(" ").slice(1).join(" ");
      // Options without a description stay inline in the usage (`[--flag #0]`): list them too.
      const inline = [...d.usage.matchAll(/\[(--?[^\]\s]+(?: #\d+)*)\]/g)].map((m) => ({ definition: m[1]! }));
      this.byPath.set(path, {
        usage: d.usage,
        options: [...d.options.map((o) => ({ definition: o.definition, description: o.description, required: o.required })), ...inline],
      });
    }
  }

  options(path: readonly string[]): OptionDefinition[] {
    return this.byPath.get(path.join(" "))?.options ?? [];
  }

  /** The options a command cannot run without (`instances extend --hours`), each by its names. */
  requiredOptions(path: readonly string[]): OptionNames[] {
    return this.options(path)
      .filter((o) => o.required)
      .map((o) => o.definition.split(" #")[0]!.split(","));
  }

  optionNames(path: readonly string[]): string[] {
    return this.options(path).flatMap((o) => o.definition.split(" #")[0]!.split(","));
  }

  /** `<name>` / `[name]`: the positional part of a command's usage. */
  positionals(path: readonly string[]): string {
    const usage = this.byPath.get(path.join(" "))?.usage ?? "";
    return usage
      .replace(/\[--?[^\]]*\]|<--?[^>]*>/g, "")
      .split(/\s+/)
      .filter((w) => /^[<[]/.test(w) || w === "...")
      .join(" ");
  }

  /** Every option that takes a value, by its names (the same names mean the same in every command). */
  valueOptions(): OptionNames[] {
    const all = [...this.byPath.values()].flatMap((d) => d.options.filter((o) => o.definition.includes(" #")));
    const seen = new Map<string, OptionNames>();
    for (const o of all) {
      const names = o.definition.split(" #")[0]!.split(",");
      seen.set(names.join(","), names);
    }
    return [...seen.values()];
  }
}

type CommandType = { readOnly?: boolean; stopGraceMs?: number; paths?: string[][]; usage?: Usage };

/** The command whose help was asked for (`instances create --help`), if that is what the line asks. */
function helpTarget(command: Command<AppContext>): CommandType | undefined {
  const help = command as unknown as { commands?: number[]; contexts?: { commandClass: CommandType }[] };
  if (!(command instanceof Builtins.HelpCommand) && !Array.isArray(help.commands)) return undefined;
  const index = help.commands?.[0];
  return index === undefined ? undefined : help.contexts?.[index]?.commandClass;
}

/**
 * Runs one command line through clipanion; returns the exit code (0 ok, 1 error, 2 usage,
 * 3 partial launch, 130/143 stopped by a signal). The binary enters through entry.ts, which
 * answers the overview and group help itself.
 */
export async function main(argv: string[], options: RunOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const control = options.control ?? new RunControl();
  const colored = colorEnabled(stdout, env);
  const context: AppContext = { stdin: options.stdin ?? process.stdin, stdout, stderr, env, colorDepth: colored ? 8 : 1, run: control };
  const cli = buildCli(colored);
  const defs = new Definitions(cli);
  const args = joinNegativeValues(argv, defs.valueOptions());
  let command: Command<AppContext>;
  try {
    command = cli.process(args, context);
  } catch (err) {
    // Unknown command, bad flag, invalid value: one line, and where to look.
    const problem = describeParseError(err, {
      argv: args,
      optionsOf: (path) => defs.optionNames(path),
      requiredOf: (path) => defs.requiredOptions(path),
      valueOptions: defs.valueOptions(),
      positionalsOf: (path) => defs.positionals(path),
    });
    writeError(stderr, styleFor(stderr, env), problem.message, problem.hint);
    return 2;
  }
  // `<command> --help` comes back as clipanion's help command, naming the command(s) it matched.
  const helpFor = helpTarget(command);
  if (helpFor) {
    const path = helpFor.paths?.[0] ?? [];
    stdout.write(
      renderCommandHelp(
        {
          path,
          positionals: defs.positionals(path),
          description: helpFor.usage?.description,
          details: helpFor.usage?.details,
          examples: helpFor.usage?.examples,
          options: defs.options(path),
        },
        styleFor(stdout, env),
        terminalColumns(stdout),
      ),
    );
    return 0;
  }
  const type = command.constructor as CommandType;
  // Builtins (--version) change nothing; commands say whether they do.
  control.readOnly = type.readOnly ?? true;
  control.graceMs = control.readOnly ? 0 : (type.stopGraceMs ?? STOP_GRACE_MS);
  return cli.run(command, context);
}
