// Text laid out for a terminal of a given width: word wrapping, and two-column lists whose second
// column wraps under itself (or moves below the first when the terminal is too narrow).
import { visibleWidth } from "./style.js";
import { terminalColumns } from "./terminal.js";

/**
 * Text cut into lines of at most `width` printable characters, at spaces (a longer word stands
 * alone). Spacing inside a line is kept (`Label  detail`); a line break in the text is a space.
 */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  let gap = "";
  for (const part of text.replace(/\s*\n\s*/g, " ").trim().split(/( +)/)) {
    if (part === "") continue;
    if (part.startsWith(" ")) {
      gap = part;
      continue;
    }
    if (!line) line = part;
    else if (visibleWidth(line) + gap.length + visibleWidth(part) <= width) line += gap + part;
    else {
      lines.push(line);
      line = part;
    }
    gap = "";
  }
  if (line) lines.push(line);
  return lines.length ? lines : [""];
}

export interface ListEntry {
  term: string;
  description: string;
}

/** The narrowest a description column may get before descriptions move under their terms. */
const MIN_DESCRIPTION = 28;

/**
 * `  term      description that wraps
 *              under itself`
 * Terms are padded to the longest one; `decorate` styles a term after its width is known.
 */
export function renderList(
  entries: readonly ListEntry[],
  width: number,
  decorate: { term?: (s: string) => string; description?: (s: string) => string } = {},
): string[] {
  const indent = 2;
  const gap = 2;
  const termWidth = Math.max(0, ...entries.map((e) => visibleWidth(e.term)));
  const side = indent + termWidth + gap + MIN_DESCRIPTION <= width;
  const term = decorate.term ?? ((s: string) => s);
  const desc = decorate.description ?? ((s: string) => s);
  const out: string[] = [];
  for (const e of entries) {
    if (side) {
      const lines = wrapWords(e.description, width - indent - termWidth - gap);
      const pad = " ".repeat(termWidth - visibleWidth(e.term));
      out.push(`${" ".repeat(indent)}${term(e.term)}${pad}${" ".repeat(gap)}${desc(lines[0]!)}`.trimEnd());
      for (const l of lines.slice(1)) out.push(`${" ".repeat(indent + termWidth + gap)}${desc(l)}`);
    } else {
      out.push(`${" ".repeat(indent)}${term(e.term)}`);
      for (const l of wrapWords(e.description, width - indent - 4)) out.push(`${" ".repeat(indent + 4)}${desc(l)}`);
    }
  }
  return out;
}

/**
 * Paragraphs (separated by blank lines; single newlines are spaces), each wrapped to `width`.
 * A line starting with "- " is a list item: it starts a line of its own and wraps under its text.
 */
export function wrapParagraphs(text: string, width: number, indent = ""): string[] {
  const paragraphs = dedent(text)
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const out: string[] = [];
  for (const [i, p] of paragraphs.entries()) {
    if (i > 0) out.push("");
    for (const item of p.split(/\n(?=\s*[-*] )/)) {
      const bullet = /^\s*[-*] /.exec(item);
      const body = bullet ? item.slice(bullet[0].length) : item;
      const hang = bullet ? "  " : "";
      for (const [k, l] of wrapWords(body, width - indent.length - hang.length).entries()) out.push(`${indent}${bullet ? (k === 0 ? "- " : hang) : ""}${l}`);
    }
  }
  return out;
}

function dedent(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const indents = lines.filter((l) => /\S/.test(l)).map((l) => l.length - l.trimStart().length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join("\n");
}

/** Text wrapped to `width` columns; as it is without a width (a pipe or file). */
export function fitWidth(text: string, width: number | undefined): string {
  return width === undefined ? text : wrapWords(text, width).join("\n");
}

/**
 * Text for a stream: wrapped to the terminal's width, less `margin` columns (taken by a frame
 * the caller draws around it), at a terminal; as it is in a pipe or file.
 */
export function fitToTerminal(stream: NodeJS.WritableStream, text: string, margin = 0): string {
  if (!(stream as { isTTY?: boolean }).isTTY) return text;
  return wrapWords(text, terminalColumns(stream) - margin).join("\n");
}
