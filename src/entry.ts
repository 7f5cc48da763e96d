// What bin/ec2-workshop.js runs. The top-level help needs none of the CLI's machinery, so it is
// answered here from the light command catalog; everything else goes to the full CLI (cli.ts).
import { renderOverview, wantsOverview } from "./commands/overview.js";
import { styleFor } from "./ui/style.js";
import { VERSION } from "./version.js";
import type { RunOptions } from "./cli.js";

export async function main(argv: string[], options: RunOptions = {}): Promise<number> {
  if (!options.stdout) quietOnClosedPipe();
  if (wantsOverview(argv)) {
    const stdout = options.stdout ?? process.stdout;
    stdout.write(renderOverview(VERSION, styleFor(stdout, options.env ?? process.env)));
    return 0;
  }
  const cli = await import("./cli.js");
  return cli.main(argv, options);
}

/** `ec2-workshop instances list | head`: when the reader goes away, stop quietly (no EPIPE trace). */
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
}
