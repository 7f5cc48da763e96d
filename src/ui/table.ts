// A plain text table: aligned columns, header row, optional marked (sorted) column. Given a
// width (the terminal's), it fits: the columns that may be shortened are cut (with "…") down to
// their minimum, widest first; then the columns that may be left out go, in their order; only
// a table that still does not fit is printed wider. Every cell's text is made visible
// (visible.ts) here, so no value can break a row or act on the terminal; colour is the
// column's `paint`, put on after that.
import { truncateVisible, visibleWidth, type Style } from "./style.js";
import { visible } from "./visible.js";

export interface Column<Row> {
  header: string;
  /** The cell's text as it came (from AWS, a file): plain, never styled. */
  value: (row: Row, index: number) => string;
  /** Colours the cell (already made visible and cut to fit). */
  paint?: (cell: string, row: Row) => string;
  align?: "left" | "right";
  /** May be cut to this many characters when the table is too wide. */
  minWidth?: number;
  /** May be left out when the table is too wide: lower numbers go first. */
  dropOrder?: number;
}

export interface TableOptions {
  style: Style;
  /** Index of the column to mark (the sorted column): bold header with an arrow. */
  markedColumn?: number;
  indent?: string;
  /** The width to fit in (the terminal's columns); none: as wide as the content. */
  width?: number;
}

const GAP = 2;

function pad(s: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - visibleWidth(s)));
  return align === "right" ? fill + s : s + fill;
}

/** Which columns to show, and how wide, to fit `width` (see the header comment). */
export function fitColumns(
  natural: readonly number[],
  columns: readonly Pick<Column<unknown>, "minWidth" | "dropOrder">[],
  width: number | undefined,
  indent: number,
): { shown: number[]; widths: number[] } {
  const widths = [...natural];
  let shown = natural.map((_, i) => i);
  const total = (): number => indent + shown.reduce((sum, i) => sum + widths[i]!, 0) + GAP * Math.max(0, shown.length - 1);
  if (width === undefined) return { shown, widths };
  for (;;) {
    while (total() > width) {
      // Cut the widest column that may still be cut, one character at a time.
      const cuttable = shown.filter((i) => columns[i]!.minWidth !== undefined && widths[i]! > columns[i]!.minWidth!);
      if (cuttable.length === 0) break;
      const widest = cuttable.reduce((a, b) => (widths[b]! > widths[a]! ? b : a));
      widths[widest]! -= 1;
    }
    if (total() <= width) return { shown, widths };
    const droppable = shown.filter((i) => columns[i]!.dropOrder !== undefined);
    if (droppable.length === 0) return { shown, widths };
    const first = droppable.reduce((a, b) => (columns[b]!.dropOrder! < columns[a]!.dropOrder! ? b : a));
    shown = shown.filter((i) => i !== first);
    // Give the cut columns back their room, then fit again without the dropped one.
    for (const i of shown) widths[i] = natural[i]!;
  }
}

export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[], options: TableOptions): string {
  const { style, markedColumn, indent = "" } = options;
  const headers = columns.map((c, i) => (i === markedColumn ? `${c.header} ▾` : c.header));
  const cells = rows.map((row, r) => columns.map((c) => visible(c.value(row, r))));
  const natural = columns.map((_, i) => Math.max(visibleWidth(headers[i]!), ...cells.map((line) => visibleWidth(line[i]!))));
  const { shown, widths } = fitColumns(natural, columns, options.width, visibleWidth(indent));
  const line = (values: string[], paint?: (s: string, i: number) => string, decorate?: (s: string, i: number) => string): string =>
    indent +
    shown
      .map((i, k) => {
        const cut = truncateVisible(values[i]!, widths[i]!);
        const cell = paint ? paint(cut, i) : cut;
        // The last column is not padded on the right: no trailing blanks, even when styled.
        const last = k === shown.length - 1 && (columns[i]!.align ?? "left") === "left";
        const padded = last ? cell : pad(cell, widths[i]!, columns[i]!.align ?? "left");
        return decorate ? decorate(padded, i) : padded;
      })
      .join(" ".repeat(GAP))
      .trimEnd();
  const head = line(headers, undefined, (s, i) => (i === markedColumn ? style.bold(s) : style.dim(s)));
  const body = cells.map((c, r) => line(c, (s, i) => columns[i]!.paint?.(s, rows[r]!) ?? s));
  return [head, ...body].join("\n");
}
