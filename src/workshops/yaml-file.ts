// Reading the YAML files of a workshop directory (Pulumi.yaml, stacks/Pulumi.<name>.yaml) with
// limits: a size cap before parsing, a nesting-depth and alias cap while parsing, and a cap on
// the values the document expands to. js-yaml keeps an alias as a shared reference, so a
// "billion laughs" file parses small but explodes when dumped or copied: refused here, as one line.
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { UserError } from "../errors.js";

// js-yaml is loaded when a settings file is first read or written, not by --help.
type JsYaml = typeof import("js-yaml");
let jsYaml: JsYaml | undefined;
export const yaml = (): JsYaml => (jsYaml ??= createRequire(import.meta.url)("js-yaml") as JsYaml);

/** Settings files are a few hundred bytes; anything this large is not one. */
export const MAX_YAML_BYTES = 256 * 1024;
/** Values (scalars, lists, maps) a document may expand to, aliases counted each time they are used. */
export const MAX_YAML_VALUES = 20_000;
const MAX_ALIASES = 100;
const MAX_DEPTH = 32;

/** Counts what `doc` expands to (aliases are shared objects), stopping early past the cap. */
function expandedSize(doc: unknown, cap: number): number {
  const sizes = new Map<object, number>();
  const onPath = new Set<object>();
  const size = (v: unknown): number => {
    if (v === null || typeof v !== "object") return 1;
    const known = sizes.get(v);
    if (known !== undefined) return known;
    if (onPath.has(v)) return Infinity; // a value that contains itself
    onPath.add(v);
    let n = 1;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      n += size(child);
      if (n > cap) break;
    }
    onPath.delete(v);
    sizes.set(v, n);
    return n;
  };
  return size(doc);
}

/** Parses one YAML document within the limits above; every problem is one UserError line naming the file. */
export function parseYamlDocument(text: string, file: string): unknown {
  if (Buffer.byteLength(text) > MAX_YAML_BYTES)
    throw new UserError(`${file} is larger than ${MAX_YAML_BYTES / 1024} KiB, which no settings file is. Check or recreate it.`);
  let doc: unknown;
  try {
    doc = yaml().load(text, { maxAliases: MAX_ALIASES, maxDepth: MAX_DEPTH, filename: file });
  } catch (err) {
    const reason = ((err as Error).message ?? String(err)).split("\n")[0]!.replace(/^YAMLException: /, "");
    throw new UserError(`${file} is not valid YAML (${reason}). Fix or recreate it.`);
  }
  if (expandedSize(doc, MAX_YAML_VALUES) > MAX_YAML_VALUES)
    throw new UserError(
      `${file} expands to more than ${MAX_YAML_VALUES} values through YAML aliases (*name): remove the aliases (settings need none), or recreate the file.`,
    );
  return doc;
}

/** Reads a small YAML file (size checked before reading) and parses it; ENOENT is passed through. */
export async function readYamlFile(file: string): Promise<unknown> {
  const info = await stat(file);
  if (!info.isFile()) throw new UserError(`${file} is not a file. Remove or recreate it.`);
  if (info.size > MAX_YAML_BYTES)
    throw new UserError(`${file} is larger than ${MAX_YAML_BYTES / 1024} KiB, which no settings file is. Check or recreate it.`);
  return parseYamlDocument(await readFile(file, "utf8"), file);
}
