// Is a person at the keyboard? Prompts and live views only then; otherwise plain lines, never a wait.
// And how wide is their terminal?
import type { Readable, Writable } from "node:stream";

export function isInteractive(stdin: Readable, stdout: Writable): boolean {
  return Boolean((stdin as { isTTY?: boolean }).isTTY && (stdout as { isTTY?: boolean }).isTTY);
}

/** What a terminal that does not say its size is taken to be. */
export const DEFAULT_COLUMNS = 80;
export const DEFAULT_ROWS = 24;

type Sized = { columns?: number; rows?: number; isTTY?: boolean };

/** The output's width in columns; a stream that reports none (or 0, a pseudo-terminal with no size) is 80 wide. */
export function terminalColumns(stream: Writable | NodeJS.WritableStream): number {
  const c = (stream as Sized).columns;
  return typeof c === "number" && c > 0 ? c : DEFAULT_COLUMNS;
}

/**
 * A terminal that reports 0 columns or rows (a pseudo-terminal nobody sized) is taken to be
 * 80x24, for our own drawing and for the prompt library, which would otherwise wrap every
 * character onto its own line. Kept true after resizes.
 */
export function assumeSizeWhenUnknown(stream: Writable | NodeJS.WritableStream): void {
  const s = stream as Sized & { on?: (event: string, listener: () => void) => void; prependListener?: (event: string, listener: () => void) => void };
  if (!s.isTTY) return;
  const fix = (): void => {
    if (!(typeof s.columns === "number" && s.columns > 0)) s.columns = DEFAULT_COLUMNS;
    if (!(typeof s.rows === "number" && s.rows > 0)) s.rows = DEFAULT_ROWS;
  };
  fix();
  // Before any other listener: a redraw on "resize" must already see the fixed size.
  s.prependListener?.("resize", fix);
}

/** The width a table must fit: the terminal's; none for a pipe or a file (nothing is cut there). */
export function tableWidth(stream: Writable | NodeJS.WritableStream): number | undefined {
  return (stream as Sized).isTTY ? terminalColumns(stream) : undefined;
}
