// Every package the code imports is declared in package.json: the tool's own code (src/, bin/)
// only from "dependencies" (what `npm install ec2-workshop-manager` installs), tests and scripts
// from either list. A package that only happens to be installed (hoisted from a dependency's
// dependencies) would vanish the day that dependency drops it.
import { readFileSync, readdirSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { expect } from "chai";
import { PACKAGE_ROOT } from "../../src/home.js";

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The source files in a folder of the package, or the one file named. */
function sourceFiles(path: string): string[] {
  if (/\.(ts|mjs|js)$/.test(path)) return [join(PACKAGE_ROOT, path)];
  return readdirSync(join(PACKAGE_ROOT, path), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mjs|js)$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath, e.name));
}

/** Module specifiers in static imports/exports, import(), require() and require.resolve(). */
function specifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"/gms,
    /^\s*import\s*"([^"]+)"/gm,
    /\bimport\(\s*"([^"]+)"\s*\)/g,
    /\brequire(?:\.resolve)?\(\s*"([^"]+)"\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

/** "@scope/name/sub.js" -> "@scope/name"; "name/sub" -> "name"; relative and node: builtins -> undefined. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  if (builtinModules.includes(specifier.split("/")[0]!)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** This file's own examples are not imports. */
const SELF = /test[/\\]unit[/\\]dependencies\.test\.[tj]s$/;

function undeclared(dirs: string[], declared: Record<string, string>): string[] {
  const missing = new Set<string>();
  for (const file of dirs.flatMap(sourceFiles).filter((f) => !SELF.test(f))) {
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      const name = packageOf(spec);
      if (name && !(name in declared)) missing.add(`${name} (${file.slice(PACKAGE_ROOT.length + 1)})`);
    }
  }
  return [...missing].sort();
}

describe("declared dependencies", () => {
  it("finds the specifiers of every import form", () => {
    const src = [
      'import { a } from "pkg-a";',
      'import type {\n  B,\n} from "@scope/b/sub.js";',
      'export { c } from "./local.js";',
      'import "side-effect";',
      'const d = await import("pkg-d");',
      'require.resolve("pkg-e/package.json"); require("pkg-f");',
      'const text = "not from \\"here\\"";',
    ].join("\n");
    expect(specifiers(src).sort()).to.deep.equal(["./local.js", "@scope/b/sub.js", "pkg-a", "pkg-d", "pkg-e/package.json", "pkg-f", "side-effect"]);
    expect(packageOf("@scope/b/sub.js")).to.equal("@scope/b");
    expect(packageOf("semver/functions/gte.js")).to.equal("semver");
    expect(packageOf("node:fs")).to.equal(undefined);
    expect(packageOf("fs")).to.equal(undefined);
  });

  it("the tool's code imports only packages in \"dependencies\"", () => {
    expect(undeclared(["src", "bin"], pkg.dependencies)).to.deep.equal([]);
  });

  it("tests, scripts and the lint config import only declared packages", () => {
    expect(undeclared(["test", "scripts", "eslint.config.js"], { ...pkg.dependencies, ...pkg.devDependencies })).to.deep.equal([]);
  });
});
