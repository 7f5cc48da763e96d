// How every error looks, whatever its kind: `Error: <one line>`, and for a mistake on the command
// line a second line that says where to look. One prefix, one shape.
// The message may quote what was typed or what AWS answered: its control characters are made visible.
import type { Style } from "../ui/style.js";
import { visible } from "../ui/visible.js";

export function writeError(out: NodeJS.WritableStream, style: Style, message: string, hint?: string): void {
  out.write(`${style.red("Error:")} ${visible(message)}\n`);
  if (hint) out.write(`${hint}\n`);
}
