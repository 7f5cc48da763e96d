// How every error looks, whatever its kind: `Error: <one line>`, and for a mistake on the command
// line a second line that says where to look. One prefix, one shape.
import type { Style } from "../ui/style.js";

export function writeError(out: NodeJS.WritableStream, style: Style, message: string, hint?: string): void {
  out.write(`${style.red("Error:")} ${message}\n`);
  if (hint) out.write(`${hint}\n`);
}
