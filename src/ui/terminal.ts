// Is a person at the keyboard? Prompts and live views only then; otherwise plain lines, never a wait.
import type { Readable, Writable } from "node:stream";

export function isInteractive(stdin: Readable, stdout: Writable): boolean {
  return Boolean((stdin as { isTTY?: boolean }).isTTY && (stdout as { isTTY?: boolean }).isTTY);
}
