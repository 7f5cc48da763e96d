// Price List GetProducts (a JSON-protocol service): the products of the simulator's price table
// that match every filter, each a JSON string as the real API returns them, paginated.
import { priceTable } from "../price-table.js";
import { SimError } from "../sim-error.js";
import { stringField, type JsonContext } from "./json.js";

interface Filter {
  type: string;
  field: string;
  value: string;
}

function readFilters(input: Record<string, unknown>): Filter[] {
  const raw = input.Filters ?? [];
  if (!Array.isArray(raw)) throw new SimError("InvalidParameterException", "Filters must be a list.");
  return raw.map((f: Record<string, unknown>) => {
    const type = String(f?.Type ?? "");
    if (!["TERM_MATCH", "EQUALS", "CONTAINS", "ANY_OF", "NONE_OF"].includes(type))
      throw new SimError("InvalidParameterException", `Invalid filter type: ${type}. Valid types are TERM_MATCH, EQUALS, CONTAINS, ANY_OF, NONE_OF.`);
    return { type, field: String(f?.Field ?? ""), value: String(f?.Value ?? "") };
  });
}

function matches(f: Filter, actual: string | undefined): boolean {
  // The Price List compares attribute values without regard to case.
  const a = (actual ?? "").toLowerCase();
  const v = f.value.toLowerCase();
  switch (f.type) {
    case "CONTAINS":
      return actual !== undefined && a.includes(v);
    case "ANY_OF":
      return actual !== undefined && v.split(",").map((s) => s.trim()).includes(a);
    case "NONE_OF":
      return !v.split(",").map((s) => s.trim()).includes(a);
    default:
      return actual !== undefined && a === v;
  }
}

export function getProducts(ctx: JsonContext): unknown {
  const serviceCode = stringField(ctx.input, "ServiceCode");
  if (serviceCode !== "AmazonEC2") throw new SimError("NotFoundException", `Service ${serviceCode} is not found.`);
  const filters = readFilters(ctx.input);
  const maxResults = ctx.input.MaxResults === undefined ? 100 : Number(ctx.input.MaxResults);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)
    throw new SimError("InvalidParameterException", "MaxResults must be between 1 and 100.");
  const hits = priceTable().filter((p) => filters.every((f) => matches(f, p.fields[f.field])));
  const start = ctx.input.NextToken === undefined ? 0 : Number(Buffer.from(String(ctx.input.NextToken), "base64").toString("utf8"));
  if (!Number.isInteger(start) || start < 0) throw new SimError("InvalidNextTokenException", "The pagination token is invalid. Try again without a pagination token.");
  const end = Math.min(hits.length, start + maxResults);
  return {
    FormatVersion: "aws_v1",
    PriceList: hits.slice(start, end).map((p) => p.json),
    ...(end < hits.length ? { NextToken: Buffer.from(String(end)).toString("base64") } : {}),
  };
}
