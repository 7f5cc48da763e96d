// Reading EC2 Query-protocol parameters (form fields such as `Filter.1.Name`,
// `Filter.1.Value.2`, `TagSpecification.1.Tag.1.Key`) into plain values.
import { SimError } from "./sim-error.js";

export type Params = Record<string, string>;

export interface FilterParam {
  name: string;
  values: string[];
}

export interface TagSpecParam {
  resourceType: string;
  tags: Map<string, string>;
}

/** The indices N present under `prefix.N` (or `prefix.N.…`), in numeric order. */
export function indices(p: Params, prefix: string): number[] {
  const seen = new Set<number>();
  const start = prefix + ".";
  for (const key of Object.keys(p)) {
    if (!key.startsWith(start)) continue;
    const rest = key.slice(start.length);
    const dot = rest.indexOf(".");
    const n = Number(dot < 0 ? rest : rest.slice(0, dot));
    if (Number.isInteger(n) && n > 0) seen.add(n);
  }
  return [...seen].sort((a, b) => a - b);
}

/** `prefix.1`, `prefix.2`, … as a list of strings. */
export function list(p: Params, prefix: string): string[] {
  return indices(p, prefix)
    .map((n) => p[`${prefix}.${n}`])
    .filter((v): v is string => v !== undefined);
}

export function filters(p: Params, prefix = "Filter"): FilterParam[] {
  return indices(p, prefix).map((n) => ({
    name: p[`${prefix}.${n}.Name`] ?? "",
    values: list(p, `${prefix}.${n}.Value`),
  }));
}

export function tagList(p: Params, prefix: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const n of indices(p, prefix)) {
    const key = p[`${prefix}.${n}.Key`];
    if (key === undefined) continue;
    tags.set(key, p[`${prefix}.${n}.Value`] ?? "");
  }
  return tags;
}

export function tagSpecs(p: Params, prefix = "TagSpecification"): TagSpecParam[] {
  return indices(p, prefix).map((n) => ({
    resourceType: p[`${prefix}.${n}.ResourceType`] ?? "",
    tags: tagList(p, `${prefix}.${n}.Tag`),
  }));
}

export function bool(p: Params, key: string): boolean | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  return v === "true";
}

export function int(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw SimError.invalidParameterValue(`Invalid value '${v}' for ${key}`);
  return n;
}

export function required(p: Params, key: string): string {
  const v = p[key];
  if (v === undefined || v === "") throw new SimError("MissingParameter", `The request must contain the parameter ${key}`);
  return v;
}

/** The parameters under `prefix.` with the prefix removed (e.g. LaunchTemplateData.*). */
export function sub(p: Params, prefix: string): Params {
  const out: Params = {};
  const start = prefix + ".";
  for (const [k, v] of Object.entries(p)) if (k.startsWith(start)) out[k.slice(start.length)] = v;
  return out;
}
