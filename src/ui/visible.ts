// Text from AWS or from a file, made safe to print: every character that could drive the
// terminal (escape sequences, cursor moves), break a line or a table row, or hide or reorder
// what is shown becomes a visible escape, as JavaScript writes it: `\x1b`, `\n`, `\r`, `\t`,
// `\x9b`, `\u202e`. Anyone can set an instance's Name tag; a settings file can come from
// anywhere: neither may rewrite the screen or spoof a row. Backslashes are kept as they are
// (instructions use them), so this shows text safely but is not a reversible encoding: --json
// keeps the exact values.
//
// Made visible:
//   C0 controls U+0000-U+001F (ESC, CR, LF, TAB, BEL, backspace, ...) and DEL U+007F;
//   C1 controls U+0080-U+009F (U+009B is a one-character CSI to many terminals);
//   bidi controls, which show text in another order than it is stored: the embeddings and
//   overrides U+202A-U+202E, the isolates U+2066-U+2069, the marks U+200E, U+200F, U+061C;
//   invisible characters that make two different values look the same: zero-width space
//   U+200B, word joiner and invisible operators U+2060-U+2064, deprecated format characters
//   U+206A-U+206F, U+FEFF, U+180E, and the line/paragraph separators U+2028, U+2029.
// Kept: ZWNJ and ZWJ (U+200C, U+200D), which scripts and emoji need to render at all.

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
// The same, but line feeds and tabs are kept: they are how multi-line text (instructions) is laid out.
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** One line of text, safe to print: nothing in it acts on the terminal, breaks the line or hides. */
export function visible(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/**
 * Multi-line text (instructions), safe to print: line feeds and tabs stay; a CRLF line end
 * becomes a line feed; everything else `visible` escapes is escaped (a lone CR too: it would
 * let a line overwrite itself).
 */
export function visibleText(s: string): string {
  return s.replace(/\r\n/g, "\n").replace(UNSAFE_IN_TEXT, escapeChar);
}

/**
 * `value` as the JSON document a command prints (2-space indent, a final line feed): the exact
 * values, but safe on a terminal too. JSON.stringify escapes only U+0000-U+001F; the other
 * characters `visible` shows (DEL, C1 controls, bidi and invisible ones) are written as
 * `\uXXXX` escapes here, which every JSON parser reads back as the same character.
 */
export function jsonText(value: unknown): string {
  // UNSAFE_IN_TEXT: the document's own line feeds stay (in its strings JSON.stringify has already escaped them).
  return `${JSON.stringify(value, null, 2).replace(UNSAFE_IN_TEXT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}
