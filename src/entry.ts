// What bin/ec2-workshop.js runs. Help that needs no command (the overview, a group's commands) is
// answered here from the light command catalog; everything else goes to the full CLI (cli.ts).
// For the real process this is also where Ctrl-C / SIGTERM / SIGHUP, a closed stdout and a
// terminal without a size are taken care of, once, for every command.
import { helpRequest, renderGroupHelp, renderOverview } from "./commands/help.js";
import { bindProcessSignals, RunControl } from "./interrupts.js";
import { guardProcessOutput } from "./output-guard.js";
import { styleFor } from "./ui/style.js";
import { assumeSizeWhenUnknown, terminalColumns } from "./ui/terminal.js";
import { VERSION } from "./version.js";
import type { RunOptions } from "./cli.js";

/** After a command has returned, anything still holding the process open (a socket that never answers) gets this long. */
const LINGER_MS = 2_000;

export async function main(argv: string[], options: RunOptions = {}): Promise<number> {
  // Tests pass their own streams; the binary runs with the process's.
  const real = !options.stdout;
  const control = options.control ?? new RunControl();
  let { stdout, stderr } = options;
  let release = (): void => {};
  if (real) {
    assumeSizeWhenUnknown(process.stdout);
    assumeSizeWhenUnknown(process.stderr);
    ({ stdout, stderr } = guardProcessOutput({ mayEndQuietly: () => control.readOnly }));
    release = bindProcessSignals(control, { stderr });
  }
  try {
    const help = helpRequest(argv);
    const out = stdout ?? process.stdout;
    const style = styleFor(out, options.env ?? process.env);
    if (help?.kind === "overview") {
      out.write(renderOverview(VERSION, style, terminalColumns(out)));
      return 0;
    }
    if (help?.kind === "group") {
      out.write(renderGroupHelp(help.group, style, terminalColumns(out)));
      return 0;
    }
    const cli = await import("./cli.js");
    return await cli.main(help?.kind === "command" ? help.argv : argv, { ...options, stdout, stderr, control });
  } finally {
    release();
    if (real) setTimeout(() => process.exit(), LINGER_MS).unref();
  }
}
