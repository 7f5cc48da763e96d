// Runs as its own process, between the Automation API and the Pulumi CLI:
//   node pulumi-launcher.js <real pulumi> <pulumi arguments...>
// The Automation API spawns the CLI in the terminal's process group, so Ctrl-C reaches the CLI
// directly *and* through the API's abort signal: two interrupts, and the engine's second one
// terminates at once, mid-update, leaving the stack locked with operations pending. This launcher
// starts the CLI in a process group of its own, passes on exactly one interrupt (however many
// arrive: the terminal's, the abort's, SIGTERM, a closed terminal), and relays its output, so the
// CLI always ends gracefully, even if the tool itself is gone.
import { spawn } from "node:child_process";
import { delimiter, dirname, isAbsolute } from "node:path";

const [real, ...args] = process.argv.slice(2);
if (!real) {
  process.stderr.write("usage: pulumi-launcher <pulumi> [args...]\n");
  process.exit(2);
}

// The real CLI's folder first on PATH, as the Automation API does for it: its bundled plugins.
const env = { ...process.env };
if (isAbsolute(real)) env.PATH = `${dirname(real)}${delimiter}${env.PATH ?? ""}`;
const child = spawn(real, args, { detached: true, stdio: ["inherit", "pipe", "pipe"], env });

/** Output goes on while the CLI runs; a reader that went away must not stop it. */
function relay(from: NodeJS.ReadableStream, to: NodeJS.WritableStream): void {
  let open = true;
  to.on("error", () => (open = false));
  from.on("data", (chunk: Buffer) => {
    if (open) to.write(chunk);
  });
}
relay(child.stdout!, process.stdout);
relay(child.stderr!, process.stderr);

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    child.kill("SIGINT"); // the engine's graceful cancel
  });
}

child.on("error", (err) => {
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(255);
});
child.on("close", (code, signal) => {
  process.exitCode = code ?? (signal ? 255 : 0);
});
