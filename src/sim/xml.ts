// Hand-built XML, the way EC2 writes it. Every function returns already-rendered text; only
// `el` takes raw values, and it escapes them, so nothing unescaped can reach the output.
// A carriage return as a character reference: a raw one would be read back as a line feed (XML
// normalises line ends), and a tag value must come back as it was set.
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;" };

const NEEDS_ESCAPE = /[&<>"'\r]/;

export function escapeXml(s: string): string {
  // Most values (ids, states, addresses) need nothing: skip the replace for them.
  return NEEDS_ESCAPE.test(s) ? s.replace(/[&<>"'\r]/g, (c) => ESCAPES[c]!) : s;
}

/** `<name>value</name>`, or nothing when the value is undefined. */
export function el(name: string, value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return "";
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>children</name>` from already-rendered children. */
export function node(name: string, ...children: string[]): string {
  return `<${name}>${children.join("")}</${name}>`;
}

/** An EC2 list: `<name><item>…</item>…</name>` (always present, possibly empty). */
export function set(name: string, items: readonly string[]): string {
  let out = `<${name}>`;
  for (const i of items) out += `<item>${i}</item>`;
  return out + `</${name}>`;
}

/** A list of plain strings: `<name><item>v</item>…</name>` (e.g. a security group id set). */
export function valueSet(name: string, values: readonly string[], itemChild?: string): string {
  return set(
    name,
    values.map((v) => (itemChild ? el(itemChild, v) : escapeXml(v))),
  );
}

export function tagSet(tags: ReadonlyMap<string, string> | Record<string, string>, name = "tagSet"): string {
  const entries = tags instanceof Map ? [...tags.entries()] : Object.entries(tags);
  return set(
    name,
    entries.map(([k, v]) => el("key", k) + el("value", v)),
  );
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
