// The layers of src/, checked on its import graph (static, dynamic and type-only
// imports alike: a type import still ties one layer to another): the EC2 logic (instances/),
// the AWS plumbing (aws/), the Pulumi side (workshops/) and the preflight (preflight/) run
// without a terminal, so they never import ui/ or commands/; ui/ renders for the commands and
// never imports them.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect } from "chai";
import { PACKAGE_ROOT } from "../../src/home.js";

const SRC = join(PACKAGE_ROOT, "src");

/** src-relative path ("instances/list.ts") -> the src-relative files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath, e.name));
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)"(\.{1,2}\/[^"]+)"/gm;
  for (const file of files) {
    const targets = [...readFileSync(file, "utf8").matchAll(specifier)].map((m) =>
      relative(SRC, resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts"))),
    );
    graph.set(relative(SRC, file), [...new Set(targets)]);
  }
  return graph;
}

const graph = importGraph();

function violations(from: string[], to: string[]): string[] {
  const inLayer = (file: string, layers: string[]): boolean => layers.some((l) => file.startsWith(`${l}/`));
  return [...graph]
    .filter(([file]) => inLayer(file, from))
    .flatMap(([file, targets]) => targets.filter((t) => inLayer(t, to)).map((t) => `${file} -> ${t}`));
}

/** Every import cycle, each as the files on it (found once, from its smallest file name). */
function cycles(): string[][] {
  const found = new Map<string, string[]>();
  const walk = (start: string, node: string, path: string[]): void => {
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const key = [...path].sort().join(" ");
        if (!found.has(key)) found.set(key, [...path]);
      } else if (next > start && !path.includes(next)) walk(start, next, [...path, next]);
    }
  };
  for (const file of [...graph.keys()].sort()) walk(file, file, [file]);
  return [...found.values()];
}

describe("layers: the import graph of src/", () => {
  it("sees the imports it checks (static, dynamic and type-only)", () => {
    expect(graph.get("instances/list.ts")).to.include.members(["instances/backoff.ts", "clock.ts"]);
    expect(graph.get("commands/instances/workshop-instances.ts")).to.include.members(["ui/choose-workshop.ts", "instances/session.ts"]);
    expect(graph.get("entry.ts")).to.include("cli.ts");
  });

  it("instances/, aws/, workshops/ and preflight/ never import ui/ or commands/", () => {
    expect(violations(["instances", "aws", "workshops", "preflight"], ["ui", "commands"])).to.deep.equal([]);
  });

  it("ui/ never imports commands/", () => {
    expect(violations(["ui"], ["commands"])).to.deep.equal([]);
  });

  it("has no import cycle", () => {
    expect(cycles().map((c) => c.join(" -> "))).to.deep.equal([]);
  });
});
