// The full CLI: builds the clipanion Cli from every command and runs one command line. The binary
// enters through entry.ts; nothing here loads the AWS SDK or Pulumi (test/unit/startup.test.ts).
import { Builtins, Cli } from "clipanion";
import type { AppContext } from "./commands/base.js";
import { commands } from "./commands/index.js";
import { colorEnabled } from "./ui/style.js";
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
}

/**
 * Runs one command line through clipanion; returns the exit code (0 ok, 1 error, 2 usage,
 * 3 partial launch). The binary enters through entry.ts, which answers the top-level help itself.
 */
export async function main(argv: string[], options: RunOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const colored = colorEnabled(stdout, env);
  const context: AppContext = { stdin: options.stdin ?? process.stdin, stdout, stderr, env, colorDepth: colored ? 8 : 1 };
  const cli = buildCli(colored);
  let command;
  try {
    command = cli.process(argv, context);
  } catch (err) {
    // Unknown command, bad flag, invalid value: clipanion's message, trimmed to what matters.
    stderr.write(cli.error(err, { colored: context.colorDepth > 1 }));
    stderr.write(`Run \`ec2-workshop --help\` for the commands and options.\n`);
    return 2;
  }
  return cli.run(command, context);
}

