// A plain text table: aligned columns, header row, optional marked (sorted) column.
import { visibleWidth, type Style } from "./style.js";

export interface Column<Row> {
  header: string;
  value: (row: Row, index: number) => string;
  align?: "left" | "right";
}

export interface TableOptions {
  style: Style;
  /** Index of the column to mark (the sorted column): bold header with an arrow. */
  markedColumn?: number;
  indent?: string;
}

function pad(s: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - visibleWidth(s)));
  return align === "right" ? fill + s : s + fill;
}

export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[], options: TableOptions): string {
  const { style, markedColumn, indent = "" } = options;
  const headers = columns.map((c, i) => (i === markedColumn ? `${c.header} ▾` : c.header));
  const cells = rows.map((row, r) => columns.map((c) => c.value(row, r)));
  const widths = columns.map((_, i) => Math.max(visibleWidth(headers[i]!), ...cells.map((line) => visibleWidth(line[i]!))));
  const line = (values: string[], decorate?: (s: string, i: number) => string): string =>
    indent +
    values
      .map((v, i) => {
        const padded = pad(v, widths[i]!, columns[i]!.align ?? "left");
        return decorate ? decorate(padded, i) : padded;
      })
      .join("  ")
      .trimEnd();
  const head = line(headers, (s, i) => (i === markedColumn ? style.bold(s) : style.dim(s)));
  return [head, ...cells.map((c) => line(c))].join("\n");
}
