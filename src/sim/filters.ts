// EC2 filter semantics: a resource matches when, for every filter, one of its values matches
// one of the filter's values (values may use the * and ? wildcards). Unknown filter names fail
// the request as EC2 does; more than 200 values in one call is FilterLimitExceeded.
import type { FilterParam } from "./params.js";
import { SimError } from "./sim-error.js";

/** EC2's limit on filter values in one request: more fail with FilterLimitExceeded (Amazon EC2 API Reference, DescribeInstances). */
export const MAX_FILTER_VALUES = 200;

/** The values a resource has for a filter name; undefined = this filter does not exist here. */
export type FilterValues = (name: string) => readonly string[] | undefined;

export interface CompiledFilter {
  name: string;
  test: (candidate: string) => boolean;
}

const globCache = new Map<string, (s: string) => boolean>();

function compileValue(v: string): (s: string) => boolean {
  let f = globCache.get(v);
  if (f) return f;
  if (!/[*?]/.test(v)) f = (s) => s === v;
  else {
    const re = new RegExp(
      "^" + v.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$",
      "s",
    );
    f = (s) => re.test(s);
  }
  if (globCache.size > 10_000) globCache.clear();
  globCache.set(v, f);
  return f;
}

export function compileFilters(filters: readonly FilterParam[], known: (name: string) => boolean): CompiledFilter[] {
  let total = 0;
  for (const f of filters) total += f.values.length;
  if (total > MAX_FILTER_VALUES)
    throw new SimError(
      "FilterLimitExceeded",
      `The maximum number of filter values specified on a single call is ${MAX_FILTER_VALUES}`,
    );
  return filters.map((f) => {
    if (!f.name) throw new SimError("InvalidParameterValue", "The filter 'null' is invalid");
    if (!known(f.name)) throw new SimError("InvalidParameterValue", `The filter '${f.name}' is invalid`);
    if (f.values.length === 0)
      throw new SimError("InvalidParameterValue", `The filter '${f.name}' must have at least one value`);
    const tests = f.values.map(compileValue);
    return { name: f.name, test: (s: string) => tests.some((t) => t(s)) };
  });
}

export function matches(compiled: readonly CompiledFilter[], values: FilterValues): boolean {
  for (const f of compiled) {
    const have = values(f.name);
    if (!have || !have.some(f.test)) return false;
  }
  return true;
}

/** Filter names shared by every tagged resource: tag:<key>, tag-key, tag-value. */
export function tagFilterValues(tags: ReadonlyMap<string, string>, name: string): readonly string[] | undefined {
  if (name.startsWith("tag:")) {
    const v = tags.get(name.slice(4));
    return v === undefined ? [] : [v];
  }
  if (name === "tag-key") return [...tags.keys()];
  if (name === "tag-value") return [...tags.values()];
  return undefined;
}

export function isTagFilter(name: string): boolean {
  return name.startsWith("tag:") || name === "tag-key" || name === "tag-value";
}
