// The printable hand-out: an HTML sheet of cards, one per attendee (a big seat number, the
// address, a QR code of the address, the instructions filled for that seat). It prints on A4
// and on US Letter alike: the cards fit the area both leave inside 12 mm margins (186 x 255 mm),
// each page is one grid of cards that ends in a page break, and a card never splits across
// pages. How many cards share a page follows the length of the instructions.
import { addressOf, type HandoutEntry } from "../instances/handout.js";
import { shownInstructions } from "./handout.js";
import { visible } from "./visible.js";

/** A card size: columns x rows per page, and what its instructions can hold without clipping. */
export interface CardLayout {
  name: "small" | "half" | "full";
  columns: number;
  rows: number;
  widthMm: number;
  heightMm: number;
  /** Characters per line and lines of instructions that fit (monospace, 9 pt). */
  charsPerLine: number;
  lines: number;
}

/** Smallest first; the first one whose card holds the longest instructions is used. */
export const CARD_LAYOUTS: readonly CardLayout[] = [
  { name: "small", columns: 2, rows: 3, widthMm: 90, heightMm: 80, charsPerLine: 42, lines: 8 },
  { name: "half", columns: 1, rows: 2, widthMm: 186, heightMm: 122, charsPerLine: 92, lines: 20 },
  { name: "full", columns: 1, rows: 1, widthMm: 186, heightMm: 250, charsPerLine: 92, lines: 52 },
];

/** Lines the text takes once wrapped at `width` characters. */
export function wrappedLines(text: string, width: number): number {
  if (!text) return 0;
  return text.split("\n").reduce((n, line) => n + Math.max(1, Math.ceil(line.length / width)), 0);
}

export function chooseLayout(instructions: readonly string[]): CardLayout {
  for (const layout of CARD_LAYOUTS) {
    if (instructions.every((t) => wrappedLines(t, layout.charsPerLine) <= layout.lines)) return layout;
  }
  return CARD_LAYOUTS[CARD_LAYOUTS.length - 1]!;
}

export function cardsPerPage(layout: CardLayout): number {
  return layout.columns * layout.rows;
}

/** `s` as HTML text: control characters made visible (visible.ts; `shown` text already is), markup characters escaped. */
function escapeHtml(s: string, shown = false): string {
  const text = shown ? s : visible(s);
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function css(l: CardLayout): string {
  return `
@page { margin: 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #111; font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
.sheet { display: grid; grid-template-columns: repeat(${l.columns}, ${l.widthMm}mm); grid-auto-rows: ${l.heightMm}mm;
  gap: 5mm 6mm; break-after: page; page-break-after: always; }
.sheet:last-of-type { break-after: auto; page-break-after: auto; }
.card { display: flex; flex-direction: column; padding: 5mm; border: 0.3mm dashed #777; border-radius: 3mm;
  overflow: hidden; break-inside: avoid; page-break-inside: avoid; }
.head { display: flex; align-items: flex-start; justify-content: space-between; gap: 4mm; }
.seat { line-height: 1; }
.seat .label { display: block; font-size: 9pt; text-transform: uppercase; letter-spacing: 0.08em; color: #555; }
.seat .number { display: block; font-size: 40pt; font-weight: 700; }
.qr svg { display: block; width: 22mm; height: 22mm; }
.address { margin: 2mm 0 2.5mm; font: 700 15pt/1.15 "DejaVu Sans Mono", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.instructions { flex: 1; margin: 0; font: 9pt/1.25 "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap;
  overflow-wrap: anywhere; overflow: hidden; }
.foot { margin-top: 1.5mm; font-size: 7.5pt; color: #666; }
.screen-note { display: none; }
@media screen {
  body { background: #e9e9e9; padding: 8mm; }
  .screen-note { display: block; max-width: 186mm; margin: 0 auto 6mm; font-size: 10pt; color: #333; }
  .sheet { width: 210mm; margin: 0 auto 8mm; padding: 12mm; background: #fff; box-shadow: 0 1mm 3mm rgba(0,0,0,.2); }
}
`;
}

export interface CardsOptions {
  workshop: string;
  instructions: string;
  /** Draw a QR code of each address (default true). */
  qr?: boolean;
}

/** The whole printable document. */
export async function renderHandoutCards(entries: readonly HandoutEntry[], o: CardsOptions): Promise<string> {
  const filled = entries.map((e) => shownInstructions(o.instructions.trimEnd(), e));
  const layout = chooseLayout(filled);
  const perPage = cardsPerPage(layout);
  // Loaded only here: the QR encoder is needed by no other output.
  const qr = o.qr === false ? undefined : (await import("uqr")).renderSVG;
  const cards = entries.map((e, i) => {
    const address = addressOf(e);
    const code = qr && address ? `<div class="qr" aria-hidden="true">${qr(address, { border: 0, ecc: "M" })}</div>` : "";
    return (
      `<article class="card" data-seat="${e.seat ?? ""}">` +
      `<div class="head"><div class="seat"><span class="label">Seat</span><span class="number">${e.seat ?? "-"}</span></div>${code}</div>` +
      `<div class="address">${escapeHtml(address || "(no address)")}</div>` +
      `<pre class="instructions">${escapeHtml(filled[i]!, true)}</pre>` +
      `<div class="foot">${escapeHtml(e.name)} · workshop ${escapeHtml(o.workshop)}</div>` +
      `</article>`
    );
  });
  const sheets: string[] = [];
  for (let i = 0; i < cards.length; i += perPage) sheets.push(`<section class="sheet">\n${cards.slice(i, i + perPage).join("\n")}\n</section>`);
  const title = `Workshop ${o.workshop}: ${entries.length} seat${entries.length === 1 ? "" : "s"}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${css(layout)}</style>
</head>
<body>
<p class="screen-note">${escapeHtml(title)}, ${perPage} card${perPage === 1 ? "" : "s"} a page. Print on A4 or Letter at 100% scale, with the browser's headers and footers turned off, then cut along the dashed lines.</p>
${sheets.join("\n")}
</body>
</html>
`;
}
